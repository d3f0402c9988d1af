//! The playground rule: every Rust block a reader can run (not marked `noplayground` or
//! `ignore`) may use only std and the crates of [`PLAYGROUND_CRATES`] (what play.rust-lang.org
//! offers and `mdbook test` links), and declares each crate with a hidden `# extern crate …;`
//! line.
//!
//! mdBook hides the Run button of a block that names any other crate, without a word; this
//! check stops the build instead, naming the block.

use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::directive::line_of;

/// Crates a runnable block may use besides std: the single list of allowed crates. Each is in
/// the playground's crate list (`compiler/base/Cargo.toml` in rust-lang/rust-playground,
/// checked 2026-11-22) and in `code/book-deps`, which builds them for `mdbook test`. Add a
/// crate to all three places or to none.
///
/// libc is in the playground too, and not here: the toolchain ships an rlib of its own, so
/// `extern crate libc;` in `mdbook test` finds two and fails (E0464).
pub(crate) const PLAYGROUND_CRATES: [&str; 6] = [
    "rayon",
    "tokio",
    "crossbeam",
    "futures",
    "serde",
    "serde_json",
];

/// Path roots that are not crates from the outside.
const BUILT_IN: [&str; 6] = ["std", "core", "alloc", "crate", "self", "super"];

/// Problems with the runnable Rust blocks of a chapter, as `file:line: …`.
pub(crate) fn check(shown: &Path, source: &str, content: &str) -> Vec<String> {
    let fences: Vec<usize> = rust_blocks(source).into_iter().map(|b| b.line).collect();
    let mut errors = Vec::new();
    for (index, block) in rust_blocks(content).into_iter().enumerate() {
        if !block.runnable {
            continue;
        }
        // Includes add no fences, so the n-th block of the content is the n-th of the source.
        let line = fences.get(index).copied().unwrap_or(block.line);
        for problem in problems(&block.code) {
            errors.push(format!(
                "{}:{line}: Rust block {}: {problem}",
                shown.display(),
                index + 1
            ));
        }
    }
    errors
}

struct Block {
    line: usize,
    runnable: bool,
    code: String,
}

fn rust_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let words: Vec<&str> = info
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|w| !w.is_empty())
                    .collect();
                if words.first() == Some(&"rust") {
                    current = Some(Block {
                        line: line_of(markdown, range.start),
                        runnable: !words.iter().any(|w| *w == "noplayground" || *w == "ignore"),
                        code: String::new(),
                    });
                }
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    block.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

