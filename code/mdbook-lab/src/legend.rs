//! `{{#legend}}`: what the figures and marks on these pages mean, in a box placed before the
//! first measurement a reader meets. Every claim's mark links to the first full legend of the
//! book. `{{#legend compact}}` is the same in three lines, for a page that is mostly marks.
//!
//! ```text
//! {{#legend}}
//! {{#legend compact}}
//! ```
//!
//! The marks' words come from the claims' own table ([`MARKS`]), so the legend cannot say
//! one thing while a mark's tooltip says another. Its samples look like claims but are
//! `lab-sample`, not `lab-claim`, so that nothing counting a page's claims counts them.

use std::fmt::Write;
use std::path::Path;

use anyhow::bail;
use mdbook_preprocessor::book::Book;

use crate::claim::{MARKS, Mark};
use crate::directive;
use crate::registry::Directive;

/// The legend's anchor on its page.
pub(crate) const ANCHOR: &str = "lab-legend";

/// `{{#legend}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "legend",
    usage: "{{#legend [compact]}}",
    becomes: "a box saying what the figures and the claims' marks mean; every mark links to \
              the first full one",
    render: |lab, argument| match argument {
        "" => Ok(full()),
        "compact" => Ok(compact(lab.legend())),
        other => bail!("{{{{#legend}}}} takes nothing or `compact`; remove `{other}`"),
    },
};

/// Where the first full `{{#legend}}` of `book` is (its page and anchor), if it has one.
pub(crate) fn find(book: &Book, src: &Path) -> Option<String> {
    directive::in_book(book, src, "legend")
        .into_iter()
        .find(|(_, found)| found.argument.is_empty())
        .map(|(page, _)| format!("{}#{ANCHOR}", page.href))
}

/// A mark as a sample, styled as a claim with that outcome, and its label.
fn sample(mark: &Mark) -> String {
    format!(
        "<span class=\"lab-sample lab-sample-{}\"><span class=\"lab-claim-mark\" \
         aria-hidden=\"true\">{}</span> {}</span>",
        mark.class, mark.symbol, mark.label
    )
}

/// Each mark's line of the legend.
fn mark_items() -> String {
    let mut items = String::new();
    for mark in &MARKS {
        let _ = write!(items, "<li>{}: {}.</li>", sample(mark), mark.meaning);
    }
    items
}

/// The full legend. One HTML block with no blank line, so that Markdown leaves it whole.
fn full() -> String {
    format!(
        "<aside class=\"lab-legend\" id=\"{ANCHOR}\" aria-labelledby=\"{ANCHOR}-title\">\
         <p class=\"lab-legend-title\" id=\"{ANCHOR}-title\"><strong>How to read the numbers \
         on these pages</strong></p><ul>\
         <li><strong>A figure and a bracket</strong>, such as <code>102 ms [101–103]</code>: \
         the median of many interleaved rounds, and its 95% interval. A wide bracket means the \
         machine was noisy.</li>\
         <li><strong>The ceiling</strong>: how much more work all of this machine's logical \
         CPUs got done than one, measured in the same rounds. It, not the number of CPUs, is \
         the best speedup any strategy could reach here.</li>\
         <li><strong>A claim</strong> is a sentence checked against this build's measurements, \
         with a mark in front:<ul>{}</ul></li></ul>\
         <p>Every mark on these pages links here, and its tooltip says in words what it means. \
         <a href=\"appendix-how-built.html#how-to-read-a-bench\">The appendix</a> explains how \
         the rounds, intervals and ceilings are measured.</p></aside>",
        mark_items()
    )
}

/// The three-line legend, linking to the full one where the book has it.
fn compact(legend: Option<&str>) -> String {
    let marks: Vec<String> = MARKS.iter().map(sample).collect();
    let more = legend.map_or_else(String::new, |href| {
        format!(" <a href=\"{href}\">What the marks and figures mean</a>.")
    });
    format!(
        "<p class=\"lab-legend lab-legend-compact\">{}<br>Each claim is judged by the 95% \
         interval of this build's measurement; each figure is a median with that interval.\
         <br>Hover over a mark for its meaning in words; a screen reader reads them out.{more}</p>",
        marks.join(" · ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_explains_every_mark_in_the_claims_own_words() {
        let html = full();
        for mark in &MARKS {
            assert!(html.contains(mark.symbol), "{html}");
            assert!(html.contains(mark.meaning), "{html}");
        }
        assert!(html.contains(&format!("id=\"{ANCHOR}\"")), "{html}");
        assert!(
            !html.contains("\n\n"),
            "a blank line would end the HTML block"
        );
    }

    #[test]
    fn the_compact_legend_links_to_the_full_one_when_there_is_one() {
        let linked = compact(Some("01-introduction.html#lab-legend"));
        assert!(
            linked.contains("href=\"01-introduction.html#lab-legend\""),
            "{linked}"
        );
        assert!(
            !compact(None).contains("href"),
            "no legend in the book, no link"
        );
        for mark in &MARKS {
            assert!(linked.contains(mark.label), "{linked}");
        }
    }
}
