//! The tier story: each preset holds its own users for a whole day, and each tier up to `1m`
//! fails its SLO at ten times its users, which is why the next tier exists.

mod common;
use common::run;

fn users(preset: &str) -> f64 {
    archtui::preset::load(preset).unwrap().traffic.users
}

#[test]
fn every_preset_holds_its_own_users_for_a_day() {
    std::thread::scope(|s| {
        let runs: Vec<_> = common::PRESETS
            .iter()
            .map(|&p| s.spawn(move || (p, run(p, None, 1, "24h", &[]))))
            .collect();
        for r in runs {
            let (preset, summary) = r.join().unwrap();
            assert!(
                summary.slo_met,
                "{preset}: availability {} (target {}), p99 {:?} ms (target {})",
                summary.availability,
                summary.slo.availability,
                summary.latency_ms.p99,
                summary.slo.p99_ms
            );
            assert_eq!(summary.duration_s, 86_400);
        }
    });
}

#[test]
fn each_tier_up_to_1m_fails_at_ten_times_its_users() {
    std::thread::scope(|s| {
        let runs: Vec<_> = ["100", "1k", "10k", "100k", "1m"]
            .iter()
            .map(|&p| s.spawn(move || (p, run(p, Some(users(p) * 10.0), 1, "24h", &[]))))
            .collect();
        for r in runs {
            let (preset, summary) = r.join().unwrap();
            assert!(
                !summary.slo_met,
                "{preset} should not hold ten times its users: {summary:?}"
            );
            assert!(
                summary.requests.failed > 0,
                "{preset}: overload shows as failed requests"
            );
        }
    });
}
