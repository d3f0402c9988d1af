//! The preprocessor end to end on one chapter: every directive, every kind of bad input.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use lab_results::{Point, Results, fixture};

use super::*;

struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("mdbook-lab-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("examples")).unwrap();
        fs::create_dir_all(dir.join("cache")).unwrap();
        Fixture { dir }
    }

    fn results_path(&self) -> PathBuf {
        self.dir.join("results.json")
    }

    fn lab(&self) -> Lab {
        let examples = Examples::at(
            &self.dir,
            self.dir.join("examples"),
            self.dir.join("cache"),
            Duration::from_secs(5),
        );
        Lab::with_results(&self.dir, self.results_path(), examples)
    }

    fn write_results(&self, title: &str) {
        let mut experiment = fixture::experiment(vec![
            point("serial", 1, 1.0),
            point("rayon", 1, 1.0),
            point("rayon", 2, 0.9),
        ]);
        experiment.title = title.into();
        experiment.workload = "a & b".into();
        experiment.notes = vec!["a note".into()];
        experiment.machine = fixture::machine(1.18);
        fixture::results(vec![("cpu-bound", experiment)])
            .save(&self.results_path())
            .unwrap();
    }

    /// Runs a chapter through the preprocessor, as `book/ch.md`.
    fn render(&self, source: &str) -> Result<String> {
        self.lab()
            .render_chapter(&self.dir.join("book/ch.md"), source, source)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn point(strategy: &str, workers: usize, median: f64) -> Point {
    fixture::uniform(strategy, workers, 8, median)
}

fn error_of(result: Result<String>) -> String {
    format!("{:#}", result.expect_err("the chapter should not render"))
}

#[test]
fn bench_renders_table_chart_and_machine_line() {
    let f = Fixture::new("bench");
    f.write_results("CPU");
    let html = f.render("{{#bench cpu-bound}}").unwrap();
    assert!(html.contains("<table class=\"lab-bench-table\">"));
    assert!(html.contains("<td>rayon</td><td>2</td>"));
    // Speedup 1.0/0.9 in every round, so its interval is a single value; the fixture's
    // in-round ceiling is 1.2, so 1.11 is 93% of min(2, 1.2).
    assert!(
        html.contains("<td>1.11× <span class=\"lab-ci\">[1.11–1.11]</span></td>"),
        "{html}"
    );
    assert!(html.contains("<td>93% <span class=\"lab-ci\">[93–93]</span></td>"));
    assert!(
        html.contains("<svg role=\"img\" aria-labelledby=\"chart-cpu-bound-t chart-cpu-bound-d\"")
    );
    // The chart says in words what it shows.
    assert!(
        html.contains(
            "<desc id=\"chart-cpu-bound-d\">speedup over serial against workers. serial: 1.00× \
             at 1. rayon: 1.00× at 1, 1.11× at 2. The dashed line is what the machine can \
             attain: min(workers, the measured ceiling of 1.20×).</desc>"
        ),
        "{html}"
    );
    assert!(html.contains("currentColor") && !html.contains("#000000"));
    assert!(html.contains("Parallel ceiling 1.20× [1.20–1.20] (2 busy threads vs one), measured in this experiment's own rounds; the suite's calibration read 1.18× [1.18–1.18]"), "{html}");
    assert!(html.contains("The host stole 0.1% of CPU time"), "{html}");
    assert!(html.contains("6 interleaved rounds"), "{html}");
    assert!(
        !html.trim_end().contains("\n\n"),
        "a blank line would end the HTML block"
    );
}

#[test]
fn a_disturbed_run_says_so() {
    let f = Fixture::new("disturbed");
    f.write_results("CPU");
    let mut results = Results::load(&f.results_path()).unwrap();
    results
        .experiments
        .get_mut("cpu-bound")
        .unwrap()
        .machine
        .disturbed = true;
    results.save(&f.results_path()).unwrap();
    let html = f.render("{{#bench cpu-bound}}").unwrap();
    assert!(html.contains("Measured with --disturb"), "{html}");
}

#[test]
fn stale_results_fail_with_the_command_that_measures_again() {
    let f = Fixture::new("stale");
    f.write_results("CPU");
    fs::write(f.dir.join("work.rs"), "fn work() -> u64 { 1 }\n").unwrap();
    let mut results = Results::load(&f.results_path()).unwrap();
    let e = results.experiments.get_mut("cpu-bound").unwrap();
    e.sources = [(
        "work.rs".to_string(),
        lab_results::fingerprint("work.rs", "fn work() -> u64 { 2 }\n"),
    )]
    .into();
    results.save(&f.results_path()).unwrap();
    let err = error_of(f.render("# T\n\n{{#bench cpu-bound}}\n"));
    assert!(
        err.starts_with("book/ch.md:3: the results of `cpu-bound` are stale: work.rs changed"),
        "{err}"
    );
    assert!(err.contains("run `cargo xtask bench cpu-bound`"), "{err}");
    // A claim on it is refused the same way.
    let err =
        error_of(f.render("{{#claim cpu-bound: rayon speedup is at least 1× at workers = 2}}"));
    assert!(err.contains("are stale"), "{err}");
    // Only a comment changes: the results are still current.
    fs::write(
        f.dir.join("work.rs"),
        "// reworded\nfn work() -> u64 { 2 }\n",
    )
    .unwrap();
    assert!(f.render("{{#bench cpu-bound}}").is_ok());
}

#[test]
fn titles_and_outputs_are_escaped() {
    let f = Fixture::new("escape");
    f.write_results("<script>alert(1)</script>");
    let html = f.render("{{#bench cpu-bound}}").unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("a &amp; b"));
    assert!(!html.contains("<script>"));

    let out = output::render("x", &[], "<script>alert(1)</script>\na & b\n");
    assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;\na &amp; b</code></pre>"));
}

