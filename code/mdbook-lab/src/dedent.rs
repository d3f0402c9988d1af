//! Excerpts read well: a code block that is one `{{#include file:anchor}}` shows a part of a
//! module, and keeps the indentation it has there (four or eight spaces inside an `impl`),
//! which pushes it sideways on a narrow screen. mdBook's `{{#include}}` does not dedent; this
//! step removes the indentation all the excerpt's lines share.
//!
//! `{{#rustdoc_include}}` blocks are left alone: they are whole programs the Run button sends
//! to the playground, with hidden lines around the part shown.

/// `content` with every include-only code block dedented. `source` is the chapter as written,
/// where such a block can be told apart. Blocks correspond in order among those with the same
/// info string, because another preprocessor (mermaid's) may have turned some blocks of
/// other kinds into HTML already.
pub(crate) fn excerpts(source: &str, content: &str) -> String {
    let written = code_blocks(source);
    let expanded = code_blocks(content);
    let mut out = String::with_capacity(content.len());
    let mut rest = 0;
    for (info, w_start, w_end) in &written {
        let body = source[*w_start..*w_end].trim();
        if !(body.starts_with("{{#include ") && body.lines().count() == 1) {
            continue;
        }
        let nth = written
            .iter()
            .take_while(|(_, start, _)| start < w_start)
            .filter(|(i, _, _)| i == info)
            .count();
        let Some(&(_, c_start, c_end)) = expanded.iter().filter(|(i, _, _)| i == info).nth(nth)
        else {
            continue;
        };
        if c_start < rest {
            continue;
        }
        out.push_str(&content[rest..c_start]);
        out.push_str(&dedent(&content[c_start..c_end]));
        rest = c_end;
    }
    out.push_str(&content[rest..]);
    out
}

/// Info string and byte range of the body of each fenced code block (``` or ~~~, three or
/// more).
fn code_blocks(text: &str) -> Vec<(String, usize, usize)> {
    let mut blocks = Vec::new();
    // The open fence's character and length, its info string, and where its body starts.
    let mut open: Option<(char, usize, String, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence = ['`', '~'].into_iter().find_map(|c| {
            let n = trimmed.chars().take_while(|&x| x == c).count();
            (n >= 3).then_some((c, n))
        });
        match (&open, fence) {
            (None, Some((c, n))) => {
                let info = trimmed[n..].trim().to_string();
                open = Some((c, n, info, at + line.len()));
            }
            (Some((c, n, info, start)), Some((fc, fn_)))
                if fc == *c && fn_ >= *n && trimmed.trim_end().chars().all(|x| x == *c) =>
            {
                blocks.push((info.clone(), *start, at));
                open = None;
            }
            _ => {}
        }
        at += line.len();
    }
    blocks
}

/// `text` with the leading whitespace all its non-blank lines share removed.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                l.trim_start_matches([' ', '\t'])
            } else {
                &l[indent..]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_include_only_block_loses_its_shared_indentation() {
        let source = "# T\n\n```rust,ignore\n{{#include ../x.rs:part}}\n```\n\n```rust\n{{#rustdoc_include ../y.rs:here}}\n```\n";
        let content = "# T\n\n```rust,ignore\n    fn f() {\n        g();\n\n    }\n```\n\n```rust\n# fn main() {\n    body();\n# }\n```\n";
        let out = excerpts(source, content);
        assert_eq!(
            out,
            "# T\n\n```rust,ignore\nfn f() {\n    g();\n\n}\n```\n\n```rust\n# fn main() {\n    body();\n# }\n```\n"
        );
    }

    #[test]
    fn blocks_written_by_hand_are_left_alone() {
        let text = "```rust\n    let x = 1;\n```\n";
        assert_eq!(excerpts(text, text), text);
    }

    #[test]
    fn blocks_another_preprocessor_rendered_do_not_shift_the_pairing() {
        let source = "```mermaid\ngraph\n```\n```rust,ignore\n{{#include a.rs}}\n```\n";
        let content = "<pre class=\"mermaid\">graph</pre>\n```rust,ignore\n    a\n```\n";
        assert_eq!(
            excerpts(source, content),
            "<pre class=\"mermaid\">graph</pre>\n```rust,ignore\na\n```\n"
        );
    }
}
