//! Checks `{{#include}}` and `{{#rustdoc_include}}` links in a chapter's source. mdBook logs a
//! missing file and renders a missing anchor as nothing, then exits 0; this book must not.

use std::fs;
use std::path::Path;

use crate::directive::line_of;

/// Problems with the chapter's include links, each as `file:line: what is wrong and the fix`.
pub(crate) fn check(file: &Path, shown: &Path, source: &str) -> Vec<String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut errors = Vec::new();
    for (at, kind, target) in links(source) {
        let line = line_of(source, at);
        let (path, selector) = target.split_once(':').unwrap_or((target, ""));
        let resolved = dir.join(path);
        let text = match fs::read_to_string(&resolved) {
            Ok(text) => text,
            Err(_) => {
                errors.push(format!(
                    "{}:{line}: {{{{#{kind} {target}}}}}: file {} does not exist; fix the path \
                     (it is relative to the chapter's folder)",
                    shown.display(),
                    resolved.display()
                ));
                continue;
            }
        };
        if let Some(problem) = anchor_problem(&text, selector) {
            errors.push(format!(
                "{}:{line}: {{{{#{kind} {target}}}}}: {problem} in {}",
                shown.display(),
                resolved.display()
            ));
        }
    }
    errors
}

/// `(offset, kind, target)` of every include link, skipping escaped `\{{#…}}` ones.
fn links(source: &str) -> Vec<(usize, &str, &str)> {
    let mut found = Vec::new();
    for kind in ["include", "rustdoc_include"] {
        let opening = format!("{{{{#{kind} ");
        let mut from = 0;
        while let Some(offset) = source[from..].find(&opening) {
            let at = from + offset;
            from = at + opening.len();
            if source[..at].ends_with('\\') {
                continue;
            }
            if let Some(close) = source[from..].find("}}") {
                let target = source[from..from + close].split_whitespace().next();
                if let Some(target) = target {
                    found.push((at, kind, target));
                }
            }
        }
    }
    found.sort_by_key(|(at, _, _)| *at);
    found
}

/// Why the selector after `:` does not pick anything, if it does not: an anchor without its
/// `ANCHOR:` / `ANCHOR_END:` pair, or a line range past the end of the file.
fn anchor_problem(text: &str, selector: &str) -> Option<String> {
    if selector.is_empty() {
        return None;
    }
    let first = selector.split(':').next().unwrap_or("");
    if first.is_empty() || first.chars().all(|c| c.is_ascii_digit()) {
        let start: usize = first.parse().unwrap_or(1);
        let lines = text.lines().count();
        return (start > lines).then(|| {
            format!("line range {selector} starts past the end of the file ({lines} lines)")
        });
    }
    let has = |marker: &str| {
        text.lines().any(|line| {
            line.split(marker).nth(1).is_some_and(|rest| {
                rest.trim_start()
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .next()
                    == Some(first)
            })
        })
    };
    match (has("ANCHOR:"), has("ANCHOR_END:")) {
        (true, true) => None,
        (false, _) => Some(format!(
            "anchor `{first}` not found: add `// ANCHOR: {first}` and `// ANCHOR_END: {first}` \
             around the lines to show, or fix the name"
        )),
        (true, false) => Some(format!(
            "anchor `{first}` has no `ANCHOR_END: {first}` line"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of its own for each call: tests run in parallel, and one rewriting a shared
    /// `code.rs` while another reads it made the reader see an empty file.
    fn fixture() -> std::path::PathBuf {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("lab-includes-{}-{n}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("code.rs"),
            "fn main() {\n    // ANCHOR: here\n    println!();\n    // ANCHOR_END: here\n}\n",
        )
        .unwrap();
        dir
    }

    fn errors(source: &str) -> Vec<String> {
        let dir = fixture();
        check(
            &dir.join("chapter.md"),
            Path::new("book/chapter.md"),
            source,
        )
    }

    #[test]
    fn good_links_pass() {
        let source = "```rust\n{{#rustdoc_include code.rs:here}}\n```\n{{#include code.rs}}\n{{#include code.rs:2:3}}";
        assert_eq!(errors(source), Vec::<String>::new());
    }

    #[test]
    fn a_missing_file_names_chapter_line_and_fix() {
        let errs = errors("# T\n\n{{#include nope.rs}}\n");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("book/chapter.md:3:"), "{}", errs[0]);
        assert!(
            errs[0].contains("does not exist; fix the path"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn a_missing_anchor_is_an_error() {
        let errs = errors("x\n{{#rustdoc_include code.rs:ehre}}\n");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("book/chapter.md:2:"), "{}", errs[0]);
        assert!(errs[0].contains("anchor `ehre` not found"), "{}", errs[0]);
    }

    #[test]
    fn a_range_past_the_end_is_an_error() {
        let errs = errors("{{#include code.rs:40:50}}");
        assert!(errs[0].contains("past the end"), "{}", errs[0]);
    }

    #[test]
    fn escaped_links_are_skipped() {
        assert!(errors("\\{{#include nope.rs}}").is_empty());
    }
}