#[test]
fn claims_render_verdicts() {
    let f = Fixture::new("claims");
    f.write_results("CPU");
    let html = f
        .render("{{#claim cpu-bound: rayon speedup is at least 1.05× at workers = 2}}")
        .unwrap();
    assert!(
        html.contains("lab-claim-held")
            && html.contains("(measured: 1.11× [1.11–1.11] at 2 workers)"),
        "{html}"
    );
    assert!(html.contains("role=\"img\" aria-label=\"holds\""), "{html}");
    let html = f
        .render("{{#claim cpu-bound: rayon speedup is at least 2× at workers = 2}}")
        .unwrap();
    assert!(
        html.contains("did not hold on this machine: measured 1.11× [1.11–1.11] at 2 workers"),
        "{html}"
    );
}

#[test]
fn a_malformed_claim_fails_with_file_and_line() {
    let f = Fixture::new("badclaim");
    f.write_results("CPU");
    let err = error_of(f.render("# T\n\n{{#claim cpu-bound: rayon is fast}}\n"));
    assert!(err.contains("book/ch.md:3:"), "{err}");
    assert!(err.contains("STRATEGY METRIC"), "{err}");
}

#[test]
fn an_unknown_directive_fails_with_file_and_line() {
    let f = Fixture::new("unknown");
    let err = error_of(f.render("# T\n{{#bnech cpu-bound}}\n"));
    assert!(
        err.starts_with("book/ch.md:2: unknown directive `{{#bnech …}}`"),
        "{err}"
    );
}

#[test]
fn a_compact_claim_shows_its_figure_and_its_notes_show_it_whole() {
    let f = Fixture::new("compact-claims");
    f.write_results("CPU");
    let claim = "{{#claim compact cpu-bound: rayon speedup is at least 1.05× at workers = 2 | \
                 Two threads beat one}}";
    let html = f
        .render(&format!(
            "| a | {claim} |\n|---|---|\n\n{{{{#claim-notes}}}}\n"
        ))
        .unwrap();
    assert!(
        html.contains("<a class=\"lab-claim-note\" href=\"#claim-note-1\""),
        "{html}"
    );
    assert!(
        html.contains(">1.11× [1.11–1.11]</a>"),
        "the cell keeps its figure: {html}"
    );
    assert!(
        html.contains("<li id=\"claim-note-1\"><span class=\"lab-claim lab-claim-held\""),
        "{html}"
    );
    assert!(html.contains("Two threads beat one"), "{html}");
    let err = error_of(f.render(&format!("| a | {claim} |\n|---|---|\n")));
    assert!(
        err.contains("1 compact claim(s) have no `{{#claim-notes}}` after them"),
        "{err}"
    );
}

