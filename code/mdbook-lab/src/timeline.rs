//! `{{#timeline ID STRATEGY}}`: what ran when, in a run of experiment `ID`'s `STRATEGY`
//! recorded after its rounds, drawn as an inline SVG: one lane per thread, process or task,
//! coloured spans, a time axis in milliseconds, a legend, and a `<title>` and `<desc>` that
//! say in words what the picture shows.
//!
//! ```text
//! {{#timeline gil-switch gil-threads}}
//! ```
//! When the strategy was traced at several values of the experiment's x axis (switch
//! intervals, worker counts), every value's picture is baked in, and a row of radio buttons
//! switches between them (`theme/lab-timeline.js`; without scripts, all are shown). Each is a
//! recording: nothing is interpolated.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::{Result, anyhow, bail};
use lab_results::{Experiment, Span, SpanKind, Trace, TraceLane, Traces};

use crate::format::{self, Kind, escape};
use crate::registry::Directive;

/// `{{#timeline ID STRATEGY}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "timeline",
    usage: "{{#timeline ID STRATEGY}}",
    becomes: "a recorded run of that configuration as an SVG timeline, one lane per thread, \
              process or task, with a switch between the values it was recorded at",
    render: |lab, argument| {
        let mut words = argument.split_whitespace();
        let (Some(id), Some(strategy), None) = (words.next(), words.next(), words.next()) else {
            bail!(
                "write it as `{{{{#timeline ID STRATEGY}}}}`, not `{{{{#timeline {argument}}}}}`"
            );
        };
        let results = lab.results()?;
        let experiment = lab.fresh(results, id)?;
        let traces = Traces::load(&Traces::path(lab.results_path(), id))?;
        if traces.run != experiment.run_id() {
            bail!(
                "the traces of `{id}` are from another run ({}) than its results ({}); run \
                 `cargo xtask bench {id}`",
                traces.run,
                experiment.run_id()
            );
        }
        render(id, strategy, experiment, &traces)
    },
};

const WIDTH: f64 = 640.0;
/// Room on the left for the lanes' names.
const LABEL_WIDTH: f64 = 124.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 8.0;
const LANE_HEIGHT: f64 = 18.0;
const LANE_GAP: f64 = 8.0;
const AXIS_HEIGHT: f64 = 30.0;
const LEGEND_HEIGHT: f64 = 22.0;

/// Okabe–Ito colours, as the charts use: told apart with colour-blindness, on light and dark.
fn colour(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Running => "#009E73",
        SpanKind::WaitingForGil => "#E69F00",
        SpanKind::BlockedInIo => "#56B4E9",
        SpanKind::Idle => "#999999",
    }
}

/// The figure for `strategy`'s traces in `id`.
pub(crate) fn render(
    id: &str,
    strategy: &str,
    experiment: &Experiment,
    traces: &Traces,
) -> Result<String> {
    let mut chosen: Vec<&Trace> = traces
        .traces
        .iter()
        .filter(|t| t.strategy == strategy)
        .collect();
    if chosen.is_empty() {
        let traced: Vec<&str> = traces.traces.iter().map(|t| t.strategy.as_str()).collect();
        return Err(anyhow!(
            "{id} has no timeline of `{strategy}`; it recorded: {}",
            if traced.is_empty() {
                "none".to_string()
            } else {
                dedup(traced).join(", ")
            }
        ));
    }
    chosen.sort_by_key(|t| t.x(&experiment.x));
    let name = format!("tl-{}-{}", slug(id), slug(strategy));
    let mut html = format!("<figure class=\"lab-timeline\" id=\"{name}\">");
    let _ = write!(
        html,
        "<figcaption>Timeline: {} — {} <span class=\"lab-workload\">(one run, recorded \
         after the rounds)</span></figcaption>",
        escape(&experiment.title),
        escape(strategy)
    );
    if chosen.len() > 1 {
        html.push_str(&switch(&name, &experiment.x_label, experiment, &chosen));
    }
    html.push_str("<div class=\"lab-timeline-pictures\">");
    for trace in &chosen {
        let x = trace.x(&experiment.x);
        let _ = write!(
            html,
            "<div class=\"lab-timeline-picture\" data-x=\"{x}\">{}</div>",
            svg(&format!("{name}-{x}"), experiment, trace)
        );
    }
    html.push_str("</div>");
    let _ = write!(
        html,
        "<p class=\"lab-machine\">{}</p></figure>",
        overhead(experiment, &chosen)
    );
    html.push('\n');
    Ok(html)
}

