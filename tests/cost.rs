//! What the architecture costs: each tier costs more than the one before, and the bill follows
//! the instances the pool runs as it scales out and back in.

mod common;

use archtui::preset::prices;

#[test]
fn each_tier_costs_more_than_the_one_before() {
    let mut last = 0.0;
    for preset in common::PRESETS {
        let s = common::run(preset, None, 1, "2h", &[]);
        let c = &s.cost;
        assert!(c.usd_per_hour > last, "{preset}: {c:?} after {last}");
        assert!(c.peak_usd_per_hour >= c.usd_per_hour, "{preset}: {c:?}");
        // Each is rounded to the cent on its own.
        assert!(
            (c.usd_per_day - 24.0 * c.usd_per_hour).abs() <= 0.125,
            "{c:?}"
        );
        let per_million = c.usd_per_million_requests.expect("requests were served");
        // usd_total is rounded to the cent.
        let served = s.requests.served as f64;
        let want = c.usd_total / served * 1e6;
        assert!(
            (per_million - want).abs() <= 0.005 / served * 1e6 + 1e-4,
            "{c:?}"
        );
        last = c.usd_per_hour;
    }
}

#[test]
fn the_bill_follows_scale_out_and_scale_in() {
    // Constant traffic, so the request-priced services cost the same before and after a spike:
    // what changes is the instances the pool runs.
    let components = "[[load_balancer]]\nid = \"lb\"\nto = [\"web\"]\n[[compute]]\nid = \"web\"\n\
                      instances = 2\nvcpus = 2\nservice_ms = 50\ntimeout_ms = 10000\n\
                      [compute.autoscaling]\nmin = 2\nmax = 12\ntarget_utilization = 0.5\n";
    let text = common::measuring_preset(
        "one scaling pool",
        30.0,
        "peak_to_trough = 1\nnoise = 0",
        "\"a\", \"b\"",
        components,
    );
    let (_, m) = common::run_text_with_metrics(&text, "3h", &["10m=spike:4x:20m"]);
    let cost = |t: usize| common::f(&m[t], &["cost_per_hour"]);
    let instances = |t: usize| common::f(&m[t], &["instances", "web"]);
    let before = 590;
    // Scaled out during the spike, and still out right after it (scale-in waits 15 minutes).
    let after = 1_830;
    assert!(
        instances(after) > instances(before) + 2.0,
        "{} → {}",
        instances(before),
        instances(after)
    );
    // (Instances still booting are billed too; none boot at these seconds.)
    let per_instance = 2.0 * prices::EC2_VCPU_HOUR;
    let want = (instances(after) - instances(before)) * per_instance;
    assert!(
        (cost(after) - cost(before) - want).abs() < 0.011,
        "{} → {}: want +{want}",
        cost(before),
        cost(after)
    );
    // Back in once the datapoints have been low for long enough: the bill falls with it.
    let end = m.len() - 1;
    assert!(instances(end) < instances(after), "{}", instances(end));
    assert!(cost(end) < cost(after), "{} vs {}", cost(end), cost(after));
    assert!(
        (cost(end) - cost(before) - (instances(end) - instances(before)) * per_instance).abs()
            < 0.011
    );
}
