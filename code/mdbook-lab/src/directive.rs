//! Finding this book's directives in a chapter, and saying where each one is in its source.
//!
//! A directive is `{{#name argument}}`. mdBook's own (`include`, `rustdoc_include`,
//! `playground`, `title`) are gone by the time this preprocessor runs; any `{{#…}}` left is
//! either ours or a mistake, and a mistake stops the build.
//!
//! `\{{#…}}` is an escape, as in mdBook: the page shows the directive as written, without
//! the backslash, and nothing runs. mdBook's `links` preprocessor runs first and already
//! drops the backslash of every escaped `{{#…}}`, ours too, so an escape is recognised in
//! the chapter's source as well as in the text this preprocessor receives.

use std::fmt;
use std::path::{Path, PathBuf};

use mdbook_preprocessor::book::{Book, BookItem};

/// One directive found in a chapter's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of `{{` (or of the escaping backslash).
    pub start: usize,
    /// Byte offset just past `}}`.
    pub end: usize,
    /// The directive as written, `{{#…}}`, without any escaping backslash.
    pub text: String,
    /// The name after `{{#`.
    pub name: String,
    /// The text after the name, trimmed.
    pub argument: String,
    /// Whether it ends with `}}` on its own line; an unclosed one is always an error.
    pub closed: bool,
    /// Whether it was escaped with a backslash, and is to be shown rather than run.
    pub escaped: bool,
}

/// Every directive in `content`, in order; `source` is the chapter as written, where an
/// escape that mdBook already removed from `content` can still be seen.
pub fn find(source: &str, content: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let mut from = 0;
    while let Some(offset) = content[from..].find("{{#") {
        let open = from + offset;
        let line_end = content[open..]
            .find('\n')
            .map_or(content.len(), |i| open + i);
        let (end, inner, closed) = match content[open..line_end].find("}}") {
            Some(close) => (open + close + 2, &content[open + 3..open + close], true),
            None => (line_end, &content[open + 3..line_end], false),
        };
        let inner = inner.trim();
        let (name, argument) = inner
            .split_once(char::is_whitespace)
            .map_or((inner, ""), |(n, a)| (n, a.trim()));
        let text = content[open..end].to_string();
        let backslash = content[..open].ends_with('\\');
        let nth = found.iter().filter(|f| f.text == text).count();
        let escaped = backslash || escaped_in_source(source, &text, nth);
        found.push(Found {
            start: if backslash { open - 1 } else { open },
            end,
            text,
            name: name.to_string(),
            argument: argument.to_string(),
            closed,
            escaped,
        });
        from = end;
    }
    found
}

/// Whether the `nth` occurrence of `text` in the chapter's source is escaped. The content's
/// occurrences follow the source's in order; one that came in through an include has no
/// counterpart, and is not escaped.
fn escaped_in_source(source: &str, text: &str, nth: usize) -> bool {
    source
        .match_indices(text)
        .nth(nth)
        .is_some_and(|(at, _)| source[..at].ends_with('\\'))
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

/// `ID: rest` as the experiment ID and what follows its colon, trimmed (`None` with no colon):
/// how `{{#bench ID: …}}` is split, written once for the bench and for the index of benches.
pub(crate) fn split_id(argument: &str) -> (&str, Option<&str>) {
    match argument.split_once(':') {
        Some((id, rest)) => (id.trim(), Some(rest.trim())),
        None => (argument.trim(), None),
    }
}

/// A page of the built book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// The chapter's title.
    pub(crate) title: String,
    /// Its built file, relative to the book's root (`11-async-practice.html`).
    pub(crate) href: String,
}

/// Every unescaped `{{#NAME …}}` in `book`, in book order, with the page it is on: for the
/// directives that must know the whole book before any chapter renders. `src` is where the
/// chapters' sources are, in which an escaped `\{{#NAME}}` can still be told apart.
pub(crate) fn in_book(book: &Book, src: &Path, name: &str) -> Vec<(Page, Found)> {
    let mut found_in_book = Vec::new();
    for item in book.iter() {
        let BookItem::Chapter(chapter) = item else {
            continue;
        };
        let Some(path) = &chapter.path else {
            continue; // a draft chapter has no page to link to
        };
        let page = Page {
            title: chapter.name.clone(),
            href: path
                .with_extension("html")
                .to_string_lossy()
                .replace('\\', "/"),
        };
        let source = chapter
            .source_path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(src.join(p)).ok())
            .unwrap_or_default();
        for found in find(&source, &chapter.content) {
            if found.name == name && !found.escaped {
                found_in_book.push((page.clone(), found));
            }
        }
    }
    found_in_book
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, String, bool)> {
        find(text, text)
            .into_iter()
            .map(|f| (f.name, f.argument, f.closed))
            .collect()
    }

    #[test]
    fn finds_names_and_arguments() {
        let text = "a {{#bench cpu-bound}} b\n{{#output 01_x}}\n{{#claim io: t is at most 1 s at every point}}\n{{#benhc x}}";
        let found = names(text);
        let expect = [
            ("bench", "cpu-bound"),
            ("output", "01_x"),
            ("claim", "io: t is at most 1 s at every point"),
            ("benhc", "x"),
        ];
        for ((name, argument, closed), (n, a)) in found.iter().zip(expect) {
            assert_eq!((name.as_str(), argument.as_str(), *closed), (n, a, true));
        }
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn an_unclosed_directive_is_found_unclosed() {
        let found = find("x {{#bench cpu-bound\nnext", "x {{#bench cpu-bound\nnext");
        assert_eq!(found.len(), 1);
        assert!(!found[0].closed);
    }

    #[test]
    fn a_backslash_escapes_in_the_content_or_in_the_source() {
        // Before mdBook's links preprocessor: the backslash is in the content.
        let raw = "show `\\{{#bench a}}`, run {{#bench a}}";
        let found = find(raw, raw);
        assert!(found[0].escaped && !found[1].escaped);
        assert_eq!(&raw[found[0].start..found[0].end], "\\{{#bench a}}");
        assert_eq!(found[0].text, "{{#bench a}}");
        // After it: the backslash is gone from the content, but the source still has it.
        let content = "show `{{#bench a}}`, run {{#bench a}}";
        let found = find(raw, content);
        assert!(found[0].escaped && !found[1].escaped);
    }

    #[test]
    fn location_prefers_the_source_line() {
        let source = "# T\n\ntext\n{{#bench a}}\n";
        let content = "# T\n\nincluded\nlines\ntext\n{{#bench a}}\n";
        let found = &find(source, content)[0];
        let at = SourceLocation::of(Path::new("book/x.md"), source, content, found);
        assert_eq!(at.to_string(), "book/x.md:4");
    }
}