/// The radio buttons that choose which value's picture shows.
fn switch(name: &str, label: &str, experiment: &Experiment, chosen: &[&Trace]) -> String {
    let mut html = format!(
        "<fieldset class=\"lab-timeline-switch\"><legend>{}</legend>",
        escape(label)
    );
    for (i, trace) in chosen.iter().enumerate() {
        let x = trace.x(&experiment.x);
        let _ = write!(
            html,
            "<label><input type=\"radio\" name=\"{name}\" value=\"{x}\"{}> {x}</label>",
            if i == 0 { " checked" } else { "" }
        );
    }
    html.push_str("</fieldset>");
    html
}

/// How much slower the recorded runs were than the medians of their configurations.
fn overhead(experiment: &Experiment, chosen: &[&Trace]) -> String {
    let unit = Kind::Unit(&experiment.unit);
    let runs: Vec<String> = chosen
        .iter()
        .map(|t| {
            let of = match t.recorded_runs {
                0 | 1 => String::new(),
                n => format!(" (the nearest to the median of {n} recorded runs)"),
            };
            format!(
                "{} recorded{of} against a median of {} unrecorded",
                format::one(t.traced_value, unit),
                format::one(t.untraced_median, unit)
            )
        })
        .collect();
    let dropped: u64 = chosen.iter().map(|t| t.dropped).sum();
    let mut text = format!(
        "Each picture is a run of the configuration recorded after the measured rounds: {}.",
        runs.join("; ")
    );
    if dropped > 0 {
        let _ = write!(
            text,
            " {dropped} spans did not fit their lanes and are missing."
        );
    }
    escape(&text)
}

/// One trace as an inline SVG.
fn svg(dom_id: &str, experiment: &Experiment, trace: &Trace) -> String {
    let duration = trace.duration_ns.max(1) as f64;
    let lanes = trace.lanes.len() as f64;
    let plot_bottom = TOP + lanes * (LANE_HEIGHT + LANE_GAP);
    let height = plot_bottom + AXIS_HEIGHT + LEGEND_HEIGHT;
    let scale = (WIDTH - LABEL_WIDTH - RIGHT) / duration;
    let x_of = |ns: u64| LABEL_WIDTH + ns as f64 * scale;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{dom_id}-t \
         {dom_id}-d\" font-family=\"sans-serif\" font-size=\"12\">\
         <title id=\"{dom_id}-t\">{}</title><desc id=\"{dom_id}-d\">{}</desc>",
        escape(&title(experiment, trace)),
        escape(&describe(trace))
    );
    for (i, lane) in trace.lanes.iter().enumerate() {
        let y = TOP + i as f64 * (LANE_HEIGHT + LANE_GAP);
        let _ = write!(
            svg,
            "<text x=\"4\" y=\"{:.1}\" fill=\"currentColor\">{}</text>\
             <line x1=\"{LABEL_WIDTH}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" \
             stroke=\"currentColor\" stroke-opacity=\"0.25\"/>",
            y + LANE_HEIGHT * 0.72,
            escape(&lane.label),
            WIDTH - RIGHT,
            y + LANE_HEIGHT / 2.0,
            y + LANE_HEIGHT / 2.0
        );
        for span in merged(lane, 0.5 / scale) {
            let x = x_of(span.start_ns);
            let w = ((span.end_ns - span.start_ns) as f64 * scale).max(0.5);
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{LANE_HEIGHT}\" \
                 fill=\"{}\"/>",
                colour(span.kind)
            );
        }
    }
    svg.push_str(&axis(plot_bottom, trace.duration_ns, x_of));
    svg.push_str(&legend(plot_bottom + AXIS_HEIGHT, trace));
    svg.push_str("</svg>");
    svg
}

