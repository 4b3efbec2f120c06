//! Whose requests wait in a queue, and what becomes of each when some leave.
//!
//! A queue holds three kinds of request: those whose caller still waits for them (live), those
//! whose caller gave up on them while they waited here (gone: the caller already failed them),
//! and those that arrived orphaned (their caller gave up before they got here). A caller gives
//! up on a request once it has waited its expiry; the server only finds out when it serves or
//! drops the request, so the work it does for gone and orphaned requests is done for nobody.
//!
//! Approximation: the queue's parts are fluids. Orphans leave in proportion to their share;
//! of the callers' requests, those that leave after waiting past the expiry (the share the
//! wait distribution puts there, first come first served) are the gone ones.

/// The requests of one class waiting in a queue.
#[derive(Debug, Clone, Copy, Default)]
pub struct Waiting {
    pub live: f64,
    pub gone: f64,
    pub orphaned: f64,
}

/// Who the requests leaving a queue in one second were.
#[derive(Debug, Clone, Copy, Default)]
pub struct Leaving {
    pub served_live: f64,
    pub served_gone: f64,
    pub served_orphaned: f64,
    pub dropped_live: f64,
    pub dropped_gone: f64,
    pub dropped_orphaned: f64,
}

impl Waiting {
    pub fn total(&self) -> f64 {
        self.live + self.gone + self.orphaned
    }

    /// Splits `served` and `dropped` leaving requests among the three kinds. `waited_past` is
    /// the share of served requests that waited past the callers' expiry; `expires` says
    /// whether callers give up before the server drops (else no request here is gone).
    pub fn leave(&self, served: f64, dropped: f64, waited_past: f64, expires: bool) -> Leaving {
        let total = self.total();
        let orphan_share = if total > 0.0 {
            self.orphaned / total
        } else {
            0.0
        };
        let served_orphaned = served * orphan_share;
        let callers = served - served_orphaned;
        let live_first = (callers * (1.0 - waited_past)).min(self.live);
        let served_gone = (callers - live_first).min(self.gone);
        let served_live = callers - served_gone;
        let dropped_orphaned = dropped * orphan_share;
        let callers_dropped = dropped - dropped_orphaned;
        // Dropped at the queue timeout: past the expiry, so the gone ones first.
        let dropped_gone = if expires {
            callers_dropped.min(self.gone - served_gone)
        } else {
            0.0
        };
        Leaving {
            served_live,
            served_gone,
            served_orphaned,
            dropped_live: callers_dropped - dropped_gone,
            dropped_gone,
            dropped_orphaned,
        }
    }

    pub fn remove(&mut self, l: &Leaving) {
        self.live -= l.served_live + l.dropped_live;
        self.gone -= l.served_gone + l.dropped_gone;
        self.orphaned -= l.served_orphaned + l.dropped_orphaned;
    }

    /// Callers give up on `amount` of the live requests still waiting (at most all of them);
    /// returns how many.
    pub fn expire(&mut self, amount: f64) -> f64 {
        let expired = amount.clamp(0.0, self.live.max(0.0));
        self.live -= expired;
        self.gone += expired;
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_leaves_as_what_it_was() {
        let w = Waiting {
            live: 60.0,
            gone: 30.0,
            orphaned: 10.0,
        };
        // Half of what is served had waited past the expiry.
        let l = w.leave(40.0, 20.0, 0.5, true);
        assert!((l.served_orphaned - 4.0).abs() < 1e-12);
        assert!((l.served_live - 18.0).abs() < 1e-12 && (l.served_gone - 18.0).abs() < 1e-12);
        // Drops take the gone ones first: the 12 left of them, then 6 live ones.
        assert!((l.dropped_orphaned - 2.0).abs() < 1e-12);
        assert!((l.dropped_gone - 12.0).abs() < 1e-12 && (l.dropped_live - 6.0).abs() < 1e-12);
        let mut left = w;
        left.remove(&l);
        assert!((left.total() - 40.0).abs() < 1e-12);
        assert!(left.live >= 0.0 && left.gone >= 0.0 && left.orphaned >= 0.0);
        let (live, gone) = (left.live, left.gone);
        assert_eq!(left.expire(100.0), live);
        assert_eq!((left.live, left.gone), (0.0, gone + live));
    }

    #[test]
    fn without_an_expiry_nothing_is_gone() {
        let w = Waiting {
            live: 50.0,
            gone: 0.0,
            orphaned: 0.0,
        };
        let l = w.leave(20.0, 10.0, 0.0, false);
        assert_eq!((l.served_gone, l.dropped_gone), (0.0, 0.0));
        assert_eq!((l.served_live, l.dropped_live), (20.0, 10.0));
    }
}
