//! How numbers read on the page: times in a unit that fits, ratios with two decimals, shares
//! in percent, and each median with its 95% interval in the median's unit.

use lab_results::Estimate;

/// `text` with HTML's special characters escaped, so that it shows as text.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

/// A whole number with thousands separated: `10,000,000`, as a reader writes it.
pub(crate) use lab_results::grouped as count;

/// What kind of quantity a number is, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind<'u> {
    /// A speedup: `1.18×`, and below 0.01 how many times slower (`256× slower`).
    Ratio,
    /// One quantity over another, such as two strategies' times: `0.0082×`. Never "slower",
    /// since a small ratio of times means faster.
    Multiple,
    /// A share: `93%`.
    Percent,
    /// A value in a unit: `s` is scaled to ms, µs or ns; any other unit (`msg/s`, `B`, or
    /// `""` for a count) gets a k, M or G prefix from 10 000 up (decimal: 1 MB is 10⁶ bytes).
    Unit(&'u str),
}

/// One number: `1.18×`, `93%`, `45.6 ms`, `17.0`, `12.3 M msg/s`.
pub(crate) fn one(value: f64, kind: Kind<'_>) -> String {
    let (number, unit) = parts(value, value, kind);
    join(&number, &unit)
}

/// A median and its interval, both in the median's unit: `45.6 ms [44.2–47.5]`,
/// `1.98× [1.93–2.01]`. Without an interval, the median alone.
pub(crate) fn estimate(e: &Estimate, kind: Kind<'_>) -> String {
    match estimate_parts(e, kind) {
        (median, Some(interval)) => format!("{median} {interval}"),
        (median, None) => median,
    }
}

/// [`estimate`] in two parts, the median and the bracketed interval, for a page that sets
/// them apart.
pub(crate) fn estimate_parts(e: &Estimate, kind: Kind<'_>) -> (String, Option<String>) {
    let interval = e.interval.map(|[low, high]| {
        let (low, _) = parts(low, e.median, kind);
        let (high, _) = parts(high, e.median, kind);
        // "N× slower" turns the order round: the larger ratio is the smaller slowdown.
        let (low, high) = if slower(e.median, kind) {
            (high, low)
        } else {
            (low, high)
        };
        format!("[{low}–{high}]")
    });
    (one(e.median, kind), interval)
}

/// A range in one unit, chosen by its upper end: `1.93–2.01×`, `44.2–47.5 ms`.
pub(crate) fn range(low: f64, high: f64, kind: Kind<'_>) -> String {
    let reference = if high.is_finite() { high } else { low };
    let (low, unit) = parts(low, reference, kind);
    let (high, _) = parts(high, reference, kind);
    let (low, high) = if slower(reference, kind) {
        (high, low)
    } else {
        (low, high)
    };
    join(&format!("{low}–{high}"), &unit)
}

/// Below this, a ratio reads as how many times slower (`256× slower`), not as `0.0039×`.
const SLOWER_BELOW: f64 = 0.01;

/// Whether a ratio near `reference` is written as a slowdown.
fn slower(reference: f64, kind: Kind<'_>) -> bool {
    kind == Kind::Ratio && reference > 0.0 && reference < SLOWER_BELOW
}

/// `value` as a number in the unit `reference` calls for, and that unit's suffix.
fn parts(value: f64, reference: f64, kind: Kind<'_>) -> (String, String) {
    match kind {
        Kind::Ratio if slower(reference, kind) && value > 0.0 => {
            (three_significant(1.0 / value), "× slower".into())
        }
        Kind::Ratio | Kind::Multiple => (ratio(value), "×".into()),
        // `+ 0.0` turns a rounded -0 into 0, so a share just below zero reads `0%`, not `-0%`.
        Kind::Percent => (format!("{:.0}", (value * 100.0).round() + 0.0), "%".into()),
        Kind::Unit("s") => {
            let (factor, unit) = seconds_scale(reference);
            (three_significant(value * factor), unit.into())
        }
        Kind::Unit(unit) => {
            let (factor, prefix) = large_scale(reference);
            (three_significant(value * factor), prefixed(prefix, unit))
        }
    }
}

/// A ratio with two decimals, or two significant digits below 0.1, so that a contended
/// lock's `0.0035×` does not read as `0.00×`.
fn ratio(value: f64) -> String {
    let size = value.abs();
    if size == 0.0 || size >= 0.1 || !size.is_finite() {
        return format!("{value:.2}");
    }
    let decimals = (-size.log10()).ceil() as usize + 1;
    format!("{value:.decimals$}")
}

/// `unit` with an SI `prefix`: `M msg/s`, `MB/s` (bytes take the prefix as one word, as
/// everyone writes them), `k` for a count.
pub(crate) fn prefixed(prefix: &str, unit: &str) -> String {
    match (prefix, unit) {
        ("", unit) | (unit, "") => unit.to_string(),
        (prefix, unit) if unit.starts_with('B') => format!("{prefix}{unit}"),
        (prefix, unit) => format!("{prefix} {unit}"),
    }
}