/// The spans of `lane`, with touching spans of one kind joined (gaps under `tolerance_ns`),
/// so that a thread that ran twelve tasks in a row is one rectangle, not twelve.
fn merged(lane: &TraceLane, tolerance_ns: f64) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(lane.spans.len());
    for span in &lane.spans {
        match out.last_mut() {
            Some(last)
                if last.kind == span.kind
                    && span.start_ns as f64 <= last.end_ns as f64 + tolerance_ns =>
            {
                last.end_ns = last.end_ns.max(span.end_ns);
            }
            _ => out.push(*span),
        }
    }
    out
}

/// The time axis: a line and ticks at a round step, labelled in milliseconds.
fn axis(y: f64, duration_ns: u64, x_of: impl Fn(u64) -> f64) -> String {
    let ms = duration_ns as f64 / 1e6;
    let step = nice_step(ms / 6.0);
    let mut svg = format!(
        "<line x1=\"{LABEL_WIDTH}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\"/>",
        WIDTH - RIGHT
    );
    let mut tick = 0.0;
    while tick <= ms + step * 1e-9 {
        let x = x_of((tick * 1e6) as u64);
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{y:.1}\" y2=\"{:.1}\" stroke=\"currentColor\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"currentColor\">{} ms</text>",
            y + 4.0,
            y + 17.0,
            tick_label(tick, step)
        );
        tick += step;
    }
    svg
}

/// 1, 2 or 5 times a power of ten, at least `rough`.
fn nice_step(rough: f64) -> f64 {
    let power = 10f64.powf(rough.max(1e-9).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power)
}

/// A tick's label with as many decimals as its step needs.
fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil() as usize
    };
    format!("{value:.decimals$}")
}

/// The kinds the trace shows, each as a swatch and its name.
fn legend(y: f64, trace: &Trace) -> String {
    let mut svg = String::new();
    let mut x = LABEL_WIDTH;
    for kind in kinds_in(trace) {
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" fill=\"currentColor\">{}</text>",
            y + 4.0,
            colour(kind),
            x + 16.0,
            y + 14.0,
            kind.describe()
        );
        x += 28.0 + 6.5 * kind.describe().len() as f64;
    }
    svg
}

fn kinds_in(trace: &Trace) -> Vec<SpanKind> {
    SpanKind::ALL
        .into_iter()
        .filter(|k| {
            trace
                .lanes
                .iter()
                .any(|l| l.spans.iter().any(|s| s.kind == *k))
        })
        .collect()
}

/// The picture's title: which experiment, strategy and value.
fn title(experiment: &Experiment, trace: &Trace) -> String {
    format!(
        "Timeline of {}, {}, {} {}",
        experiment.title,
        trace.strategy,
        experiment.x_label,
        trace.x(&experiment.x)
    )
}

/// What the picture shows, in words: each lane's share of the run in each state, and how
/// often it started running.
fn describe(trace: &Trace) -> String {
    let total = trace.duration_ns.max(1) as f64;
    let mut text = format!(
        "{} lanes over {}.",
        trace.lanes.len(),
        format::one(trace.duration_ns as f64 / 1e9, Kind::Unit("s"))
    );
    for lane in &trace.lanes {
        let mut by_kind: BTreeMap<SpanKind, u64> = BTreeMap::new();
        for span in &lane.spans {
            *by_kind.entry(span.kind).or_default() += span.end_ns - span.start_ns;
        }
        let shares: Vec<String> = by_kind
            .iter()
            .map(|(kind, ns)| {
                format!(
                    "{} {}",
                    kind.describe(),
                    format::one(*ns as f64 / total, Kind::Percent)
                )
            })
            .collect();
        let runs = merged(lane, 0.0)
            .iter()
            .filter(|s| s.kind == SpanKind::Running)
            .count();
        let _ = write!(
            text,
            " {}: {} of the time; it started running {runs} time{}.",
            lane.label,
            shares.join(", "),
            if runs == 1 { "" } else { "s" }
        );
    }
    text
}

