//! Same preset, seed and injections give byte-identical output; another seed differs.

mod common;
use common::{archtui, stdout};

fn run_json(preset: &str, seed: &str, metrics: &std::path::Path) -> (String, Vec<u8>) {
    let out = archtui(&[
        "--preset",
        preset,
        "--headless",
        "--duration",
        "2h",
        "--seed",
        seed,
        "--json",
        "--inject",
        "20m=kill-az:a",
        "--inject",
        "40m=spike:3x:10m",
        "--inject",
        "70m=restore-az:a",
        "--metrics",
        metrics.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    (stdout(&out), std::fs::read(metrics).unwrap())
}

#[test]
fn same_inputs_give_byte_identical_json_and_metrics() {
    let dir = common::scratch("determinism");
    for preset in common::PRESETS {
        let (a, ma) = run_json(preset, "7", &dir.join(format!("{preset}-a.jsonl")));
        let (b, mb) = run_json(preset, "7", &dir.join(format!("{preset}-b.jsonl")));
        assert_eq!(a, b, "{preset}: the summaries differ");
        assert!(ma == mb, "{preset}: the metrics files differ");
        let (c, mc) = run_json(preset, "8", &dir.join(format!("{preset}-c.jsonl")));
        assert_ne!(a, c, "{preset}: another seed should change the run");
        assert!(ma != mc, "{preset}: another seed should change the metrics");
    }
}
