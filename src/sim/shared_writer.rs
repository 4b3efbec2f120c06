//! Worker pools that write to the same database writer share it. A pool in another region
//! writes through that region's copy, which forwards its writes to the writer (until it is
//! promoted): its jobs wait on the same writer. Each pool's loop (`worker_loop`) sees the jobs
//! the other pools take as more of the writer's other work, at the rate each last took them
//! (this second if it was stepped before, else last second). Solving each pool's loop as if
//! it had the writer to itself (a forwarding copy's idle instance, for the pool in the other
//! region) let two pools each drive it to its limit: `10m`'s writer ran at twice its capacity
//! after a spike, and its queues never drained.
//!
//! Approximation: a forwarded write holds its worker thread for the writer's answer, not for
//! the round trip between the regions as well (the flow does add that to the job's time).
//! With the round trip `10m`'s Oregon workers, as the preset sizes them, fall behind for good
//! even at their maximum: a question for the preset, left open.

use super::flow::skewed_shares;
use super::{NodeState, Simulation};
use crate::arch::{Architecture, Class, Kind, NodeId, PoolRole};

/// For each database, the worker pools whose jobs may land on its writer: those that write to
/// it, and those that write to a copy of it.
pub fn job_writers(arch: &Architecture) -> Vec<Vec<NodeId>> {
    let mut writers: Vec<Vec<NodeId>> = vec![Vec::new(); arch.node_count()];
    for (pool, c) in arch.nodes() {
        if !matches!(&c.kind, Kind::Pool(p) if p.role == PoolRole::Workers) {
            continue;
        }
        for hop in arch.routes[pool.index()].of(Class::Job) {
            let Kind::Database(spec) = &arch.graph[hop.to].kind else {
                continue;
            };
            for db in std::iter::once(hop.to).chain(spec.replicates_from) {
                if !writers[db.index()].contains(&pool) {
                    writers[db.index()].push(pool);
                }
            }
        }
    }
    writers
}

impl Simulation {
    /// The jobs queue `queue` handed its workers this second, noted with each pool as soon as
    /// they are known, so that a pool whose loop is solved later this second sees them (the
    /// rates of last second, for both, made the pools take turns: all of a writer one second,
    /// almost none the next).
    pub(super) fn note_jobs_taken(&mut self, queue: NodeId) {
        let NodeState::Queue(q) = &self.nodes[queue.index()] else {
            return;
        };
        let taken = q.dispatched;
        let hops = self.arch.routes[queue.index()].of(Class::Job);
        for (h, share) in skewed_shares(hops, &self.skew) {
            if let NodeState::Pool(pool) = &mut self.nodes[h.to.index()] {
                pool.jobs_taken = taken * share;
            }
        }
    }

    /// The database whose writer takes the writes sent to `store`: its owner while it is a
    /// copy that forwards them, else itself.
    pub(super) fn writes_land(&self, store: NodeId) -> NodeId {
        match (&self.arch.graph[store].kind, &self.nodes[store.index()]) {
            (Kind::Database(spec), NodeState::Database(db)) if !db.owns_writes() => {
                spec.replicates_from.unwrap_or(store)
            }
            _ => store,
        }
    }

    /// Seconds of `writer`'s work a second that worker pools other than `pool` ask of it.
    pub(super) fn other_jobs_work(&self, pool: NodeId, writer: NodeId) -> f64 {
        let Kind::Database(spec) = &self.arch.graph[writer].kind else {
            return 0.0;
        };
        let mut jobs = 0.0;
        for &other in &self.job_writers[writer.index()] {
            let NodeState::Pool(state) = &self.nodes[other.index()] else {
                continue;
            };
            if other == pool || state.jobs_taken <= 0.0 {
                continue;
            }
            let hops = self.arch.routes[other.index()].of(Class::Job);
            for (_, share) in
                skewed_shares(hops, &self.skew).filter(|(h, _)| self.writes_land(h.to) == writer)
            {
                jobs += state.jobs_taken * share;
            }
        }
        jobs * spec.write_s
    }
}
