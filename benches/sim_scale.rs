//! Cost of one simulated second against the number of components: a generated architecture of
//! `regions` active regions, each running the `1m` tier's stack (load balancer, app pods, cache,
//! queue, write workers, database shards, object store), scaled from about 20 to 5,000
//! components. The cost per component should stay flat: nothing in a step looks at every other
//! component for each component.

#[path = "common/generated.rs"]
mod generated;

use archtui::sim::Simulation;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use generated::generated;
use std::hint::black_box;
use std::sync::Arc;

fn sim_step_by_components(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim_step_by_components");
    for regions in [2, 10, 50, 250, 500] {
        let text = generated(regions);
        let arch = archtui::preset::parse("generated", "generated.toml", &text)
            .unwrap_or_else(|e| panic!("the generated preset loads: {e}"));
        let components = arch.node_count() as u64;
        let mut sim = Simulation::new(Arc::new(arch), 1);
        for _ in 0..600 {
            sim.step();
        }
        group.throughput(Throughput::Elements(components));
        group.bench_function(BenchmarkId::from_parameter(components), |b| {
            b.iter(|| black_box(&mut sim).step())
        });
    }
    group.finish();
}

criterion_group!(benches, sim_step_by_components);
criterion_main!(benches);
