//! `{{#bench ID}}`: an experiment as a table, a chart and the machine it was measured on.
//!
//! ```text
//! {{#bench cpu-bound}}
//! ```
//! becomes
//! ```text
//! <figure class="lab-bench" id="bench-cpu-bound">
//!   <figcaption>title</figcaption>
//!   <table class="lab-bench-table">… one row per strategy and x …</table>
//!   <div class="lab-chart"><svg …></div>
//!   <ul class="lab-notes">…</ul>
//!   <p class="lab-machine">Measured on …</p>
//! </figure>
//! ```
//! The HTML has no blank line, so Markdown keeps it as one block.

use std::fmt::Write;

use lab::results::{Experiment, Machine, Point};

use crate::chart;
use crate::format::{self, escape};

/// The whole figure for experiment `id`.
pub(crate) fn render(id: &str, experiment: &Experiment, machine: &Machine) -> String {
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
    html.push_str(&table(experiment, machine));
    // An experiment that could not run here (a tool missing) has no points: its notes say why.
    if !experiment.series.is_empty() {
        let _ = write!(
            html,
            "<div class=\"lab-chart\">{}</div>",
            chart::svg(id, experiment, machine)
        );
    }
    if !experiment.notes.is_empty() {
        html.push_str("<ul class=\"lab-notes\">");
        for note in &experiment.notes {
            let _ = write!(html, "<li>{}</li>", escape(note));
        }
        html.push_str("</ul>");
    }
    let _ = write!(
        html,
        "<p class=\"lab-machine\">{}</p>",
        machine_line(machine)
    );
    html.push_str("</figure>\n");
    html
}

/// The one line under every bench: which machine, its measured ceiling, the mode, the date.
pub(crate) fn machine_line(machine: &Machine) -> String {
    let date = machine.date.get(..10).unwrap_or(&machine.date);
    format!(
        "Measured on {} ({} logical CPUs, {}, {}); measured parallel ceiling {} \
         ({} busy threads vs one); {} suite; {}.",
        escape(&machine.cpu),
        machine.logical_cpus,
        escape(&machine.os),
        escape(&machine.rustc),
        format::ratio(machine.parallel_ceiling),
        machine.logical_cpus,
        escape(&machine.mode),
        escape(date)
    )
}

fn table(experiment: &Experiment, machine: &Machine) -> String {
    let extras = extra_metrics(experiment);
    let has_baseline = experiment.baseline.is_some();
    // mdBook's table-wrapper scrolls a wide table sideways on a narrow screen.
    let mut html =
        String::from("<div class=\"table-wrapper\"><table class=\"lab-bench-table\"><thead><tr>");
    let _ = write!(
        html,
        "<th>Strategy</th><th>{}</th><th>Median</th><th>Min–max</th>",
        escape(&experiment.x_label)
    );
    if has_baseline {
        let baseline = experiment.baseline.as_deref().unwrap_or_default();
        let _ = write!(html, "<th>Speedup vs {}</th>", escape(baseline));
    }
    if experiment.cpu_bound {
        html.push_str(
            "<th title=\"speedup ÷ min(workers, measured parallel ceiling)\">% of ceiling</th>",
        );
    }
    for key in &extras {
        let _ = write!(html, "<th>{}</th>", escape(key));
    }
    html.push_str("</tr></thead><tbody>");
    for point in &experiment.series {
        html.push_str(&row(experiment, machine, point, &extras));
    }
    if experiment.series.is_empty() {
        html.push_str(
            "<tr><td class=\"lab-na\" colspan=\"4\">not measured on this machine: see the notes below</td></tr>",
        );
    }
    html.push_str("</tbody></table></div>");
    html
}

fn row(experiment: &Experiment, machine: &Machine, point: &Point, extras: &[String]) -> String {
    let unit = &experiment.unit;
    let mut html = String::from("<tr>");
    let _ = write!(
        html,
        "<td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td>",
        escape(&point.strategy),
        experiment.x_of(point),
        format::value(point.median, unit),
        format::value(point.min, unit),
        format::value(point.max, unit)
    );
    let speedup = experiment.speedup(point);
    if experiment.baseline.is_some() {
        match speedup {
            Some(s) => {
                let _ = write!(html, "<td>{}</td>", format::ratio(s));
            }
            None => html.push_str(
                "<td class=\"lab-na\" title=\"the baseline was not measured at this size\">—</td>",
            ),
        }
    }
    if experiment.cpu_bound {
        match speedup {
            Some(s) => {
                let share = s / machine.attainable_speedup(point.workers);
                let _ = write!(html, "<td>{}</td>", format::percent(share));
            }
            None => html.push_str("<td class=\"lab-na\">—</td>"),
        }
    }
    for key in extras {
        match point.extra.get(key) {
            Some(v) => {
                let _ = write!(
                    html,
                    "<td>{}</td>",
                    format::value(*v, extra_unit(key, unit))
                );
            }
            None => html.push_str("<td class=\"lab-na\">—</td>"),
        }
    }
    html.push_str("</tr>");
    html
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

/// Extra metrics named like the experiment's own statistics (`p90`, `…_s`) share its unit;
/// the rest are counts.
pub(crate) fn extra_unit<'u>(key: &str, unit: &'u str) -> &'u str {
    if key.starts_with('p') && key[1..].chars().all(|c| c.is_ascii_digit()) || key.ends_with("_s") {
        unit
    } else {
        ""
    }
}
