//! `cargo xtask`: every workflow of the book in one place.
//!
//! ```text
//! cargo xtask book                 build the book into target/book (installs the pinned tools,
//!                                  measures, quick, each experiment that is missing or stale)
//! cargo xtask serve [ARGS…]        the same, then `mdbook serve` (ARGS go to mdbook)
//! cargo xtask bench [--quick|--full] [--stale] [--disturb] [--seed N] [ID…]
//!                                  measure into target/lab/results.json, keeping the
//!                                  experiments not named
//! cargo xtask test [STEP…]         everything CI runs, or only the named steps (tools fmt
//!                                  clippy cargo-test loom actionlint mermaid-assets
//!                                  theme-hooks book built-book mdbook-test links browser)
//! ```
//!
//! std only, so that `cargo xtask` compiles in seconds on a fresh clone.

mod book;
mod checks;
mod cmd;
mod test;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

/// The result type of every task: an error is printed and exits non-zero.
type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("book") => book::book(),
        Some("serve") => book::serve(&args[1..]),
        Some("bench") => book::bench(&args[1..]),
        Some("test") => test::test(&args[1..]),
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <book | serve [ARGS…] | bench [--quick|--full] [--stale] \
                     [--disturb] [--seed N] [ID…] | test [STEP…]>";

/// The repository root: xtask lives in `code/xtask`.
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .expect("code/xtask sits two levels below the root")
        .to_path_buf()
}