#[test]
fn an_unclosed_directive_says_how_to_write_it() {
    let f = Fixture::new("unclosed");
    let err = error_of(f.render("# T\n{{#bench cpu-bound\n"));
    assert!(
        err.starts_with(
            "book/ch.md:2: `{{#bench` is not closed on its line; write it as `{{#bench ID[: STRATEGY…]}}`"
        ),
        "{err}"
    );
}

#[test]
fn the_directives_table_lists_the_registry_and_is_marked() {
    let f = Fixture::new("directives");
    let html = f.render("{{#directives}}").unwrap();
    assert!(
        html.starts_with("<div data-lab-directive=\"directives\""),
        "{html}"
    );
    assert!(html.contains("<code>{{#claim [compact] ID:"), "{html}");
    let err = error_of(f.render("{{#directives please}}"));
    assert!(err.contains("takes no argument"), "{err}");
}

#[test]
fn an_escaped_directive_is_left_as_written() {
    let f = Fixture::new("escaped");
    // No results file: an escaped directive must not even look for one.
    let html = f.render("`\\{{#bench nope}}` and \\{{#whatever}}").unwrap();
    assert_eq!(html, "`{{#bench nope}}` and {{#whatever}}");
}

#[test]
fn a_timeline_needs_traces_from_the_same_run() {
    use lab_results::{Span, SpanKind, TRACE_SCHEMA, Trace, TraceLane, Traces};

    let f = Fixture::new("timeline");
    f.write_results("CPU");
    let err = error_of(f.render("{{#timeline cpu-bound rayon}}"));
    assert!(
        err.contains("cannot read trace file") && err.contains("cargo xtask bench"),
        "{err}"
    );
    let results = Results::load(&f.results_path()).unwrap();
    let mut traces = Traces {
        schema: TRACE_SCHEMA,
        experiment: "cpu-bound".into(),
        run: "an older run".into(),
        traces: vec![Trace {
            strategy: "rayon".into(),
            workers: 2,
            tasks: 8,
            params: Default::default(),
            duration_ns: 1_000_000,
            traced_value: 0.9,
            recorded_runs: 1,
            untraced_median: 0.9,
            dropped: 0,
            lanes: vec![TraceLane {
                label: "thread 1".into(),
                spans: vec![Span {
                    start_ns: 0,
                    end_ns: 1_000_000,
                    kind: SpanKind::Running,
                }],
            }],
        }],
    };
    let path = Traces::path(&f.results_path(), "cpu-bound");
    traces.save(&path).unwrap();
    let err = error_of(f.render("{{#timeline cpu-bound rayon}}"));
    assert!(err.contains("from another run"), "{err}");
    traces.run = results.experiments["cpu-bound"].run_id();
    traces.save(&path).unwrap();
    let html = f.render("{{#timeline cpu-bound rayon}}").unwrap();
    assert!(
        html.starts_with("<figure data-lab-directive=\"timeline\""),
        "{html}"
    );
    assert!(html.contains("<svg "), "{html}");
    let err = error_of(f.render("{{#timeline cpu-bound}}"));
    assert!(
        err.contains("write it as `{{#timeline ID STRATEGY}}`"),
        "{err}"
    );
}

#[test]
fn an_unknown_experiment_lists_the_known_ones() {
    let f = Fixture::new("unknownexp");
    f.write_results("CPU");
    let err = error_of(f.render("a\nb\n{{#bench cpu-bund}}"));
    assert!(
        err.starts_with("book/ch.md:3: unknown experiment `cpu-bund`"),
        "{err}"
    );
    assert!(err.contains("results.json has: cpu-bound"), "{err}");
}

#[test]
fn a_missing_results_file_says_how_to_measure() {
    let f = Fixture::new("missing");
    let err = error_of(f.render("{{#bench cpu-bound}}"));
    assert!(
        err.starts_with("book/ch.md:1: cannot read results file"),
        "{err}"
    );
    assert!(err.contains("cargo xtask bench"), "{err}");
}

#[test]
fn a_corrupt_results_file_says_how_to_recover() {
    let f = Fixture::new("corrupt");
    fs::write(f.results_path(), "{\"schema\": 2, \"experiments\": ").unwrap();
    let err = error_of(f.render("x\n{{#bench cpu-bound}}"));
    assert!(
        err.starts_with("book/ch.md:2:") && err.contains("is corrupt"),
        "{err}"
    );
}

