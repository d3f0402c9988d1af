//! Reference runs: a bigger machine's full-suite results, committed under `reference/` (one
//! subfolder per machine, each with a `results.json` as `cargo xtask bench` writes it), and
//! shown folded under each `{{#bench}}` figure that they measured too:
//!
//! ```text
//! <details class="lab-reference">
//!   <summary>Reference run on CPU (N logical CPUs, OS), full mode, 2026-11-22 — not this
//!     build's machine; no claim on this page reads it</summary>
//!   <p class="lab-reference-source">From reference/SLUG/results.json, measured on … from the
//!     code as it was then, which may predate …</p>
//!   <div class="table-wrapper"><table class="lab-bench-table">…</table></div>
//!   <ul class="lab-notes">…</ul> <p class="lab-sampling">…</p> <p class="lab-machine">…</p>
//! </details>
//! ```
//! (one line in the page, without the spaces shown here).
//!
//! Only `{{#bench}}` reads them. Claims and `{{#measured}}` read this build's results alone,
//! because the page says each was measured by the build that made it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use lab_results::{Experiment, Results, SCHEMA};
use serde_json::Value;

use crate::bench;
use crate::display_path;
use crate::format::escape;

/// The folder of reference runs, relative to the book root, where book.toml's
/// `[preprocessor.lab] reference` does not name another.
pub(crate) const DEFAULT_DIR: &str = "reference";

/// One machine's committed results.
#[derive(Debug)]
pub(crate) struct Run {
    /// Its `results.json`, relative to the book root, as the page names it.
    pub(crate) path: PathBuf,
    pub(crate) results: Results,
}

/// Every run under `dir`, one per subfolder, in the order of the subfolders' names. A missing
/// `dir` means no reference runs, not an error, because a clone without a bigger machine's
/// data (and every test book) has none; a file beside the subfolders (the README) is not a
/// run.
pub(crate) fn load_all(dir: &Path, root: &Path) -> Result<Vec<Run>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => bail!(
            "cannot list the reference runs in {} ({e}); it must be a folder with one \
             subfolder per machine, each holding a results.json",
            display_path(root, dir).display()
        ),
    };
    let mut folders = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if entry.path().is_dir() {
            folders.push(entry.path());
        }
    }
    folders.sort();
    folders.iter().map(|folder| load(folder, root)).collect()
}

/// The run in `folder`, or an error naming its file and how to replace it.
fn load(folder: &Path, root: &Path) -> Result<Run> {
    let file = folder.join("results.json");
    let path = display_path(root, &file);
    let fix = format!(
        "copy there the target/lab/results.json of a `cargo xtask bench --full` run on that \
         machine, or delete the folder {}",
        display_path(root, folder).display()
    );
    let text = match fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => bail!(
            "reference run folder {} has no results.json; {fix}",
            display_path(root, folder).display()
        ),
        Err(e) => bail!("cannot read reference run {} ({e}); {fix}", path.display()),
    };
    let results =
        parse(&text).map_err(|why| anyhow!("reference run {} {why}; {fix}", path.display()))?;
    Ok(Run { path, results })
}

/// A `results.json` read as `Results::load` reads it (schema first, so that an old file is
/// called old, not corrupt), but by hand, not with `Results::load`, because every error of
/// that ends with "run `cargo xtask bench --quick`", which measures this build's results and
/// leaves the reference run as it was.
fn parse(text: &str) -> Result<Results, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| format!("is corrupt ({e})"))?;
    let schema = json.get("schema").and_then(Value::as_u64);
    if schema != Some(u64::from(SCHEMA)) {
        let found = schema.map_or_else(|| "none".to_string(), |s| s.to_string());
        return Err(format!(
            "has schema {found}, this book reads schema {SCHEMA}"
        ));
    }
    serde_json::from_value(json).map_err(|e| format!("is corrupt ({e})"))
}

/// The runs that measured experiment `id`, each folded under a summary that says whose
/// machine it was, for `{{#bench}}` to put under its own figure. No staleness check, because
/// a reference run is measured from older code by design; it says its date instead.
pub(crate) fn beside(runs: &[Run], id: &str) -> String {
    runs.iter()
        .filter_map(|run| Some(details(run, run.results.experiments.get(id)?)))
        .collect()
}

/// One run's `<details>`: its summary, where it comes from, then the same table and lines
/// as this build's figure. No chart, because one beside this build's would repeat its
/// element IDs.
fn details(run: &Run, experiment: &Experiment) -> String {
    format!(
        "<details class=\"lab-reference\"><summary>{}</summary>\
         <p class=\"lab-reference-source\">{}</p>{}{}</details>",
        summary(experiment),
        source(run, experiment),
        bench::table(experiment),
        bench::how_it_was_measured(experiment)
    )
}

/// Whose machine, which mode and when, and that this page's claims do not read it.
fn summary(experiment: &Experiment) -> String {
    let machine = &experiment.machine;
    format!(
        "Reference run on {} ({} logical CPUs, {}), {} mode, {} — not this build's machine; \
         no claim on this page reads it",
        escape(&machine.cpu),
        machine.logical_cpus,
        escape(&machine.os),
        escape(&machine.mode),
        escape(bench::day(machine))
    )
}

/// The file it was read from, and that its code may be older than this page's.
fn source(run: &Run, experiment: &Experiment) -> String {
    format!(
        "From {}, measured on {} from the code as it was then, which may predate the code \
         this page describes: a reference run is not measured again when the code changes.",
        escape(&run.path.to_string_lossy()),
        escape(bench::day(&experiment.machine))
    )
}
