//! `mdbook-lab`: the mdBook preprocessor that turns this book's directives (`{{#bench}}`,
//! `{{#claim}}`, `{{#output}}` and the rest: see `registry`) into measured content. It runs
//! after mdBook's `links` preprocessor, so it sees included text too. `\{{#…}}` shows a
//! directive instead of running it.
//!
//! It also checks every `{{#include}}` and `{{#rustdoc_include}}` in the chapter sources, because
//! mdBook only logs a missing file or anchor and builds anyway, and that every runnable Rust
//! block uses only the crates the playground offers.
//!
//! Any bad input (an unknown directive, experiment or example, a missing, corrupt or stale
//! results file, an example that fails or hangs) stops the build with `chapter-file:line` and
//! what to do.
//!
//! It never measures: `cargo xtask` decides when to (so a `mdbook serve` reload never starts
//! a benchmark). An experiment whose code changed since it was measured is an error naming
//! the command that re-measures it.
//!
//! Reference runs (a bigger machine's results, committed under `reference/`) are shown beside
//! each `{{#bench}}`, labelled as another machine's; nothing else reads them, so every claim
//! and `{{#measured}}` figure is judged on this build's results alone.
//!
//! # Layout
//!
//! - [`directive`]: finding directives (and escapes) in a chapter and locating them in the
//!   source file.
//! - `registry`: every directive in one list, the unknown-directive error, and the
//!   `{{#directives}}` table generated from it.
//! - One module per directive, owning its parsing and rendering: `bench` (with `chart`, and
//!   `reference`: the reference runs shown beside it), `claim`, `measured` (one figure,
//!   inline), `output` (running examples, with a time limit and a cache keyed by the source's
//!   hash), `timeline`.
//! - `includes`: checking include links; `dedent`: include-only excerpts lose their shared
//!   indentation.
//! - `playground`: checking that runnable Rust blocks use only the playground's crates.
//! - `naming`: how metrics and points are named on the page, from the results contract.
//! - `numbering`: checking that every "chapter N" means the page the sidebar numbers N.
//! - `legend`: what the figures and marks mean; every claim's mark links to it.

mod bench;
mod chart;
mod claim;
mod crossover;
mod dedent;
pub mod directive;
mod experiments;
mod format;
mod includes;
mod legend;
mod measured;
mod naming;
mod numbering;
mod output;
mod playground;
mod reference;
mod registry;
mod timeline;

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use lab_results::{DEFAULT_PATH, Experiment, Results, stale_because};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use directive::SourceLocation;
pub use output::Examples;

/// The preprocessor. Holds where to find results and examples.
pub struct Lab {
    /// `results.json`.
    results_path: PathBuf,
    /// The repository root, where an experiment's source paths start.
    root: PathBuf,
    pub(crate) examples: Examples,
    results: OnceCell<Result<Results, String>>,
    /// The folder of reference runs, one subfolder per machine.
    reference_dir: PathBuf,
    reference_runs: OnceCell<Result<Vec<reference::Run>, String>>,
    /// Where each experiment is shown, found in the whole book before any chapter renders.
    shown: OnceCell<experiments::Shown>,
    /// The sidebar's chapter numbers, read from the whole book before any chapter renders.
    numbering: OnceCell<numbering::Numbering>,
    /// Where the book's first full `{{#legend}}` is, which every claim's mark links to.
    legend: OnceCell<Option<String>>,
    /// The chapter's compact claims, waiting for their `{{#claim-notes}}`.
    claim_notes: claim::Notes,
}

impl Lab {
    /// The preprocessor as `mdbook build` runs it, for the book at `root`.
    pub fn for_book(root: &Path) -> Lab {
        Lab {
            results_path: root.join(DEFAULT_PATH),
            root: root.to_path_buf(),
            examples: Examples::new(root, Duration::from_secs(60)),
            results: OnceCell::new(),
            reference_dir: root.join(reference::DEFAULT_DIR),
            reference_runs: OnceCell::new(),
            shown: OnceCell::new(),
            numbering: OnceCell::new(),
            legend: OnceCell::new(),
            claim_notes: claim::Notes::default(),
        }
    }

    /// The preprocessor for the book in `ctx`, with paths from `[preprocessor.lab]` where
    /// book.toml sets them (`results`, `reference`, `examples`, `output-cache`, relative to the
    /// book root; fixture books in tests use them).
    pub fn from_context(ctx: &PreprocessorContext) -> Result<Lab> {
        let root = &ctx.root;
        let setting = |key: &str| -> Result<Option<PathBuf>> {
            Ok(ctx
                .config
                .get::<String>(&format!("preprocessor.lab.{key}"))
                .with_context(|| format!("book.toml: preprocessor.lab.{key} must be a path"))?
                .map(|p| root.join(p)))
        };
        let mut lab = Lab::for_book(root);
        if let Some(results) = setting("results")? {
            lab.results_path = results;
        }
        if let Some(reference) = setting("reference")? {
            lab.reference_dir = reference;
        }
        let dir = setting("examples")?;
        let cache = setting("output-cache")?;
        if dir.is_some() || cache.is_some() {
            lab.examples = Examples::at(
                root,
                dir.unwrap_or_else(|| root.join("code/lab/examples")),
                cache.unwrap_or_else(|| root.join("target/lab/output")),
                Duration::from_secs(60),
            );
        }
        Ok(lab)
    }

