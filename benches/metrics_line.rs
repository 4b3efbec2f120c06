//! Cost of one `--metrics` line against one simulated second: the target is a line
//! that adds at most a tenth to a second. `percentiles` is the part of a line that reads the
//! latency window; `line` is the whole line, written to memory. `--metrics` writes lines on a
//! thread of its own: what the simulation's thread pays is `step_and_capture` against `step`.

use archtui::report::{MetricsJson, MetricsSample};
use archtui::sim::Simulation;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;

fn metrics_line(c: &mut Criterion) {
    let mut group = c.benchmark_group("metrics_line");
    for preset in ["1m", "10m"] {
        let arch = Arc::new(archtui::preset::load(preset).expect("built-in preset"));
        let mut sim = Simulation::new(arch.clone(), 1);
        // A settled second, with a lost AZ so that some walks fail.
        for t in 0..3_600 {
            if t == 3_000 {
                let az = archtui::action::Action::parse("kill-az:a").expect("an action");
                sim.apply(&az).expect("a known AZ");
            }
            sim.step();
        }
        let mut json = MetricsJson::new(&arch);
        let mut out = Vec::with_capacity(1 << 16);
        group.bench_function(BenchmarkId::new("step", preset), |b| {
            let mut sim = sim.clone();
            b.iter(|| black_box(&mut sim).step())
        });
        group.bench_function(BenchmarkId::new("step_and_capture", preset), |b| {
            let (mut sim, mut json) = (sim.clone(), json.clone());
            let mut sample = MetricsSample::default();
            b.iter(|| {
                black_box(&mut sim).step();
                json.capture(&sim, &mut sample);
            })
        });
        group.bench_function(BenchmarkId::new("percentiles", preset), |b| {
            b.iter(|| black_box(&sim).latency())
        });
        group.bench_function(BenchmarkId::new("line", preset), |b| {
            b.iter(|| {
                out.clear();
                json.write(black_box(&sim), &mut out)
                    .expect("writes to memory")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, metrics_line);
criterion_main!(benches);
