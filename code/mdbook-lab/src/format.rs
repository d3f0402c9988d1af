//! How numbers read on the page: times in a unit that fits, ratios with two decimals.

/// `text` with HTML's special characters escaped, so that it shows as text.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

/// Seconds in the unit that keeps three significant digits readable: `1.23 s`, `45.6 ms`,
/// `789 µs`, `12.0 ns`.
pub(crate) fn seconds(value: f64) -> String {
    let (scaled, unit) = match value.abs() {
        v if v >= 1.0 => (value, "s"),
        v if v >= 1e-3 => (value * 1e3, "ms"),
        v if v >= 1e-6 => (value * 1e6, "µs"),
        _ => (value * 1e9, "ns"),
    };
    format!("{} {unit}", three_significant(scaled))
}

/// A value in `unit` (`s` is scaled; anything else is printed as a plain number).
pub(crate) fn value(value: f64, unit: &str) -> String {
    if unit == "s" {
        seconds(value)
    } else if unit.is_empty() {
        three_significant(value)
    } else {
        format!("{} {unit}", three_significant(value))
    }
}

/// A speedup or other ratio: `1.18×`.
pub(crate) fn ratio(value: f64) -> String {
    format!("{value:.2}×")
}

/// A share: `93%`.
pub(crate) fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
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

    #[test]
    fn seconds_pick_a_readable_unit() {
        assert_eq!(seconds(1.234), "1.23 s");
        assert_eq!(seconds(0.0456), "45.6 ms");
        assert_eq!(seconds(0.000789), "789 µs");
        assert_eq!(seconds(12e-9), "12.0 ns");
    }

    #[test]
    fn ratios_and_shares() {
        assert_eq!(ratio(1.1849), "1.18×");
        assert_eq!(percent(0.934), "93%");
        assert_eq!(value(17.0, ""), "17.0");
    }
}
