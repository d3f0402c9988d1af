//! The SVG chart of a `{{#bench}}`, drawn with plotters' SVG backend (no fonts needed: text
//! stays `<text>` for the browser to render).
//!
//! CPU-bound experiments plot speedup over the baseline against x, under a dashed line for
//! what the machine can attain: `min(workers, ceiling)`, with the ceiling measured in the
//! experiment's own rounds. Others plot the median in a fitting time unit. Each point carries
//! its 95% interval as an error bar. Plotters draws in black; that black becomes
//! `currentColor` so the chart takes the theme's text colour in light and dark themes alike.

use lab_results::{Estimate, Experiment};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::format::{self, Kind, escape};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 340;

/// Okabe–Ito colours: distinguishable with colour-blindness, readable on light and dark.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x72, 0xB2),
];

/// One line on the chart.
struct Line {
    label: String,
    points: Vec<(f64, f64)>,
    /// Each point's 95% interval, `(x, low, median, high)`, where it has one.
    intervals: Vec<(f64, f64, f64, f64)>,
    dashed: bool,
}

/// What the chart shows, before choosing linear or logarithmic axes.
struct Figure {
    y_label: String,
    x_label: String,
    lines: Vec<Line>,
    /// The values are speedups, read against the ceiling line.
    speedups: bool,
    /// The unit of the y values when they are times (`ms`).
    unit: String,
    /// The ceiling the dashed "attainable" line is drawn at, if there is one.
    ceiling: Option<f64>,
}

/// The chart as an inline `<svg>` element.
pub(crate) fn svg(id: &str, experiment: &Experiment) -> String {
    let figure = figure(experiment);
    let (x_min, x_max) = bounds(
        figure
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.0)),
    );
    let (y_min, y_max) = bounds(figure.lines.iter().flat_map(|l| {
        l.points.iter().map(|p| p.1).chain(
            l.intervals
                .iter()
                .flat_map(|&(_, low, _, high)| [low, high]),
        )
    }));
    // Values spread over two orders of magnitude get a logarithmic axis, or the small ones
    // (an idle thread's 90 µs beside a convoy's 50 ms, a contended lock's 0.003× speedup
    // beside a local count's 1.6×) would all sit on the zero line. Speedups that stay within
    // that range keep a linear axis from zero, the natural way to read them.
    let spread = |lo: f64, hi: f64| lo > 0.0 && hi / lo >= 50.0;
    let x_log = spread(x_min, x_max);
    let y_log = spread(y_min, y_max);
    let pad = ((x_max - x_min) * 0.03).max(0.1);
    let x_linear = (x_min - pad)..(x_max + pad);
    let x_logarithmic = (x_min..x_max).log_scale();
    // Headroom above the data for the legend, which sits in the upper left: the share of the
    // plot its entries take, kept free of data on either kind of axis.
    let legend = legend_share(figure.lines.len());
    let y_linear = 0.0..(y_max / (1.0 - legend)).max(f64::MIN_POSITIVE);
    let y_bottom = y_min * 0.6;
    let y_top = y_max * (y_max / y_bottom).powf(legend / (1.0 - legend));
    let y_logarithmic = (y_bottom..y_top).log_scale();
    let mut svg = String::new();
    let drawn = match (x_log, y_log) {
        (true, true) => draw(&mut svg, &figure, x_logarithmic, y_logarithmic),
        (true, false) => draw(&mut svg, &figure, x_logarithmic, y_linear),
        (false, true) => draw(&mut svg, &figure, x_linear, y_logarithmic),
        (false, false) => draw(&mut svg, &figure, x_linear, y_linear),
    };
    if let Err(err) = drawn {
        // A chart that cannot be drawn must not pass silently; the table is still exact.
        return format!(
            "<p class=\"lab-chart-error\">chart for {} could not be drawn: {}</p>",
            escape(id),
            escape(&err)
        );
    }
    // No blank lines: Markdown would end the surrounding HTML block at the first one.
    let svg: String = svg
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let dom_id = format!("chart-{}", slug(id));
    let svg = svg.replace("#000000", "currentColor").replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-labelledby=\"{dom_id}-t {dom_id}-d\" "),
        1,
    );
    // The text alternative goes first inside the element, as SVG wants its <title>.
    let Some(open_end) = svg.find('>') else {
        return svg;
    };
    format!(
        "{}<title id=\"{dom_id}-t\">Chart: {}</title><desc id=\"{dom_id}-d\">{}</desc>{}",
        &svg[..=open_end],
        escape(&experiment.title),
        escape(&describe(&figure)),
        &svg[open_end + 1..]
    )
}

