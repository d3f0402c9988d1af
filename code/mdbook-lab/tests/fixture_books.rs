//! Whole books built by the real `mdbook` with this preprocessor: what a contributor sees when
//! an include breaks, and what a reader sees when captured output or a title holds HTML.
//!
//! The books are left in `target/fixtures/` (the browser test opens the escaping one). These
//! tests need mdbook 0.5.4 on PATH; `cargo xtask test` installs it first.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lab_results::{Results, fixture};
use mdbook_lab::Examples;

const HOSTILE: &str = "<script>alert(1)</script>";

/// A book under target/fixtures/NAME, using the freshly built preprocessor.
struct FixtureBook {
    root: PathBuf,
}

impl FixtureBook {
    fn new(name: &str, lab_settings: &str) -> FixtureBook {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/fixtures")
            .join(name);
        let _ = fs::remove_dir_all(&root);
        let book = FixtureBook { root };
        book.write(
            "book.toml",
            &format!(
                "[book]\ntitle = \"{name}\"\nsrc = \"book\"\n\n[build]\nbuild-dir = \"html\"\n\n[preprocessor.lab]\ncommand = \"{}\"\nafter = [\"links\"]\nrenderers = [\"html\"]\n{lab_settings}",
                env!("CARGO_BIN_EXE_mdbook-lab")
            ),
        );
        book.write("book/SUMMARY.md", "# Summary\n\n[Chapter](chapter.md)\n");
        book.write(
            "code/main.rs",
            "fn main() {\n    // ANCHOR: here\n    println!();\n    // ANCHOR_END: here\n}\n",
        );
        book
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn build(&self) -> Output {
        Command::new("mdbook")
            .arg("build")
            .arg(&self.root)
            .output()
            .expect("mdbook 0.5.4 must be on PATH: run `cargo xtask test`, which installs it")
    }

    fn page(&self) -> String {
        fs::read_to_string(self.root.join("html/chapter.html")).unwrap()
    }

    /// Builds the book with `hostile_results()` as its results, and returns the page.
    fn built_with_hostile_results(&self) -> String {
        hostile_results()
            .save(&self.root.join("results.json"))
            .unwrap();
        let output = self.build();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        self.page()
    }
}

fn assert_build_fails(book: &FixtureBook, expected: &[&str]) {
    let output = book.build();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the build must fail:\n{log}");
    for text in expected {
        assert!(log.contains(text), "the log must say `{text}`:\n{log}");
    }
}

#[test]
fn a_missing_include_file_fails_the_build() {
    let book = FixtureBook::new("missing-file", "");
    book.write(
        "book/chapter.md",
        "# Chapter\n\n```rust\n{{#include ../code/nope.rs}}\n```\n",
    );
    assert_build_fails(
        &book,
        &["book/chapter.md:4:", "code/nope.rs does not exist"],
    );
}

#[test]
fn a_missing_anchor_fails_the_build() {
    let book = FixtureBook::new("missing-anchor", "");
    book.write(
        "book/chapter.md",
        "# Chapter\n\n```rust\n{{#rustdoc_include ../code/main.rs:hree}}\n```\n",
    );
    assert_build_fails(&book, &["book/chapter.md:4:", "anchor `hree` not found"]);
}

#[test]
fn an_unknown_directive_fails_the_build() {
    let book = FixtureBook::new("unknown-directive", "");
    book.write("book/chapter.md", "# Chapter\n\n{{#bnech cpu-bound}}\n");
    assert_build_fails(
        &book,
        &["book/chapter.md:3:", "unknown directive `{{#bnech …}}`"],
    );
}

/// `\{{#…}}` shows a directive instead of running it, even though mdBook's own `links`
/// preprocessor removes the backslash before this one sees the chapter.
#[test]
fn an_escaped_directive_is_shown_not_run() {
    let book = FixtureBook::new("escaped", "results = \"results.json\"\n");
    book.write(
        "book/chapter.md",
        "# Escaped\n\nWrite `\\{{#bench hostile}}` to get this:\n\n{{#bench hostile}}\n\n\\{{#nonsense at all}}\n",
    );
    let page = book.built_with_hostile_results();
    assert!(page.contains("<code>{{#bench hostile}}</code>"), "{page}");
    assert!(page.contains("{{#nonsense at all}}"), "{page}");
    assert_eq!(page.matches("<table class=\"lab-bench-table\">").count(), 1);
}

/// Captured output and an experiment title holding HTML are shown as text. The browser test
/// opens this page too and checks that no script ran.
#[test]
fn html_in_output_and_titles_is_shown_as_text() {
    let book = FixtureBook::new(
        "escaping",
        "results = \"results.json\"\nexamples = \"examples\"\noutput-cache = \"output\"\n",
    );
    book.write(
        "book/chapter.md",
        "# Escaping\n\n{{#bench hostile}}\n\n{{#output hostile_output}}\n",
    );
    let source = "fn main() { println!(\"<script>alert(1)</script>\\na & b\"); }\n";
    book.write("examples/hostile_output.rs", source);
    let examples = Examples::at(
        &book.root,
        book.root.join("examples"),
        book.root.join("output"),
        std::time::Duration::from_secs(5),
    );
    // The cache holds what the program prints, so no compiler is needed to build this book.
    book.write(
        examples
            .cache_file("hostile_output", &[], source)
            .strip_prefix(&book.root)
            .unwrap()
            .to_str()
            .unwrap(),
        &format!("{HOSTILE}\na & b\n"),
    );
    let page = book.built_with_hostile_results();
    assert!(!page.contains(HOSTILE), "raw script tag reached the page");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;\na &amp; b</code>"));
    assert!(page.contains("<figcaption>&lt;script&gt;alert(1)&lt;/script&gt; a &amp; b"));
}

fn hostile_results() -> Results {
    let mut experiment = fixture::experiment(vec![
        fixture::uniform("serial", 1, 1, 1.0),
        fixture::uniform("threads", 2, 1, 0.9),
    ]);
    experiment.title = format!("{HOSTILE} a & b");
    experiment.workload = "a & b".into();
    experiment.notes = vec![HOSTILE.into()];
    experiment.machine.cpu = "a & b".into();
    fixture::results(vec![("hostile", experiment)])
}

/// book.toml's `reference` names the folder of reference runs in place of `reference/`, and
/// the page shows each run folded under the bench it measured.
#[test]
fn the_reference_folder_book_toml_names_is_shown_beside_the_bench() {
    let book = FixtureBook::new(
        "reference",
        "results = \"results.json\"\nreference = \"machines\"\n",
    );
    book.write("book/chapter.md", "# Reference\n\n{{#bench hostile}}\n");
    let mut reference = hostile_results();
    let experiment = reference.experiments.get_mut("hostile").unwrap();
    experiment.machine.cpu = "Big CPU".into();
    experiment.machine.mode = "full".into();
    reference
        .save(&book.root.join("machines/big/results.json"))
        .unwrap();
    book.write("machines/README.md", "# Reference runs\n");
    // Read, this folder without results.json would stop the build.
    book.write("reference/unused/README.md", "");
    let page = book.built_with_hostile_results();
    assert!(
        page.contains(
            "<summary>Reference run on Big CPU (2 logical CPUs, TestOS), full mode, 2026-11-22 \
             — not this build's machine; no claim on this page reads it</summary>"
        ),
        "{page}"
    );
    assert!(
        page.contains("<p class=\"lab-reference-source\">From machines/big/results.json,"),
        "{page}"
    );
}

/// A `{{#measured}}` figure in a Markdown table stays in its cell, even where the notes of an
/// experiment that could not run hold a `|`.
#[test]
fn a_measured_figure_stays_in_its_table_cell() {
    let book = FixtureBook::new("measured", "results = \"results.json\"\n");
    book.write(
        "book/chapter.md",
        "# Costs\n\n| strategy | time |\n|---|---|\n\
         | threads | {{#measured hostile: threads median at workers = 2}} |\n\
         | python | {{#measured skipped: threads median at workers = 2}} |\n",
    );
    let mut results = hostile_results();
    let mut skipped = results.experiments["hostile"].clone();
    skipped.series.clear();
    skipped.notes = vec!["python3 | missing".into()];
    results.experiments.insert("skipped".into(), skipped);
    results.save(&book.root.join("results.json")).unwrap();
    let output = book.build();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = book.page();
    assert!(page.contains("900 ms [900–900]</span></td>"), "{page}");
    assert!(
        page.contains("not measured on this machine (python3 | missing)</span></td>"),
        "{page}"
    );
}
