//! `mdbook-lab`: the mdBook preprocessor that turns this book's directives into measured
//! content. It runs after mdBook's `links` preprocessor, so it sees included text too.
//!
//! | directive | becomes |
//! |---|---|
//! | `{{#bench ID}}` | the experiment's table, an SVG chart and a line naming the machine |
//! | `{{#output EXAMPLE}}` | the stdout of `code/lab/examples/EXAMPLE.rs`, run at build time |
//! | `{{#claim ID: …}}` | ✓ and the measured value, or a visible "did not hold on this machine" |
//!
//! It also checks every `{{#include}}` and `{{#rustdoc_include}}` in the chapter sources, because
//! mdBook only logs a missing file or anchor and builds anyway, and that every runnable Rust
//! block uses only the crates the playground offers.
//!
//! Any bad input (an unknown directive, experiment or example, a missing or corrupt results
//! file, an example that fails or hangs) stops the build with `chapter-file:line` and what to do.
//!
//! # Layout
//!
//! - [`directive`]: finding directives in a chapter and locating them in the source file.
//! - `bench`, `chart`: rendering an experiment.
//! - `claim`: parsing and checking claims.
//! - `output`: running examples, with a time limit and a cache keyed by the source's hash.
//! - `includes`: checking include links.
//! - `playground`: checking that runnable Rust blocks use only the playground's crates.

mod bench;
mod chart;
mod claim;
pub mod directive;
mod format;
mod includes;
mod output;
mod playground;

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use lab::results::{DEFAULT_PATH, Results};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use directive::{Directive, SourceLocation};
pub use output::Examples;

/// The preprocessor. Holds where to find results and examples.
pub struct Lab {
    /// `results.json`.
    results_path: PathBuf,
    /// Whether a missing results file is measured (`cargo xtask bench --quick`) or an error.
    measure_if_missing: bool,
    /// The repository root, where `cargo` commands run.
    root: PathBuf,
    examples: Examples,
    results: OnceCell<Result<Results, String>>,
}

impl Lab {
    /// The preprocessor as `mdbook build` runs it, for the book at `root`.
    pub fn for_book(root: &Path) -> Lab {
        Lab {
            results_path: root.join(DEFAULT_PATH),
            measure_if_missing: true,
            root: root.to_path_buf(),
            examples: Examples::new(root, Duration::from_secs(60)),
            results: OnceCell::new(),
        }
    }

    /// The preprocessor for the book in `ctx`, with paths from `[preprocessor.lab]` where
    /// book.toml sets them (`results`, `examples`, `output-cache`, relative to the book root;
    /// fixture books in tests use them). With a `results` path set, a missing file is an error
    /// rather than a reason to measure.
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
            lab.measure_if_missing = false;
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

    /// A preprocessor reading `results_path` and never measuring: for tests.
    pub fn with_results(root: &Path, results_path: PathBuf, examples: Examples) -> Lab {
        Lab {
            results_path,
            measure_if_missing: false,
            root: root.to_path_buf(),
            examples,
            results: OnceCell::new(),
        }
    }

    /// The results, loaded once. A missing file is measured once, with progress on stderr.
    fn results(&self) -> Result<&Results> {
        let loaded = self.results.get_or_init(|| {
            if !self.results_path.exists() && self.measure_if_missing {
                measure_quick(&self.root).map_err(|e| format!("{e:#}"))?;
            }
            Results::load(&self.results_path).map_err(|e| format!("{e:#}"))
        });
        loaded.as_ref().map_err(|e| anyhow!("{e}"))
    }

    /// Renders every directive of one chapter. `file` is the chapter's path and `source` its
    /// text as written; `content` is the text after mdBook's `links` preprocessor.
    pub fn render_chapter(&self, file: &Path, source: &str, content: &str) -> Result<String> {
        let shown = display_path(&self.root, file);
        let mut errors = includes::check(file, &shown, source);
        errors.extend(playground::check(&shown, source, content));
        let mut out = String::with_capacity(content.len());
        let mut rest = 0;
        for found in directive::find(content) {
            out.push_str(&content[rest..found.start]);
            rest = found.end;
            let at = SourceLocation::of(&shown, source, content, &found);
            match self.render(&found.directive) {
                Ok(html) => out.push_str(&html),
                Err(err) => errors.push(format!("{at}: {err:#}")),
            }
        }
        out.push_str(&content[rest..]);
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(anyhow!(errors.join("\n")))
        }
    }

    fn render(&self, directive: &Directive) -> Result<String> {
        match directive {
            Directive::Bench(id) => {
                let results = self.results()?;
                let experiment = claim::find(results, id)?;
                Ok(bench::render(id, experiment, &results.machine))
            }
            Directive::Claim(text) => {
                let results = self.results()?;
                let parsed = claim::Claim::parse(text)?;
                let verdict = parsed.check(results)?;
                Ok(claim::render(&parsed, &verdict))
            }
            Directive::Output(name) => {
                let stdout = self.examples.stdout_of(name)?;
                Ok(output::render(name, &stdout))
            }
            Directive::Unknown(name) => bail!(
                "unknown directive `{{{{#{name} …}}}}`; this book knows {{{{#bench ID}}}}, \
                 {{{{#output EXAMPLE}}}} and {{{{#claim ID: …}}}} (and mdBook's include, \
                 rustdoc_include, playground and title)"
            ),
        }
    }
}

/// Runs the quick suite once, its progress and output on stderr (stdout carries the book).
fn measure_quick(root: &Path) -> Result<()> {
    eprintln!("mdbook-lab: no results file yet; measuring the quick suite once (about a minute)");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["xtask", "bench", "--quick"])
        .current_dir(root)
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .context("cannot run `cargo xtask bench --quick`")?;
    if !status.success() {
        bail!("`cargo xtask bench --quick` failed ({status}); run it by hand to see why");
    }
    Ok(())
}

impl Preprocessor for Lab {
    fn name(&self) -> &str {
        "lab"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let src = ctx.root.join(&ctx.config.book.src);
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
        chapter.content = self.render_chapter(&file, &source, &chapter.content)?;
        Ok(())
    }
}

/// `file` relative to the repository root, as an editor's jump-to-location wants it.
fn display_path(root: &Path, file: &Path) -> PathBuf {
    file.strip_prefix(root).unwrap_or(file).to_path_buf()
}

#[cfg(test)]
mod tests;
