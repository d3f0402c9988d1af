use super::fixture::{experiment, point, results};
use super::*;

/// serial and rayon over six rounds; round 3 is a slow spell that hits both alike.
fn sample() -> Results {
    let serial = point("serial", 1, 8, vec![2.0, 2.0, 4.0, 2.0, 2.0, 2.0]);
    let rayon = point("rayon", 2, 8, vec![1.6, 1.6, 3.2, 1.6, 1.6, 1.6]);
    results(vec![("cpu-bound", experiment(vec![serial, rayon]))])
}

#[test]
fn speedup_is_the_ratio_within_each_round() {
    let r = sample();
    let e = &r.experiments["cpu-bound"];
    let rayon = e.point("rayon", 2).unwrap();
    // Every round's ratio is 1.25, the slow round's too: pairing cancels the slow spell.
    assert_eq!(e.per_round(rayon, &Metric::Speedup).unwrap(), vec![1.25; 6]);
    assert_eq!(rayon.speedup, Some(Estimate::exact(1.25)));
    assert_eq!(e.strategies(), ["serial", "rayon"]);
}

#[test]
fn ceiling_share_divides_by_the_same_rounds_ceiling() {
    let mut r = sample();
    let e = r.experiments.get_mut("cpu-bound").unwrap();
    // The ceiling dips to 1.0 in the round where rayon's speedup was measured as 1.0 too.
    e.series[1].value = PerRound::of(vec![1.6, 1.6, 4.0, 1.6, 1.6, 1.6]);
    e.ceiling = Some(PerRound::of(vec![1.25, 1.25, 1.0, 1.25, 1.25, 1.25]));
    e.derive_ratios();
    let rayon = &e.series[1];
    assert_eq!(
        e.per_round(rayon, &Metric::CeilingShare).unwrap(),
        vec![1.0; 6]
    );
    assert_eq!(rayon.ceiling_share, Some(Estimate::exact(1.0)));
}

#[test]
fn no_baseline_at_these_tasks_means_no_speedup() {
    let serial = point("serial", 1, 8, vec![2.0; 6]);
    let big = point("rayon", 2, 16, vec![1.0; 6]);
    let e = experiment(vec![serial, big]);
    assert_eq!(e.series[1].speedup, None);
    assert_eq!(e.per_round(&e.series[1], &Metric::Speedup), None);
}

#[test]
fn attainable_speedup_is_capped_by_the_ceiling() {
    assert_eq!(attainable_speedup(1, 1.2), 1.0);
    assert_eq!(attainable_speedup(4, 1.2), 1.2);
    assert_eq!(attainable_speedup(2, 0.9), 1.0);
}

#[test]
fn merge_replaces_only_the_newer_experiments() {
    let mut old = sample();
    let mut other = experiment(vec![point("serial", 1, 8, vec![9.0; 6])]);
    other.title = "other".into();
    old.experiments.insert("io-bound".into(), other.clone());
    let mut newer_cpu = experiment(vec![point("serial", 1, 8, vec![1.0; 6])]);
    newer_cpu.title = "newer".into();
    old.merge(results(vec![("cpu-bound", newer_cpu)]));
    assert_eq!(old.experiments["cpu-bound"].title, "newer");
    assert_eq!(old.experiments["io-bound"], other);
}

#[test]
fn save_then_load_round_trips() {
    let dir = std::env::temp_dir().join(format!("lab-results-{}", std::process::id()));
    let path = dir.join("results.json");
    sample().save(&path).unwrap();
    assert_eq!(Results::load(&path).unwrap(), sample());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn corrupt_missing_and_old_files_say_what_to_do() {
    let dir = std::env::temp_dir().join(format!("lab-corrupt-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("results.json");
    fs::write(&path, "{ not json").unwrap();
    let err = format!("{:#}", Results::load(&path).unwrap_err());
    assert!(
        err.contains("is corrupt") && err.contains("cargo xtask bench --quick"),
        "{err}"
    );

    let missing = format!("{:#}", Results::load(&dir.join("nope.json")).unwrap_err());
    assert!(missing.contains("cannot read results file"), "{missing}");

    // A schema-1 file has fields this reader does not know; it must hear "old", not "corrupt".
    fs::write(&path, r#"{"schema": 1, "machine": {}, "experiments": {}}"#).unwrap();
    let schema = format!("{:#}", Results::load(&path).unwrap_err());
    assert!(
        schema.contains("schema 1") && schema.contains(&format!("reads schema {SCHEMA}")),
        "{schema}"
    );
    fs::remove_dir_all(dir).unwrap();
}
