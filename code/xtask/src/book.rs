//! `book`, `serve` and `bench`: measuring, and building the book from the measurements.

use std::fs;
use std::path::Path;
use std::time::{Instant, SystemTime};

use crate::cmd::{self, cargo, program};
use crate::{Result, root, tools};

/// Where the suite writes and the preprocessor reads.
pub(crate) const RESULTS: &str = "target/lab/results.json";

/// `cargo xtask book`: tools, fresh results, `mdbook build`.
pub(crate) fn book() -> Result {
    tools::ensure_mdbook()?;
    ensure_results()?;
    build()
}

/// `cargo xtask serve`: like `book`, then `mdbook serve`, whose reloads read the cached
/// results and never measure.
pub(crate) fn serve(args: &[String]) -> Result {
    tools::ensure_mdbook()?;
    ensure_results()?;
    cmd::run(program("mdbook").arg("serve").args(args))
}

/// `cargo xtask bench [--quick|--full] [ID…]`: the suite, in release mode, with a progress bar.
pub(crate) fn bench(args: &[String]) -> Result {
    cmd::run(
        cargo()
            .args([
                "run",
                "--release",
                "--quiet",
                "--package",
                "lab",
                "--bin",
                "lab-suite",
                "--",
            ])
            .args(["--out", RESULTS])
            .args(args),
    )
}

/// Builds the book into `target/book`. mdBook logs some problems and still exits 0, so its
/// log is read too: any ERROR line fails the build.
pub(crate) fn build() -> Result {
    let start = Instant::now();
    eprintln!("> mdbook build");
    let output = cmd::capture(program("mdbook").arg("build"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    eprint!("{log}");
    if !output.status.success() {
        return Err("mdbook build failed (see above)".into());
    }
    let errors: Vec<&str> = log.lines().filter(|l| l.contains(" ERROR ")).collect();
    if !errors.is_empty() {
        return Err(format!(
            "mdbook build logged errors but exited 0; fix them:\n{}",
            errors.join("\n")
        ));
    }
    eprintln!(
        "book built into target/book in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Measures the quick suite when the results are missing, or older than the code that
/// measures them.
pub(crate) fn ensure_results() -> Result {
    let results = root().join(RESULTS);
    match stale_because(&results) {
        None => Ok(()),
        Some(reason) => {
            eprintln!("{RESULTS} is {reason}; measuring the quick suite");
            bench(&["--quick".to_string()])
        }
    }
}

fn stale_because(results: &Path) -> Option<String> {
    let measured = match fs::metadata(results).and_then(|m| m.modified()) {
        Ok(time) => time,
        Err(_) => return Some("missing".into()),
    };
    let lab = root().join("code/lab");
    let newest = newest_change(&lab.join("src"))
        .into_iter()
        .chain(newest_change(&lab.join("Cargo.toml")))
        .max()?;
    (newest > measured).then(|| "older than the suite's code in code/lab/src".into())
}

/// The latest modification time of `path` or anything under it.
fn newest_change(path: &Path) -> Option<SystemTime> {
    let meta = fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    fs::read_dir(path)
        .ok()?
        .flatten()
        .filter_map(|entry| newest_change(&entry.path()))
        .max()
}