#[test]
fn an_unknown_example_lists_the_known_ones() {
    let f = Fixture::new("unknownex");
    fs::write(f.dir.join("examples/01_real.rs"), "fn main() {}").unwrap();
    let err = error_of(f.render("{{#output 01_nope}}"));
    assert!(
        err.starts_with("book/ch.md:1: unknown example `01_nope`"),
        "{err}"
    );
    assert!(err.contains("known examples: 01_real"), "{err}");
}

#[test]
fn a_cached_output_is_used_without_running_anything() {
    let f = Fixture::new("cached");
    let source = "fn main() { println!(\"hi\"); }";
    fs::write(f.dir.join("examples/01_cached.rs"), source).unwrap();
    let cache = f.lab().examples.cache_file("01_cached", &[], source);
    fs::write(cache, "<b>cached</b>\n").unwrap();
    let html = f.render("{{#output 01_cached}}").unwrap();
    assert!(
        html.contains("$ cargo run --example 01_cached\n&lt;b&gt;cached&lt;/b&gt;</code>"),
        "{html}"
    );
}

#[test]
fn each_set_of_arguments_has_its_own_output() {
    let f = Fixture::new("cachedargs");
    let source = "fn main() {}";
    fs::write(f.dir.join("examples/01_parts.rs"), source).unwrap();
    let examples = &f.lab().examples;
    let (one, two) = (
        examples.cache_file("01_parts", &["one"], source),
        examples.cache_file("01_parts", &["two"], source),
    );
    // Named apart, not only hashed apart: storing a new output of one set of arguments
    // removes the stale files of that set alone, found by this prefix.
    let name = |path: &std::path::Path| path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name(&one).starts_with("01_parts+one-"), "{one:?}");
    assert!(name(&two).starts_with("01_parts+two-"), "{two:?}");
    let bare = examples.cache_file("01_parts", &[], source);
    assert!(name(&bare).starts_with("01_parts-"), "{bare:?}");
    fs::write(one, "first part\n").unwrap();
    fs::write(two, "second part\n").unwrap();
    let html = f.render("{{#output 01_parts two}}").unwrap();
    assert!(
        html.contains("$ cargo run --example 01_parts -- two\nsecond part</code>"),
        "{html}"
    );
}

#[test]
fn a_failing_program_is_an_error_with_its_stderr() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo partial; echo boom >&2; exit 3"]);
    let err = format!(
        "{:#}",
        output::run_with_time_limit(cmd, Duration::from_secs(5)).unwrap_err()
    );
    assert!(
        err.contains("exited with exit status: 3") && err.contains("boom"),
        "{err}"
    );
}

#[test]
fn a_hanging_program_is_killed_and_reported() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "sleep 30"]);
    let err = format!(
        "{:#}",
        output::run_with_time_limit(cmd, Duration::from_millis(300)).unwrap_err()
    );
    assert!(
        err.contains("did not finish within 0.3 s and was killed"),
        "{err}"
    );
}

