//! Runs the measurement suite and writes `results.json`.
//!
//!     cargo run --release -p lab --bin lab-suite -- [--quick|--full] [--out PATH] [ID…]
//!
//! `cargo xtask bench` is the usual way in; it builds this in release mode first.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use lab::results::DEFAULT_PATH;
use lab::suite::{self, Mode, gil_cpu};

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
    let mut mode = Mode::Quick;
    let mut out = PathBuf::from(DEFAULT_PATH);
    let mut only = Vec::new();
    let mut args = std::env::args().skip(1);
    if let Some(first) = std::env::args().nth(1)
        && first == gil_cpu::WORKER_FLAG
    {
        // Hidden: the `processes` strategy of `gil-cpu` re-runs this binary as a worker.
        let rest: Vec<String> = args.skip(1).collect();
        return gil_cpu::worker_main(&rest);
    }
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => mode = Mode::Quick,
            "--full" => mode = Mode::Full,
            "--out" => match args.next() {
                Some(path) => out = PathBuf::from(path),
                None => bail!("--out needs a path"),
            },
            flag if flag.starts_with('-') => {
                bail!("unknown flag `{flag}`; use --quick, --full, --out PATH or experiment IDs")
            }
            id => only.push(id.to_string()),
        }
    }
    let results = suite::run(mode, &only)?;
    results.save(&out)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
