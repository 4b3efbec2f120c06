//! A message queue (SQS): its backlog and the age of the oldest message, first in, first out.

use std::collections::VecDeque;

/// SQS keeps a message 4 days by default (its `MessageRetentionPeriod`), then deletes it.
pub const RETENTION_S: f64 = 4.0 * 86_400.0;

#[derive(Debug, Clone, Default)]
pub struct QueueState {
    /// (enqueue time, messages), oldest first: one entry per second at most.
    chunks: VecDeque<(f64, f64)>,
    pub backlog: f64,
    /// Jobs handed to workers in the last second, and their median enqueue time.
    pub dispatched: f64,
    pub dispatched_since: f64,
    /// Messages deleted unprocessed because they outlived the retention period.
    pub expired: f64,
}

impl QueueState {
    pub fn push(&mut self, t: f64, n: f64) {
        if n <= 0.0 {
            return;
        }
        self.backlog += n;
        match self.chunks.back_mut() {
            Some((at, m)) if *at == t => *m += n,
            _ => self.chunks.push_back((t, n)),
        }
    }

    /// Takes up to `n` messages, oldest first. Returns how many, and the median time at which
    /// they were queued (failures strike a batch evenly, so a retried share carries that age).
    pub fn take(&mut self, n: f64) -> (f64, Option<f64>) {
        let mut left = n.min(self.backlog);
        let taken = left;
        let mut median = None;
        while left > 0.0 {
            let Some(front) = self.chunks.front_mut() else {
                break;
            };
            let part = front.1.min(left);
            if median.is_none() && taken - left + part >= taken / 2.0 {
                median = Some(front.0);
            }
            if front.1 <= left {
                left -= front.1;
                self.chunks.pop_front();
            } else {
                front.1 -= left;
                left = 0.0;
            }
        }
        self.backlog -= taken;
        // Absorb rounding: a sliver of a message is no message.
        while self.chunks.front().is_some_and(|&(_, m)| m < 1e-9) {
            self.chunks.pop_front();
        }
        if self.chunks.is_empty() {
            self.backlog = 0.0;
        }
        (taken, median)
    }

    /// Returns messages that failed downstream to the front of the queue (visibility timeout).
    pub fn put_back(&mut self, queued_at: f64, n: f64) {
        if n <= 0.0 {
            return;
        }
        self.backlog += n;
        match self.chunks.front_mut() {
            Some((at, m)) if *at == queued_at => *m += n,
            _ => self.chunks.push_front((queued_at, n)),
        }
    }

    /// Age of the oldest message, in seconds. The model counts messages as a fluid, so slivers
    /// (a fraction of a retried message) do not count: the oldest is the oldest half message.
    pub fn oldest_age(&self, now: f64) -> f64 {
        let mut seen = 0.0;
        for &(at, n) in &self.chunks {
            seen += n;
            if seen >= 0.5 {
                return (now - at).max(0.0);
            }
        }
        0.0
    }

    /// Deletes messages older than the retention period.
    pub fn expire(&mut self, now: f64) {
        while let Some(&(at, n)) = self.chunks.front() {
            if now - at <= RETENTION_S {
                break;
            }
            self.chunks.pop_front();
            self.backlog -= n;
            self.expired += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_ages_and_put_back() {
        let mut q = QueueState::default();
        q.push(0.0, 10.0);
        q.push(1.0, 5.0);
        assert_eq!(q.oldest_age(3.0), 3.0);
        let (taken, median) = q.take(12.0);
        assert_eq!((taken, median), (12.0, Some(0.0)));
        assert_eq!(q.oldest_age(3.0), 2.0);
        q.put_back(0.0, 4.0);
        assert_eq!(q.backlog, 7.0);
        assert_eq!(q.oldest_age(3.0), 3.0);
        assert_eq!(q.take(100.0).0, 7.0);
        assert_eq!(q.backlog, 0.0);
    }

    #[test]
    fn retried_slivers_do_not_pin_the_oldest_age() {
        let mut q = QueueState::default();
        for t in 0..200 {
            let t = f64::from(t);
            q.push(t, 2_670.0 + t);
            let (taken, median) = q.take(2_600.0);
            q.put_back(median.unwrap_or(t), taken * 1e-7);
        }
        // Arrivals outpace workers by a little: the backlog is young, not 200 s old.
        assert!(q.oldest_age(200.0) < 30.0, "{}", q.oldest_age(200.0));
    }
}
