//! Checks of the built book that mdBook does not make: every directive expanded, every
//! SUMMARY entry rendered, every bench table present. (Broken include links fail the build
//! itself; `code/mdbook-lab/tests/fixture_books.rs` proves it.)

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Result, root};

/// All checks of `target/book`, reporting every problem at once.
pub(crate) fn built_book() -> Result {
    let src = root().join("book");
    let out = root().join("target/book");
    let mut problems = Vec::new();
    let pages = html_files(&out);
    if pages.is_empty() {
        return Err("target/book has no HTML pages; run `cargo xtask book` first".into());
    }
    for page in &pages {
        let html = read(page);
        if let Some(at) = html.find("{{#") {
            let line = html[..at].matches('\n').count() + 1;
            problems.push(format!(
                "{}:{line}: an unexpanded `{{{{#` directive reached the page",
                shown(page)
            ));
        }
    }
    for chapter in summary_chapters(&src)? {
        let page = out.join(&chapter).with_extension("html");
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
        let written = read(&src.join(&chapter)).matches("{{#bench ").count();
        let rendered = html.matches("<table class=\"lab-bench-table\">").count();
        if written != rendered {
            problems.push(format!(
                "book/{chapter} has {written} {{{{#bench}}}} directives but its page shows {rendered} bench tables"
            ));
        }
    }
    if problems.is_empty() {
        eprintln!(
            "checked {} pages: directives expanded, chapters rendered, bench tables present",
            pages.len()
        );
        Ok(())
    } else {
        Err(problems.join("\n"))
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
