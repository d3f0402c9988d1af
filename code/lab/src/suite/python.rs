//! Real CPython beside the Rust: one interpreter per script (`python/gil_bench.py serve`, the
//! GIL experiments; `python/seeds.py serve`, the seeds' own programs) for the whole suite run,
//! answering each sample's command. The scripts time themselves. Without `python3` on the
//! `PATH`, the CPython experiments have no trials and a note that says so.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// The note an experiment carries when `python3` was not found; the book shows notes.
pub(super) const SKIPPED_NOTE: &str = "skipped: python3 was not found on this machine";

/// A Python script the suite runs, built into the suite binary.
pub(super) struct Script {
    /// Its file name under `code/lab/python/`, for messages.
    name: &'static str,
    text: &'static str,
}

/// The GIL experiments in CPython.
pub(super) const GIL_BENCH: Script = Script {
    name: "gil_bench.py",
    text: include_str!("../../python/gil_bench.py"),
};

/// The seeds' own programs.
pub(super) const SEEDS: Script = Script {
    name: "seeds.py",
    text: include_str!("../../python/seeds.py"),
};

/// The notes of a CPython experiment: the version it ran on and `rest`, or why it did not run.
pub(super) fn notes(version: Option<String>, rest: &[&str]) -> Vec<String> {
    match version {
        Some(v) => std::iter::once(format!("measured with {v}"))
            .chain(rest.iter().map(|s| s.to_string()))
            .collect(),
        None => vec![SKIPPED_NOTE.to_string()],
    }
}

/// `Python 3.x.y`, if there is a `python3` that runs.
pub(super) fn python_version() -> Option<String> {
    python().map(|(version, _)| version.clone())
}

/// The interpreter's version and its real path. `python3` on the `PATH` is often a shim
/// (pyenv's is a shell script) that costs more to start than the work measured here, so the
/// samples run `sys.executable` directly.
fn python() -> Option<&'static (String, PathBuf)> {
    static PYTHON: OnceLock<Option<(String, PathBuf)>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let out = Command::new("python3")
                .args([
                    "-c",
                    "import platform, sys; print(sys.executable); print(platform.python_version())",
                ])
                .output()
                .ok()?;
            let text = String::from_utf8_lossy(&out.stdout);
            let mut lines = text.lines();
            let exe = PathBuf::from(lines.next()?.trim());
            let version = lines.next()?.trim();
            (out.status.success() && exe.is_file()).then(|| (format!("Python {version}"), exe))
        })
        .as_ref()
}

/// One interpreter running `SCRIPT serve`, started on first use and kept for the whole
/// suite run: a fresh interpreter per sample would cost more to start than some samples take
/// to run, and would put that start-up inside every round. It exits when the suite does (its
/// stdin closes).
struct Interpreter {
    script: &'static str,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    /// Kept so the process is not reaped early; it ends on its own when `input` closes.
    _child: Child,
}

impl Interpreter {
    fn start(script: &Script) -> Interpreter {
        let (_, exe) = python().expect("python3 was found when the plan was made");
        // -S: no site-packages, which the script does not need and which slows start-up.
        let mut child = Command::new(exe)
            .arg("-S")
            .arg(script_path(script))
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
        Interpreter {
            script: script.name,
            input: child.stdin.take().expect("stdin is piped"),
            output: BufReader::new(child.stdout.take().expect("stdout is piped")),
            _child: child,
        }
    }

    /// Sends one command and returns its answer; panics with the script's error, or when the
    /// interpreter has stopped answering.
    fn ask(&mut self, args: &[&str]) -> String {
        let (script, command) = (self.script, args.join(" "));
        writeln!(self.input, "{command}")
            .and_then(|()| self.input.flush())
            .unwrap_or_else(|e| panic!("{script} no longer reads commands ({e})"));
        let mut answer = String::new();
        let read = self
            .output
            .read_line(&mut answer)
            .unwrap_or_else(|e| panic!("cannot read {script}'s answer to `{command}`: {e}"));
        assert!(read > 0, "{script} exited without answering `{command}`");
        assert!(
            !answer.starts_with("error:"),
            "{script} {command}: {}",
            answer.trim()
        );
        answer
    }
}

/// Runs one command in `script`'s interpreter, started on first use, and returns its answer.
pub(super) fn run_script(script: &Script, args: &[&str]) -> String {
    static INTERPRETERS: OnceLock<Mutex<HashMap<&'static str, Interpreter>>> = OnceLock::new();
    // A panic while asking leaves the lock poisoned; the suite stops on that panic anyway.
    let mut interpreters = INTERPRETERS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    interpreters
        .entry(script.name)
        .or_insert_with(|| Interpreter::start(script))
        .ask(args)
}

/// The script, written to a temporary file as its interpreter starts: a real file, not
/// `python3 -c`, so that `multiprocessing` can start its workers with any start method.
fn script_path(script: &Script) -> PathBuf {
    let path = std::env::temp_dir().join(format!("lab-{}-{}", std::process::id(), script.name));
    std::fs::write(&path, script.text).expect("the temporary directory is writable");
    path
}

/// The two numbers a script prints for a command.
pub(super) fn two_numbers<A: std::str::FromStr, B: std::str::FromStr>(text: &str) -> (A, B) {
    let mut words = text.split_whitespace();
    let parsed = words
        .next()
        .and_then(|a| a.parse().ok())
        .zip(words.next().and_then(|b| b.parse().ok()));
    parsed.unwrap_or_else(|| panic!("the script printed `{}`, not two numbers", text.trim()))
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::workloads::cpu_tasks_expected;

    #[test]
    fn without_python_the_plans_say_skipped() {
        let n = notes(None, &["x"]);
        assert_eq!(n, [SKIPPED_NOTE]);
    }

    #[test]
    fn the_script_computes_the_workloads_sum() {
        if python_version().is_none() {
            // CI has python3, so there this test must run; elsewhere python3 is optional.
            assert!(
                std::env::var_os("CI").is_none(),
                "python3 is missing on CI, where the CPython experiments must run"
            );
            return;
        }
        let out = run_script(&GIL_BENCH, &["cpu", "threads", "2", "5", "1000"]);
        let (_, sum) = two_numbers::<f64, u64>(&out);
        assert_eq!(sum, cpu_tasks_expected(5, 1000));
    }

    #[test]
    fn a_bad_command_is_the_scripts_error() {
        if python_version().is_none() {
            return;
        }
        let err = std::panic::catch_unwind(|| {
            run_script(&GIL_BENCH, &["cpu", "sideways", "1", "1", "1"])
        })
        .expect_err("an unknown strategy must not pass");
        let text = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(text.contains("unknown strategy 'sideways'"), "{text}");
    }
}