    /// A preprocessor reading `results_path`, and reference runs from `root/reference`: for
    /// tests.
    pub fn with_results(root: &Path, results_path: PathBuf, examples: Examples) -> Lab {
        Lab {
            results_path,
            examples,
            ..Lab::for_book(root)
        }
    }

    /// The results, loaded once.
    pub(crate) fn results(&self) -> Result<&Results> {
        let loaded = self
            .results
            .get_or_init(|| Results::load(&self.results_path).map_err(|e| format!("{e:#}")));
        loaded.as_ref().map_err(|e| anyhow!("{e}"))
    }

    /// The reference runs, loaded once, in the order of their folders' names. Only
    /// `{{#bench}}` may read them: a claim or a `{{#measured}}` figure reads [`Lab::results`],
    /// because the page says each was measured by the build that made it.
    pub(crate) fn reference_runs(&self) -> Result<&[reference::Run]> {
        let loaded = self.reference_runs.get_or_init(|| {
            reference::load_all(&self.reference_dir, &self.root).map_err(|e| format!("{e:#}"))
        });
        loaded.as_deref().map_err(|e| anyhow!("{e}"))
    }

    /// Where each experiment is shown, once the whole book has been indexed.
    pub(crate) fn shown(&self) -> Option<&experiments::Shown> {
        self.shown.get()
    }

    /// The page and anchor of the book's legend, if it has one (a fixture book may not).
    pub(crate) fn legend(&self) -> Option<&str> {
        self.legend.get().and_then(Option::as_deref)
    }

    /// The compact claims of the chapter being rendered.
    pub(crate) fn claim_notes(&self) -> &claim::Notes {
        &self.claim_notes
    }

    /// The results file.
    pub(crate) fn results_path(&self) -> &Path {
        &self.results_path
    }

    /// Experiment `id`, if it was measured and its code has not changed since.
    pub(crate) fn fresh<'r>(&self, results: &'r Results, id: &str) -> Result<&'r Experiment> {
        let experiment = claim::find(results, id)?;
        naming::check(id, experiment)?;
        if let Some(why) = stale_because(experiment, &self.root) {
            bail!(
                "the results of `{id}` are stale: {why}; run `cargo xtask bench {id}` (or \
                 `cargo xtask book`, which re-measures whatever is stale)"
            );
        }
        Ok(experiment)
    }

    /// Renders every directive of one chapter. `file` is the chapter's path and `source` its
    /// text as written; `content` is the text after mdBook's `links` preprocessor.
    pub fn render_chapter(&self, file: &Path, source: &str, content: &str) -> Result<String> {
        let shown = display_path(&self.root, file);
        self.claim_notes.start_chapter();
        let mut errors = includes::check(file, &shown, source);
        errors.extend(playground::check(&shown, source, content));
        let content = dedent::excerpts(source, content);
        let content = content.as_str();
        let mut out = String::with_capacity(content.len());
        let mut rest = 0;
        for found in directive::find(source, content) {
            out.push_str(&content[rest..found.start]);
            rest = found.end;
            if found.escaped {
                out.push_str(&found.text);
                continue;
            }
            let at = SourceLocation::of(&shown, source, content, &found);
            let rendered = if found.closed {
                registry::render(self, &found.name, &found.argument)
            } else {
                Err(anyhow!(
                    "`{{{{#{}` is not closed on its line; write it as {}",
                    found.name,
                    usage_of(&found.name)
                ))
            };
            match rendered {
                Ok(html) => out.push_str(&html),
                Err(err) => errors.push(format!("{at}: {err:#}")),
            }
        }
        out.push_str(&content[rest..]);
        if let Err(err) = self.claim_notes.end_chapter() {
            errors.push(format!("{}: {err:#}", shown.display()));
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(anyhow!(errors.join("\n")))
        }
    }
}

/// How directive `name` is written, or the error that lists every directive.
fn usage_of(name: &str) -> String {
    registry::REGISTRY
        .iter()
        .find(|d| d.name == name)
        .map_or_else(|| registry::unknown(name), |d| format!("`{}`", d.usage))
}

impl Preprocessor for Lab {
    fn name(&self) -> &str {
        "lab"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let src = ctx.root.join(&ctx.config.book.src);
        let _ = self.shown.set(experiments::index(&book, &src));
        let _ = self.numbering.set(numbering::Numbering::of(&book));
        let _ = self.legend.set(legend::find(&book, &src));
        let mut errors = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            if let Err(err) = self.process(&src, chapter) {
                errors.push(format!("{err:#}"));
            }
        });
        if !errors.is_empty() {
            bail!("{}", errors.join("\n"));
        }
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

impl Lab {
    fn process(&self, src: &Path, chapter: &mut Chapter) -> Result<()> {
        let Some(source_path) = &chapter.source_path else {
            return Ok(()); // a draft chapter has no file and no content
        };
        let file = src.join(source_path);
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read chapter {}", file.display()))?;
        let mut errors = match self.numbering.get() {
            Some(numbering) => {
                numbering.check(&display_path(&self.root, &file), source_path, &source)
            }
            None => Vec::new(),
        };
        match self.render_chapter(&file, &source, &chapter.content) {
            Ok(content) if errors.is_empty() => chapter.content = content,
            Ok(_) => {}
            Err(err) => errors.push(format!("{err:#}")),
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(anyhow!(errors.join("\n")))
        }
    }
}

/// `file` relative to the repository root, as an editor's jump-to-location wants it.
fn display_path(root: &Path, file: &Path) -> PathBuf {
    file.strip_prefix(root).unwrap_or(file).to_path_buf()
}

#[cfg(test)]
mod tests;
