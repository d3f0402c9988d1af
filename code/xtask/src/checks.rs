//! Checks of the built book that mdBook does not make: every directive expanded (one rendering
//! per directive written), every SUMMARY entry rendered. (Broken include links fail the build
//! itself; `code/mdbook-lab/tests/fixture_books.rs` proves it.)
//!
//! It knows no directive by name, so a new one needs nothing here: the preprocessor marks
//! each rendering `data-lab-directive="NAME"`, and every `{{#NAME` written in a chapter that
//! is not mdBook's own and not escaped (`\{{#…}}`) must have one.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Result, root};

/// mdBook's own directives, which its `links` preprocessor expands.
const MDBOOK_DIRECTIVES: &[&str] = &["include", "rustdoc_include", "playground", "title"];

/// All checks of `target/book`, reporting every problem at once.
pub(crate) fn built_book() -> Result {
    let src = root().join("book");
    let out = root().join("target/book");
    let mut problems = Vec::new();
    let pages = html_files(&out);
    if pages.is_empty() {
        return Err("target/book has no HTML pages; run `cargo xtask book` first".into());
    }
    let chapters = summary_chapters(&src)?;
    let sources: Vec<(String, String)> = chapters
        .iter()
        .map(|c| (c.clone(), read(&src.join(c))))
        .collect();
    for page in &pages {
        let html = without_directive_tables(&read(page));
        // An escaped directive is shown as written; any other `{{#` was never expanded.
        let escapes = escapes_shown_on(page, &out, &sources);
        let openings = html.matches("{{#").count();
        if openings > escapes {
            let at = html.find("{{#").unwrap_or(0);
            let line = html[..at].matches('\n').count() + 1;
            problems.push(format!(
                "{}:{line}: {openings} `{{{{#` on the page but {escapes} escaped in its \
                 chapter: an unexpanded directive reached the page",
                shown(page)
            ));
        }
    }
    for (chapter, source) in &sources {
        let page = out.join(chapter).with_extension("html");
        let Ok(html) = fs::read_to_string(&page) else {
            problems.push(format!(
                "book/SUMMARY.md lists {chapter}, but {} was not rendered",
                shown(&page)
            ));
            continue;
        };
        if !html.contains("<main>") || !html.contains("<h1") {
            problems.push(format!(
                "{} has no main content with a heading",
                shown(&page)
            ));
        }
        let written = book_directives(source);
        let rendered = html.matches(" data-lab-directive=\"").count();
        if written != rendered {
            problems.push(format!(
                "book/{chapter} has {written} of the book's directives but its page shows \
                 {rendered} renderings of them"
            ));
        }
    }
    if problems.is_empty() {
        eprintln!(
            "checked {} pages: directives expanded, chapters rendered",
            pages.len()
        );
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// The book's own directives written in `source`: every `{{#NAME` that is neither escaped nor
/// one of mdBook's.
fn book_directives(source: &str) -> usize {
    source
        .match_indices("{{#")
        .filter(|(at, _)| !source[..*at].ends_with('\\'))
        .filter(|(at, _)| {
            let name: String = source[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            !MDBOOK_DIRECTIVES.contains(&name.as_str())
        })
        .count()
}

/// `html` without the tables `{{#directives}}` renders, whose rows show every directive as
/// written.
fn without_directive_tables(html: &str) -> String {
    const TABLE: &str = "<div data-lab-directive=\"directives\"";
    let mut rest = html;
    let mut kept = String::with_capacity(html.len());
    while let Some(start) = rest.find(TABLE) {
        kept.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</div>")
            .map_or(rest.len(), |e| start + e + "</div>".len());
        rest = &rest[end..];
    }
    kept.push_str(rest);
    kept
}

/// How many escaped directives `page` shows: its chapter's, all of them on the print page,
/// and the first chapter's on the index page (mdBook copies it there).
fn escapes_shown_on(page: &Path, out: &Path, sources: &[(String, String)]) -> usize {
    let escapes = |source: &str| source.matches("\\{{#").count();
    let relative = page.strip_prefix(out).unwrap_or(page);
    match relative.to_str() {
        Some("print.html") => sources.iter().map(|(_, s)| escapes(s)).sum(),
        Some("index.html") => sources.first().map_or(0, |(_, s)| escapes(s)),
        _ => sources
            .iter()
            .find(|(c, _)| Path::new(c).with_extension("html") == relative)
            .map_or(0, |(_, s)| escapes(s)),
    }
}

/// Chapter files listed in SUMMARY.md, relative to `book/`.
pub(crate) fn summary_chapters(src: &Path) -> Result<Vec<String>> {
    let summary = fs::read_to_string(src.join("SUMMARY.md"))
        .map_err(|e| format!("cannot read book/SUMMARY.md: {e}"))?;
    Ok(summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|target| target.ends_with(".md"))
        .map(str::to_string)
        .collect())
}

/// Every `.html` file under `dir`.
pub(crate) fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(html_files(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_default()
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_directives_is_not_an_unexpanded_one() {
        let html = "a <div data-lab-directive=\"directives\" class=\"t\"><code>{{#bench ID}}</code></div> {{#x}}";
        assert_eq!(without_directive_tables(html), "a  {{#x}}");
    }

    #[test]
    fn only_the_books_unescaped_directives_count() {
        let source = "{{#bench a}} {{#claim a: x}}\n```rust\n{{#rustdoc_include f.rs:here}}\n```\n`\\{{#bench b}}` {{#title T}} {{#output_x y}}";
        assert_eq!(book_directives(source), 3);
    }
}
