use lab_results::{PerRound, Point, fixture};

use super::*;

/// Nine rounds spread evenly over `median · (1 ± spread)`; with nine values the 95% interval
/// of the median runs from the 2nd to the 8th, `median · (1 ± 0.75 · spread)`.
fn spread(median: f64, spread: f64) -> Vec<f64> {
    (0..9)
        .map(|i| median * (1.0 + spread * (f64::from(i) - 4.0) / 4.0))
        .collect()
}

fn point(strategy: &str, workers: usize, rounds: Vec<f64>) -> Point {
    let handoffs = vec![40.0 * workers as f64; rounds.len()];
    let mut p = fixture::point(strategy, workers, 8, rounds);
    p.extra.insert("handoffs".into(), PerRound::of(handoffs));
    p
}

/// serial takes 1 s in every round. rayon ×2 takes 0.8 s (speedup exactly 1.25); gil ×2
/// takes 1.02 s; noisy ×1 takes 1 s, and noisy ×2 has speedups spread evenly over
/// 0.99–1.21, an interval (the 2nd to the 8th of nine) straddling 1.1.
fn experiment() -> Experiment {
    let mut e = fixture::experiment(vec![
        point("serial", 1, vec![1.0; 9]),
        point("rayon", 1, vec![1.0; 9]),
        point("rayon", 2, vec![0.8; 9]),
        point("gil", 1, vec![1.0; 9]),
        point("gil", 2, vec![1.02; 9]),
        point("noisy", 1, vec![1.0; 9]),
        point(
            "noisy",
            2,
            spread(1.1, 0.1).iter().map(|s| 1.0 / s).collect(),
        ),
    ]);
    fixture::declare(&mut e, "handoffs", "hand-offs", "");
    e
}

/// `experiment()` as `e`; a copy whose values are 10% higher as `e-python`; one that could
/// not run (`e-skipped`); one with only five rounds (`e-few`); and one where serial swings
/// ±50% from round to round and sway, on one worker too, takes 0.8 of serial's time in each
/// round (`e-sway`).
fn results() -> Results {
    let mut python = experiment();
    for p in &mut python.series {
        let rounds = p.value.rounds.iter().map(|v| v * 1.1).collect();
        p.value = PerRound::of(rounds);
    }
    python.derive_ratios();
    let mut skipped = experiment();
    skipped.series.clear();
    skipped.notes = vec!["skipped: python3 was not found on this machine".into()];
    let few = fixture::experiment(vec![
        point("serial", 1, vec![1.0; 5]),
        point("rayon", 2, vec![0.5; 5]),
    ]);
    let swing = spread(1.0, 0.5);
    let sway = fixture::experiment(vec![
        point("serial", 1, swing.clone()),
        point("sway", 1, swing.iter().map(|s| s * 0.8).collect()),
    ]);
    fixture::results(vec![
        ("e", experiment()),
        ("e-python", python),
        ("e-skipped", skipped),
        ("e-few", few),
        ("e-sway", sway),
    ])
}

fn verdict(text: &str) -> Verdict {
    Claim::parse(text).unwrap().check(&results()).unwrap()
}

/// The claim `text` as the page shows it, with verdict `v`.
fn shown(text: &str, v: &Verdict, legend: Option<&str>) -> String {
    let claim = Claim::parse(text).unwrap();
    let words = claim.in_words(&results()).unwrap();
    render(&claim, &words, v, legend)
}

#[test]
fn a_claim_whose_whole_interval_holds_shows_the_deciding_value() {
    let v = verdict("e: gil speedup is at most 1.1× at every point");
    assert_eq!(v.outcome, Outcome::Held);
    // The point with the least room (1.00× at one worker) is the one shown.
    assert_eq!(v.measured, "1.00× [1.00–1.00] at 1 worker");
    let v = verdict("e: rayon speedup is at least 1.2 at workers = 2");
    assert_eq!(v.outcome, Outcome::Held, "{v:?}");
}

