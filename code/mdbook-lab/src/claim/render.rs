//! A verdict as the page shows it: a mark a screen reader reads as words ("holds", "did not
//! hold", "not settled", "not checked"), the sentence, and the figures that decided it.

use super::{Claim, Outcome, Verdict};
use crate::format::escape;

/// The claim as the page shows it.
pub(crate) fn render(claim: &Claim, verdict: &Verdict) -> String {
    let statement = escape(&claim.statement);
    let measured = escape(&verdict.measured);
    let (class, mark, label, title) = match verdict.outcome {
        Outcome::Held => (
            "held",
            "✓",
            "holds",
            "checked against this build's measurements",
        ),
        Outcome::Failed => (
            "failed",
            "✗",
            "did not hold",
            "checked against this build's measurements",
        ),
        Outcome::Unsettled => (
            "unsettled",
            "?",
            "not settled",
            "this build's 95% interval neither confirms nor refutes it",
        ),
        Outcome::NotChecked => (
            "skipped",
            "–",
            "not checked",
            "could not be checked on the machine that built this page",
        ),
    };
    let detail = match verdict.outcome {
        Outcome::Held => {
            format!("<span class=\"lab-claim-measured\">(measured: {measured})</span>")
        }
        Outcome::Failed => {
            format!("<strong>did not hold on this machine: measured {measured}</strong>")
        }
        Outcome::Unsettled => format!(
            "<strong>not settled on this machine: {}</strong> \
             <span class=\"lab-claim-measured\">(measured: {measured})</span>",
            escape(verdict.why.as_deref().unwrap_or("no interval"))
        ),
        Outcome::NotChecked => format!("<strong>not checked on this machine: {measured}</strong>"),
    };
    format!(
        "<span class=\"lab-claim lab-claim-{class}\" title=\"{title}\">\
         <span class=\"lab-claim-mark\" role=\"img\" aria-label=\"{label}\">{mark}</span> \
         {statement} {detail}</span>"
    )
}
