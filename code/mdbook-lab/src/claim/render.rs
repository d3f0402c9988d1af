//! A verdict as the page shows it: a mark a screen reader reads as words ("holds", "did not
//! hold", "not settled", "not checked"), the sentence, and the figures that decided it. The
//! mark links to the book's legend (`{{#legend}}`) where there is one, and says in its
//! tooltip what it means.

use super::{Claim, Outcome, Verdict};
use crate::format::escape;

/// How an outcome looks, and what it means in words: written once, for the marks and for the
/// legend that explains them.
pub(crate) struct Mark {
    /// The outcome it shows.
    pub(crate) outcome: Outcome,
    /// The CSS class after `lab-claim-`.
    pub(crate) class: &'static str,
    /// The mark itself.
    pub(crate) symbol: &'static str,
    /// What a screen reader says for it.
    pub(crate) label: &'static str,
    /// What it means, as one clause.
    pub(crate) meaning: &'static str,
}

/// Every outcome's mark, in the order the legend lists them.
pub(crate) const MARKS: [Mark; 4] = [
    Mark {
        outcome: Outcome::Held,
        class: "held",
        symbol: "✓",
        label: "holds",
        meaning: "the whole 95% interval of this build's measurement agrees with the sentence",
    },
    Mark {
        outcome: Outcome::Failed,
        class: "failed",
        symbol: "✗",
        label: "did not hold",
        meaning: "the whole interval disagrees with it: on this machine the sentence was false",
    },
    Mark {
        outcome: Outcome::Unsettled,
        class: "unsettled",
        symbol: "?",
        label: "not settled",
        meaning: "the interval reaches across the bound, so this build cannot tell either way",
    },
    Mark {
        outcome: Outcome::NotChecked,
        class: "skipped",
        symbol: "–",
        label: "not checked",
        meaning: "the machine that built this page lacked what the check needs",
    },
];

/// The mark of `outcome`.
pub(crate) fn mark_of(outcome: Outcome) -> &'static Mark {
    MARKS
        .iter()
        .find(|m| m.outcome == outcome)
        .expect("every outcome has a mark")
}

/// The claim as the page shows it: the reader's sentence where the claim gives one, with the
/// check in words and the figures after it, smaller; otherwise the check in words. `words`
/// is the check as [`Claim::in_words`] writes it. The mark links to `legend` (a page and
/// anchor) if given.
pub(crate) fn render(
    claim: &Claim,
    words: &str,
    verdict: &Verdict,
    legend: Option<&str>,
) -> String {
    let (statement, checked) = match &claim.sentence {
        Some(sentence) => (escape(sentence), format!("checked: {}; ", escape(words))),
        None => (escape(words), String::new()),
    };
    let measured = escape(&verdict.measured);
    let mark = mark_of(verdict.outcome);
    let detail = match verdict.outcome {
        Outcome::Held => {
            format!("<span class=\"lab-claim-measured\">({checked}measured: {measured})</span>")
        }
        Outcome::Failed => format!(
            "<strong>did not hold on this machine: measured {measured}</strong>{}",
            aside(&checked)
        ),
        Outcome::Unsettled => format!(
            "<strong>not settled on this machine: {}</strong> \
             <span class=\"lab-claim-measured\">({checked}measured: {measured})</span>",
            escape(verdict.why.as_deref().unwrap_or("no interval"))
        ),
        Outcome::NotChecked => format!(
            "<strong>not checked on this machine: {measured}</strong>{}",
            aside(&checked)
        ),
    };
    let (class, label, meaning) = (mark.class, mark.label, mark.meaning);
    format!(
        "<span class=\"lab-claim lab-claim-{class}\" title=\"{label}: {meaning}\">{} \
         {statement} {detail}</span>",
        mark_html(mark, legend)
    )
}

/// The claim in a table cell: its mark and the one figure the bound judged, linking to the
/// whole claim in the notes under the table (`note`, an anchor on this page); the sentence and
/// the figures are in its tooltip too.
pub(crate) fn render_compact(
    claim: &Claim,
    words: &str,
    verdict: &Verdict,
    legend: Option<&str>,
    note: &str,
) -> String {
    let mark = mark_of(verdict.outcome);
    let said = claim.sentence.as_deref().unwrap_or(words);
    format!(
        "<span class=\"lab-claim lab-claim-{} lab-claim-compact\">{} <a class=\"lab-claim-note\" \
         href=\"#{note}\" title=\"{}: {}; measured {}\">{}</a></span>",
        mark.class,
        mark_html(mark, legend),
        mark.label,
        escape(said),
        escape(&verdict.measured),
        escape(&verdict.headline)
    )
}

/// The mark: a link to the legend where there is one, so that a reader who meets a mark
/// before its explanation can follow it there; its label and tooltip say in words what the
/// mark says in a symbol.
fn mark_html(mark: &Mark, legend: Option<&str>) -> String {
    let (symbol, label, meaning) = (mark.symbol, mark.label, mark.meaning);
    match legend {
        Some(href) => format!(
            "<a class=\"lab-claim-mark\" href=\"{}\" aria-label=\"{label}: what the marks mean\" \
             title=\"{label}: {meaning}\">{symbol}</a>",
            escape(href)
        ),
        None => format!(
            "<span class=\"lab-claim-mark\" role=\"img\" aria-label=\"{label}\" \
             title=\"{label}: {meaning}\">{symbol}</span>"
        ),
    }
}

/// The check, smaller, after a verdict that leads with its own words; nothing if there is no
/// sentence (then the check itself leads).
fn aside(checked: &str) -> String {
    match checked.strip_suffix("; ") {
        Some(check) => format!(" <span class=\"lab-claim-measured\">({check})</span>"),
        None => String::new(),
    }
}
