use std::collections::BTreeMap;

use super::*;

/// A point with spread, a p90 and a hand-off count, so every metric has a value.
fn point(strategy: &str, workers: usize, tasks: usize, median: f64) -> Point {
    Point {
        min: median * 0.9,
        max: median * 1.1,
        p90: Some(median * 1.05),
        extra: BTreeMap::from([("handoffs".to_string(), 40.0 * workers as f64)]),
        ..Point::uniform(strategy, workers, tasks, median)
    }
}

fn experiment() -> Experiment {
    Experiment {
        title: "t".into(),
        workload: "w".into(),
        unit: "s".into(),
        x: "workers".into(),
        x_label: "workers".into(),
        baseline: Some("serial".into()),
        cpu_bound: true,
        notes: vec![],
        series: vec![
            point("serial", 1, 8, 1.0),
            point("rayon", 1, 8, 1.0),
            point("rayon", 2, 8, 0.8),
            point("gil", 1, 8, 1.0),
            point("gil", 2, 8, 1.02),
        ],
    }
}

fn machine() -> Machine {
    Machine {
        cpu: "c".into(),
        logical_cpus: 2,
        os: "o".into(),
        rustc: "r".into(),
        date: "2026-11-22".into(),
        mode: "quick".into(),
        parallel_ceiling: 1.2,
    }
}

/// Results holding `experiment()` as `e`, and a copy of it as `e-python` whose medians are
/// 10% higher, for claims that compare two experiments.
fn results() -> Results {
    let mut python = experiment();
    for p in &mut python.series {
        p.median *= 1.1;
    }
    let mut skipped = experiment();
    skipped.series.clear();
    skipped.notes = vec!["skipped: python3 was not found on this machine".into()];
    Results {
        schema: lab::results::SCHEMA,
        machine: machine(),
        experiments: BTreeMap::from([
            ("e".to_string(), experiment()),
            ("e-python".to_string(), python),
            ("e-skipped".to_string(), skipped),
        ]),
    }
}

fn verdict(text: &str) -> Verdict {
    Claim::parse(text).unwrap().check(&results()).unwrap()
}

#[test]
fn a_true_claim_holds_and_shows_the_deciding_value() {
    let v = verdict("e: gil speedup is at most 1.1× at every point");
    assert_eq!(v.held, Some(true));
    assert_eq!(v.measured, "1.00× at workers = 1");
    let v = verdict("e: rayon speedup is at least 1.2 at workers = 2");
    assert_eq!(v.held, Some(true), "{v:?}");
}

#[test]
fn a_false_claim_is_reported_with_its_measurement() {
    let v = verdict("e: rayon speedup is at least 1.5× at workers = 2");
    assert_eq!(v.held, Some(false));
    assert_eq!(v.measured, "1.25× at workers = 2");
    let html = render(
        &Claim::parse("e: rayon speedup is at least 1.5× at workers = 2").unwrap(),
        &v,
    );
    assert!(html.contains("did not hold on this machine: measured 1.25× at workers = 2"));
}

#[test]
fn units_ceiling_shares_and_other_strategies() {
    let held = |text: &str| verdict(text).held == Some(true);
    assert!(held("e: rayon median is at most 850 ms at workers = 2"));
    assert!(!held("e: rayon median is at most 700ms at workers = 2"));
    // 1.25 / min(2, 1.2) = 104% of the attainable ceiling.
    let v = verdict("e: rayon speedup is at least 100% of ceiling at workers = 2");
    assert_eq!(v.held, Some(true));
    assert!(
        v.measured.contains("104% of the attainable 1.20×"),
        "{}",
        v.measured
    );
    assert!(held("e: rayon median is at most gil median at workers = 2"));
    assert!(held("e: gil handoffs is at least 80 at workers = 2"));
    assert!(held("e: gil p90 is at most 1.1 s at every point"));
}

#[test]
fn within_compares_with_another_experiment() {
    let v = verdict("e: gil median is within 15% of gil median in e-python at workers = 2");
    assert_eq!(v.held, Some(true), "{v:?}");
    assert_eq!(v.measured, "1.02 s at workers = 2 against 1.12 s (-9%)");
    let v = verdict("e: gil median is within 5% of gil median in e-python at every point");
    assert_eq!(v.held, Some(false), "{v:?}");
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
    assert_eq!(v.held, None);
    assert!(
        v.measured
            .contains("e-skipped was not measured (skipped: python3"),
        "{}",
        v.measured
    );
    let html = render(&Claim::parse(text).unwrap(), &v);
    assert!(html.contains("not checked on this machine"), "{html}");
}

#[test]
fn malformed_claims_are_errors_that_show_the_form() {
    for text in [
        "no experiment here",
        "e: gil speedup at most 1",
        "e: gil speedup is around 1 at every point",
        "e: gil speedup is at most 1",
        "e: gil speedup is at most 1 furlong at every point",
        "e: gil speedup is at most 1 at sometimes",
    ] {
        let err = Claim::parse(text).unwrap_err().to_string();
        assert!(!err.is_empty(), "{text}");
    }
    let err = Claim::parse("e: gil speedup is at most 1 at sometimes")
        .unwrap_err()
        .to_string();
    assert!(err.contains("at every point"), "{err}");
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
        check("e: tokio speedup is at most 1 at every point").contains("has: serial, rayon, gil")
    );
    assert!(check("e: gil speedup is at most 1 at workers = 9").contains("not measured"));
    assert!(check("e: gil speedup is at most 1 at tasks = 8").contains("x axis is `workers`"));
    assert!(check("e: gil joules is at most 1 at every point").contains("unknown metric `joules`"));
}
