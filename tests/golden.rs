//! Golden output: each preset through a fixed incident gives exactly the summary and metrics
//! stored in `tests/golden/`. Speed work must not change a single byte unless it means to; an
//! intended change rewrites the files (`GOLDEN_UPDATE=1 cargo test --release --test golden`)
//! and says what changed and why in its commit, with old and new figures side by side.

mod common;
use common::{archtui, stdout};
use std::path::PathBuf;

/// FNV-1a, 64 bits: enough to tell two metrics streams apart, and small to store.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The incident: an AZ lost and restored, a traffic spike, a lost primary and a client retry
/// storm (and a cold cache where there is one), so the mechanisms speed work touches all run.
const INCIDENT: [&str; 6] = [
    "10m=set-retry:users:aggressive",
    "20m=kill-az:a",
    "40m=spike:3x:10m",
    "55m=kill-db-primary",
    "70m=restore-az:a",
    "80m=restore-all",
];

fn run(preset: &str) -> (String, u64) {
    let metrics = common::scratch("golden").join(format!("{preset}.jsonl"));
    let mut args = vec![
        "--preset",
        preset,
        "--headless",
        "--duration",
        "2h",
        "--seed",
        "7",
        "--json",
        "--metrics",
        metrics.to_str().unwrap(),
    ];
    for injection in INCIDENT {
        args.extend(["--inject", injection]);
    }
    // The two smallest tiers have no cache to drop.
    if !["100", "1k"].contains(&preset) {
        args.extend(["--inject", "30m=drop-cache"]);
    }
    let out = archtui(&args);
    assert!(out.status.success(), "{preset}: {}", common::stderr(&out));
    (stdout(&out), fnv1a(&std::fs::read(&metrics).unwrap()))
}

fn golden(preset: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{preset}.json"))
}

#[test]
fn every_preset_gives_its_golden_output() {
    let update = std::env::var_os("GOLDEN_UPDATE").is_some();
    let mut differ = Vec::new();
    for preset in common::PRESETS {
        let (summary, hash) = run(preset);
        let got = format!("metrics fnv1a {hash:016x}\n{summary}");
        let path = golden(preset);
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            differ.push(format!("{preset}: {}", path.display()));
        }
    }
    assert!(
        differ.is_empty(),
        "output changed from the golden files (GOLDEN_UPDATE=1 rewrites them):\n{}",
        differ.join("\n")
    );
}

/// `archtui analyze 10k --json` (the quickest analysis: about two seconds), stored whole: the
/// analysis runs its days and domains side by side, and none of that may change a byte.
#[test]
fn an_analysis_gives_its_golden_report() {
    let out = archtui(&["analyze", "10k", "--json", "--threads", "2"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let path = golden("analyze-10k");
    if std::env::var_os("GOLDEN_UPDATE").is_some() {
        std::fs::write(&path, stdout(&out)).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stdout(&out) == want,
        "analyze 10k changed from {} (GOLDEN_UPDATE=1 rewrites it)",
        path.display()
    );
}
