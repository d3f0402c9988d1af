//! One numbering, the sidebar's. mdBook numbers the chapters of `SUMMARY.md`, and the prose
//! says "chapter N": the two must agree, or a reader told to see chapter 9 opens the wrong
//! page. So a link whose text says "chapter N" must point at the page the sidebar numbers N,
//! and a "chapter N" without a link must name a chapter that exists. Anything else stops the
//! build at the mention, naming the page it should be.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use mdbook_preprocessor::book::{Book, BookItem};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::directive::line_of;

/// The sidebar's number of each numbered top-level chapter, by its source path (relative to
/// the book's `src`).
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    by_source: BTreeMap<PathBuf, u32>,
}

impl Numbering {
    /// Reads the numbers mdBook gave the chapters of `book`.
    pub(crate) fn of(book: &Book) -> Numbering {
        let mut numbering = Numbering::default();
        for item in book.iter() {
            let BookItem::Chapter(chapter) = item else {
                continue;
            };
            if let (Some(number), Some(source)) = (&chapter.number, &chapter.source_path)
                && let [top] = number.as_slice()
            {
                numbering.by_source.insert(source.clone(), *top);
            }
        }
        numbering
    }

    /// The source path of the chapter numbered `number`.
    fn source_of(&self, number: u32) -> Option<&Path> {
        self.by_source
            .iter()
            .find(|(_, n)| **n == number)
            .map(|(path, _)| path.as_path())
    }

    /// Problems with the "chapter N" mentions of chapter `source_path` (relative to `src`),
    /// whose text is `source`, each as `file:line: what is wrong and the fix`.
    pub(crate) fn check(&self, shown: &Path, source_path: &Path, source: &str) -> Vec<String> {
        let dir = source_path.parent().unwrap_or(Path::new(""));
        let mut errors = Vec::new();
        let mut link: Option<(String, usize, String)> = None; // target, start, text so far
        let mut in_code = false;
        for (event, range) in Parser::new(source).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Start(Tag::Link { dest_url, .. }) => {
                    link = Some((dest_url.to_string(), range.start, String::new()));
                }
                Event::End(TagEnd::Link) => {
                    if let Some((target, start, text)) = link.take() {
                        let line = line_of(source, start);
                        for number in mentions(&text) {
                            if let Some(problem) = self.link_problem(dir, &target, number) {
                                errors.push(format!("{}:{line}: {problem}", shown.display()));
                            }
                        }
                    }
                }
                Event::Text(text) | Event::Code(text) if !in_code => {
                    if let Some((_, _, so_far)) = link.as_mut() {
                        so_far.push_str(&text);
                    } else {
                        let line = line_of(source, range.start);
                        for number in mentions(&text) {
                            if self.source_of(number).is_none() {
                                errors.push(format!(
                                    "{}:{line}: \"chapter {number}\": the sidebar has no \
                                     chapter {number}; {}",
                                    shown.display(),
                                    self.known()
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        errors
    }

    /// What is wrong with a link that says "chapter `number`" and points at `target`, from a
    /// chapter in `dir`; `None` if it points at that chapter (or off the book, where the
    /// number is someone else's).
    fn link_problem(&self, dir: &Path, target: &str, number: u32) -> Option<String> {
        let path = target.split('#').next().unwrap_or_default();
        if path.is_empty() || target.contains("://") {
            return None; // this page, or another site
        }
        let linked = normalize(&dir.join(path));
        let linked_number = self.by_source.get(&linked);
        if linked_number == Some(&number) {
            return None;
        }
        let should = self.source_of(number).map_or_else(
            || format!("the sidebar has no chapter {number}"),
            |source| format!("chapter {number} is {}", source.display()),
        );
        let is = linked_number.map_or_else(
            || "is not a numbered chapter".to_string(),
            |n| format!("is chapter {n} in the sidebar"),
        );
        Some(format!(
            "a link says \"chapter {number}\" but points at {target}, which {is}; {should}: \
             make the text and the link agree"
        ))
    }

    /// The chapters there are, for an error message.
    fn known(&self) -> String {
        let numbers: Vec<u32> = self.by_source.values().copied().collect();
        match (numbers.iter().min(), numbers.iter().max()) {
            (Some(first), Some(last)) => format!("its chapters are {first} to {last}"),
            _ => "it numbers no chapters".to_string(),
        }
    }
}

/// The N of each "chapter N" (any case) in `text`.
fn mentions(text: &str) -> Vec<u32> {
    let lower = text.to_ascii_lowercase();
    let mut numbers = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("chapter ") {
        let digits_start = from + at + "chapter ".len();
        let digits: String = lower[digits_start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let word_starts = from + at == 0 || !lower.as_bytes()[from + at - 1].is_ascii_alphabetic();
        if word_starts && let Ok(number) = digits.parse() {
            numbers.push(number);
        }
        from = digits_start;
    }
    numbers
}

/// `path` without `.` and `..` components, as a chapter's source path is written.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbering() -> Numbering {
        Numbering {
            by_source: [("01-intro.md", 1), ("02-cpu.md", 2), ("09-processes.md", 9)]
                .into_iter()
                .map(|(path, n)| (PathBuf::from(path), n))
                .collect(),
        }
    }

    fn problems(source: &str) -> Vec<String> {
        numbering().check(Path::new("book/02-cpu.md"), Path::new("02-cpu.md"), source)
    }

    #[test]
    fn a_link_to_the_chapter_it_names_passes() {
        assert!(
            problems("See [chapter 9](09-processes.md#pools) and [Chapter 1](./01-intro.md).")
                .is_empty()
        );
        assert!(
            problems("As [chapter 2's pool](#pools) shows.").is_empty(),
            "the same page"
        );
        assert!(
            problems("[the Rust Book's chapter 16](https://doc.rust-lang.org/book/)").is_empty()
        );
    }

    #[test]
    fn a_link_to_another_chapter_names_both() {
        let errors = problems("Intro.\n\nSee [chapter 9](02-cpu.md).");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("book/02-cpu.md:3: "), "{}", errors[0]);
        assert!(
            errors[0].contains("is chapter 2 in the sidebar"),
            "{}",
            errors[0]
        );
        assert!(
            errors[0].contains("chapter 9 is 09-processes.md"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_chapter_that_does_not_exist_is_an_error_linked_or_not() {
        let errors = problems("As chapter 14 says, and [chapter 12](12-gone.md) too.");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("the sidebar has no chapter 14; its chapters are 1 to 9"));
        assert!(
            errors[1].contains("is not a numbered chapter"),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn code_and_other_words_are_not_mentions() {
        assert!(
            problems("```text\nchapter 99\n```\n\nA subchapter 7 and this chapter.").is_empty()
        );
        assert_eq!(
            mentions("Chapter 9's pool and chapter 2, not chapter x"),
            [9, 2]
        );
    }
}
