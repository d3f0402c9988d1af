//! `{{#experiments}}`: the overview of every experiment in `results.json`, with its ID, title,
//! the mode and date of this build's measurement, and a link to each page that shows it (each
//! `{{#bench ID}}` in the book). Generated from the results and the chapters, so it cannot fall
//! behind either.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use mdbook_preprocessor::book::Book;

use crate::Lab;
use crate::directive;
use crate::format::escape;
use crate::registry::Directive;

/// The directive, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "experiments",
    usage: "{{#experiments}}",
    becomes: "a table of every experiment in results.json, linked to the pages that show it",
    render: |lab, argument| {
        if !argument.is_empty() {
            bail!("{{{{#experiments}}}} takes no argument; remove `{argument}`");
        }
        let shown = lab.shown().ok_or_else(|| {
            anyhow!(
                "{{{{#experiments}}}} lists the pages of the whole book, so only a book build \
                 (mdbook build) can render it"
            )
        })?;
        table(lab, shown)
    },
};

pub(crate) use crate::directive::Page;

/// Every experiment a `{{#bench}}` shows, with its pages in book order; the IDs in the
/// order they first appear; and, for each, the first page that shows its whole table (a
/// bench that shows only some strategies links there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Shown {
    pub(crate) pages: BTreeMap<String, Vec<Page>>,
    pub(crate) order: Vec<String>,
    pub(crate) whole: BTreeMap<String, Page>,
}

/// Finds every `{{#bench ID}}` in `book`, before any chapter is rendered; `src` is where the
/// chapters' sources are, in which an escaped `\{{#bench ID}}` can still be told apart.
pub(crate) fn index(book: &Book, src: &Path) -> Shown {
    let mut shown = Shown::default();
    for (page, found) in directive::in_book(book, src, "bench") {
        let (id, only) = directive::split_id(&found.argument);
        let id = id.to_string();
        if only.is_none_or(str::is_empty) {
            shown
                .whole
                .entry(id.clone())
                .or_insert_with(|| page.clone());
        }
        let pages = shown.pages.entry(id.clone()).or_default();
        if pages.is_empty() {
            shown.order.push(id);
        }
        if !pages.contains(&page) {
            pages.push(page);
        }
    }
    shown
}

/// The table: experiments in the order the book first shows them, then any it never shows.
fn table(lab: &Lab, shown: &Shown) -> Result<String> {
    let results = lab.results()?;
    let unshown = results
        .experiments
        .keys()
        .filter(|id| !shown.pages.contains_key(*id));
    let mut html = String::from(
        "<div class=\"table-wrapper\"><table class=\"lab-experiments\"><thead><tr>\
         <th>Experiment</th><th>What it measures</th><th>Mode</th><th>Measured</th>\
         <th>Shown on</th></tr></thead><tbody>",
    );
    for id in shown.order.iter().chain(unshown) {
        let experiment = results.experiments.get(id).ok_or_else(|| {
            anyhow!(
                "experiment `{id}` is shown on a page but missing from {}: run `cargo xtask \
                 bench {id}`",
                lab.results_path().display()
            )
        })?;
        let pages = match shown.pages.get(id) {
            Some(pages) => pages
                .iter()
                .map(|p| {
                    format!(
                        "<a href=\"{}#bench-{}\">{}</a>",
                        escape(&p.href),
                        escape(id),
                        escape(&p.title)
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            None => "<em>not shown on any page</em>".to_string(),
        };
        let date = experiment
            .machine
            .date
            .get(..10)
            .unwrap_or(&experiment.machine.date);
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{pages}</td></tr>",
            escape(id),
            escape(&experiment.title),
            escape(&experiment.machine.mode),
            escape(date),
        );
    }
    html.push_str("</tbody></table></div>\n");
    Ok(html)
}
