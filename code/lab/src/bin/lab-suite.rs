//! Runs the measurement suite and merges what it measured into `results.json`.
//!
//!     cargo run --release -p lab --bin lab-suite -- [--quick|--full] [--stale] [--disturb]
//!                                                    [--seed N] [--out PATH] [ID…]
//!
//! - `ID…`: measure only these experiments; every other one in the file is kept.
//! - `--stale`: measure only the experiments missing from the file or whose code changed
//!   since they were measured (what `cargo xtask book` runs).
//! - `--disturb`: spin a background thread in random bursts while measuring, to check that
//!   the methodology holds under interference.
//! - `--seed N`: the seed of every shuffle (default: from the clock; recorded either way).
//!
//! `cargo xtask bench` is the usual way in; it builds this in release mode first.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use lab::results::{DEFAULT_PATH, Results, Traces};
use lab::suite::{self, Mode, Options, worker};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(worker::FLAG) {
        // Hidden: the experiments that measure processes re-run this binary as a worker.
        return worker::main(&args[1..]);
    }
    let (options, out) = parse(&args)?;
    let mut results = existing_results(&out, &options);
    let measured = suite::run(&options, &results)?;
    if measured.results.experiments.is_empty() {
        return Ok(());
    }
    // Traces first: a results file never points at traces from an older run.
    for traces in &measured.traces {
        traces.save(&Traces::path(&out, &traces.experiment))?;
    }
    results.merge(measured.results);
    results.save(&out)?;
    eprintln!(
        "wrote {} and {} trace files",
        out.display(),
        measured.traces.len()
    );
    Ok(())
}

fn parse(args: &[String]) -> Result<(Options, PathBuf)> {
    let mut options = Options {
        mode: Mode::Quick,
        only: Vec::new(),
        stale_only: false,
        disturb: false,
        seed: clock_seed(),
    };
    let mut out = PathBuf::from(DEFAULT_PATH);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.mode = Mode::Quick,
            "--full" => options.mode = Mode::Full,
            "--stale" => options.stale_only = true,
            "--disturb" => options.disturb = true,
            "--seed" => {
                let seed = args.next().context("--seed needs a number")?;
                options.seed = seed
                    .parse()
                    .with_context(|| format!("--seed `{seed}` is not a number"))?;
            }
            "--out" => match args.next() {
                Some(path) => out = PathBuf::from(path),
                None => bail!("--out needs a path"),
            },
            flag if flag.starts_with('-') => bail!(
                "unknown flag `{flag}`; use --quick, --full, --stale, --disturb, --seed N, \
                 --out PATH or experiment IDs"
            ),
            id => options.only.push(id.to_string()),
        }
    }
    Ok((options, out))
}

/// The results measured so far. A file that cannot be used (corrupt, or an older schema) is
/// replaced: said loudly, and with `--stale` every experiment is measured again.
fn existing_results(path: &Path, options: &Options) -> Results {
    if !path.exists() {
        return Results::empty();
    }
    match Results::load(path) {
        Ok(results) => results,
        Err(err) => {
            eprintln!("cannot keep {}: {err:#}", path.display());
            if !options.only.is_empty() {
                eprintln!(
                    "it will hold only {}; run `cargo xtask bench --stale` for the rest",
                    options.only.join(", ")
                );
            }
            Results::empty()
        }
    }
}

fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