#[test]
fn a_claim_whose_whole_interval_fails_is_reported_with_its_measurement() {
    let v = verdict("e: rayon speedup is at least 1.5× at workers = 2");
    assert_eq!(v.outcome, Outcome::Failed);
    assert_eq!(v.measured, "1.25× [1.25–1.25] at 2 workers");
    let html = shown("e: rayon speedup is at least 1.5× at workers = 2", &v, None);
    assert!(html.contains("lab-claim-failed"), "{html}");
    assert!(html.contains("did not hold on this machine: measured 1.25× [1.25–1.25]"));
    assert!(html.contains("aria-label=\"did not hold\""), "{html}");
}

#[test]
fn a_mark_links_to_the_legend_and_says_in_words_what_it_means() {
    let text = "e: rayon speedup is at least 1.5× at workers = 2";
    let html = shown(
        text,
        &verdict(text),
        Some("01-introduction.html#lab-legend"),
    );
    assert!(
        html.contains("<a class=\"lab-claim-mark\" href=\"01-introduction.html#lab-legend\""),
        "{html}"
    );
    assert!(
        html.contains("aria-label=\"did not hold: what the marks mean\""),
        "{html}"
    );
    assert!(
        html.contains("title=\"did not hold: the whole interval disagrees with it"),
        "{html}"
    );
}

#[test]
fn an_interval_across_the_bound_is_not_settled() {
    let text = "e: noisy speedup is at most 1.1× at workers = 2";
    let v = verdict(text);
    assert_eq!(v.outcome, Outcome::Unsettled, "{v:?}");
    assert_eq!(
        v.why.as_deref(),
        Some("the interval 1.02–1.18× straddles the bound 1.10×")
    );
    let html = shown(text, &v, None);
    assert!(html.contains("lab-claim-unsettled"), "{html}");
    assert!(html.contains("not settled on this machine: the interval 1.02–1.18×"));
    assert!(html.contains("aria-label=\"not settled\""), "{html}");
    // Over every point: an unsettled point outweighs one that holds …
    let v = verdict("e: noisy speedup is at most 1.1× at every point");
    assert_eq!(v.outcome, Outcome::Unsettled);
    // … and one that fails outweighs both.
    let v = verdict("e: noisy speedup is at least 1.15× at every point");
    assert_eq!(v.outcome, Outcome::Failed);
    assert_eq!(v.measured, "1.00× [1.00–1.00] at 1 worker");
}

#[test]
fn a_point_with_too_few_rounds_is_not_settled() {
    let v = verdict("e-few: rayon speedup is at least 1.5× at workers = 2");
    assert_eq!(v.outcome, Outcome::Unsettled, "{v:?}");
    assert_eq!(
        v.why.as_deref(),
        Some("only 5 rounds, too few for a 95% interval")
    );
}

#[test]
fn units_and_extra_metrics() {
    let outcome = |text: &str| verdict(text).outcome;
    assert_eq!(
        outcome("e: rayon median is at most 850 ms at workers = 2"),
        Outcome::Held
    );
    assert_eq!(
        outcome("e: rayon median is at most 700ms at workers = 2"),
        Outcome::Failed
    );
    assert_eq!(
        outcome("e: gil handoffs is at least 80 at workers = 2"),
        Outcome::Held
    );
}

#[test]
fn byte_units_scale_by_powers_of_ten() {
    let value = |v: &str| {
        Claim::parse(&format!("e: a median is at most {v} at every point")).map(|c| c.value)
    };
    assert_eq!(value("512 B").unwrap(), Value::Number(512.0));
    assert_eq!(value("2.5 MB").unwrap(), Value::Number(2.5e6));
    assert_eq!(value("8 kB").unwrap(), Value::Number(8e3));
    assert_eq!(value("1.5 GB/s").unwrap(), Value::Number(1.5e9));
    let err = value("3 ms/s").unwrap_err().to_string();
    assert!(err.contains("unknown unit `ms/s`"), "{err}");
}

