//! Held slots: worker threads and pooled database connections.
//!
//! A request holds one of its instance's threads from the moment it is taken until its answer
//! leaves, the time it waits on its callees included; a request that reaches the database also
//! holds one of the instance's pooled connections for as long as the database takes. By
//! Little's law the slots in use are rate × holding time, so when a callee slows down the same
//! traffic needs more slots; once they are all taken new requests queue for one — requests that
//! never touch the slow callee included. That is how a slow database takes a web tier down
//! with it, and why the web tier then fails its static files too.
//!
//! Each kind of slot is a queueing station whose servers are the slots and whose service time
//! is the holding time. Approximation: the holding time is the callees' mean answer time over
//! the last seconds (smoothed with a few seconds' memory, since the callees answer after the
//! caller has taken the request), and the waiting-time formulas treat it as exponential.

use super::queueing::far_from_full;
use super::station::{Capacity, Delay, Station};
use super::{DT, NodeState, Simulation};
use crate::arch::{Kind, NodeId, PerClass};

/// Memory of the smoothed holding times (seconds): callees' answer times reach their callers
/// over a few seconds, as the requests that saw them finish.
const HOLD_MEMORY_S: f64 = 3.0;

/// Slots of one kind (threads or connections) over all instances of a pool.
#[derive(Debug, Clone, Default)]
pub struct Slots {
    /// Requests waiting for a slot.
    pub station: Station,
    /// Slots in use in the last second (Little's law: admitted rate × holding time).
    pub in_use: f64,
    /// Slots there are.
    pub limit: f64,
    /// Mean wait for a slot in the last second (seconds).
    pub wait_s: f64,
}

/// What a pool of slots let through in one second.
#[derive(Debug, Clone, Copy, Default)]
pub struct Admission {
    /// Requests that got a slot, per class.
    pub admitted: PerClass<f64>,
    /// The part of `admitted` nobody waits for any more.
    pub orphans: PerClass<f64>,
    /// Requests that waited too long for a slot (or found none and were shed), per class.
    pub refused: PerClass<f64>,
    /// Share of `refused` nobody waited for.
    pub orphan_share: PerClass<f64>,
    /// Requests whose caller gave up on them while they waited for a slot this second (or
    /// got one too late to make its deadline).
    pub gave_up: PerClass<f64>,
    /// Requests that got their slot only after their caller had given up (part of `orphans`):
    /// the work they start now is done for nobody.
    pub late: PerClass<f64>,
    /// The wait for a slot, as a delay to sample from (no service part).
    pub wait: Delay,
}

impl Slots {
    /// Takes this second's `arrivals` (`orphans` of them abandoned already) onto `limit`
    /// slots, each held for `hold_s` per class and split into `queues` equal pools (one per
    /// instance when requests cannot go where slots are free); a request waits at most
    /// `queue_s` for one, its caller `patience_s`.
    pub fn admit(
        &mut self,
        arrivals: PerClass<f64>,
        orphans: PerClass<f64>,
        (limit, queues): (f64, f64),
        hold_s: PerClass<f64>,
        (queue_s, patience_s): (f64, f64),
    ) -> Admission {
        self.limit = limit;
        // Far from all taken, nobody waits for a slot: everything is admitted as it came,
        // without solving the queue (whose answer would be a chance of waiting below 1e-20).
        let work = (0..4).map(|k| arrivals[k] * hold_s[k]).sum::<f64>() / DT;
        let queues_n = queues.max(1.0);
        if self.station.queued() == 0.0 && far_from_full(limit / queues_n, work / queues_n) {
            self.in_use = work.min(limit);
            self.wait_s = 0.0;
            return Admission {
                admitted: arrivals,
                orphans,
                ..Admission::default()
            };
        }
        let cap = Capacity {
            servers: limit,
            service_s: hold_s,
            queue_s,
            // A slot is never late itself: the caller's deadline covers the whole request. But
            // a caller gives up on a request still waiting for one.
            deadline_s: [f64::INFINITY; 4],
            expire_s: [patience_s; 4],
            fixed_s: 0.0,
            queues,
        };
        let tick = self.station.tick(arrivals, orphans, cap, DT);
        // What got a slot after its caller left goes on, for nobody.
        let admitted: PerClass<f64> = std::array::from_fn(|k| tick.ok[k] + tick.late[k]);
        self.in_use = ((0..4).map(|k| admitted[k] * hold_s[k]).sum::<f64>() / DT).min(limit);
        let wait = Delay {
            service_s: 0.0,
            ..tick
                .delay
                .iter()
                .copied()
                .find(|d| *d != Delay::default())
                .unwrap_or_default()
        };
        self.wait_s = wait.mean_s();
        Admission {
            admitted,
            orphans: std::array::from_fn(|k| tick.ok[k] * tick.orphan_share[k] + tick.late[k]),
            refused: tick.dropped,
            orphan_share: std::array::from_fn(|k| tick.dropped_orphan_share(k)),
            gave_up: std::array::from_fn(|k| tick.expired[k] + tick.late_users[k]),
            late: tick.late,
            wait,
        }
    }