/// `text` fit for an HTML id.
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn dedup(mut names: Vec<&str>) -> Vec<&str> {
    let mut seen = Vec::new();
    names.retain(|n| {
        let new = !seen.contains(n);
        seen.push(*n);
        new
    });
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab_results::{TRACE_SCHEMA, fixture};

    fn span(start_ns: u64, end_ns: u64, kind: SpanKind) -> Span {
        Span {
            start_ns,
            end_ns,
            kind,
        }
    }

    fn trace(switch_us: u64) -> Trace {
        Trace {
            strategy: "gil-threads".into(),
            workers: 2,
            tasks: 2,
            params: [("switch_us".to_string(), switch_us)].into(),
            duration_ns: 10_000_000,
            traced_value: 0.0101,
            recorded_runs: 3,
            untraced_median: 0.01,
            dropped: 0,
            lanes: vec![
                TraceLane {
                    label: "thread 1".into(),
                    spans: vec![
                        span(0, 2_500_000, SpanKind::Running),
                        span(2_500_000, 5_000_000, SpanKind::Running),
                        span(5_000_000, 10_000_000, SpanKind::WaitingForGil),
                    ],
                },
                TraceLane {
                    label: "<thread 2>".into(),
                    spans: vec![
                        span(0, 5_000_000, SpanKind::WaitingForGil),
                        span(5_000_000, 10_000_000, SpanKind::Running),
                    ],
                },
            ],
        }
    }

    fn experiment() -> Experiment {
        let mut e = fixture::experiment(vec![]);
        e.x = "switch_us".into();
        e.x_label = "switch interval (µs)".into();
        e
    }

    fn traces(values: &[u64]) -> Traces {
        Traces {
            schema: TRACE_SCHEMA,
            experiment: "gil-switch".into(),
            run: experiment().run_id(),
            traces: values.iter().map(|&v| trace(v)).collect(),
        }
    }

    #[test]
    fn one_trace_is_one_picture_with_words_for_it() {
        let html = render("gil-switch", "gil-threads", &experiment(), &traces(&[500])).unwrap();
        assert!(
            !html.contains("lab-timeline-switch"),
            "one value needs no switch"
        );
        assert_eq!(html.matches("<svg ").count(), 1);
        assert!(html.contains("role=\"img\""));
        assert!(html.contains("<title id=\"tl-gil-switch-gil-threads-500-t\">"));
        // Thread 1's two touching running spans are drawn as one rectangle: four spans in
        // all, and the legend's two swatches.
        assert_eq!(html.matches("<rect ").count(), 4 + 2, "{html}");
        assert!(
            html.contains(
                "thread 1: running 50%, waiting for the GIL 50% of the time; it started \
                 running 1 time."
            ),
            "{html}"
        );
        assert!(html.contains("&lt;thread 2&gt;"), "labels are escaped");
        assert!(html.contains(">10 ms</text>"), "{html}");
        assert!(
            html.contains(
                "10.1 ms recorded (the nearest to the median of 3 recorded runs) against a \
                 median of 10.0 ms"
            ),
            "{html}"
        );
        assert!(
            !html.contains("\n\n"),
            "a blank line would end the HTML block"
        );
    }

    #[test]
    fn several_values_get_a_switch_and_a_picture_each() {
        let html = render(
            "gil-switch",
            "gil-threads",
            &experiment(),
            &traces(&[5000, 500]),
        )
        .unwrap();
        assert!(
            html.contains("<legend>switch interval (µs)</legend>"),
            "{html}"
        );
        assert!(
            html.contains("value=\"500\" checked> 500</label>"),
            "sorted, first chosen"
        );
        assert!(html.contains("value=\"5000\"> 5000</label>"));
        assert!(html.contains("data-x=\"500\"") && html.contains("data-x=\"5000\""));
        assert_eq!(html.matches("<svg ").count(), 2);
    }

    #[test]
    fn an_untraced_strategy_names_the_traced_ones() {
        let err = render("gil-switch", "serial", &experiment(), &traces(&[500, 5000]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "gil-switch has no timeline of `serial`; it recorded: gil-threads"
        );
    }

    #[test]
    fn ticks_fall_on_round_values() {
        assert_eq!(nice_step(1.4), 2.0);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(nice_step(13.0), 20.0);
        assert_eq!(tick_label(0.15, 0.05), "0.15");
        assert_eq!(tick_label(20.0, 20.0), "20");
    }
}