/// What the chart shows, in words: each line's values, and the dashed line.
fn describe(figure: &Figure) -> String {
    let kind = if figure.speedups {
        Kind::Ratio
    } else {
        Kind::Unit(figure.unit.as_str())
    };
    let mut text = format!("{} against {}.", figure.y_label, figure.x_label);
    for line in figure.lines.iter().filter(|l| !l.dashed) {
        let points: Vec<String> = line
            .points
            .iter()
            .map(|&(x, y)| format!("{} at {x}", format::one(y, kind)))
            .collect();
        text.push_str(&format!(" {}: {}.", line.label, points.join(", ")));
    }
    if let Some(ceiling) = figure.ceiling {
        text.push_str(&format!(
            " The dashed line is what the machine can attain: min(workers, the measured \
             ceiling of {}).",
            format::one(ceiling, Kind::Ratio)
        ));
    }
    text
}

/// `text` fit for an HTML id.
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn figure(experiment: &Experiment) -> Figure {
    let mut lines = Vec::new();
    let speedups = experiment.cpu_bound && experiment.baseline.is_some();
    let (scale, unit) = time_scale(experiment);
    for strategy in experiment.strategies() {
        let mut measured: Vec<(f64, Estimate)> = experiment
            .series
            .iter()
            .filter(|p| p.strategy == strategy)
            .filter_map(|p| {
                let y = if speedups {
                    p.speedup?
                } else {
                    scaled(&p.value.estimate, scale)
                };
                Some((experiment.x_of(p) as f64, y))
            })
            .collect();
        measured.sort_by(|a, b| a.0.total_cmp(&b.0));
        if !measured.is_empty() {
            lines.push(Line {
                label: strategy.to_string(),
                points: measured.iter().map(|(x, e)| (*x, e.median)).collect(),
                intervals: measured
                    .iter()
                    .filter_map(|(x, e)| e.interval.map(|[low, high]| (*x, low, e.median, high)))
                    .collect(),
                dashed: false,
            });
        }
    }
    if speedups {
        let ceiling = experiment.ceiling_median();
        let xs: Vec<f64> = lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.0))
            .collect();
        let (lo, hi) = bounds(xs.into_iter());
        let steps = 64;
        let points = (0..=steps)
            .map(|i| lo + (hi - lo) * f64::from(i) / f64::from(steps))
            .map(|x| (x, x.min(ceiling).max(1.0)))
            .collect();
        lines.push(Line {
            label: "attainable: min(workers, measured ceiling)".into(),
            points,
            intervals: vec![],
            dashed: true,
        });
    }
    Figure {
        y_label: if speedups {
            format!(
                "speedup over {}",
                experiment.baseline.as_deref().unwrap_or("baseline")
            )
        } else {
            format!("median ({unit})")
        },
        x_label: experiment.x_label.clone(),
        lines,
        speedups,
        unit,
        ceiling: speedups.then(|| experiment.ceiling_median()),
    }
}

/// `estimate` multiplied by `scale`, interval and all.
fn scaled(estimate: &Estimate, scale: f64) -> Estimate {
    Estimate {
        median: estimate.median * scale,
        interval: estimate
            .interval
            .map(|[low, high]| [low * scale, high * scale]),
    }
}

