//! `{{#bench ID}}`: an experiment as a table, a chart and the machine it was measured on.
//!
//! ```text
//! {{#bench cpu-bound}}
//! ```
//! becomes
//! ```text
//! <figure class="lab-bench" id="bench-cpu-bound">
//!   <figcaption>title</figcaption>
//!   <table class="lab-bench-table">… one row per strategy and x, each figure with its 95% interval …</table>
//!   <div class="lab-chart"><svg …></div>
//!   <ul class="lab-notes">…</ul>
//!   <p class="lab-sampling">how many rounds, how tight the intervals got</p>
//!   <p class="lab-machine">Measured on …, its ceiling, how much the host stole</p>
//!   <details class="lab-reference">… one per reference run that measured it (see `reference`) …</details>
//! </figure>
//! ```
//! The HTML has no blank line, so Markdown keeps it as one block.

use std::fmt::Write;

use lab_results::{Estimate, Experiment, Machine, Metric, Point};

use crate::format::{self, Kind, escape};
use crate::naming;
use crate::registry::Directive;
use crate::{chart, reference};

/// `{{#bench ID}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "bench",
    usage: "{{#bench ID}}",
    becomes: "the experiment's table, each figure with its 95% interval; its chart; how its \
              rounds went; and the machine it was measured on",
    render: |lab, id| {
        let results = lab.results()?;
        let experiment = lab.fresh(results, id)?;
        let references = reference::beside(lab.reference_runs()?, id);
        Ok(render(id, experiment, &references))
    },
};

/// The whole figure for experiment `id`, with `references` (the reference runs' HTML) last
/// inside it, so that they read as part of this figure, not as a figure of their own.
pub(crate) fn render(id: &str, experiment: &Experiment, references: &str) -> String {
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
    if !experiment.series.is_empty() {
        let _ = write!(
            html,
            "<p class=\"lab-sampling\">{}</p>",
            sampling_line(experiment)
        );
    }
    let _ = write!(
        html,
        "<p class=\"lab-machine\">{}</p>",
        machine_line(experiment)
    );
    html
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
    for point in &experiment.series {
        html.push_str(&row(experiment, point, &extras));
    }
    if experiment.series.is_empty() {
        html.push_str(
            "<tr><td class=\"lab-na\" colspan=\"3\">not measured on this machine: see the notes below</td></tr>",
        );
    }
    html.push_str("</tbody></table></div>");
    html
}

fn has_ceiling_share(experiment: &Experiment) -> bool {
    experiment.baseline.is_some() && experiment.ceiling.is_some()
}

fn row(experiment: &Experiment, point: &Point, extras: &[String]) -> String {
    let unit = experiment.unit.as_str();
    let mut html = String::from("<tr>");
    let _ = write!(
        html,
        "<td>{}</td><td>{}</td>{}",
        escape(&point.strategy),
        format::count(experiment.x_of(point)),
        cell(Some(&point.value.estimate), Kind::Unit(unit))
    );
    if experiment.baseline.is_some() {
        html.push_str(&cell(point.speedup.as_ref(), Kind::Ratio));
    }
    if has_ceiling_share(experiment) {
        html.push_str(&cell(point.ceiling_share.as_ref(), Kind::Percent));
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
    html
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
}