#[test]
fn a_share_of_the_ceiling_uses_the_ceiling_of_the_same_rounds() {
    // 1.25 over min(2, 1.2) = 104% of the attainable ceiling in every round.
    let v = verdict("e: rayon speedup is at least 100% of ceiling at workers = 2");
    assert_eq!(v.outcome, Outcome::Held);
    assert_eq!(
        v.measured,
        "1.25× [1.25–1.25] at 2 workers, 104% [104–104] of the attainable 1.20×"
    );
    let v = verdict("e: rayon speedup is at least 110% of ceiling at workers = 2");
    assert_eq!(v.outcome, Outcome::Failed);
}

#[test]
fn strategies_of_one_experiment_are_compared_round_by_round() {
    // serial swings ±50% from round to round, so the two medians' intervals overlap widely;
    // but sway took 0.8 of serial's time in every round, and the paired ratio says so.
    let v = verdict("e-sway: sway median is at most serial median at workers = 1");
    assert_eq!(v.outcome, Outcome::Held, "{v:?}");
    assert!(
        v.measured.ends_with("ratio 0.80× [0.80–0.80]"),
        "{}",
        v.measured
    );
}

#[test]
fn within_compares_with_another_experiment_by_its_intervals() {
    let v = verdict("e: gil median is within 15% of gil median in e-python at workers = 2");
    assert_eq!(v.outcome, Outcome::Held, "{v:?}");
    assert_eq!(
        v.measured,
        "1.02 s [1.02–1.02] at 2 workers against gil in e-python 1.12 s [1.12–1.12]: ratio 0.91× [0.91–0.91]"
    );
    let v = verdict("e: gil median is within 5% of gil median in e-python at every point");
    assert_eq!(v.outcome, Outcome::Failed, "{v:?}");
    // noisy's spread makes the ratio's interval reach across the 10% edge.
    let v = verdict("e: noisy median is within 10% of noisy median in e-python at workers = 2");
    assert_eq!(v.outcome, Outcome::Unsettled, "{v:?}");
    assert!(
        v.why
            .as_deref()
            .unwrap()
            .contains("straddles the edges of 0.90–1.10×"),
        "{v:?}"
    );
    let err = Claim::parse("e: gil median is within 5% of gil median in nope at every point")
        .unwrap()
        .check(&results())
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown experiment `nope`"),
        "{err}"
    );
}

#[test]
fn a_claim_on_an_experiment_that_could_not_run_is_not_checked() {
    let text = "e: gil median is within 5% of gil median in e-skipped at every point";
    let v = verdict(text);
    assert_eq!(v.outcome, Outcome::NotChecked);
    assert!(
        v.measured
            .contains("e-skipped was not measured (skipped: python3"),
        "{}",
        v.measured
    );
    let html = shown(text, &v, None);
    assert!(html.contains("not checked on this machine"), "{html}");
}

#[test]
fn malformed_claims_are_errors_that_say_what_is_wrong() {
    let cases = [
        ("no experiment here", "names no experiment"),
        ("e: gil speedup at most 1", "has no `is`"),
        (
            "e: gil fast speedup is at most 1 at every point",
            "must start with STRATEGY METRIC",
        ),
        (
            "e: gil speedup is around 1 at every point",
            "must say `is at most`",
        ),
        (
            "e: gil speedup is at most 1",
            "must end with `at every point`",
        ),
        (
            "e: gil speedup is at most 1 furlong at every point",
            "unknown unit `furlong`",
        ),
        (
            "e: gil speedup is at most 1 at sometimes",
            "use `at every point` or `at X = N`",
        ),
        (
            "e: gil speedup is within x% of 1 at every point",
            "needs a number P",
        ),
        (
            "e: gil speedup is at most one two three at every point",
            "cannot read the value",
        ),
    ];
    for (text, says) in cases {
        let err = Claim::parse(text).unwrap_err().to_string();
        assert!(err.contains(says), "`{text}` gave `{err}`, not `{says}`");
    }
}