/// The factor and SI prefix that keep a large count or rate readable: `12.3 M`, not
/// `12345678`. Below 10 000 a number is written whole.
pub(crate) fn large_scale(value: f64) -> (f64, &'static str) {
    match value.abs() {
        v if v >= 1e9 => (1e-9, "G"),
        v if v >= 1e6 => (1e-6, "M"),
        v if v >= 1e4 => (1e-3, "k"),
        _ => (1.0, ""),
    }
}

fn join(number: &str, unit: &str) -> String {
    match unit {
        "" => number.to_string(),
        "×" | "%" | "× slower" => format!("{number}{unit}"),
        unit => format!("{number} {unit}"),
    }
}

/// The factor and unit that keep three significant digits readable for `seconds`.
fn seconds_scale(seconds: f64) -> (f64, &'static str) {
    match seconds.abs() {
        v if v >= 1.0 => (1.0, "s"),
        v if v >= 1e-3 => (1e3, "ms"),
        v if v >= 1e-6 => (1e6, "µs"),
        _ => (1e9, "ns"),
    }
}

fn three_significant(v: f64) -> String {
    match v.abs() {
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 10.0 => format!("{v:.1}"),
        _ => format!("{v:.2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Kind<'static> = Kind::Unit("s");

    #[test]
    fn seconds_pick_a_readable_unit() {
        assert_eq!(one(1.234, S), "1.23 s");
        assert_eq!(one(0.0456, S), "45.6 ms");
        assert_eq!(one(0.000789, S), "789 µs");
        assert_eq!(one(12e-9, S), "12.0 ns");
    }

    #[test]
    fn ratios_shares_and_counts() {
        assert_eq!(one(-0.004, Kind::Percent), "0%");
        assert_eq!(one(1.1849, Kind::Ratio), "1.18×");
        assert_eq!(one(0.0035, Kind::Ratio), "286× slower");
        assert_eq!(one(0.01, Kind::Ratio), "0.010×");
        assert_eq!(one(0.0564, Kind::Ratio), "0.056×");
        assert_eq!(one(0.1, Kind::Ratio), "0.10×");
        assert_eq!(one(0.0, Kind::Ratio), "0.00×");
        assert_eq!(one(0.934, Kind::Percent), "93%");
        assert_eq!(one(17.0, Kind::Unit("")), "17.0");
        assert_eq!(one(2_345.0, Kind::Unit("")), "2345");
        assert_eq!(count(10_000_000), "10,000,000");
        assert_eq!(count(999), "999");
        let slow = Estimate {
            median: 0.0039,
            interval: Some([0.0036, 0.0043]),
        };
        assert_eq!(estimate(&slow, Kind::Ratio), "256× slower [233–278]");
        assert_eq!(range(0.0036, 0.0043, Kind::Ratio), "233–278× slower");
        assert_eq!(
            one(0.0082, Kind::Multiple),
            "0.0082×",
            "a ratio of times is no slowdown"
        );
    }

    #[test]
    fn large_counts_and_rates_take_a_prefix() {
        assert_eq!(one(12_345_678.0, Kind::Unit("msg/s")), "12.3 M msg/s");
        assert_eq!(one(45_600.0, Kind::Unit("")), "45.6 k");
        assert_eq!(one(2.5e9, Kind::Unit("msg/s")), "2.50 G msg/s");
        assert_eq!(one(2.5e9, Kind::Unit("B/s")), "2.50 GB/s");
        assert_eq!(one(45_600.0, Kind::Unit("B")), "45.6 kB");
        assert_eq!(one(4_096.0, Kind::Unit("B")), "4096 B");
        let e = Estimate {
            median: 12_345_678.0,
            interval: Some([11_900_000.0, 12_600_000.0]),
        };
        assert_eq!(
            estimate(&e, Kind::Unit("msg/s")),
            "12.3 M msg/s [11.9–12.6]"
        );
    }

    #[test]
    fn an_interval_is_written_in_its_medians_unit() {
        let e = Estimate {
            median: 0.0456,
            interval: Some([0.000_99, 0.0475]),
        };
        assert_eq!(estimate(&e, S), "45.6 ms [0.99–47.5]");
        let s = Estimate {
            median: 1.98,
            interval: Some([1.931, 2.014]),
        };
        assert_eq!(estimate(&s, Kind::Ratio), "1.98× [1.93–2.01]");
        assert_eq!(estimate(&s, Kind::Percent), "198% [193–201]");
        let bare = Estimate {
            median: 1.98,
            interval: None,
        };
        assert_eq!(estimate(&bare, Kind::Ratio), "1.98×");
    }

    #[test]
    fn ranges_share_one_unit() {
        assert_eq!(range(0.0442, 0.0475, S), "44.2–47.5 ms");
        assert_eq!(range(0.95, 1.08, Kind::Ratio), "0.95–1.08×");
        assert_eq!(range(0.7, f64::INFINITY, Kind::Percent), "70–inf%");
    }
}
