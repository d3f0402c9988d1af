//! The harness: run a built example with a time limit, and compare the lines it prints.
//!
//! `cargo test` builds every example into `target/<profile>/examples/` before it runs this
//! binary (which lives in `target/<profile>/deps/`), so the tests run those binaries rather
//! than calling `cargo run`, which would fight over the build lock.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long an example may run before it counts as hung. Examples finish in a second or two;
/// this is generous so that a loaded CI machine does not fail them.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// `code/lab`, where `examples/` and `tests/examples/` are.
fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The built binary of example `name`: `target/<profile>/examples/<name>`.
pub(crate) fn example_binary(name: &str) -> PathBuf {
    let this_test = env::current_exe().expect("the test binary knows its path");
    // target/<profile>/deps/examples-HASH → target/<profile>/examples/NAME
    let profile_dir = this_test
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps");
    profile_dir
        .join("examples")
        .join(format!("{name}{}", env::consts::EXE_SUFFIX))
}

/// Runs example `name` with no arguments and returns the lines of its stdout.
///
/// # Panics
///
/// If the example is not built or is older than its source, runs longer than
/// [`TIME_LIMIT`], or exits with a failure; each message says what to do.
pub(crate) fn run(name: &str) -> Vec<String> {
    run_with(name, &[])
}

/// Runs example `name` with `args`, as `{{#output NAME ARG…}}` does, and returns the lines of
/// its stdout. Panics as [`run`] does.
pub(crate) fn run_with(name: &str, args: &[&str]) -> Vec<String> {
    let source = crate_dir().join("examples").join(format!("{name}.rs"));
    assert!(
        source.is_file(),
        "no example {name}: {} does not exist",
        source.display()
    );
    let binary = example_binary(name);
    let built = fs::metadata(&binary)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| {
            panic!(
                "example {name} is not built ({} is missing); run `cargo test -p lab`, which \
             builds the examples, not `cargo test --test examples` alone",
                binary.display()
            )
        });
    let edited = fs::metadata(&source)
        .and_then(|m| m.modified())
        .expect("source is readable");
    assert!(
        edited <= built,
        "example {name} changed since it was built; run `cargo test -p lab`, which rebuilds it"
    );

    let mut child = Command::new(&binary)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));

    // Read both pipes on their own threads, not after wait(): a child that fills a pipe
    // blocks until someone reads it, and would then look hung.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).map(|_| text)
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout is piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr is piped")));

    let deadline = Instant::now() + TIME_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be polled") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("example {name} did not finish within {TIME_LIMIT:?}; it was killed");
        }
        thread::sleep(Duration::from_millis(10));
    };

    let stdout = stdout
        .join()
        .expect("reader thread")
        .expect("stdout is UTF-8");
    let stderr = stderr
        .join()
        .expect("reader thread")
        .expect("stderr is UTF-8");
    assert!(
        status.success(),
        "example {name} failed ({status})\n--- stdout\n{stdout}--- stderr\n{stderr}"
    );
    stdout.lines().map(str::to_owned).collect()
}

/// The output is exactly `expected`, line for line.
pub(crate) fn assert_lines(actual: &[String], expected: &[&str]) {
    assert_eq!(
        actual, expected,
        "\nthe output differs from the expected lines"
    );
}

/// The output holds exactly the `expected` lines, each as often, in any order: for
/// programs whose threads or processes print in an order the scheduler picks.
pub(crate) fn assert_same_lines(actual: &[String], expected: &[&str]) {
    let count = |lines: &mut dyn Iterator<Item = &str>| {
        lines.fold(BTreeMap::new(), |mut counts, line| {
            *counts.entry(line.to_owned()).or_insert(0) += 1;
            counts
        })
    };
    let got = count(&mut actual.iter().map(String::as_str));
    let want = count(&mut expected.iter().copied());
    assert_eq!(
        got, want,
        "\nthe output is not the expected lines in some order\n  output: {actual:#?}"
    );
}

/// The lines of `in_order` appear in the output in this relative order (other lines may
/// come between them), each once.
pub(crate) fn assert_in_order(actual: &[String], in_order: &[&str]) {
    let seen: Vec<&str> = actual
        .iter()
        .map(String::as_str)
        .filter(|line| in_order.contains(line))
        .collect();
    assert_eq!(
        seen, in_order,
        "\nthese lines are not in order\n  output: {actual:#?}"
    );
}

/// The last line of the output is `expected`.
pub(crate) fn assert_last_line(actual: &[String], expected: &str) {
    assert_eq!(
        actual.last().map(String::as_str),
        Some(expected),
        "\n  output: {actual:#?}"
    );
}