/// A factor and unit for the medians so the y axis reads 0–200 ms rather than 0–0.2 s, and
/// 0–30 M msg/s rather than 0–30000000 msg/s.
fn time_scale(experiment: &Experiment) -> (f64, String) {
    let largest = experiment
        .series
        .iter()
        .map(|p| p.value.estimate.median)
        .fold(0.0, f64::max);
    if experiment.unit != "s" {
        let (factor, prefix) = crate::format::large_scale(largest);
        return (factor, crate::format::prefixed(prefix, &experiment.unit));
    }
    match largest {
        v if v >= 1.0 => (1.0, "s".into()),
        v if v >= 1e-3 => (1e3, "ms".into()),
        _ => (1e6, "µs".into()),
    }
}

/// Height of the plot area in pixels: the chart less its margins and x label area.
const PLOT_HEIGHT: f64 = (HEIGHT - 2 * 12 - 40) as f64;

/// The share of the plot's height that a legend of `entries` lines needs, with a margin.
fn legend_share(entries: usize) -> f64 {
    let pixels = 20.0 + 17.0 * entries as f64;
    (pixels / PLOT_HEIGHT).clamp(0.3, 0.7)
}

/// How many x labels to ask plotters for: one per whole number when the axis spans a few,
/// so that 1, 2 and 4 are all labelled; otherwise one per measured value.
fn x_label_count(xs: &[f64]) -> usize {
    let (lo, hi) = bounds(xs.iter().copied());
    let whole = xs.iter().all(|x| x.fract() == 0.0);
    if whole && hi - lo <= 11.0 {
        (hi - lo) as usize + 1
    } else {
        xs.len().clamp(2, 12)
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

fn draw<X, Y>(svg: &mut String, figure: &Figure, x: X, y: Y) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let mut xs: Vec<f64> = figure
        .lines
        .iter()
        .filter(|l| !l.dashed)
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .margin_right(36)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(x, y)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(figure.x_label.as_str())
        .y_desc(figure.y_label.as_str())
        // x values are counts: label them as whole numbers, one label per measured value
        // when there are few.
        .x_labels(x_label_count(&xs))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.06))
        .bold_line_style(BLACK.mix(0.15))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, line) in figure.lines.iter().enumerate() {
        let colour = if line.dashed {
            BLACK.mix(0.6)
        } else {
            PALETTE[i % PALETTE.len()].mix(1.0)
        };
        let style = colour.stroke_width(2);
        if line.dashed {
            chart
                .draw_series(DashedLineSeries::new(line.points.clone(), 6, 4, style))
                .map_err(|e| e.to_string())?
                .label(line.label.as_str())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
        } else {
            // Past six lines the colours repeat, so a line of the second round of colours is
            // marked with triangles, not circles, here and in the legend.
            let triangles = i >= PALETTE.len();
            let marker = move |at: (i32, i32)| -> DynElement<'static, SVGBackend, (i32, i32)> {
                if triangles {
                    TriangleMarker::new(at, 5, colour.filled()).into_dyn()
                } else {
                    Circle::new(at, 3, colour.filled()).into_dyn()
                }
            };
            chart
                .draw_series(LineSeries::new(line.points.clone(), style))
                .map_err(|e| e.to_string())?
                .label(line.label.as_str())
                .legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + PathElement::new([(0, 0), (18, 0)], style)
                        + marker((9, 0))
                });
            chart
                .draw_series(
                    line.points
                        .iter()
                        .map(|&p| EmptyElement::at(p) + marker((0, 0))),
                )
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(line.intervals.iter().map(|&(x, low, median, high)| {
                    ErrorBar::new_vertical(x, low, median, high, colour, 6)
                }))
                .map_err(|e| e.to_string())?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 13))
        .background_style(TRANSPARENT)
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}
