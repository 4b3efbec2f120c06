//! Cost of one simulated second per preset. The 10m tier should cost about what the 100 tier
//! costs per component: nothing in a step depends on the request rate.

use archtui::sim::Simulation;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;

fn sim_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim_step");
    for preset in ["100", "1k", "10k", "100k", "1m", "10m"] {
        let arch = Arc::new(archtui::preset::load(preset).expect("built-in preset"));
        let components = arch.node_count() as u64;
        let mut sim = Simulation::new(arch, 1);
        // Start from a settled system, not the first second.
        for _ in 0..3_600 {
            sim.step();
        }
        group.throughput(Throughput::Elements(components));
        group.bench_function(BenchmarkId::from_parameter(preset), |b| {
            b.iter(|| black_box(&mut sim).step())
        });
    }
    group.finish();
}

/// The same architecture at a hundred million users: a step costs the same.
fn sim_step_by_users(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim_step_10m_by_users");
    for users in [1e5, 1e7, 1e8] {
        let mut arch = archtui::preset::load("10m").expect("built-in preset");
        archtui::preset::set_users(&mut arch, users).expect("sane users");
        let mut sim = Simulation::new(Arc::new(arch), 1);
        for _ in 0..3_600 {
            sim.step();
        }
        group.bench_function(BenchmarkId::from_parameter(users), |b| {
            b.iter(|| black_box(&mut sim).step())
        });
    }
    group.finish();
}

criterion_group!(benches, sim_step, sim_step_by_users);
criterion_main!(benches);
