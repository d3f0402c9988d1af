//! Finding this book's directives in a chapter, and saying where each one is in its source.
//!
//! A directive is `{{#name argument}}`. mdBook's own (`include`, `rustdoc_include`,
//! `playground`, `title`) are gone by the time this preprocessor runs; any `{{#…}}` left is
//! either ours or a mistake, and a mistake stops the build.

use std::fmt;
use std::path::{Path, PathBuf};

/// One parsed directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `{{#bench ID}}`
    Bench(String),
    /// `{{#output EXAMPLE}}`
    Output(String),
    /// `{{#claim ID: statement}}`: the text after `claim`.
    Claim(String),
    /// `{{#anything-else …}}`
    Unknown(String),
}

/// A directive and where it sits in the chapter's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of `{{`.
    pub start: usize,
    /// Byte offset just past `}}`.
    pub end: usize,
    /// The directive as written, `{{#…}}`.
    pub text: String,
    /// What it asks for.
    pub directive: Directive,
}

/// Every directive in `content`, in order. An opening `{{#` without its `}}` on the same line
/// is reported as an unknown directive, so that a typo never reaches the page.
pub fn find(content: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = content[from..].find("{{#") {
        let start = from + offset;
        let line_end = content[start..]
            .find('\n')
            .map_or(content.len(), |i| start + i);
        let (end, inner) = match content[start..line_end].find("}}") {
            Some(close) => (start + close + 2, &content[start + 3..start + close]),
            None => (line_end, &content[start + 3..line_end]),
        };
        let closed = end != line_end || content[start..end].ends_with("}}");
        let inner = inner.trim();
        let (name, argument) = inner
            .split_once(char::is_whitespace)
            .map_or((inner, ""), |(n, a)| (n, a.trim()));
        let directive = match (name, closed) {
            ("bench", true) => Directive::Bench(argument.to_string()),
            ("output", true) => Directive::Output(argument.to_string()),
            ("claim", true) => Directive::Claim(argument.to_string()),
            _ => Directive::Unknown(name.to_string()),
        };
        found.push(Found {
            start,
            end,
            text: content[start..end].to_string(),
            directive,
        });
        from = end;
    }
    found
}

/// `path:line` of a directive, for error messages an editor can jump to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The chapter file, relative to the repository root.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

impl SourceLocation {
    /// Where `found` is: its line in the chapter's source file when it is written there, else
    /// (it came in through an include) its line in the expanded content.
    pub fn of(file: &Path, source: &str, content: &str, found: &Found) -> SourceLocation {
        let line = match source.find(&found.text) {
            Some(at) => line_of(source, at),
            None => line_of(content, found.start),
        };
        SourceLocation {
            file: file.to_path_buf(),
            line,
        }
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// 1-based line number of byte offset `at`.
pub fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind() {
        let text = "a {{#bench cpu-bound}} b\n{{#output 01_x}}\n{{#claim io: t is at most 1 s at every point}}\n{{#benhc x}}";
        let kinds: Vec<Directive> = find(text).into_iter().map(|f| f.directive).collect();
        assert_eq!(
            kinds,
            [
                Directive::Bench("cpu-bound".into()),
                Directive::Output("01_x".into()),
                Directive::Claim("io: t is at most 1 s at every point".into()),
                Directive::Unknown("benhc".into()),
            ]
        );
    }

    #[test]
    fn an_unclosed_directive_is_unknown() {
        let found = find("x {{#bench cpu-bound\nnext");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].directive, Directive::Unknown("bench".into()));
    }

    #[test]
    fn location_prefers_the_source_line() {
        let source = "# T\n\ntext\n{{#bench a}}\n";
        let content = "# T\n\nincluded\nlines\ntext\n{{#bench a}}\n";
        let found = &find(content)[0];
        let at = SourceLocation::of(Path::new("book/x.md"), source, content, found);
        assert_eq!(at.to_string(), "book/x.md:4");
    }
}