#[test]
fn a_missing_include_fails_the_chapter() {
    let f = Fixture::new("include");
    fs::create_dir_all(f.dir.join("book")).unwrap();
    let err = error_of(f.render("# T\n```rust\n{{#rustdoc_include ../nope.rs:here}}\n```\n"));
    assert!(err.starts_with("book/ch.md:3:"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn every_error_of_a_chapter_is_reported_at_once() {
    let f = Fixture::new("many");
    f.write_results("CPU");
    let err = error_of(f.render("{{#bench nope}}\n{{#what x}}\n"));
    assert!(
        err.contains("ch.md:1:") && err.contains("ch.md:2:"),
        "{err}"
    );
}

#[test]
fn an_experiment_without_points_shows_why() {
    let f = Fixture::new("empty");
    f.write_results("CPU");
    let mut results = Results::load(&f.results_path()).unwrap();
    let experiment = results.experiments.get_mut("cpu-bound").unwrap();
    experiment.series.clear();
    experiment.notes = vec!["skipped: python3 was not found on this machine".into()];
    results.save(&f.results_path()).unwrap();
    let html = f.render("{{#bench cpu-bound}}").unwrap();
    assert!(html.contains("not measured on this machine"), "{html}");
    assert!(html.contains("skipped: python3 was not found"), "{html}");
    assert!(!html.contains("<svg"), "no chart without points");
}

/// A two-chapter book: chapter "Two" shows `cpu-bound` (and escapes a second `{{#bench}}`),
/// chapter "Nine" shows it twice.
fn two_chapter_book() -> Book {
    let chapter = |name: &str, content: &str, path: &str| {
        BookItem::Chapter(Chapter::new(name, content.to_string(), path, vec![]))
    };
    Book::new_with_items(vec![
        chapter(
            "Two",
            "{{#bench cpu-bound}}\n\\{{#bench ID}}\n",
            "02-two.md",
        ),
        chapter(
            "Nine",
            "{{#bench cpu-bound}}\n{{#bench cpu-bound}}\n",
            "09-nine.md",
        ),
    ])
}

#[test]
fn the_overview_links_every_experiment_to_the_pages_that_show_it() {
    let f = Fixture::new("overview");
    let shown = fixture::experiment(vec![point("serial", 1, 1.0)]);
    let mut unshown = shown.clone();
    unshown.title = "Never shown".into();
    fixture::results(vec![("cpu-bound", shown), ("spare", unshown)])
        .save(&f.results_path())
        .unwrap();
    let lab = f.lab();
    lab.shown
        .set(experiments::index(&two_chapter_book(), &f.dir))
        .unwrap();
    let html = lab
        .render_chapter(
            &f.dir.join("book/ch.md"),
            "{{#experiments}}",
            "{{#experiments}}",
        )
        .unwrap();
    assert!(
        html.contains("data-lab-directive=\"experiments\""),
        "{html}"
    );
    assert!(
        html.contains(
            "<td><code>cpu-bound</code></td><td>t</td><td>quick</td><td>2026-11-22</td>\
             <td><a href=\"02-two.html#bench-cpu-bound\">Two</a>, \
             <a href=\"09-nine.html#bench-cpu-bound\">Nine</a></td>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<td><code>spare</code></td><td>Never shown</td>")
            && html.contains("<em>not shown on any page</em>"),
        "{html}"
    );
    // The escaped `{{#bench ID}}` is not an experiment shown anywhere.
    assert!(!html.contains("<code>ID</code>"), "{html}");
}

#[test]
fn the_overview_needs_the_whole_book_and_every_shown_experiment_measured() {
    let f = Fixture::new("overview-errors");
    f.write_results("t");
    let alone = error_of(f.render("{{#experiments}}"));
    assert!(
        alone.contains("only a book build (mdbook build) can render it"),
        "{alone}"
    );

    let lab = f.lab();
    let mut book = two_chapter_book();
    book.push_item(BookItem::Chapter(Chapter::new(
        "Eleven",
        "{{#bench never-measured}}".to_string(),
        "11-eleven.md",
        vec![],
    )));
    lab.shown.set(experiments::index(&book, &f.dir)).unwrap();
    let missing = error_of(lab.render_chapter(
        &f.dir.join("book/ch.md"),
        "{{#experiments}}",
        "{{#experiments}}",
    ));
    assert!(
        missing.contains("experiment `never-measured` is shown on a page but missing from")
            && missing.contains("cargo xtask bench never-measured"),
        "{missing}"
    );
}

#[test]
fn a_measured_figure_is_marked_and_needs_fresh_results() {
    let f = Fixture::new("measured");
    f.write_results("CPU");
    let html = f
        .render("| rayon | {{#measured cpu-bound: rayon median at workers = 2}} |")
        .unwrap();
    assert_eq!(
        html,
        "| rayon | <span data-lab-directive=\"measured\" class=\"lab-measured\" title=\"median \
         of this build's rounds, with its 95% interval\">900 ms [900–900]</span> |"
    );
    fs::write(f.dir.join("work.rs"), "fn work() -> u64 { 1 }\n").unwrap();
    let mut results = Results::load(&f.results_path()).unwrap();
    results.experiments.get_mut("cpu-bound").unwrap().sources = [(
        "work.rs".to_string(),
        lab_results::fingerprint("work.rs", "fn work() -> u64 { 2 }\n"),
    )]
    .into();
    results.save(&f.results_path()).unwrap();
    let err = error_of(f.render("x\n{{#measured cpu-bound: rayon median at workers = 2}}"));
    assert!(
        err.starts_with("book/ch.md:2: the results of `cpu-bound` are stale: work.rs changed"),
        "{err}"
    );
}

impl Fixture {
    /// Writes `results` as the reference run of machine `slug`, in this fixture's own
    /// `reference/`, as a bigger machine's would be committed.
    fn write_reference(&self, slug: &str, results: &Results) {
        results
            .save(&self.dir.join("reference").join(slug).join("results.json"))
            .unwrap();
    }
}

/// A bigger machine's `cpu-bound`, measured from code that has changed since: serial, rayon
/// twice as fast on 2 workers, and a `threads` strategy this build does not have, on CPU
/// `cpu` with 16 logical CPUs, in full mode.
fn reference_results(cpu: &str) -> Results {
    let mut experiment = fixture::experiment(vec![
        point("serial", 1, 1.0),
        point("rayon", 2, 0.5),
        point("threads", 2, 0.8),
    ]);
    experiment.machine.cpu = cpu.into();
    experiment.machine.logical_cpus = 16;
    experiment.machine.os = "BigOS".into();
    experiment.machine.mode = "full".into();
    experiment.machine.date = "2026-10-01T09:30:00Z".into();
    experiment.sources = [(
        "work.rs".to_string(),
        lab_results::fingerprint("work.rs", "fn work() -> u64 { 0 }\n"),
    )]
    .into();
    fixture::results(vec![("cpu-bound", experiment)])
}

#[test]
fn bench_shows_each_reference_run_folded_under_its_figure() {
    let f = Fixture::new("reference");
    f.write_results("CPU");
    // Written in the wrong order, and stale: the page sorts them by folder, checks neither.
    f.write_reference("b-big", &reference_results("Big CPU"));
    f.write_reference("a-bigger", &reference_results("Bigger CPU"));
    // A run that did not measure this experiment adds nothing; nor does the README.
    let mut other = reference_results("Other CPU");
    let experiment = other.experiments.remove("cpu-bound").unwrap();
    other.experiments.insert("io-bound".into(), experiment);
    f.write_reference("c-other", &other);
    fs::write(f.dir.join("reference/README.md"), "# Reference runs\n").unwrap();
    fs::write(f.dir.join("work.rs"), "fn work() -> u64 { 1 }\n").unwrap();

    let html = f.render("{{#bench cpu-bound}}").unwrap();
    let own_end = html
        .find("<details class=\"lab-reference\">")
        .expect("a reference run is shown");
    let (own, references) = html.split_at(own_end);
    // This build's figure is as it was, and comes first.
    assert!(own.contains("<td>1.11× <span class=\"lab-ci\">[1.11–1.11]</span></td>"));
    assert!(
        own.contains("<p class=\"lab-machine\">Measured on Test CPU"),
        "{own}"
    );
    assert!(
        references.ends_with("</details></figure>\n"),
        "{references}"
    );
    assert_eq!(
        references
            .matches("<details class=\"lab-reference\">")
            .count(),
        2
    );
    let opening = |cpu: &str, slug: &str| {
        format!(
            "<details class=\"lab-reference\"><summary>Reference run on {cpu} (16 logical \
             CPUs, BigOS), full mode, 2026-10-01 — not this build's machine; no claim on this \
             page reads it</summary><p class=\"lab-reference-source\">From \
             reference/{slug}/results.json, measured on 2026-10-01 from the code as it was \
             then, which may predate the code this page describes: a reference run is not \
             measured again when the code changes.</p><div class=\"table-wrapper\"><table \
             class=\"lab-bench-table\">"
        )
    };
    let at = |opening: String| {
        references
            .find(&opening)
            .unwrap_or_else(|| panic!("no `{opening}` in {references}"))
    };
    let bigger = at(opening("Bigger CPU", "a-bigger"));
    let big = at(opening("Big CPU", "b-big"));
    assert!(bigger < big, "sorted by folder name: {references}");
    // Its own table, with the strategy this build lacks, and its own lines.
    let big_run = &references[big..];
    assert!(
        big_run.contains(
            "<td>rayon</td><td>2</td><td>500 ms <span class=\"lab-ci\">[500–500]</span></td>\
             <td>2.00× "
        ),
        "{big_run}"
    );
    assert!(big_run.contains("<td>threads</td><td>2</td>"), "{big_run}");
    assert!(
        big_run.contains("<p class=\"lab-sampling\">6 interleaved rounds"),
        "{big_run}"
    );
    assert!(
        big_run.contains(
            "<p class=\"lab-machine\">Measured on Big CPU (16 logical CPUs, BigOS, rustc \
             test); full suite, 2026-10-01."
        ),
        "{big_run}"
    );
    assert!(!references.contains("Other CPU"), "{references}");
    assert!(!references.contains("<svg"), "no chart in a reference run");
    assert!(
        !references.trim_end().contains('\n'),
        "one line, so that no blank line ends the figure's HTML block"
    );
}

#[test]
fn no_reference_folder_or_a_readme_alone_shows_no_reference_run() {
    let f = Fixture::new("reference-none");
    f.write_results("CPU");
    let html = f.render("{{#bench cpu-bound}}").unwrap();
    assert!(!html.contains("lab-reference"), "{html}");
    fs::create_dir_all(f.dir.join("reference")).unwrap();
    fs::write(f.dir.join("reference/README.md"), "# Reference runs\n").unwrap();
    let html = f.render("{{#bench cpu-bound}}").unwrap();
    assert!(!html.contains("lab-reference"), "{html}");
}

#[test]
fn a_broken_reference_run_stops_the_build_with_its_path_and_the_fix() {
    let f = Fixture::new("reference-broken");
    f.write_results("CPU");
    let fix = "copy there the target/lab/results.json of a `cargo xtask bench --full` run on \
               that machine, or delete the folder reference/big";
    fs::create_dir_all(f.dir.join("reference/big")).unwrap();
    let err = error_of(f.render("x\n{{#bench cpu-bound}}"));
    assert_eq!(
        err,
        format!("book/ch.md:2: reference run folder reference/big has no results.json; {fix}")
    );
    fs::write(
        f.dir.join("reference/big/results.json"),
        "{\"schema\": 2, \"experiments\": ",
    )
    .unwrap();
    let err = error_of(f.render("{{#bench cpu-bound}}"));
    assert!(
        err.starts_with("book/ch.md:1: reference run reference/big/results.json is corrupt (")
            && err.ends_with(fix),
        "{err}"
    );
    fs::write(
        f.dir.join("reference/big/results.json"),
        "{\"schema\": 1, \"experiments\": {}}",
    )
    .unwrap();
    let err = error_of(f.render("{{#bench cpu-bound}}"));
    assert_eq!(
        err,
        format!(
            "book/ch.md:1: reference run reference/big/results.json has schema 1, this book \
             reads schema {}; {fix}",
            lab_results::SCHEMA
        )
    );
}

#[test]
fn claims_and_figures_read_this_builds_results_never_a_reference_run() {
    let f = Fixture::new("reference-claims");
    f.write_results("CPU");
    // The bigger machine's rayon is 2.00× on 2 workers; this build's is 1.11×.
    f.write_reference("big", &reference_results("Big CPU"));
    let html = f
        .render(
            "{{#bench cpu-bound}}\n\
             {{#claim cpu-bound: rayon speedup is at least 1.5× at workers = 2}}\n\
             {{#measured cpu-bound: rayon speedup at workers = 2}}\n",
        )
        .unwrap();
    assert!(html.contains("Reference run on Big CPU"), "{html}");
    assert!(
        html.contains("<td>2.00× "),
        "the reference run was read: {html}"
    );
    assert!(
        html.contains("did not hold on this machine: measured 1.11× [1.11–1.11] at 2 workers"),
        "{html}"
    );
    assert!(
        html.contains("with its 95% interval\">1.11× [1.11–1.11]</span>"),
        "{html}"
    );
    // A claim on an experiment only the reference run measured is an unknown experiment.
    let mut other = reference_results("Big CPU");
    let experiment = other.experiments.remove("cpu-bound").unwrap();
    other.experiments.insert("io-bound".into(), experiment);
    f.write_reference("big", &other);
    let err = error_of(f.render("{{#measured io-bound: rayon median at workers = 2}}"));
    assert!(err.contains("unknown experiment `io-bound`"), "{err}");
}

#[test]
fn lines_past_the_palette_are_marked_with_triangles_not_only_colour() {
    let names = ["serial", "a", "b", "c", "d", "e", "f"];
    let chart_of = |count: usize| {
        let experiment =
            fixture::experiment(names[..count].iter().map(|s| point(s, 1, 1.0)).collect());
        crate::chart::svg("many", &experiment)
    };
    // Six lines take the six colours, each marked with circles; a seventh repeats the first
    // colour, so it (and its legend entry) is drawn with triangles.
    assert!(!chart_of(6).contains("<polygon"), "{}", chart_of(6));
    assert!(chart_of(7).contains("<polygon"), "{}", chart_of(7));
}
