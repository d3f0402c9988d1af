//! Running commands: each is echoed before it runs, and a non-zero exit becomes an error
//! naming the command.

use std::ffi::OsStr;
use std::process::{Command, Output};

use crate::{Result, root};

/// `cargo` as the one running xtask (`$CARGO`), else from PATH.
pub(crate) fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// A program from PATH, run in the repository root.
pub(crate) fn program(name: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(name);
    command.current_dir(root());
    command
}

/// Runs `command` with inherited output; fails if it exits non-zero.
pub(crate) fn run(command: &mut Command) -> Result {
    let shown = show(command);
    eprintln!("> {shown}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("command `{shown}` failed ({status})"))
    }
}

/// Runs `command` and captures its output, whatever its exit status.
pub(crate) fn capture(command: &mut Command) -> Result<Output> {
    let shown = show(command);
    command
        .output()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))
}

/// The first line of a program's `--version`, if it runs at all.
pub(crate) fn version_of(name: &str) -> Option<String> {
    let output = Command::new(name).arg("--version").output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    })
}

/// A command as a shell would show it.
pub(crate) fn show(command: &Command) -> String {
    let mut parts: Vec<String> = command
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_str()?, v?.to_str()?)))
        .collect();
    parts.push(command.get_program().to_string_lossy().into_owned());
    parts.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}
