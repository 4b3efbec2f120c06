//! One queueing station: `c` servers with a shared first-come-first-served queue, stepped one
//! simulated second at a time.
//!
//! Requests are counted as real numbers (a fluid), so a second costs the same at 1 request per
//! second as at a million. The station's state is how many requests wait in it; each second the
//! pointwise-stationary fluid approximation ([`super::transient`]) moves that number towards
//! the steady state of the M/M/c+D queue ([`super::queueing`]) — c servers, a request dropped
//! when it has not started within the queue timeout — at the pace a real queue builds and
//! drains. Mixed service times enter through the Allen–Cunneen factor of the class mix.
//! Everything is continuous in the load, through ρ = 1 and into overload.

use super::fifo_age::ArrivalWindow;
use super::give_up::Waiting;
use super::queueing::Impatient;
use super::transient;
use super::wait::Wait;
use crate::arch::PerClass;

/// How long one class of request spends at a station, as parameters to sample from.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Delay {
    /// Network and injected latency (seconds).
    pub fixed_s: f64,
    /// The wait in the queue.
    pub wait: Wait,
    /// Mean service time (exponential); 0 for a fixed-latency hop.
    pub service_s: f64,
    /// The share of requests served by a degraded instance, and their own wait and service
    /// (see [`super::sick`]); share 0 when every instance is alike.
    pub slow: SlowBranch,
}

/// The wait and service a share of a station's requests meet at one slow instance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SlowBranch {
    pub share: f64,
    pub wait: Wait,
    pub service_s: f64,
}

impl Delay {
    pub fn fixed(seconds: f64) -> Self {
        Self {
            fixed_s: seconds,
            ..Self::default()
        }
    }

    /// Mean of the delay at the instances that are not slow.
    pub fn usual_mean_s(&self) -> f64 {
        self.fixed_s + self.wait.mean_s() + self.service_s
    }

    /// Mean of the delay.
    pub fn mean_s(&self) -> f64 {
        let q = self.slow.share;
        let own = self.wait.mean_s() + self.service_s;
        if q > 0.0 {
            self.fixed_s + (1.0 - q) * own + q * (self.slow.wait.mean_s() + self.slow.service_s)
        } else {
            self.fixed_s + own
        }
    }
}

/// What a station did in one second.
#[derive(Debug, Clone, Copy, Default)]
pub struct StationTick {
    /// Served within the caller's deadline (callers who had given up before the request got
    /// here included: see `orphan_share`).
    pub ok: PerClass<f64>,
    /// Share of `ok` whose caller had given up before the request arrived here (orphans: work
    /// done for nobody, not the users' outcomes).
    pub orphan_share: PerClass<f64>,
    /// Failed here: dropped, served late, or given up on while waiting.
    pub failed: PerClass<f64>,
    /// Dropped after waiting the queue timeout, and the part of them somebody still waited for.
    pub dropped: PerClass<f64>,
    pub dropped_users: PerClass<f64>,
    /// Served after the caller gave up — during the service, or earlier while the request
    /// waited here: work done for nobody. A latency sampler finds these itself by drawing past
    /// the deadline.
    pub late: PerClass<f64>,
    /// The part of `late` whose caller learns it now (it gave up during the service).
    pub late_users: PerClass<f64>,
    /// Requests whose caller gave up while they waited here this second: the caller fails
    /// them now; the server still has them (they stay queued, for nobody).
    pub expired: PerClass<f64>,
    /// Offered work divided by capacity: above 1 means overload.
    pub utilization: f64,
    pub delay: PerClass<Delay>,
    /// Mean time in the station (wait + service) of this second's requests.
    pub mean_response_s: f64,
}