    /// Share of the slots in use (above 1: more wanted than there are).
    pub fn utilization(&self) -> f64 {
        if self.limit > 0.0 {
            self.in_use / self.limit
        } else {
            0.0
        }
    }
}

/// What a pool's requests hold, smoothed over the last seconds.
#[derive(Debug, Clone, Default)]
pub struct Holding {
    pub threads: Slots,
    pub connections: Slots,
    /// Mean time a request of each class waits on its callees (seconds).
    pub downstream_s: PerClass<f64>,
    /// Share of each class that reaches a database and so needs a pooled connection.
    pub db_share: PerClass<f64>,
    /// Mean time those requests hold their connection (the database's answer time).
    pub db_hold_s: PerClass<f64>,
    /// Mean time on the pool's own CPUs (wait and service).
    pub cpu_s: PerClass<f64>,
    /// Mean wait for a pooled connection, smoothed like the callees' times: fed straight
    /// back into the threads' holding time it makes the two pools oscillate.
    pub connection_wait_s: f64,
    /// Requests the pool dropped or refused in the last second for want of a thread or CPU.
    pub refused: f64,
}

impl Holding {
    /// How long a request of each class holds its thread.
    pub fn thread_hold_s(&self) -> PerClass<f64> {
        std::array::from_fn(|k| {
            self.cpu_s[k] + self.downstream_s[k] + self.db_share[k] * self.connection_wait_s
        })
    }

    fn smooth(old: &mut PerClass<f64>, new: PerClass<f64>) {
        for k in 0..4 {
            smooth(&mut old[k], new[k]);
        }
    }

    /// Takes in this second's wait for a connection.
    pub fn saw_connection_wait(&mut self, wait_s: f64) {
        smooth(&mut self.connection_wait_s, wait_s);
    }
}

/// How far a second moves the holding times toward what it saw (their memory, per second).
static ALPHA: std::sync::LazyLock<f64> =
    std::sync::LazyLock::new(|| 1.0 - libm::exp(-DT / HOLD_MEMORY_S));

/// Moves `old` toward `new` with the holding times' memory.
fn smooth(old: &mut f64, new: f64) {
    *old += *ALPHA * (new - *old);
}

/// Per component and class: mean time from a request's arrival until its answer (or its
/// failure) comes back, callees included; and the share of it that reaches a database.
#[derive(Debug, Clone, Default)]
pub struct AnswerTimes {
    pub answer_s: Vec<PerClass<f64>>,
    pub reaches_db: Vec<PerClass<f64>>,
    pub db_answer_s: Vec<PerClass<f64>>,
}

