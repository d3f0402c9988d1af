//! Turns the Rust blocks written inline in the book into tests, with skeptic.
//!
//! skeptic reads raw Markdown, so it cannot see what mdBook's preprocessors would put in a
//! block. This script therefore copies every `book/*.md` into `OUT_DIR`, blanking out the Rust
//! blocks skeptic must not run:
//!
//! - blocks that hold a `{{#…}}` directive (`rustdoc_include` and friends): their code is an
//!   example under `examples/`, which the integration tests already build and run;
//! - blocks marked `compile_fail` (skeptic would run them as normal code) or `ignore`; the
//!   compile-fail cases live under `tests/ui/` and run through trybuild.
//!
//! Blanked blocks become empty lines, so a test named `book_CHAPTER_…_line_N` points at line N
//! of the real chapter. `tests/skeptic.rs` includes the generated tests.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let book_dir = manifest_dir.join("../../book");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it")).join("book");
    println!("cargo:rerun-if-changed={}", book_dir.display());
    println!("cargo:rerun-if-changed=build.rs");

    fs::create_dir_all(&out_dir).expect("OUT_DIR is writable");
    let mut chapters: Vec<PathBuf> = fs::read_dir(&book_dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
                .collect()
        })
        .unwrap_or_default();
    chapters.sort();

    let mut copies = Vec::new();
    for chapter in &chapters {
        let text = fs::read_to_string(chapter)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", chapter.display()));
        // skeptic names each test after its file; a name like `01-introduction` would make
        // the test function's name start with a digit, so the copy gets a `book_` prefix.
        let name = chapter
            .file_name()
            .expect("a file has a name")
            .to_string_lossy();
        let copy = out_dir.join(format!("book_{name}"));
        write_if_changed(&copy, &testable_blocks_only(&text), chapter);
        copies.push(copy);
    }

    if copies.is_empty() {
        // skeptic writes nothing for an empty list, but tests/skeptic.rs includes the file.
        let tests = PathBuf::from(env::var("OUT_DIR").unwrap()).join("skeptic-tests.rs");
        fs::write(tests, "").expect("OUT_DIR is writable");
    } else {
        skeptic::generate_doc_tests(&copies);
    }
}

/// `text` with every Rust block that skeptic must not run replaced by empty lines.
fn testable_blocks_only(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let Some((fence, info)) = fence_open(lines[i]) else {
            out.push(lines[i]);
            i += 1;
            continue;
        };
        // Find the closing fence: the same character, at least as long, nothing after it.
        let end = (i + 1..lines.len())
            .find(|&j| {
                let t = lines[j].trim_start();
                t.starts_with(fence) && t.trim_end().chars().all(|c| fence.starts_with(c))
            })
            .unwrap_or(lines.len() - 1);
        let block = &lines[i..=end];
        if is_rust(info) && must_skip(info, block) {
            out.extend(std::iter::repeat_n("", block.len()));
        } else {
            out.extend_from_slice(block);
        }
        i = end + 1;
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

/// The fence (```` ``` ```` or `~~~`, any length ≥ 3) and info string of an opening fence line.
fn fence_open(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start();
    for ch in ['`', '~'] {
        let len = trimmed.chars().take_while(|&c| c == ch).count();
        if len >= 3 {
            return Some((&trimmed[..len], trimmed[len..].trim()));
        }
    }
    None
}

/// The words of an info string, split the way rustdoc (and skeptic) split them.
fn tokens(info: &str) -> impl Iterator<Item = &str> {
    info.split(|c: char| !(c == '_' || c == '-' || c.is_alphanumeric()))
        .filter(|t| !t.is_empty())
}

/// Whether skeptic would treat a block with this info string as Rust.
fn is_rust(info: &str) -> bool {
    tokens(info).any(|t| {
        matches!(
            t,
            "rust" | "ignore" | "should_panic" | "no_run" | "compile_fail" | "edition2024"
        )
    })
}

fn must_skip(info: &str, block: &[&str]) -> bool {
    tokens(info).any(|t| matches!(t, "compile_fail" | "ignore"))
        || block.iter().any(|line| line.contains("{{#"))
}

/// Writes `copy` only when its text changes, and gives it the chapter's mtime, so that
/// skeptic's `rerun-if-changed` on the copy does not make this script run on every build.
fn write_if_changed(copy: &Path, text: &str, chapter: &Path) {
    if fs::read_to_string(copy).ok().as_deref() != Some(text) {
        fs::write(copy, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", copy.display()));
    }
    if let Ok(modified) = fs::metadata(chapter).and_then(|m| m.modified()) {
        let _ = fs::File::options()
            .write(true)
            .open(copy)
            .and_then(|f| f.set_modified(modified));
    }
}