/// The code of a Rust source, without its `//` comments: a comment that names an example
/// does not run it.
fn code_of(source: &str) -> String {
    source
        .lines()
        .map(|line| {
            // The first `//` outside a string literal starts a comment.
            let mut in_string = false;
            let bytes = line.as_bytes();
            let end = (0..bytes.len())
                .find(|&i| {
                    if bytes[i] == b'"' && (i == 0 || bytes[i - 1] != b'\\') {
                        in_string = !in_string;
                    }
                    !in_string && bytes[i..].starts_with(b"//")
                })
                .unwrap_or(bytes.len());
            &line[..end]
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names of the examples under `examples/`, sorted.
fn example_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(crate_dir().join("examples"))
        .expect("examples/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every chapter of the book, as written.
fn chapters() -> String {
    let book = crate_dir().join("../../book");
    let mut text = String::new();
    for entry in fs::read_dir(&book).expect("book/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|ext| ext == "md") {
            text += &fs::read_to_string(&path).expect("a chapter is readable");
        }
    }
    text
}

/// Every file in `examples/` is run by some test, and every chapter module is compiled.
///
/// A test "runs" an example when a chapter module under `tests/examples/` calls
/// `run("NAME")` or `run_with("NAME", …)` in its code, not in a comment. Reading the
/// sources, rather than keeping a list, means a new chapter module only has to be declared in
/// `main.rs`.
#[test]
fn every_example_has_a_test() {
    let tests_dir = crate_dir().join("tests/examples");
    let main_rs = fs::read_to_string(tests_dir.join("main.rs")).expect("main.rs is readable");

    let mut test_code = String::new();
    for entry in fs::read_dir(&tests_dir).expect("tests/examples is readable") {
        let path = entry.expect("a directory entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.extension().is_none_or(|ext| ext != "rs") || ["main", "support"].contains(&&*stem) {
            continue;
        }
        assert!(
            code_of(&main_rs).contains(&format!("mod {stem};")),
            "tests/examples/{stem}.rs is not compiled: add `mod {stem};` to tests/examples/main.rs"
        );
        test_code += &code_of(&fs::read_to_string(&path).expect("a test module is readable"));
    }

    let untested: Vec<String> = example_names()
        .into_iter()
        .filter(|name| {
            !test_code.contains(&format!("run(\"{name}\")"))
                && !test_code.contains(&format!("run_with(\"{name}\","))
        })
        .collect();
    assert!(
        untested.is_empty(),
        "these examples have no test: {untested:?}; add a test that calls \
         `support::run(\"NAME\")` to the chapter's module under tests/examples/"
    );
}

/// Every example is shown on some page (whole, by `rustdoc_include`) or has its output there.
#[test]
fn every_example_is_on_a_page() {
    let book = chapters();
    let unused: Vec<String> = example_names()
        .into_iter()
        .filter(|name| {
            !book.contains(&format!("code/lab/examples/{name}.rs"))
                && !book.contains(&format!("{{{{#output {name}}}}}"))
                && !book.contains(&format!("{{{{#output {name} "))
        })
        .collect();
    assert!(
        unused.is_empty(),
        "no page shows these examples: {unused:?}; include them in their chapter, or delete them"
    );
}

/// Every example a page names exists, so (by `every_example_has_a_test`) it is tested.
#[test]
fn every_example_a_page_names_exists() {
    let book = chapters();
    let names = example_names();
    let mut named: Vec<&str> = Vec::new();
    for (marker, end) in [("code/lab/examples/", ".rs"), ("{{#output ", "}}")] {
        for (at, _) in book.match_indices(marker) {
            if book[..at].ends_with('\\') {
                continue; // an escaped directive, shown rather than run
            }
            let rest = &book[at + marker.len()..];
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            // A name, then the end (or an argument) right after it: not prose about
            // `examples/*`.
            let argument = marker == "{{#output " && rest[len..].starts_with(' ');
            if len > 0 && (rest[len..].starts_with(end) || argument) {
                named.push(&rest[..len]);
            }
        }
    }
    let missing: Vec<&&str> = named
        .iter()
        .filter(|n| !names.iter().any(|known| known == *n))
        .collect();
    assert!(
        missing.is_empty(),
        "pages name examples that do not exist: {missing:?}"
    );
}

#[test]
fn a_comment_naming_an_example_does_not_count() {
    let code = code_of("run(\"a\"); // run(\"b\")\nlet url = \"http://x\"; run(\"c\");");
    assert!(code.contains("run(\"a\")") && code.contains("run(\"c\")"));
    assert!(!code.contains("run(\"b\")"), "{code}");
}
