//! What a first-in first-out queue with a queue timeout can hold: no more than arrived in the
//! last `queue_s` seconds. Whatever came earlier has been served or dropped by now, however
//! long the queue is.
//!
//! The fluid step (`transient`) keeps only the number waiting, not their ages, and drains a
//! backlog at the rate the steady state with that many waiting implies. After an overload
//! that left a backlog of old requests, that rate is about the servers' own, so a backlog ten
//! times longer took ten times as long to clear, minutes past the queue timeout, with every
//! server busy on requests whose callers had left. A real FIFO queue drops them once they have
//! waited `queue_s`: this bound makes the fluid queue do the same.
//!
//! Exact for FIFO with a deterministic queue timeout, once the arrivals of a whole timeout are
//! known. They are kept only while the queue holds more than a second's arrivals (a wait of
//! over a second): a steady queue holds about λ·W, under that, so it keeps nothing and steady
//! runs are unchanged, bit for bit. A backlog younger than its timeout cannot hold anything
//! older than that, so the bound starts when it could first bind.

use std::collections::VecDeque;

/// Longest queue timeout the window is kept for (an hour of seconds). A longer one leaves
/// the queue unbounded, as before: no real queue holds a request that long.
const LONGEST_S: f64 = 3_600.0;

/// Arrivals of each second while the queue has a backlog, as far back as its timeout.
#[derive(Debug, Clone, Default)]
pub struct ArrivalWindow {
    seconds: VecDeque<f64>,
    sum: f64,
}

impl ArrivalWindow {
    /// Takes in one second's `arrived` requests at a queue that held `waiting` before them,
    /// and returns the most it may hold after the second: what arrived within `queue_s`.
    /// `None` when there is no bound yet (no backlog of a whole timeout; a timeout too long).
    pub fn record(&mut self, waiting: f64, arrived: f64, queue_s: f64, dt: f64) -> Option<f64> {
        // A NaN timeout is none at all.
        let bounded = queue_s.partial_cmp(&LONGEST_S).is_some_and(|o| o.is_le());
        if waiting <= arrived || !bounded {
            if !self.seconds.is_empty() {
                self.seconds.clear();
                self.sum = 0.0;
            }
            return None;
        }
        self.seconds.push_back(arrived);
        self.sum += arrived;
        // The seconds whose arrivals may still be waiting: `queue_s` of them, this one included.
        let keep = (queue_s / dt).ceil().max(1.0) as usize;
        while self.seconds.len() > keep {
            self.sum -= self.seconds.pop_front().unwrap_or(0.0);
        }
        (self.seconds.len() == keep).then_some(self.sum.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_is_what_arrived_within_the_timeout_of_a_backlog() {
        let mut w = ArrivalWindow::default();
        // A queue of under a second's arrivals keeps no history and has no bound.
        assert_eq!(w.record(5.0, 100.0, 3.0, 1.0), None);
        // A backlog: bounded once it has lasted a whole timeout.
        assert_eq!(w.record(500.0, 100.0, 3.0, 1.0), None);
        assert_eq!(w.record(500.0, 10.0, 3.0, 1.0), None);
        assert_eq!(w.record(500.0, 1.0, 3.0, 1.0), Some(111.0));
        // The oldest second's arrivals are older than the timeout now.
        assert_eq!(w.record(500.0, 2.0, 3.0, 1.0), Some(13.0));
        // Drained: the history starts again.
        assert_eq!(w.record(1.0, 5.0, 3.0, 1.0), None);
        assert_eq!(w.record(50.0, 5.0, 3.0, 1.0), None);
        // No timeout to speak of: unbounded.
        assert_eq!(w.record(500.0, 5.0, f64::INFINITY, 1.0), None);
        assert_eq!(w.record(500.0, 5.0, f64::NAN, 1.0), None);
    }
}
