use super::*;

fn point(strategy: &str, workers: usize, tasks: usize, median: f64) -> Point {
    Point::uniform(strategy, workers, tasks, median)
}

fn sample() -> Results {
    let experiment = Experiment {
        title: "t".into(),
        workload: "w".into(),
        unit: "s".into(),
        x: "workers".into(),
        x_label: "workers".into(),
        baseline: Some("serial".into()),
        cpu_bound: true,
        notes: vec![],
        series: vec![point("serial", 1, 8, 2.0), point("rayon", 2, 8, 1.6)],
    };
    Results {
        schema: SCHEMA,
        machine: Machine {
            cpu: "cpu".into(),
            logical_cpus: 2,
            os: "linux".into(),
            rustc: "rustc".into(),
            date: "2026-11-22T00:00:00Z".into(),
            mode: "quick".into(),
            parallel_ceiling: 1.2,
        },
        experiments: BTreeMap::from([("cpu-bound".to_string(), experiment)]),
    }
}

#[test]
fn speedup_is_read_against_the_baseline_at_equal_tasks() {
    let r = sample();
    let e = &r.experiments["cpu-bound"];
    let rayon = e.point("rayon", 2).unwrap();
    assert_eq!(e.speedup(rayon), Some(1.25));
    assert_eq!(e.strategies(), ["serial", "rayon"]);
}

#[test]
fn attainable_speedup_is_capped_by_the_ceiling() {
    let m = sample().machine;
    assert_eq!(m.attainable_speedup(1), 1.0);
    assert_eq!(m.attainable_speedup(4), 1.2);
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
fn corrupt_and_missing_files_say_what_to_do() {
    let dir = std::env::temp_dir().join(format!("lab-corrupt-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("results.json");
    fs::write(&path, "{ not json").unwrap();
    let err = format!("{:#}", Results::load(&path).unwrap_err());
    assert!(
        err.contains("is corrupt") && err.contains("cargo xtask bench"),
        "{err}"
    );

    let missing = format!("{:#}", Results::load(&dir.join("nope.json")).unwrap_err());
    assert!(missing.contains("cannot read results file"), "{missing}");

    let mut old = sample();
    old.schema = 0;
    old.save(&path).unwrap();
    let schema = format!("{:#}", Results::load(&path).unwrap_err());
    assert!(schema.contains("schema 0"), "{schema}");
    fs::remove_dir_all(dir).unwrap();
}