/// What is wrong with one runnable block's code.
fn problems(code: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut declared: Vec<&str> = Vec::new();
    let mut modules: Vec<&str> = Vec::new();
    for raw in code.lines() {
        let trimmed = raw.trim_start();
        let hidden = trimmed == "#" || trimmed.starts_with("# ");
        let line = if hidden {
            trimmed[1..].trim_start()
        } else {
            trimmed
        };
        if let Some(name) = line.strip_prefix("extern crate ").map(|rest| {
            rest.trim_end_matches(';')
                .split_whitespace()
                .next()
                .unwrap_or("")
        }) {
            if !PLAYGROUND_CRATES.contains(&name) {
                problems.push(format!(
                    "uses crate `{name}`, which the playground lacks; use only std, {}, or mark the block `noplayground`",
                    PLAYGROUND_CRATES.join(", ")
                ));
            } else if !hidden {
                problems.push(format!(
                    "hide its `extern crate {name};` line: write `# extern crate {name};`"
                ));
            }
            declared.push(name);
        }
        if let Some(name) = line
            .strip_prefix("mod ")
            .or_else(|| line.strip_prefix("pub mod "))
        {
            let name = name
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next();
            modules.extend(name);
        }
    }
    for root in use_roots(code) {
        if BUILT_IN.contains(&root) || modules.contains(&root) {
            continue;
        }
        if !PLAYGROUND_CRATES.contains(&root) {
            problems.push(format!(
                "uses crate `{root}`, which the playground lacks; use only std, {}",
                PLAYGROUND_CRATES.join(", ")
            ));
        } else if !declared.contains(&root) {
            problems.push(format!(
                "uses `{root}` without a hidden `# extern crate {root};` line, which `mdbook test` needs"
            ));
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// First path segments of `use` declarations and of `#[x::…]` attributes, plus any use of the
/// playground crates by path (`tokio::spawn`). Comments are not code: a doc comment that
/// points the reader to `tokio::sync::Semaphore` uses no crate.
fn use_roots(code: &str) -> Vec<&str> {
    let mut roots = Vec::new();
    for raw in code.lines() {
        let line = raw.trim_start().trim_start_matches('#').trim_start();
        let line = without_comment(line);
        let path = line
            .strip_prefix("use ")
            .or_else(|| line.strip_prefix("pub use "))
            .or_else(|| line.strip_prefix('[').filter(|rest| rest.contains("::")));
        if let Some(path) = path {
            let root = path
                .trim_start_matches("::")
                .split("::")
                .next()
                .unwrap_or("");
            let root = root.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
            if !root.is_empty() && path.contains("::") {
                roots.push(root);
            }
        }
        for krate in PLAYGROUND_CRATES {
            if line.contains(&format!("{krate}::")) {
                roots.push(krate);
            }
        }
    }
    roots
}

/// `line` up to its `//` comment, if it has one outside a string literal.
fn without_comment(line: &str) -> &str {
    let mut in_string = false;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(markdown: &str) -> Vec<String> {
        check(Path::new("book/ch.md"), markdown, markdown)
    }

    #[test]
    fn every_allowed_crate_is_built_for_mdbook_test() {
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../book-deps/Cargo.toml");
        let text = std::fs::read_to_string(manifest).unwrap();
        let dependencies = text
            .split("[dependencies]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .expect("book-deps has a [dependencies] table");
        let names: Vec<&str> = dependencies
            .lines()
            .filter_map(|line| line.split(['.', ' ', '=']).next())
            .filter(|name| !name.is_empty() && !name.starts_with('#'))
            .collect();
        for krate in PLAYGROUND_CRATES {
            assert!(
                names.contains(&krate),
                "`{krate}` is allowed in runnable blocks but missing from code/book-deps, so \
                 `mdbook test` cannot link it; add it there ({names:?})"
            );
        }
    }

    #[test]
    fn std_and_hidden_playground_crates_pass() {
        let md = "# T\n\n```rust\n# extern crate rayon;\nuse rayon::prelude::*;\nuse std::thread;\nfn main() {}\n```\n";
        assert_eq!(errors(md), Vec::<String>::new());
    }

    #[test]
    fn another_crate_is_named_with_its_line() {
        let md = "# T\n\n```rust\n# extern crate regex;\nfn main() {}\n```\n";
        let errs = errors(md);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("book/ch.md:3: Rust block 1: uses crate `regex`"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn a_use_of_another_crate_is_caught_too() {
        let errs = errors("```rust\nuse regex::Regex;\nfn main() {}\n```\n");
        assert!(errs[0].contains("uses crate `regex`"), "{errs:?}");
    }

    #[test]
    fn extern_crate_lines_must_be_hidden_and_present() {
        let errs =
            errors("```rust\nextern crate tokio;\n#[tokio::main]\nasync fn main() {}\n```\n");
        assert!(
            errs[0].contains("hide its `extern crate tokio;` line"),
            "{errs:?}"
        );
        let errs = errors("```rust\nfn main() { rayon::join(|| 1, || 2); }\n```\n");
        assert!(
            errs[0].contains("without a hidden `# extern crate rayon;`"),
            "{errs:?}"
        );
    }

    #[test]
    fn a_crate_named_in_a_comment_is_not_used() {
        let md = "```rust\n//! In async code, use tokio::sync::Semaphore.\nfn main() {\n    let url = \"https://rayon::x\"; // tokio::spawn is not called\n}\n```\n";
        let errs = errors(md);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("`# extern crate rayon;`"), "{errs:?}");
    }

    #[test]
    fn blocks_that_do_not_run_are_exempt() {
        assert!(
            errors(
                "```rust,noplayground\nuse regex::Regex;\n```\n```rust,ignore\nuse lab::gil;\n```\n"
            )
            .is_empty()
        );
        assert!(errors("```text\nuse regex::Regex;\n```\n").is_empty());
    }

    #[test]
    fn local_modules_are_not_crates() {
        assert!(errors("```rust\nmod shapes { pub struct Square; }\nuse shapes::Square;\nfn main() {}\n```\n").is_empty());
    }
}
