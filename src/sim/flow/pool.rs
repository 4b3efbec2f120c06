//! One second of a server pool: requests take a thread, then CPU, then (those that reach the
//! database) a pooled connection, and go on to their callees.
//!
//! What the pool does with a request its caller already gave up on depends on the preset: by
//! default it does the work anyway, for nobody (servers do not know the client left), and
//! passes it on to its callees; with `deadline_propagation` it drops the request when its
//! deadline has passed; with `load_shedding` it refuses at once what it has no free thread for.

use super::{JOB, Scratch};
use crate::arch::{Hop, NodeId, PerClass, Pool, PoolRole};
use crate::preset::defaults::{DB_POOL_TIMEOUT_S, DEAD_TARGET_S, FAST_FAIL_S};
use crate::sim::DT;
use crate::sim::pool::PoolState;
use crate::sim::sick::Split;
use crate::sim::station::Capacity;

/// One pool's set-up for this second.
pub(super) struct PoolNode<'a> {
    pub id: NodeId,
    pub spec: &'a Pool,
    /// Network and injected latency (seconds).
    pub fixed_s: f64,
    /// Its region serves and it is not lost as a whole (`kill-component`).
    pub alive: bool,
    pub t: f64,
    /// Workers: how long the store takes to answer a job.
    pub store_wait_s: f64,
    pub skew: &'a [f64],
}

