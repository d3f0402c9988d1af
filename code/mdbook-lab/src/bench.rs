//! `{{#bench ID}}`: an experiment as a table, a chart and the machine it was measured on.
//! `{{#bench ID: STRATEGY…}}` shows only those strategies' rows, for a page that discusses a
//! few of them, and links to the page that shows the whole table.
//!
//! ```text
//! {{#bench cpu-bound}}
//! {{#bench spawn-cost: spawn process}}
//! ```
//! becomes
//! ```text
//! <figure class="lab-bench" id="bench-cpu-bound">
//!   <figcaption>title</figcaption>
//!   <table class="lab-bench-table">… one row per strategy and x, each figure with its 95% interval …</table>
//!   <div class="lab-chart"><svg …></div>
//!   <ul class="lab-notes">…</ul>
//!   <details class="lab-how"><summary>the ceiling the table was read against, the rounds,
//!     the machine, in one line</summary>
//!     <p class="lab-sampling">how many rounds, how tight the intervals got</p>
//!     <p class="lab-machine">Measured on …, the suite's calibration, how much the host stole</p>
//!   </details>
//!   <details class="lab-reference">… one per reference run that measured it (see `reference`) …</details>
//! </figure>
//! ```
//! The HTML has no blank line, so Markdown keeps it as one block.

use std::fmt::Write;

use lab_results::{Estimate, Experiment, Machine, Metric, Point};

use crate::format::{self, Kind, escape};
use crate::naming;
use crate::registry::Directive;
use crate::{chart, directive, reference};

/// `{{#bench ID}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "bench",
    usage: "{{#bench ID[: STRATEGY…]}}",
    becomes: "the experiment's table, each figure with its 95% interval; its chart; how its \
              rounds went; and the machine it was measured on (with strategies named, only \
              their rows, and a link to the whole table)",
    render: |lab, argument| {
        let (id, only) = directive::split_id(argument);
        let only: Vec<&str> = only.map_or_else(Vec::new, |o| o.split_whitespace().collect());
        let results = lab.results()?;
        let experiment = lab.fresh(results, id)?;
        if only.is_empty() {
            let references = reference::beside(lab.reference_runs()?, id);
            return Ok(render(id, experiment, "", &references));
        }
        let whole = lab.shown().and_then(|shown| shown.whole.get(id));
        render_only(id, experiment, &only, whole)
    },
};