impl Simulation {
    /// After a second's flow: each component's answer time, callees before callers, then each
    /// pool's holding times from its callees'.
    pub(super) fn update_holding(&mut self) {
        let arch = self.arch.clone();
        let times = &mut self.answers;
        let sc = &self.scratch;
        for &n in arch.order.iter().rev() {
            let i = n.index();
            let is_db = matches!(arch.graph[n].kind, Kind::Database(_));
            let c = &sc.per[i];
            for k in 0..4 {
                let step = &sc.steps[i][k];
                let (done, sent, hard) = (c.done[k], c.sent[k], c.hard_failed[k]);
                let soft = c.soft_failed[k];
                let total = done + sent + hard + soft;
                if total <= 0.0 {
                    continue; // keep what the last busy second said
                }
                // The hops hold cumulative shares once sealed: each one's own is the step.
                let shares = step.hops.iter().scan(0.0, |previous, &(to, cumulative)| {
                    let share = cumulative - *previous;
                    *previous = cumulative;
                    Some((to, share))
                });
                let (down, reach, db_hold) = callees(shares, k, times);
                // Nobody waits past the component's timeout, whatever goes on behind it.
                let limit = step.timeout_s;
                let own = step.delay.mean_s();
                // Answered too late or given up on: the caller waited out its timeout.
                let soft_s = if limit.is_finite() { limit } else { own + down };
                times.answer_s[i][k] = (done * own.min(limit)
                    + sent * (own + down).min(limit)
                    + hard * step.fail_s.min(limit)
                    + soft * soft_s)
                    / total;
                if is_db {
                    times.reaches_db[i][k] = 1.0;
                    times.db_answer_s[i][k] = times.answer_s[i][k];
                } else if !matches!(arch.graph[n].kind, Kind::Pool(_)) {
                    // Caches and forwarders pass their misses on; pools hold their own connections.
                    let share = if total > 0.0 { sent / total } else { 0.0 };
                    times.reaches_db[i][k] = share * reach;
                    times.db_answer_s[i][k] = db_hold;
                }
            }
        }
        for (n, c) in arch.nodes() {
            let (Kind::Pool(_), NodeState::Pool(pool)) = (&c.kind, &mut self.nodes[n.index()])
            else {
                continue;
            };
            let routes = &arch.routes[n.index()];
            let mut downstream = [0.0; 4];
            let mut db_share = [0.0; 4];
            let mut db_hold = [0.0; 4];
            for (k, class) in crate::arch::CLASSES.iter().enumerate() {
                let hops = routes.of(*class).iter().map(|h| (h.to, h.share));
                let (d, share, hold) = callees(hops, k, times);
                downstream[k] = d;
                db_share[k] = share;
                db_hold[k] = hold;
            }
            let h = &mut pool.holding;
            Holding::smooth(&mut h.downstream_s, downstream);
            Holding::smooth(&mut h.db_share, db_share);
            Holding::smooth(&mut h.db_hold_s, db_hold);
        }
    }
}

/// Mean answer time of the callees behind `hops` (callee and share) for class `k`, the share
/// of requests that reach a database, and how long those wait for it.
fn callees(
    hops: impl Iterator<Item = (NodeId, f64)>,
    k: usize,
    times: &AnswerTimes,
) -> (f64, f64, f64) {
    let (mut down, mut reach, mut db_time) = (0.0, 0.0, 0.0);
    for (to, share) in hops {
        let i = to.index();
        down += share * times.answer_s[i][k];
        reach += share * times.reaches_db[i][k];
        db_time += share * times.reaches_db[i][k] * times.db_answer_s[i][k];
    }
    let hold = if reach > 0.0 { db_time / reach } else { 0.0 };
    (down, reach, hold)
}

impl AnswerTimes {
    pub fn new(n: usize) -> Self {
        Self {
            answer_s: vec![[0.0; 4]; n],
            reaches_db: vec![[0.0; 4]; n],
            db_answer_s: vec![[0.0; 4]; n],
        }
    }
}
