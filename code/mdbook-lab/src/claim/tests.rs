use std::collections::BTreeMap;

use super::*;

fn point(strategy: &str, workers: usize, tasks: usize, median: f64) -> Point {
    Point {
        strategy: strategy.into(),
        workers,
        tasks,
        params: BTreeMap::new(),
        median,
        min: median * 0.9,
        max: median * 1.1,
        p90: Some(median * 1.05),
        samples: 5,
        extra: BTreeMap::from([("handoffs".to_string(), 40.0 * workers as f64)]),
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

fn verdict(text: &str) -> Verdict {
    Claim::parse(text)
        .unwrap()
        .check(&experiment(), &machine())
        .unwrap()
}

#[test]
fn a_true_claim_holds_and_shows_the_deciding_value() {
    let v = verdict("e: gil speedup is at most 1.1× at every point");
    assert!(v.held);
    assert_eq!(v.measured, "1.00× at workers = 1");
    let v = verdict("e: rayon speedup is at least 1.2 at workers = 2");
    assert!(v.held, "{v:?}");
}

#[test]
fn a_false_claim_is_reported_with_its_measurement() {
    let v = verdict("e: rayon speedup is at least 1.5× at workers = 2");
    assert!(!v.held);
    assert_eq!(v.measured, "1.25× at workers = 2");
    let html = render(
        &Claim::parse("e: rayon speedup is at least 1.5× at workers = 2").unwrap(),
        &v,
    );
    assert!(html.contains("did not hold on this machine: measured 1.25× at workers = 2"));
}

#[test]
fn units_ceiling_shares_and_other_strategies() {
    assert!(verdict("e: rayon median is at most 850 ms at workers = 2").held);
    assert!(!verdict("e: rayon median is at most 700ms at workers = 2").held);
    // 1.25 / min(2, 1.2) = 104% of the attainable ceiling.
    let v = verdict("e: rayon speedup is at least 100% of ceiling at workers = 2");
    assert!(v.held);
    assert!(
        v.measured.contains("104% of the attainable 1.20×"),
        "{}",
        v.measured
    );
    assert!(verdict("e: rayon median is at most gil median at workers = 2").held);
    assert!(verdict("e: gil handoffs is at least 80 at workers = 2").held);
    assert!(verdict("e: gil p90 is at most 1.1 s at every point").held);
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
            .check(&experiment(), &machine())
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
