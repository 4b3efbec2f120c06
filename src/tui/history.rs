//! The recent past, one sample per simulated second, for the sparklines. Recorded after each
//! step, never while drawing.

use crate::arch::{Architecture, NodeId};
use crate::sim::{NodeState, Simulation};
use std::collections::VecDeque;

/// Seconds of history kept: more than the widest sparkline.
pub const KEEP: usize = 600;

/// A fixed-length series of the latest values, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Series(VecDeque<f64>);

impl Series {
    pub fn push(&mut self, value: f64) {
        if self.0.len() == KEEP {
            self.0.pop_front();
        }
        self.0
            .push_back(if value.is_finite() { value } else { 0.0 });
    }

    pub fn last(&self) -> Option<f64> {
        self.0.back().copied()
    }

    /// The last `n` values (fewer if there are fewer), oldest first.
    pub fn tail(&self, n: usize) -> impl Iterator<Item = f64> + '_ {
        self.0.iter().skip(self.0.len().saturating_sub(n)).copied()
    }

    pub fn max_of_tail(&self, n: usize) -> f64 {
        self.tail(n).fold(0.0, f64::max)
    }
}

#[derive(Debug, Clone, Default)]
pub struct History {
    pub offered: Series,
    pub served: Series,
    pub error_rate: Series,
    pub p50: Series,
    pub p99: Series,
    /// Instances in service per scaling group: (component, group id, series).
    pub groups: Vec<(NodeId, String, Series)>,
    /// Per component: utilisation of its busiest station, and requests arriving per second.
    pub utilization: Vec<Series>,
    pub arrivals: Vec<Series>,
}

impl History {
    pub fn new(arch: &Architecture) -> Self {
        Self {
            groups: arch
                .groups()
                .map(|(n, id)| (n, id, Series::default()))
                .collect(),
            utilization: vec![Series::default(); arch.node_count()],
            arrivals: vec![Series::default(); arch.node_count()],
            ..Self::default()
        }
    }

    pub fn record(&mut self, sim: &Simulation) {
        let last = sim.last();
        self.offered.push(last.offered_total());
        self.served.push(last.served);
        self.error_rate.push(last.error_rate());
        self.p50.push(last.p50_ms.unwrap_or(0.0));
        self.p99.push(last.p99_ms.unwrap_or(0.0));
        for (n, id, series) in &mut self.groups {
            let serving = match sim.node(*n) {
                NodeState::Pool(p) => p.serving(),
                NodeState::Database(db) => db.readers_serving(),
                _ => 0,
            };
            let _ = id;
            series.push(f64::from(serving));
        }
        for (n, _) in sim.arch().nodes() {
            self.utilization[n.index()].push(utilization(sim, n));
            let flow = sim.node_flow(n);
            self.arrivals[n.index()].push(flow.arrived[..3].iter().sum());
        }
    }
}

/// Offered work over capacity of a component's busiest station (0 when it has none).
pub fn utilization(sim: &Simulation, n: NodeId) -> f64 {
    match sim.node(n) {
        NodeState::Pool(p) => p.utilization,
        NodeState::Database(db) => db
            .writer_utilization
            .max(db.replicas.as_ref().map_or(0.0, |r| r.utilization)),
        NodeState::Cache(c) => c.utilization,
        _ => 0.0,
    }
}