impl PoolNode<'_> {
    pub fn process(
        &self,
        pool: &mut PoolState,
        inflow: PerClass<f64>,
        hops: PerClass<&[Hop]>,
        sc: &mut Scratch,
    ) {
        let (n, spec) = (self.id, self.spec);
        sc.set_timeout(n, spec.timeout_s);
        if !self.alive {
            let dropped = drop_waiting(pool);
            sc.fail_all(n, inflow, DEAD_TARGET_S);
            sc.fail_waiting(n, dropped, DEAD_TARGET_S);
            pool.utilization = 0.0;
            return;
        }
        // Traffic the load balancer still sends to dead instances hangs until it gives up.
        let dead = pool.dead_share(self.t);
        let mut arrivals = inflow;
        for k in 0..4 {
            sc.fail(n, k, inflow[k] * dead, DEAD_TARGET_S);
            arrivals[k] = inflow[k] * (1.0 - dead);
        }
        let orphans_in: PerClass<f64> =
            std::array::from_fn(|k| arrivals[k] * sc.orphan_share(n, k));
        // Round robin splits the pool into one queue per instance (each gets its turn whatever
        // it has on its hands); otherwise requests go where there is room, as one queue.
        let queues = if pool.round_robin {
            f64::from(pool.serving()).max(1.0)
        } else {
            1.0
        };

        // 1. A thread, held for the whole request.
        let queue_s = if spec.load_shedding {
            0.0
        } else if spec.deadline_propagation {
            spec.timeout_s
        } else {
            spec.queue_s
        };
        let refused_after = if spec.load_shedding {
            FAST_FAIL_S
        } else {
            queue_s
        };
        let hold = pool.holding.thread_hold_s();
        let threads = f64::from(pool.serving()) * f64::from(spec.max_concurrency);
        let held = spec.role != PoolRole::Workers;
        let admission = if held {
            let patience_s = (spec.timeout_s - self.fixed_s).max(0.0);
            let a = pool.holding.threads.admit(
                arrivals,
                orphans_in,
                (threads, queues),
                hold,
                (queue_s, patience_s),
            );
            for k in 0..4 {
                sc.fail_with(n, k, a.refused[k], refused_after, a.orphan_share[k]);
                sc.gave_up(n, k, a.gave_up[k]);
                sc.users.wasted += a.late[k];
            }
            a
        } else {
            crate::sim::held::Admission {
                admitted: arrivals,
                orphans: orphans_in,
                ..Default::default()
            }
        };

        // 2. CPU. The caller's deadline leaves this station what the thread wait, the callees
        //    and the wait for a connection do not take.
        let thread_wait = admission.wait.mean_s();
        let h = &pool.holding;
        let deadline_s: PerClass<f64> = std::array::from_fn(|k| {
            spec.timeout_s
                - self.fixed_s
                - thread_wait
                - h.downstream_s[k]
                - h.db_share[k] * h.connections.wait_s
        });
        let service_s = [
            spec.static_s,
            spec.service_s,
            spec.service_s,
            spec.service_s,
        ];
        // With deadline propagation the CPU drops what outlived its deadline, which the wait for
        // a thread has already eaten into.
        let cpu_queue_s = if spec.deadline_propagation {
            (spec.timeout_s - self.fixed_s - thread_wait).max(0.0)
        } else {
            queue_s
        };
        let cap = Capacity {
            servers: pool.servers(),
            service_s,
            queue_s: cpu_queue_s,
            deadline_s,
            // The caller gives up on a request still waiting for a CPU once its timeout, less
            // the wait for a thread, has passed.
            expire_s: [(spec.timeout_s - self.fixed_s - thread_wait).max(0.0); 4],
            queues,
            fixed_s: self.fixed_s,
        };
        let size = (pool.serving(), pool.vcpus);
        let tick = match &mut pool.sick {
            Some(sick) => {
                let split = if pool.round_robin {
                    Split::Even
                } else {
                    Split::BySpeed
                };
                sick.tick(
                    &mut pool.station,
                    admission.admitted,
                    admission.orphans,
                    cap,
                    size,
                    split,
                    DT,
                )
            }
            None => pool
                .station
                .tick(admission.admitted, admission.orphans, cap, DT),
        };
        pool.utilization = tick.utilization;
        pool.response_s = tick.mean_response_s;
        // Threads are counted for the pool as a whole, so a slow instance's long requests
        // would take its peers' threads. They hold its own, and its backlog waits in its own
        // CPU queue instead (approximation, see `sim::sick`): the hold is the usual one.
        pool.holding.cpu_s = std::array::from_fn(|k| {
            let usual = tick.delay[k].usual_mean_s();
            usual - self.fixed_s.min(usual)
        });
        if spec.role == PoolRole::Workers {
            // A worker thread is busy while its write runs too: scale on thread occupancy.
            let busy = admission.admitted[JOB] * (spec.service_s + self.store_wait_s);
            pool.utilization = if cap.servers > 0.0 {
                busy / (cap.servers * DT)
            } else {
                0.0
            };
        }
        sc.absorb_station(n, &tick, refused_after);
        pool.holding.refused =
            admission.refused.iter().sum::<f64>() + tick.dropped.iter().sum::<f64>();

        // What goes on to the callees: what was served in time, and — unless the pool drops
        // expired work — what was served for a caller who had already left.
        let mut onward = [0.0; 4];
        let mut onward_orphans = [0.0; 4];
        for k in 0..4 {
            let late = if spec.deadline_propagation {
                0.0
            } else {
                tick.late[k]
            };
            onward[k] = tick.ok[k] + late;
            onward_orphans[k] = tick.ok[k] * tick.orphan_share[k] + late;
        }

        // 3. A pooled connection for the share that reaches the database.
        if held {
            let h = &pool.holding;
            let wanting: PerClass<f64> = std::array::from_fn(|k| onward[k] * h.db_share[k]);
            let wanting_orphans: PerClass<f64> =
                std::array::from_fn(|k| onward_orphans[k] * h.db_share[k]);
            let limit = f64::from(pool.serving()) * f64::from(spec.db_pool);
            let hold = h.db_hold_s;
            let conn_queue_s = if spec.deadline_propagation {
                spec.timeout_s
            } else {
                DB_POOL_TIMEOUT_S
            };
            let patience_s = (spec.timeout_s - self.fixed_s - thread_wait).max(0.0);
            let a = pool.holding.connections.admit(
                wanting,
                wanting_orphans,
                (limit, queues),
                hold,
                (conn_queue_s, patience_s),
            );
            pool.holding.saw_connection_wait(a.wait.mean_s());
            for k in 0..4 {
                // The pool throws after its connection timeout; the thread learns it then.
                sc.fail_with(n, k, a.refused[k], conn_queue_s, a.orphan_share[k]);
                sc.gave_up(n, k, a.gave_up[k]);
                sc.users.wasted += a.late[k];
                let through = onward[k] - wanting[k] + a.admitted[k];
                let through_orphans = onward_orphans[k] - wanting_orphans[k] + a.orphans[k];
                onward[k] = through.max(0.0);
                onward_orphans[k] = through_orphans.clamp(0.0, onward[k]);
            }
        }

        // 4. The walk sees the waits for a thread and a connection as fixed delays
        //    (approximation: their means). Only classes that came here. No walk meets the
        //    others' steps and the redraw test passes over them (it once redrew the window
        //    whenever such a wait alone moved by 2 %, however small); what is left reading
        //    them is the holding times, for a class served from the queue with nothing new.
        let conn_wait = pool.holding.connections.wait_s;
        let steps = sc.steps[n.index()].iter_mut();
        for (step, (&came, &db_share)) in steps.zip(inflow.iter().zip(&pool.holding.db_share)) {
            if came > 0.0 {
                // Summed in this order, as the walks always have.
                step.delay.fixed_s = step.delay.fixed_s + thread_wait + db_share * conn_wait;
            }
        }

        for (k, to) in hops.iter().enumerate() {
            let share = if onward[k] > 0.0 {
                onward_orphans[k] / onward[k]
            } else {
                0.0
            };
            sc.per[n.index()].orphan_out[k] = share;
            if to.is_empty() {
                sc.finish_with(n, k, onward[k], share);
            } else {
                sc.split(n, k, onward[k], to, self.skew);
            }
        }
    }
}

/// Everything waiting in the pool (for a thread, CPU or a connection) when its servers go.
fn drop_waiting(pool: &mut PoolState) -> PerClass<f64> {
    let a = pool.station.drop_all();
    let b = pool.holding.threads.station.drop_all();
    let c = pool.holding.connections.station.drop_all();
    let d = pool.sick.as_mut().map_or([0.0; 4], |s| s.drop_all());
    std::array::from_fn(|k| a[k] + b[k] + c[k] + d[k])
}
