//! What the graph alone says: the components every path from the entry to a data store goes
//! through (its dominators). A graph cannot tell a component that fails over from one that
//! does not; the simulation can, and the report says where the two disagree.

use crate::arch::{Architecture, Kind, NodeId};
use petgraph::algo::dominators::simple_fast;

/// Components every path from the entry to some data store passes through, the stores
/// themselves included (a store is the only copy of its data on the graph), in graph order.
pub fn single_points(arch: &Architecture) -> Vec<NodeId> {
    let dominators = simple_fast(&arch.graph, arch.entry);
    let mut points: Vec<NodeId> = Vec::new();
    for (store, c) in arch.nodes() {
        if !matches!(c.kind, Kind::Database(_) | Kind::KvStore(_)) {
            continue;
        }
        let Some(on_every_path) = dominators.dominators(store) else {
            continue; // not reachable from the entry
        };
        for n in on_every_path {
            // The entry is the DNS: global, not a single point of one architecture.
            if n != arch.entry && !points.contains(&n) {
                points.push(n);
            }
        }
    }
    points.sort();
    points
}