/// The figure with only the rows of `only`, and a line saying so that links to `whole`, the
/// page with the whole table, where the book has one.
fn render_only(
    id: &str,
    experiment: &Experiment,
    only: &[&str],
    whole: Option<&directive::Page>,
) -> anyhow::Result<String> {
    let strategies = experiment.strategies();
    if let Some(unknown) = only.iter().find(|s| !strategies.contains(s)) {
        anyhow::bail!(
            "{{{{#bench {id}: …}}}} names `{unknown}`, which {id} did not measure; it has {}",
            strategies.join(", ")
        );
    }
    let mut part = experiment.clone();
    part.series
        .retain(|point| only.contains(&point.strategy.as_str()));
    let where_whole = whole.map_or_else(
        || " of the whole table".to_string(),
        |page| {
            format!(
                "; the whole table is in <a href=\"{}#bench-{}\">{}</a>",
                escape(&page.href),
                escape(id),
                escape(&page.title)
            )
        },
    );
    let line = format!(
        "<p class=\"lab-only\">Only the rows of {}{where_whole}.</p>",
        only.iter()
            .map(|s| format!("<code>{}</code>", escape(s)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(render(id, &part, &line, ""))
}

/// The whole figure for experiment `id`: `lead` (HTML) under its caption, and `references`
/// (the reference runs' HTML) last inside it, so that they read as part of this figure, not
/// as a figure of their own.
pub(crate) fn render(id: &str, experiment: &Experiment, lead: &str, references: &str) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<figure class=\"lab-bench\" id=\"bench-{}\">",
        escape(id)
    );
    let _ = write!(
        html,
        "<figcaption>{} <span class=\"lab-workload\">({})</span></figcaption>",
        escape(&experiment.title),
        escape(&experiment.workload)
    );
    html.push_str(lead);
    html.push_str(&table(experiment));
    // An experiment that could not run here (a tool missing) has no points: its notes say why.
    if !experiment.series.is_empty() {
        let _ = write!(
            html,
            "<div class=\"lab-chart\">{}</div>",
            chart::svg(id, experiment)
        );
    }
    html.push_str(&how_it_was_measured(experiment));
    html.push_str(references);
    html.push_str("</figure>\n");
    html
}

/// What a reader needs to trust the table: its notes, how the rounds went, and the machine.
/// A reference run shows the same, under its own table.
pub(crate) fn how_it_was_measured(experiment: &Experiment) -> String {
    let mut html = String::new();
    if !experiment.notes.is_empty() {
        html.push_str("<ul class=\"lab-notes\">");
        for note in &experiment.notes {
            let _ = write!(html, "<li>{}</li>", escape(note));
        }
        html.push_str("</ul>");
    }
    // Folded: a reader checks how a table was measured sometimes, not at every table. The
    // summary keeps the one figure the table is read against: its own ceiling.
    let _ = write!(
        html,
        "<details class=\"lab-how\"><summary>{}</summary>",
        summary_line(experiment)
    );
    if !experiment.series.is_empty() {
        let _ = write!(
            html,
            "<p class=\"lab-sampling\">{}</p>",
            sampling_line(experiment)
        );
    }
    let _ = write!(
        html,
        "<p class=\"lab-machine\">{}</p></details>",
        machine_line(experiment)
    );
    html
}

/// The one line a reader sees under a table: the ceiling it was read against (a CPU-bound
/// experiment's own), then the rounds and the machine, briefly.
pub(crate) fn summary_line(experiment: &Experiment) -> String {
    let machine = &experiment.machine;
    let mut parts = Vec::new();
    if let Some(own) = &experiment.ceiling {
        parts.push(format!(
            "Read against a parallel ceiling of {}, measured in these rounds",
            format::estimate(&own.estimate, Kind::Ratio)
        ));
    }
    if !experiment.series.is_empty() {
        parts.push(format!("{} rounds", experiment.sampling.rounds));
    }
    parts.push(format!(
        "{} logical CPUs, {} suite, {}",
        machine.logical_cpus,
        escape(&machine.mode),
        escape(day(machine))
    ));
    format!("{}. How it was measured", parts.join(" · "))
}

/// The day `machine` measured on, `2026-11-22`, without the time of day.
pub(crate) fn day(machine: &Machine) -> &str {
    machine.date.get(..10).unwrap_or(&machine.date)
}

/// How the rounds went: how many, and whether the intervals reached the target.
pub(crate) fn sampling_line(experiment: &Experiment) -> String {
    let s = &experiment.sampling;
    let target = format::one(s.target, Kind::Percent);
    let precision = match s.reached {
        Some(reached) if reached <= s.target => {
            format!("every interval came within ±{target} of its median, the target")
        }
        Some(reached) => format!(
            "the {:.0} s budget ran out with the widest interval at ±{} of its median \
             (target ±{target})",
            s.budget_s,
            format::one(reached, Kind::Percent)
        ),
        None => "a median of zero has no interval relative to it".to_string(),
    };
    format!(
        "{} interleaved rounds, each running every configuration once in a shuffled order \
         (seed {}), after {} warm-up round{}; figures in brackets are 95% intervals; {precision}.",
        s.rounds,
        s.seed,
        s.warmup_rounds,
        if s.warmup_rounds == 1 { "" } else { "s" }
    )
}

/// The line under every bench: which machine, its ceiling with its interval, how much the
/// host stole while the experiment ran, the mode and the date.
pub(crate) fn machine_line(experiment: &Experiment) -> String {
    let machine = &experiment.machine;
    let date = day(machine);
    let mut line = format!(
        "Measured on {} ({} logical CPUs, {}, {}); {} suite, {}. ",
        escape(&machine.cpu),
        machine.logical_cpus,
        escape(&machine.os),
        escape(&machine.rustc),
        escape(&machine.mode),
        escape(date)
    );
    let calibration = format::estimate(&machine.parallel_ceiling, Kind::Ratio);
    match &experiment.ceiling {
        Some(own) => {
            let _ = write!(
                line,
                "Parallel ceiling {} ({} busy threads vs one), measured in this experiment's \
                 own rounds; the suite's calibration read {calibration}.",
                format::estimate(&own.estimate, Kind::Ratio),
                machine.logical_cpus
            );
        }
        None => {
            let _ = write!(
                line,
                "Measured parallel ceiling {calibration} ({} busy threads vs one).",
                machine.logical_cpus
            );
        }
    }
    line.push_str(&noise(machine));
    line
}

/// What disturbed the run: steal time, and `--disturb`.
fn noise(machine: &Machine) -> String {
    let mut text = match machine.steal {
        Some(steal) => format!(
            " The host stole {:.1}% of CPU time while it ran.",
            steal * 100.0
        ),
        None => " This kernel does not report how much CPU time the host stole.".to_string(),
    };
    if machine.disturbed {
        text.push_str(
            " Measured with --disturb: a background thread spun on one CPU in random bursts \
             of 50–500 ms.",
        );
    }
    text
}

/// The table of every point, each figure with its interval. A reference run's is the same.
pub(crate) fn table(experiment: &Experiment) -> String {
    let extras = extra_metrics(experiment);
    // mdBook's table-wrapper scrolls a wide table sideways on a narrow screen.
    let mut html =
        String::from("<div class=\"table-wrapper\"><table class=\"lab-bench-table\"><thead><tr>");
    let _ = write!(
        html,
        "<th>Strategy</th><th>{}</th><th>Median</th>",
        escape(&experiment.x_label)
    );
    if let Some(baseline) = &experiment.baseline {
        let _ = write!(html, "<th>Speedup vs {}</th>", escape(baseline));
    }
    if has_ceiling_share(experiment) {
        html.push_str(
            "<th title=\"speedup ÷ min(workers, ceiling), round by round\">% of ceiling</th>",
        );
    }
    for key in &extras {
        let name = naming::metric_name(experiment, &Metric::Extra(key.clone()));
        let _ = write!(html, "<th>{}</th>", escape(&capitalized(&name)));
    }
    html.push_str("</tr></thead><tbody>");
    let mut past_the_ceiling = false;
    for point in &experiment.series {
        let (cells, past) = row(experiment, point, &extras);
        html.push_str(&cells);
        past_the_ceiling |= past;
    }
    if experiment.series.is_empty() {
        html.push_str(
            "<tr><td class=\"lab-na\" colspan=\"3\">not measured on this machine: see the notes below</td></tr>",
        );
    }
    html.push_str("</tbody></table></div>");
    if past_the_ceiling {
        let _ = write!(html, "<p class=\"lab-over-note\">{PAST_THE_CEILING}</p>");
    }
    html
}

/// The mark on a figure that passes what the machine can give, and what it means.
const PAST_MARK: &str = "<span class=\"lab-over\" title=\"past what the machine can give: \
                         see the note under the table\">*</span>";

/// The note under a table that has a [`PAST_MARK`]: why a share can pass 100%.
const PAST_THE_CEILING: &str = "* Past what the machine can give: over 100% of the ceiling, or \
    a speedup beyond the number of CPUs. Each figure is a ratio taken within one round, and a \
    round whose one-thread run, or whose measurement of the ceiling, the host slowed down gives \
    a ratio above what the machine can really do. Read such a figure as \"at the ceiling\".";

fn has_ceiling_share(experiment: &Experiment) -> bool {
    experiment.baseline.is_some() && experiment.ceiling.is_some()
}

/// One row of the table, and whether a figure in it passed what the machine can give.
fn row(experiment: &Experiment, point: &Point, extras: &[String]) -> (String, bool) {
    let unit = experiment.unit.as_str();
    let mut html = String::from("<tr>");
    let mut past = false;
    let _ = write!(
        html,
        "<td>{}</td><td>{}</td>{}",
        escape(&point.strategy),
        format::count(experiment.x_of(point)),
        cell(Some(&point.value.estimate), Kind::Unit(unit))
    );
    if experiment.baseline.is_some() {
        let cpus = experiment.machine.logical_cpus as f64;
        let over = experiment.cpu_bound && reaches_past(point.speedup.as_ref(), cpus);
        html.push_str(&marked(cell(point.speedup.as_ref(), Kind::Ratio), over));
        past |= over;
    }
    if has_ceiling_share(experiment) {
        let over = reaches_past(point.ceiling_share.as_ref(), 1.0);
        html.push_str(&marked(
            cell(point.ceiling_share.as_ref(), Kind::Percent),
            over,
        ));
        past |= over;
    }
    for key in extras {
        let metric = Metric::Extra(key.clone());
        let estimate = experiment.estimate(point, &metric);
        html.push_str(&cell(
            estimate.as_ref(),
            naming::kind_of(experiment, &metric),
        ));
    }
    html.push_str("</tr>");
    (html, past)
}

/// Whether `estimate` (its median, or the top of its interval) passes `limit`, by more than
/// the rounding a table shows.
fn reaches_past(estimate: Option<&Estimate>, limit: f64) -> bool {
    estimate.is_some_and(|e| {
        let top = e.interval.map_or(e.median, |[_, high]| high);
        top > limit * 1.005
    })
}

/// A cell with [`PAST_MARK`] after its median, if `over`.
fn marked(cell: String, over: bool) -> String {
    const INTERVAL: &str = " <span class=\"lab-ci\">";
    match (over, cell.find(INTERVAL)) {
        (true, Some(at)) => format!("{}{PAST_MARK}{}", &cell[..at], &cell[at..]),
        _ => cell,
    }
}

/// One figure with its interval, or a dash where there is none (no baseline at this size).
fn cell(estimate: Option<&Estimate>, kind: Kind<'_>) -> String {
    match estimate {
        Some(e) => match format::estimate_parts(e, kind) {
            (median, Some(interval)) => {
                format!("<td>{median} <span class=\"lab-ci\">{interval}</span></td>")
            }
            (median, None) => format!("<td>{median}</td>"),
        },
        None => "<td class=\"lab-na\" title=\"not measured at this size\">—</td>".to_string(),
    }
}

/// Extra metric names, in first-seen order.
fn extra_metrics(experiment: &Experiment) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for point in &experiment.series {
        for key in point.extra.keys() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    keys
}

/// `name` with its first letter in capitals, as a column header starts.
fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use lab_results::fixture;

    use super::*;

    #[test]
    fn headers_name_metrics_and_numbers_read_with_separators() {
        let point = fixture::uniform("threads", 2, 10_000, 1.0);
        let mut e = fixture::experiment(vec![fixture::with_extra(point, "pss_bytes", 45_600.0)]);
        e.x = "tasks".into();
        e.baseline = None;
        e.ceiling = None;
        fixture::declare(&mut e, "pss_bytes", "PSS per task", "B");
        let html = table(&e);
        assert!(html.contains("<th>PSS per task</th>"), "{html}");
        assert!(!html.contains("pss_bytes"), "a key on the page: {html}");
        assert!(html.contains("<td>10,000</td>"), "{html}");
        assert!(html.contains("<td>45.6 kB "), "the contract's unit: {html}");
    }

    #[test]
    fn one_ceiling_in_the_line_under_the_table_and_the_rest_folded() {
        let e = fixture::experiment(vec![
            fixture::uniform("serial", 1, 8, 1.0),
            fixture::uniform("rayon", 2, 8, 0.9),
        ]);
        let html = how_it_was_measured(&e);
        let summary = &html[html.find("<summary>").unwrap()..html.find("</summary>").unwrap()];
        assert!(
            summary.contains("Read against a parallel ceiling of 1.20× [1.20–1.20]"),
            "{summary}"
        );
        assert!(
            !summary.contains("calibration"),
            "one ceiling only: {summary}"
        );
        assert!(
            html.contains("the suite's calibration read"),
            "folded: {html}"
        );
    }

    #[test]
    fn a_share_past_the_ceiling_is_marked_and_explained() {
        // rayon ×2 is 1.5× faster than serial; the fixture's ceiling is 1.2, so 125% of it.
        let e = fixture::experiment(vec![
            fixture::uniform("serial", 1, 8, 1.0),
            fixture::uniform("rayon", 2, 8, 1.0 / 1.5),
        ]);
        let html = table(&e);
        assert!(html.contains("<td>125%<span class=\"lab-over\""), "{html}");
        assert!(
            html.contains("<p class=\"lab-over-note\">* Past what the machine can give"),
            "{html}"
        );
        let within = table(&fixture::experiment(vec![
            fixture::uniform("serial", 1, 8, 1.0),
            fixture::uniform("rayon", 2, 8, 0.9),
        ]));
        assert!(!within.contains("lab-over"), "{within}");
    }

    #[test]
    fn a_bench_shown_again_keeps_the_rows_it_names_and_links_to_the_whole() {
        let e = fixture::experiment(vec![
            fixture::uniform("serial", 1, 8, 1.0),
            fixture::uniform("rayon", 2, 8, 0.9),
            fixture::uniform("threads", 2, 8, 0.8),
        ]);
        let whole = crate::directive::Page {
            title: "Threads".into(),
            href: "04-threads.html".into(),
        };
        let html = render_only("cpu-bound", &e, &["serial", "threads"], Some(&whole)).unwrap();
        assert!(
            html.contains("<td>threads</td>") && html.contains("<td>serial</td>"),
            "{html}"
        );
        assert!(!html.contains("<td>rayon</td>"), "{html}");
        assert!(
            html.contains(
                "the whole table is in <a href=\"04-threads.html#bench-cpu-bound\">Threads</a>"
            ),
            "{html}"
        );
        let err = render_only("cpu-bound", &e, &["tokio"], None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "names `tokio`, which cpu-bound did not measure; it has serial, rayon, threads"
            ),
            "{err}"
        );
    }
}
