//! Queue workers and the stores they write to form a closed loop: a worker thread takes a job,
//! works on it, writes it, and only then takes the next. So no more jobs are ever in flight at
//! the store than there are worker threads, and the drain rate is that loop's throughput.
//! (Sizing the pull from the store's last answer time instead overshoots when the store was
//! quick, starves it when it was slow, and oscillates.)
//!
//! Each second the drain rate X solves Little's law for the loop,
//! `X · (own service + R(X)) = threads`, where `R(X)` is the stores' answer time at that rate:
//! a database writer's steady-state M/M/c+D wait for its other traffic plus the jobs, plus the
//! write itself; a managed store's fixed latency. Approximation: the writer is taken as an open
//! queue fed at rate X (exact mean value analysis would treat the loop as closed); against a
//! request-by-request simulation of the closed loop its drain rate is within the bounds in
//! `tests/fine_print.rs`.

use super::queueing::Impatient;
use super::roots::increasing_root;

/// How a store answers the jobs sent to it.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// Always this long (seconds): a managed service, or a writer that is down (its clients
    /// hang until they give up).
    Fixed(f64),
    /// A database writer: `servers` vCPUs, `write_s` per job, already `other_work` seconds of
    /// work per second from other clients, and queries cancelled after `patience_s`.
    Writer {
        servers: f64,
        write_s: f64,
        other_work: f64,
        patience_s: f64,
    },
}

impl Answer {
    /// Mean answer time when `jobs` per second arrive.
    fn at(&self, jobs: f64) -> f64 {
        match *self {
            Answer::Fixed(s) => s,
            Answer::Writer {
                servers,
                write_s,
                other_work,
                patience_s,
            } => {
                let arrivals = other_work / write_s + jobs;
                let q = Impatient::new(servers, arrivals, write_s, patience_s, 1.0);
                q.mean_wait_s() + (1.0 - q.p_abandon) * write_s
            }
        }
    }

    fn least(&self) -> f64 {
        match *self {
            Answer::Fixed(s) => s,
            Answer::Writer { write_s, .. } => write_s,
        }
    }
}

/// Jobs per second `threads` worker threads get through, each spending `own_s` on a job and
/// then writing it to the stores: `(share, answer)` pairs, shares summing to 1. `guess` is
/// last second's answer: at a steady load the root is found next to it in a few steps.
pub fn drain_rate(threads: f64, own_s: f64, stores: &[(f64, Answer)], guess: f64) -> f64 {
    if threads <= 0.0 {
        return 0.0;
    }
    let cycle = |x: f64| own_s + stores.iter().map(|(q, a)| q * a.at(q * x)).sum::<f64>();
    let fastest = own_s + stores.iter().map(|(q, a)| q * a.least()).sum::<f64>();
    if fastest <= 0.0 {
        return f64::INFINITY; // nothing takes time: the workers take whatever is queued
    }
    // In logarithms: near the writer's capacity the cycle time is a wall, its logarithm
    // about a straight line.
    let excess = |x: f64| libm::log(x * cycle(x) / threads);
    // At `hi` the cycle is at least the fastest, so the residual is ≥ 0.
    let hi = threads / fastest;
    let at_hi = excess(hi);
    if at_hi <= TOLERANCE {
        return hi;
    }
    let (mut lo, mut hi) = ((0.0, f64::NEG_INFINITY), (hi, at_hi));
    if guess > 0.0 && guess < hi.0 {
        for x in [guess * (1.0 - 1e-4), guess * (1.0 + 1e-4)] {
            let h = excess(x);
            if h.abs() <= TOLERANCE {
                return x;
            }
            if h < 0.0 {
                lo = (x, h);
            } else if x < hi.0 {
                hi = (x, h);
            }
        }
    }
    if lo.0 == 0.0 {
        // The cycle only grows with the rate, so at `threads / cycle(hi)` the residual is ≤ 0.
        let x = threads / cycle(hi.0);
        lo = (x, excess(x));
        if lo.1.abs() <= TOLERANCE {
            return x;
        }
    }
    increasing_root(excess, lo, hi, TOLERANCE)
}

/// How close to Little's law the drain rate is solved (relative).
const TOLERANCE: f64 = 1e-9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_store_leaves_the_workers_as_the_limit() {
        let rate = drain_rate(80.0, 0.01, &[(1.0, Answer::Fixed(0.01))], 0.0);
        assert!((rate - 4_000.0).abs() < 1e-6, "{rate}");
    }

    /// 16 vCPUs of 30 ms: 533 writes a second, `other_work` of it taken by other clients.
    fn writer(other_work: f64) -> Answer {
        Answer::Writer {
            servers: 16.0,
            write_s: 0.03,
            other_work,
            patience_s: 5.0,
        }
    }

    #[test]
    fn a_slow_writer_is_kept_busy_but_never_handed_more_than_the_threads() {
        // 80 threads in front of it.
        let alone = writer(0.0);
        let rate = drain_rate(80.0, 0.001, &[(1.0, alone)], 0.0);
        let again = drain_rate(80.0, 0.001, &[(1.0, alone)], rate);
        assert!((again - rate).abs() < 1e-6 * rate, "{again} vs {rate}");
        assert!(rate > 0.95 * 533.3 && rate < 533.3, "{rate}");
        // Other clients' load on the writer comes off the workers' share.
        let shared = writer(8.0);
        let rate = drain_rate(80.0, 0.001, &[(1.0, shared)], 0.0);
        // From a stale guess on either side, the same answer.
        for guess in [100.0, 260.0, 300.0] {
            let again = drain_rate(80.0, 0.001, &[(1.0, shared)], guess);
            assert!(
                (again - rate).abs() < 1e-6 * rate,
                "{guess}: {again} vs {rate}"
            );
        }
        assert!(rate > 0.9 * 266.7 && rate < 266.7, "{rate}");
    }
}