#[test]
fn claims_about_unmeasured_things_are_errors() {
    let check = |text: &str| {
        Claim::parse(text)
            .unwrap()
            .check(&results())
            .unwrap_err()
            .to_string()
    };
    assert!(
        check("e: tokio speedup is at most 1 at every point")
            .contains("has: serial, rayon, gil, noisy")
    );
    assert!(check("e: gil speedup is at most 1 at workers = 9").contains("not measured"));
    assert!(check("e: gil speedup is at most 1 at tasks = 8").contains("x axis is `workers`"));
    assert!(check("e: gil joules is at most 1 at every point").contains("unknown metric `joules`"));
    assert!(
        check("e: gil median is at least 10% of ceiling at every point")
            .contains("compares speedups")
    );
}

/// A job half of which is serial, run serially and on two workers under a ceiling of 1.2:
/// Amdahl predicts 1 / (0.5 + 0.5 / 1.2) = 1.0909×, which `on-law` reaches exactly and
/// `short` misses by 20%.
fn amdahl_results() -> Results {
    let with_share = |mut p: Point| {
        p.params.insert("serial_pct".into(), 50);
        p
    };
    let predicted = 1.0 / (0.5 + 0.5 / 1.2);
    let mut e = fixture::experiment(vec![
        with_share(point("serial", 1, vec![1.0; 9])),
        with_share(point("on-law", 2, vec![1.0 / predicted; 9])),
        with_share(point("short", 2, vec![1.0 / (0.8 * predicted); 9])),
        point("no-share", 2, vec![0.9; 9]),
    ]);
    e.x = "serial_pct".into();
    e.x_phrase = "at a serial share of {}%".into();
    e.derive_ratios();
    fixture::results(vec![("a", e)])
}

#[test]
fn amdahl_predicts_from_the_serial_share_and_the_ceiling_of_each_round() {
    let results = amdahl_results();
    let check = |text: &str| Claim::parse(text).unwrap().check(&results);
    let v = check("a: on-law speedup is within 1% of Amdahl at serial_pct = 50").unwrap();
    assert_eq!(v.outcome, Outcome::Held, "{v:?}");
    assert_eq!(
        v.measured,
        "1.09× [1.09–1.09] at a serial share of 50% against Amdahl's 1.09× [1.09–1.09]: ratio \
         1.00× [1.00–1.00]; the serial share it implies: 50% [50–50]"
    );
    let v = check("a: short speedup is within 10% of Amdahl at serial_pct = 50").unwrap();
    assert_eq!(v.outcome, Outcome::Failed, "{v:?}");
    assert!(v.measured.contains("ratio 0.80×"), "{}", v.measured);

    let err = |text: &str| format!("{:#}", check(text).unwrap_err());
    assert!(
        err("a: no-share speedup is within 10% of Amdahl at every point").contains("serial_pct"),
        "a point without a serial share is an error naming the setting"
    );
    assert!(
        err("a: on-law median is within 10% of Amdahl at serial_pct = 50")
            .contains("`Amdahl` predicts speedups"),
    );
}

#[test]
fn a_readers_sentence_leads_and_the_check_follows_in_words() {
    let text = "e: rayon speedup is at least 1.05× at workers = 2 | Two threads beat one";
    let html = shown(text, &verdict(text), None);
    assert!(
        html.contains("</span> Two threads beat one <span"),
        "{html}"
    );
    assert!(
        html.contains("(checked: speedup of rayon is at least 1.05× at 2 workers; measured: "),
        "{html}"
    );
    let failing = "e: rayon speedup is at least 2× at workers = 2 | Two threads double it";
    let html = shown(failing, &verdict(failing), None);
    assert!(
        html.contains("did not hold on this machine: measured 1.25×"),
        "{html}"
    );
    assert!(
        html.contains("(checked: speedup of rayon is at least 2.00× at 2 workers)"),
        "{html}"
    );
}
