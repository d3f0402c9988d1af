//! Every directive this book knows, in one list. A directive is a module that owns its
//! parsing and rendering and exports one [`Directive`]; this list is the only other place
//! that names it. The unknown-directive error and the appendix's table of directives
//! (`{{#directives}}`, itself listed here) are generated from it.

use std::fmt::Write;

use anyhow::{Result, bail};

use crate::format::escape;
use crate::{Lab, bench, claim, crossover, experiments, legend, measured, output, timeline};

/// One directive: how it is written, what it becomes, and how it is rendered.
pub(crate) struct Directive {
    /// The name after `{{#`.
    pub(crate) name: &'static str,
    /// How it is written, e.g. `{{#bench ID}}`.
    pub(crate) usage: &'static str,
    /// What it becomes on the page, in a few words.
    pub(crate) becomes: &'static str,
    /// Renders one occurrence from the text after its name.
    pub(crate) render: fn(&Lab, &str) -> Result<String>,
}

/// The directives, in the order the appendix lists them.
pub(crate) const REGISTRY: &[Directive] = &[
    bench::DIRECTIVE,
    claim::DIRECTIVE,
    claim::NOTES_DIRECTIVE,
    crossover::DIRECTIVE,
    experiments::DIRECTIVE,
    legend::DIRECTIVE,
    measured::DIRECTIVE,
    output::DIRECTIVE,
    timeline::DIRECTIVE,
    DIRECTIVE,
];

/// mdBook's own directives: gone before this preprocessor runs, unless one failed.
const MDBOOK: &str = "include, rustdoc_include, playground and title";

/// `{{#directives}}`: the table of every directive, for the appendix.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "directives",
    usage: "{{#directives}}",
    becomes: "this table, generated from the preprocessor's list of directives",
    render: |_, argument| {
        if !argument.is_empty() {
            bail!("{{{{#directives}}}} takes no argument; remove `{argument}`");
        }
        Ok(table())
    },
};

/// Renders directive `name` with `argument`, its HTML marked with the directive's name so
/// that the built book can be checked for one rendering per directive written.
pub(crate) fn render(lab: &Lab, name: &str, argument: &str) -> Result<String> {
    let Some(directive) = REGISTRY.iter().find(|d| d.name == name) else {
        bail!("{}", unknown(name));
    };
    let html = (directive.render)(lab, argument)?;
    Ok(mark(&html, name))
}

/// The error for a directive nobody registered, listing the ones that exist.
pub(crate) fn unknown(name: &str) -> String {
    let known: Vec<&str> = REGISTRY.iter().map(|d| d.usage).collect();
    format!(
        "unknown directive `{{{{#{name} …}}}}`; this book knows {} (and mdBook's {MDBOOK})",
        known.join(", ")
    )
}

/// `html` with `data-lab-directive="NAME"` on its first element.
fn mark(html: &str, name: &str) -> String {
    let tag_end = html.find('<').and_then(|open| {
        let name_len = html[open + 1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(html.len() - open - 1);
        (name_len > 0).then_some(open + 1 + name_len)
    });
    match tag_end {
        Some(at) => format!(
            "{} data-lab-directive=\"{}\"{}",
            &html[..at],
            escape(name),
            &html[at..]
        ),
        None => html.to_string(),
    }
}

/// The appendix's table, as HTML: this is the last preprocessor, so nothing expands the
/// `{{#` in its rows (and the built-book check knows this table).
fn table() -> String {
    let mut html = String::from(
        "<div class=\"table-wrapper\"><table class=\"lab-directives\"><thead><tr>\
         <th>Directive</th><th>Becomes</th></tr></thead><tbody>",
    );
    for d in REGISTRY {
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            escape(d.usage),
            escape(d.becomes)
        );
    }
    html.push_str("</tbody></table></div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_usages_start_with_them() {
        for (i, d) in REGISTRY.iter().enumerate() {
            assert!(
                d.usage.starts_with(&format!("{{{{#{}", d.name)),
                "{}",
                d.usage
            );
            assert!(REGISTRY[i + 1..].iter().all(|other| other.name != d.name));
        }
    }

    #[test]
    fn the_unknown_error_lists_every_directive() {
        let err = unknown("benhc");
        assert!(err.starts_with("unknown directive `{{#benhc …}}`"), "{err}");
        for d in REGISTRY {
            assert!(err.contains(d.usage), "{err}");
        }
    }

    #[test]
    fn the_table_lists_every_directive() {
        let html = table();
        for d in REGISTRY {
            let row = format!(
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                escape(d.usage),
                escape(d.becomes)
            );
            assert!(html.contains(&row), "{html}");
        }
    }

    #[test]
    fn the_first_element_is_marked() {
        assert_eq!(
            mark("<figure class=\"x\">a</figure>", "bench"),
            "<figure data-lab-directive=\"bench\" class=\"x\">a</figure>"
        );
        assert_eq!(
            mark("<pre>x</pre>\n", "output"),
            "<pre data-lab-directive=\"output\">x</pre>\n"
        );
    }
}
