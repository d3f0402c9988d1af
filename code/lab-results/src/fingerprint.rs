//! Fingerprints: which code an experiment measured, so that results go stale exactly when
//! that code changes, and not when a comment or a test elsewhere does.
//!
//! An experiment lists its sources (its module, the workloads and model it calls, its Python
//! script, and the runner every experiment shares). Each is hashed after normalising away
//! what cannot change a measurement: comment lines, blank lines, trailing spaces, and a Rust
//! module's trailing `#[cfg(test)]` section (tests sit at the end of each module here).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::Experiment;

/// One file an experiment depends on: its path from the repository root, and its text as
/// compiled into the suite.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    /// Path from the repository root, e.g. `code/lab/src/workloads.rs`.
    pub path: &'static str,
    /// The file's text, from `include_str!`.
    pub text: &'static str,
}

/// The fingerprint of a file's text: a hash of what can change a measurement.
///
/// FNV-1a, not std's `DefaultHasher`, because std does not promise that `DefaultHasher` gives
/// the same hash in the next release, and a toolchain update must not make every result look
/// stale.
pub fn fingerprint(path: &str, text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for line in normalised_lines(path, text) {
        for byte in line.bytes().chain(std::iter::once(b'\n')) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The lines of `text` that can change what a program does.
fn normalised_lines<'t>(path: &str, text: &'t str) -> Vec<&'t str> {
    let comment = if path.ends_with(".py") { "#" } else { "//" };
    let mut lines = Vec::new();
    for line in text.lines().map(str::trim_end) {
        let code = line.trim_start();
        // Unindented only: the module's own test section, not a `#[cfg(test)]` item inside it.
        if comment == "//" && (line == "#[cfg(test)]" || line.starts_with("#[cfg(all(test")) {
            break; // the test module, to the end of the file
        }
        if !code.is_empty() && !code.starts_with(comment) {
            lines.push(line);
        }
    }
    lines
}

/// The fingerprints of `sources`, by path.
pub fn fingerprints(sources: &[Source]) -> BTreeMap<String, String> {
    sources
        .iter()
        .map(|s| (s.path.to_string(), fingerprint(s.path, s.text)))
        .collect()
}

/// Why `experiment`'s results no longer describe the code under `root`, if they do not:
/// each of its sources that changed or is gone since it was measured.
pub fn stale_because(experiment: &Experiment, root: &Path) -> Option<String> {
    let changed: Vec<String> = experiment
        .sources
        .iter()
        .filter_map(
            |(path, measured)| match fs::read_to_string(root.join(path)) {
                Ok(text) if fingerprint(path, &text) == *measured => None,
                Ok(_) => Some(format!("{path} changed")),
                Err(_) => Some(format!("{path} is gone")),
            },
        )
        .collect();
    (!changed.is_empty()).then(|| format!("{} since it was measured", changed.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "//! A module.\nfn work() -> u64 {\n    // why\n    41 + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n";

    #[test]
    fn comments_blank_lines_and_tests_do_not_count() {
        let edited = "//! A module, reworded.\n\nfn work() -> u64 {   \n    // a new comment\n    41 + 1\n}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn other() { assert!(true) }\n}\n";
        assert_eq!(fingerprint("a.rs", CODE), fingerprint("a.rs", edited));
    }

    #[test]
    fn a_changed_line_of_code_counts() {
        let edited = CODE.replace("41 + 1", "40 + 2");
        assert_ne!(fingerprint("a.rs", CODE), fingerprint("a.rs", &edited));
    }

    #[test]
    fn python_comments_do_not_count_but_code_does() {
        let script = "# header\nx = 1\n";
        assert_eq!(
            fingerprint("s.py", script),
            fingerprint("s.py", "# other header\nx = 1  \n")
        );
        assert_ne!(fingerprint("s.py", script), fingerprint("s.py", "x = 2\n"));
    }

    #[test]
    fn stale_names_each_changed_or_missing_source() {
        let root = std::env::temp_dir().join(format!("lab-fingerprint-{}", std::process::id()));
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("same.rs"), CODE).unwrap();
        fs::write(root.join("changed.rs"), "fn work() -> u64 { 7 }\n").unwrap();
        let mut e = crate::fixture::experiment(vec![]);
        e.sources = fingerprints(&[
            Source {
                path: "same.rs",
                text: CODE,
            },
            Source {
                path: "changed.rs",
                text: CODE,
            },
            Source {
                path: "gone.rs",
                text: CODE,
            },
        ]);
        let why = stale_because(&e, &root).expect("two sources differ");
        assert_eq!(
            why,
            "changed.rs changed, gone.rs is gone since it was measured"
        );
        e.sources.retain(|path, _| path == "same.rs");
        assert_eq!(stale_because(&e, &root), None);
        fs::remove_dir_all(root).unwrap();
    }
}