impl StationTick {
    /// Share of the dropped requests nobody waited for any more.
    pub fn dropped_orphan_share(&self, k: usize) -> f64 {
        if self.dropped[k] > 0.0 {
            (1.0 - self.dropped_users[k] / self.dropped[k]).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Station {
    /// Requests waiting, per class.
    pub backlog: PerClass<f64>,
    /// The part of the backlog nobody waits for any more.
    pub orphans: PerClass<f64>,
    /// The part of `orphans` whose caller gave up while they waited here (the rest arrived
    /// orphaned): see [`super::give_up`].
    gone: PerClass<f64>,
    /// What arrived within the queue timeout: all the queue may still hold.
    arrivals: ArrivalWindow,
}

/// The fixed part of a station's set-up for one second.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    pub servers: f64,
    /// Mean service time per class (seconds).
    pub service_s: PerClass<f64>,
    /// How long a request may wait before the server drops it (seconds, from its arrival).
    /// With deadline propagation this is the caller's own deadline.
    pub queue_s: f64,
    /// The caller's patience for wait + service here, per class (seconds): what it gives this
    /// station of its timeout. A request served past it is late.
    pub deadline_s: PerClass<f64>,
    /// How long the caller waits for a request still queued here before it gives up, per class
    /// (seconds; at least `deadline_s`). The caller fails it then; the server only finds out
    /// when it drops or serves it.
    pub expire_s: PerClass<f64>,
    /// Latency outside the queue (network hop, injected latency).
    pub fixed_s: f64,
    /// Identical queues the servers are split into, each taking an equal share of the
    /// arrivals: one per instance behind a round-robin load balancer, 1 for a shared queue.
    pub queues: f64,
}

impl Capacity {
    /// A station whose caller gives up after `timeout_s` (fixed latency included) and whose
    /// server drops what its caller gave up on (a database cancelling a timed-out query).
    pub fn with_timeout(
        servers: f64,
        service_s: PerClass<f64>,
        timeout_s: f64,
        fixed_s: f64,
    ) -> Self {
        let budget = (timeout_s - fixed_s).max(0.0);
        Self {
            servers,
            service_s,
            queue_s: budget,
            deadline_s: [budget; 4],
            expire_s: [budget; 4],
            fixed_s,
            queues: 1.0,
        }
    }
}

/// Mean service time of a class mix and its Allen–Cunneen factor (1 + Cs²)/2. Each class is
/// exponential, so the mix is hyperexponential: E[S²] = Σ pₖ·2sₖ², and the factor is
/// Σ pₖsₖ² / (Σ pₖsₖ)².
fn service_mix(counts: &PerClass<f64>, service_s: &PerClass<f64>) -> (f64, f64) {
    let n: f64 = counts.iter().sum();
    if n <= 0.0 {
        return (service_s[1], 1.0);
    }
    let mean = (0..4).map(|k| counts[k] * service_s[k]).sum::<f64>() / n;
    let square = (0..4)
        .map(|k| counts[k] * service_s[k] * service_s[k])
        .sum::<f64>()
        / n;
    let scale = if mean > 0.0 {
        square / (mean * mean)
    } else {
        1.0
    };
    (mean, scale)
}

impl Station {
    pub fn queued(&self) -> f64 {
        self.backlog.iter().sum()
    }

    /// Requests waiting that somebody still waits for.
    pub fn queued_live(&self) -> PerClass<f64> {
        std::array::from_fn(|k| (self.backlog[k] - self.orphans[k]).max(0.0))
    }

    /// Takes over another station's waiting requests (a slow instance's, once it is well).
    pub fn take_over(&mut self, other: Station) {
        for k in 0..4 {
            self.backlog[k] += other.backlog[k];
            self.orphans[k] += other.orphans[k];
            self.gone[k] += other.gone[k];
        }
    }

    /// Fails everything waiting (the servers are gone) and returns how much failed per class,
    /// counting only requests somebody still waited for.
    pub fn drop_all(&mut self) -> PerClass<f64> {
        let live = self.queued_live();
        *self = Self::default();
        live
    }

    /// Steps one second with `arrivals` requests per class, `orphans` of which nobody waits for.
    pub fn tick(
        &mut self,
        arrivals: PerClass<f64>,
        orphans: PerClass<f64>,
        cap: Capacity,
        dt: f64,
    ) -> StationTick {
        let mut out = StationTick::default();
        let demand: PerClass<f64> = std::array::from_fn(|k| arrivals[k] + self.backlog[k]);
        let arrived: f64 = arrivals.iter().sum();
        if cap.servers < 1.0 {
            // No server to take them: everything that arrives or waits fails.
            out.failed = demand;
            out.dropped = demand;
            out.dropped_users = std::array::from_fn(|k| {
                (demand[k] - orphans[k] - self.orphans[k]).clamp(0.0, demand[k])
            });
            *self = Self::default();
            out.utilization = if arrived > 0.0 { f64::INFINITY } else { 0.0 };
            return out;
        }
        let s = cap.service_s;
        let offered_work: f64 = (0..4).map(|k| arrivals[k] * s[k]).sum();
        out.utilization = offered_work / (cap.servers * dt);

        let (mean_s, scale) = service_mix(&demand, &s);
        // Each of `queues` identical queues takes its share; a request waits as long in any.
        let queues = cap.queues.max(1.0);
        let model = |rate: f64| {
            Impatient::new(
                cap.servers / queues,
                rate / queues,
                mean_s,
                cap.queue_s,
                scale,
            )
        };
        let bound = self
            .arrivals
            .record(self.queued(), arrived, cap.queue_s, dt);
        let (throughput, queue) = transient::step(self.queued(), arrived, dt, model);
        let total: f64 = demand.iter().sum();
        // FIFO: what waited out the queue timeout is dropped, however long the queue.
        let aged_out = bound.map_or(0.0, |most| (total - throughput * dt - most).max(0.0));
        let leaving = if total > 0.0 {
            (throughput * dt / total).min(1.0)
        } else {
            0.0
        };
        let wait = queue.served_wait();
        let (mut response_sum, mut served_sum) = (0.0, 0.0);
        for k in 0..4 {
            if demand[k] <= 0.0 {
                continue;
            }
            let orphaned = (orphans[k] + self.orphans[k] - self.gone[k]).clamp(0.0, demand[k]);
            let gone = self.gone[k].min(demand[k] - orphaned);
            let mut waiting = Waiting {
                live: demand[k] - orphaned - gone,
                gone,
                orphaned,
            };
            let out_k = demand[k] * leaving;
            let abandoned = out_k * queue.p_abandon;
            let served = out_k - abandoned;
            let dropped = abandoned + aged_out * demand[k] / total;
            // Callers give up before the server drops: what waited past that is gone.
            let expires = cap.expire_s[k] < cap.queue_s;
            let waited_past = if expires {
                wait.tail(cap.expire_s[k])
            } else {
                0.0
            };
            let l = waiting.leave(served, dropped, waited_past, expires);
            waiting.remove(&l);

            // Late: served past the deadline, given it had not waited past the expiry.
            let late_share = {
                let late = wait.response_tail(s[k], cap.deadline_s[k]);
                if waited_past < 1.0 {
                    ((late - waited_past) / (1.0 - waited_past)).clamp(0.0, 1.0)
                } else {
                    1.0
                }
            };
            let late_users = l.served_live * late_share;
            out.ok[k] = l.served_live - late_users + l.served_orphaned;
            out.orphan_share[k] = if out.ok[k] > 0.0 {
                l.served_orphaned / out.ok[k]
            } else {
                0.0
            };
            out.late[k] = late_users + l.served_gone;
            out.late_users[k] = late_users;
            out.dropped[k] = dropped;
            out.dropped_users[k] = l.dropped_live;
            if expires {
                // As many a second as arrive to wait past the expiry (dropped ones included).
                let arriving_live = (arrivals[k] - orphans[k]).max(0.0);
                let past = (1.0 - queue.p_abandon) * waited_past + queue.p_abandon;
                out.expired[k] = waiting.expire(arriving_live * past);
            }
            out.failed[k] = dropped + out.late[k] + out.expired[k];
            self.backlog[k] = waiting.total().max(0.0);
            self.orphans[k] = (waiting.gone + waiting.orphaned).clamp(0.0, self.backlog[k]);
            self.gone[k] = waiting.gone.clamp(0.0, self.orphans[k]);

            out.delay[k] = Delay {
                fixed_s: cap.fixed_s,
                wait,
                service_s: s[k],
                slow: SlowBranch::default(),
            };
            response_sum += served * (wait.mean_s() + s[k]);
            served_sum += served;
        }
        out.mean_response_s = if served_sum > 0.0 {
            response_sum / served_sum
        } else {
            0.0
        };
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::queueing::Impatient;

    fn cap(servers: f64, service_s: f64) -> Capacity {
        Capacity::with_timeout(servers, [service_s; 4], 10.0, 0.0)
    }

    fn total(x: PerClass<f64>) -> f64 {
        x.iter().sum()
    }

    #[test]
    fn below_capacity_everything_is_served_at_once() {
        let mut st = Station::default();
        let t = st.tick([0.0, 50.0, 0.0, 0.0], [0.0; 4], cap(10.0, 0.1), 1.0);
        assert!(total(t.ok) > 49.9, "{:?}", t.ok);
        assert!(st.queued() < 0.1);
        assert!((t.utilization - 0.5).abs() < 1e-12);
        assert!(t.delay[1].wait.p > 0.0 && t.delay[1].wait.p < 0.5);
    }

    #[test]
    fn overload_builds_a_queue_that_drains_afterwards_and_conserves_requests() {
        let mut st = Station::default();
        let c = cap(10.0, 0.1); // 100 requests per second
        let mut arrived = 0.0;
        let mut done = 0.0;
        for second in 0..40 {
            let a = if second < 10 { 150.0 } else { 20.0 };
            arrived += a;
            let t = st.tick([0.0, a, 0.0, 0.0], [0.0; 4], c, 1.0);
            done += total(t.ok) + total(t.failed);
            if second == 9 {
                // About 50 a second piled up, and a request now waits seconds for its turn.
                assert!(
                    st.queued() > 450.0 && st.queued() < 550.0,
                    "{}",
                    st.queued()
                );
                assert!(t.delay[1].wait.mean_s() > 2.0, "{:?}", t.delay[1]);
            }
        }
        assert!((arrived - done - st.queued()).abs() < 1e-6);
        assert!(st.queued() < 0.01, "drained: {}", st.queued());
    }

    #[test]
    fn sustained_overload_drops_the_excess_and_serves_the_rest_late() {
        let mut st = Station::default();
        let c = Capacity::with_timeout(10.0, [0.1; 4], 2.0, 0.0);
        let (mut failed, mut ok) = (0.0, 0.0);
        for _ in 0..600 {
            let t = st.tick([0.0, 200.0, 0.0, 0.0], [0.0; 4], c, 1.0);
            failed += total(t.failed);
            ok += total(t.ok);
        }
        // Capacity is 100/s: half is dropped after its 2 s. Those served started just before
        // their 2 s were up — the slack is exponential at the excess rate (100/s) — so their
        // service (mean 0.1 s) outlasts it with probability 100/110.
        assert!(st.queued() <= 400.0, "{}", st.queued());
        let ratio = failed / (ok + failed);
        let want = 0.5 + 0.5 * 100.0 / 110.0;
        assert!((ratio - want).abs() < 0.01, "{ratio} vs {want}");
    }

    #[test]
    fn few_requests_are_served_in_time_once_the_queue_is_longer_than_the_deadline() {
        // The server keeps requests 60 s, the caller waits 2 s.
        let mut st = Station::default();
        let c = Capacity {
            queue_s: 60.0,
            deadline_s: [2.0; 4],
            ..Capacity::with_timeout(10.0, [0.1; 4], 2.0, 0.0)
        };
        let mut last = StationTick::default();
        for _ in 0..120 {
            last = st.tick([0.0, 200.0, 0.0, 0.0], [0.0; 4], c, 1.0);
        }
        let served = total(last.ok) + total(last.late);
        assert!(total(last.ok) < 0.05 * served, "{:?} of {served}", last.ok);
        assert!(last.delay[1].wait.mean_s() > 20.0, "{:?}", last.delay[1]);
    }

    #[test]
    fn one_server_near_full_load_builds_its_queue_over_minutes_to_the_steady_state() {
        // M/M/1, 10 ms, 10 s patience (tests/queueing.rs checks the steady state against a
        // request-by-request simulation).
        for rho in [0.995, 1.0] {
            let steady = Impatient::new(1.0, rho * 100.0, 0.01, 10.0, 1.0).mean_wait_s();
            let mut st = Station::default();
            let c = cap(1.0, 0.01);
            let mut waits = Vec::new();
            for _ in 0..14_400 {
                let t = st.tick([0.0, rho * 100.0, 0.0, 0.0], [0.0; 4], c, 1.0);
                waits.push(t.mean_response_s - 0.01);
            }
            assert!(
                waits[30] < 0.5 * steady,
                "ρ {rho}: {} after 30 s",
                waits[30]
            );
            assert!(
                waits[300] < 0.9 * steady,
                "ρ {rho}: {} after 5 min",
                waits[300]
            );
            let got = waits[14_399];
            assert!(
                (got - steady).abs() < 0.01 * steady,
                "ρ {rho}: {got} vs {steady}"
            );
        }
    }

    #[test]
    fn callers_fail_at_their_deadline_once_and_the_server_works_on_for_nobody() {
        // The server keeps requests 60 s, callers wait 2 s; twice the capacity arrives.
        let mut st = Station::default();
        let c = Capacity {
            queue_s: 60.0,
            ..Capacity::with_timeout(10.0, [0.1; 4], 2.0, 0.0)
        };
        let (mut arrived, mut outcomes, mut expired_late) = (0.0, 0.0, 0.0);
        let mut last = StationTick::default();
        for second in 0..300 {
            last = st.tick([0.0, 200.0, 0.0, 0.0], [0.0; 4], c, 1.0);
            arrived += 200.0;
            let users_ok = last.ok[1] * (1.0 - last.orphan_share[1]);
            outcomes += users_ok + last.expired[1] + last.late_users[1] + last.dropped_users[1];
            if second > 120 {
                expired_late += last.expired[1];
            }
        }
        // Every caller's request has had exactly one outcome, or is still waiting for one.
        let waiting = st.queued_live()[1];
        assert!(
            (arrived - outcomes - waiting).abs() < 1e-6 * arrived,
            "{arrived} {outcomes} {waiting}"
        );
        // Once the queue is longer than 2 s, callers give up at their deadline, as they
        // arrive; the server serves the queue for nobody and drops what waited 60 s.
        assert!(expired_late / 179.0 > 190.0, "{}", expired_late / 179.0);
        assert!(last.late[1] > 99.0 && last.ok[1] < 1.0, "{last:?}");
        assert!(
            last.dropped_users[1] < 0.01 && last.dropped[1] > 90.0,
            "{last:?}"
        );
    }

    #[test]
    fn no_servers_fails_everything_including_the_backlog() {
        let mut st = Station::default();
        st.tick([0.0, 300.0, 0.0, 0.0], [0.0; 4], cap(1.0, 0.1), 1.0);
        let waiting = st.queued();
        assert!(waiting > 0.0);
        let t = st.tick([0.0, 5.0, 0.0, 0.0], [0.0; 4], cap(0.0, 0.1), 1.0);
        assert!((total(t.failed) - waiting - 5.0).abs() < 1e-9);
        assert_eq!(st.queued(), 0.0);
    }
}
