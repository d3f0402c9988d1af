//! `{{#output EXAMPLE}}`: what `code/lab/examples/EXAMPLE.rs` prints, run once at build time.
//!
//! ```text
//! {{#output 01_introduction_two_threads}}
//! {{#output 07_thread_pools_executor cancel}}
//! ```
//! becomes a `<pre class="lab-output">` holding `$ cargo run --example …` and the program's
//! stdout, HTML-escaped. Words after the name are passed to the program as its arguments, so
//! one example can show its parts one at a time. The stdout is cached in
//! `target/lab/output/EXAMPLE[+ARG…]-HASH.txt`, keyed by the hash of the example's source and
//! the arguments, so `mdbook serve` reloads never re-run an unchanged example. A run that fails
//! or outlives its time limit stops the build.

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
    usage: "{{#output EXAMPLE [ARG…]}}",
    becomes: "what code/lab/examples/EXAMPLE.rs printed, run with ARG… as its arguments, when \
              this book was built",
    render: |lab, text| {
        let mut words = text.split_whitespace();
        let name = words.next().unwrap_or_default();
        let args: Vec<&str> = words.collect();
        Ok(render(name, &args, &lab.examples.stdout_of(name, &args)?))
    },
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

    /// The example's stdout when run with `args`: from the cache when its source is
    /// unchanged, else by running it.
    pub fn stdout_of(&self, name: &str, args: &[&str]) -> Result<String> {
        let source_path = self.dir.join(format!("{name}.rs"));
        let source = fs::read_to_string(&source_path).map_err(|_| {
            anyhow!(
                "unknown example `{name}`: there is no {}; known examples: {}",
                source_path.display(),
                self.known().join(", ")
            )
        })?;
        let cached = self.cache_file(name, args, &source);
        if let Ok(stdout) = fs::read_to_string(&cached) {
            return Ok(stdout);
        }
        let binary = self.build(name)?;
        let mut command = Command::new(binary);
        command.args(args);
        let stdout = run_with_time_limit(command, self.time_limit)
            .with_context(|| format!("example `{}`", invocation(name, args)))?;
        self.store(&cache_stem(name, args), &cached, &stdout)?;
        Ok(stdout)
    }

    /// Where the output of example `name` run with `args`, with this `source`, is cached.
    pub fn cache_file(&self, name: &str, args: &[&str], source: &str) -> PathBuf {
        let key = format!("{source}\0{}", args.join("\0"));
        self.cache.join(format!(
            "{}-{:016x}.txt",
            cache_stem(name, args),
            hash(&key)
        ))
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

    /// Caches `stdout` and removes the entries of older versions of the same example run with
    /// the same arguments (`stem`, from [`cache_stem`]).
    fn store(&self, stem: &str, cached: &Path, stdout: &str) -> Result<()> {
        fs::create_dir_all(&self.cache)
            .with_context(|| format!("cannot create {}", self.cache.display()))?;
        for entry in fs::read_dir(&self.cache).into_iter().flatten().flatten() {
            let file = entry.file_name();
            let file = file.to_string_lossy();
            if file.strip_prefix(stem).is_some_and(|rest| {
                rest.len() == 21 && rest.starts_with('-') && rest.ends_with(".txt")
            }) {
                let _ = fs::remove_file(entry.path());
            }
        }
        fs::write(cached, stdout).with_context(|| format!("cannot write {}", cached.display()))
    }
}

/// The start of a cache file's name: the example and its arguments, `+`-joined, so that the
/// outputs of one example run with different arguments never replace each other.
fn cache_stem(name: &str, args: &[&str]) -> String {
    std::iter::once(name)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join("+")
}

/// How a reader runs the example: its name, then `--` and the arguments, if any.
fn invocation(name: &str, args: &[&str]) -> String {
    if args.is_empty() {
        name.to_string()
    } else {
        format!("{name} -- {}", args.join(" "))
    }
}

/// The hash of an example's source (and arguments): the cache key. `DefaultHasher` may change between Rust
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
pub(crate) fn render(name: &str, args: &[&str], stdout: &str) -> String {
    format!(
        "<pre class=\"lab-output\"><code class=\"language-text\">$ cargo run --example {}\n{}</code></pre>\n",
        escape(&invocation(name, args)),
        escape(stdout.trim_end())
    )
}
