//! How a number reads to a reader, written once for both writers of reader-facing text: the
//! suite, whose notes go into `results.json`, and the book's preprocessor.

/// `12345678` as `12,345,678`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_in_threes() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(32_768), "32,768");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(10_000_000), "10,000,000");
    }
}
