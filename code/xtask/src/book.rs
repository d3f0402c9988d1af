//! `book`, `serve` and `bench`: measuring, and building the book from the measurements.

use std::time::Instant;

use crate::cmd::{self, cargo, program};
use crate::{Result, tools};

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

/// `cargo xtask bench [--quick|--full] [--stale] [--disturb] [--seed N] [ID…]`: the suite,
/// in release mode, with a progress bar. Named experiments replace theirs in results.json;
/// the rest are kept.
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

/// Measures, in quick mode, every experiment whose results are missing or whose code changed
/// since it was measured. The suite decides which from each experiment's fingerprint, so an
/// edit to a test, a chapter or a comment measures nothing.
pub(crate) fn ensure_results() -> Result {
    bench(&["--quick".to_string(), "--stale".to_string()])
}
