//! `{{#output EXAMPLE}}`: what `code/lab/examples/EXAMPLE.rs` prints, run once at build time.
//!
//! ```text
//! {{#output 01_introduction_two_threads}}
//! ```
//! becomes a `<pre class="lab-output">` holding `$ cargo run --example …` and the program's
//! stdout, HTML-escaped. The stdout is cached in `target/lab/output/EXAMPLE-HASH.txt`, keyed by
//! the hash of the example's source, so `mdbook serve` reloads never re-run an unchanged
//! example. A run that fails or outlives its time limit stops the build.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use wait_timeout::ChildExt;

use crate::format::escape;
use crate::registry::Directive;

/// `{{#output EXAMPLE}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "output",
    usage: "{{#output EXAMPLE}}",
    becomes: "what code/lab/examples/EXAMPLE.rs printed when this book was built",
    render: |lab, name| Ok(render(name, &lab.examples.stdout_of(name)?)),
};

/// Where examples live and how they are run.
pub struct Examples {
    root: PathBuf,
    dir: PathBuf,
    cache: PathBuf,
    time_limit: Duration,
}

impl Examples {
    /// The examples of the repository at `root`, each allowed `time_limit` to run.
    pub fn new(root: &Path, time_limit: Duration) -> Examples {
        Examples {
            root: root.to_path_buf(),
            dir: root.join("code/lab/examples"),
            cache: root.join("target/lab/output"),
            time_limit,
        }
    }

    /// Examples in `dir` with outputs cached in `cache`: for tests.
    pub fn at(root: &Path, dir: PathBuf, cache: PathBuf, time_limit: Duration) -> Examples {
        Examples {
            root: root.to_path_buf(),
            dir,
            cache,
            time_limit,
        }
    }

    /// The example's stdout: from the cache when its source is unchanged, else by running it.
    pub fn stdout_of(&self, name: &str) -> Result<String> {
        let source_path = self.dir.join(format!("{name}.rs"));
        let source = fs::read_to_string(&source_path).map_err(|_| {
            anyhow!(
                "unknown example `{name}`: there is no {}; known examples: {}",
                source_path.display(),
                self.known().join(", ")
            )
        })?;
        let cached = self
            .cache
            .join(format!("{name}-{:016x}.txt", hash(&source)));
        if let Ok(stdout) = fs::read_to_string(&cached) {
            return Ok(stdout);
        }
        let binary = self.build(name)?;
        let stdout = run_with_time_limit(Command::new(binary), self.time_limit)
            .with_context(|| format!("example `{name}`"))?;
        self.store(name, &cached, &stdout)?;
        Ok(stdout)
    }

    /// Where the output of example `name` with this `source` is cached.
    pub fn cache_file(&self, name: &str, source: &str) -> PathBuf {
        self.cache.join(format!("{name}-{:016x}.txt", hash(source)))
    }

    fn known(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let path = e.path();
                (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(String::from))?
            })
            .collect();
        names.sort();
        names
    }

    /// Builds the example in release mode and returns its executable.
    fn build(&self, name: &str) -> Result<PathBuf> {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--release",
                "--quiet",
                "--package",
                "lab",
                "--example",
                name,
            ])
            .args(["--message-format", "json-render-diagnostics"])
            .current_dir(&self.root)
            .stderr(Stdio::inherit())
            .output()
            .context("cannot run cargo to build the example")?;
        if !output.status.success() {
            bail!("does not build (see cargo's errors above); fix it, then rebuild the book");
        }
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == name)
            .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
            .ok_or_else(|| anyhow!("cargo built no executable for it"))
    }

    /// Caches `stdout` and removes the entries of older versions of the same example.
    fn store(&self, name: &str, cached: &Path, stdout: &str) -> Result<()> {
        fs::create_dir_all(&self.cache)
            .with_context(|| format!("cannot create {}", self.cache.display()))?;
        for entry in fs::read_dir(&self.cache).into_iter().flatten().flatten() {
            let file = entry.file_name();
            let file = file.to_string_lossy();
            if file.strip_prefix(name).is_some_and(|rest| {
                rest.len() == 21 && rest.starts_with('-') && rest.ends_with(".txt")
            }) {
                let _ = fs::remove_file(entry.path());
            }
        }
        fs::write(cached, stdout).with_context(|| format!("cannot write {}", cached.display()))
    }
}

/// The example's source hash: the cache key. `DefaultHasher` may change between Rust
/// releases; that only costs one re-run.
fn hash(source: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    source.hash(&mut hasher);
    hasher.finish()
}

/// Runs `command` and returns its stdout. A non-zero exit or a run longer than `limit` is an
/// error carrying the tail of stderr; a hung process is killed.
pub(crate) fn run_with_time_limit(mut command: Command, limit: Duration) -> Result<String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start")?;
    // Read both pipes on threads: a program that fills a pipe would otherwise block forever.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = match child.wait_timeout(limit).context("cannot wait for it")? {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "did not finish within {} s and was killed; an example must end on its own \
                 (look for a missing join, a channel never closed, or a lost wake-up)",
                limit.as_secs_f64()
            );
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "exited with {status}; its stderr ends:\n{}",
            tail.join("\n")
        );
    }
    Ok(stdout)
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// The captured output as the page shows it.
pub(crate) fn render(name: &str, stdout: &str) -> String {
    format!(
        "<pre class=\"lab-output\"><code class=\"language-text\">$ cargo run --example {}\n{}</code></pre>\n",
        escape(name),
        escape(stdout.trim_end())
    )
}
