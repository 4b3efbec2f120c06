//! A DynamoDB table in on-demand mode: what it can take in a second, and what it throttles.
//!
//! Documented limits (DynamoDB Developer Guide, "on-demand capacity mode" and "troubleshooting
//! throttling"; AWS re:Post "on-demand table throttling"):
//! - each partition serves up to 3,000 read request units or 1,000 write request units a
//!   second, or a linear combination of both;
//! - an on-demand table instantly takes up to double its previous peak; past that it may
//!   throttle until it has grown, which AWS advises to spread over at least 30 minutes;
//! - a new on-demand table takes 12,000 read or 4,000 write units at once.
//!
//! The model: a table has as many partitions as double its previous peak needs (at least the
//! four of a new table). The previous peak is the busiest second more than 30 minutes ago;
//! at the start of a run it is the preset's own peak hour (the table has been running for
//! days). Keys spread evenly over the partitions, except that `hot-shard` on the table puts
//! `factor` times a partition's fair share on one of them. Whatever a partition gets beyond
//! its limit is throttled: refused at once, and retried by the SDK like any throttled call.
//!
//! Assumptions: one read or write is one request unit (items within 4 KB and 1 KB); burst
//! capacity (up to 300 s of unused throughput) and adaptive capacity (which moves throughput
//! to a hot partition and can isolate a hot item) are not modelled — so a hot key throttles a
//! little sooner here than it may on AWS.

/// Request units a partition serves a second.
pub const READS_PER_PARTITION: f64 = 3_000.0;
pub const WRITES_PER_PARTITION: f64 = 1_000.0;
/// Partitions of a new on-demand table (12,000 read units).
const NEW_TABLE_PARTITIONS: f64 = 4.0;
/// How long a new peak takes to become the previous peak (seconds).
const GROWTH_S: u64 = 1_800;

/// One table's capacity, and whether it is throttling.
#[derive(Debug, Clone)]
pub struct Table {
    /// The previous peak, in partitions' worth of load (reads/3,000 + writes/1,000).
    peak: f64,
    /// Busiest second of each minute not yet 30 minutes old, oldest first: (minute, load).
    recent: std::collections::VecDeque<(u64, f64)>,
    /// Whether it throttles enough to be told (an event when it starts and when it stops).
    pub throttling: bool,
}

impl Table {
    /// A table whose previous peak is `peak_reads` and `peak_writes` a second.
    pub fn new(peak_reads: f64, peak_writes: f64) -> Self {
        Self {
            peak: load(peak_reads, peak_writes),
            // Every minute it may hold, so a step never grows it.
            recent: std::collections::VecDeque::with_capacity((GROWTH_S / 60 + 1) as usize),
            throttling: false,
        }
    }

    /// Partitions the table has now.
    pub fn partitions(&self) -> f64 {
        (2.0 * self.peak).ceil().max(NEW_TABLE_PARTITIONS)
    }

    /// Second `now` brings `reads` and `writes`, one partition taking `hot` times its fair
    /// share. Returns the share of its requests throttled: reads and writes alike, as they
    /// share a partition's capacity.
    pub fn tick(&mut self, now: u64, reads: f64, writes: f64, hot: f64) -> f64 {
        let demand = load(reads, writes);
        let partitions = self.partitions();
        // The hot partition's share of the keys, and the others' each.
        let hot_share = (hot.max(1.0) / partitions).min(1.0);
        let other_share = if partitions > 1.0 {
            (1.0 - hot_share) / (partitions - 1.0)
        } else {
            0.0
        };
        // A partition loaded `x` times its limit serves 1/x of what it gets.
        let over = |share: f64| (demand * share - 1.0).max(0.0);
        let throttled_load = over(hot_share) + (partitions - 1.0) * over(other_share);
        let share = if demand > 0.0 {
            (throttled_load / demand).min(1.0)
        } else {
            0.0
        };
        self.remember(now, demand * (1.0 - share));
        share
    }

    /// Keeps the busiest second of each minute; a minute becomes part of the previous peak
    /// once it is 30 minutes old.
    fn remember(&mut self, now: u64, served: f64) {
        let minute = now / 60;
        match self.recent.back_mut() {
            Some((m, busiest)) if *m == minute => *busiest = busiest.max(served),
            _ => self.recent.push_back((minute, served)),
        }
        while let Some(&(m, busiest)) = self.recent.front() {
            if (minute - m) * 60 < GROWTH_S {
                break;
            }
            self.peak = self.peak.max(busiest);
            self.recent.pop_front();
        }
    }
}

/// Load in partitions' worth: reads and writes as a linear combination of their limits.
fn load(reads: f64, writes: f64) -> f64 {
    reads / READS_PER_PARTITION + writes / WRITES_PER_PARTITION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_even_load_within_double_the_previous_peak_is_never_throttled() {
        // Peak of 30,000 reads and 5,000 writes: 15 partitions' worth, so 30 partitions.
        let mut table = Table::new(30_000.0, 5_000.0);
        assert_eq!(table.partitions(), 30.0);
        assert_eq!(table.tick(1, 59_000.0, 10_000.0, 1.0), 0.0);
        // Three times the previous peak at once: a third of it is beyond 30 partitions.
        let reads = table.tick(2, 90_000.0, 15_000.0, 1.0);
        assert!((reads - 1.0 / 3.0).abs() < 1e-9, "{reads}");
    }

    #[test]
    fn a_hot_key_throttles_while_the_table_has_room() {
        let mut table = Table::new(30_000.0, 5_000.0);
        // At the old peak (half the table's room) one partition takes five times its share:
        // 2.5 times its limit, so it serves 40 % of its own traffic.
        let throttled = table.tick(1, 30_000.0, 5_000.0, 5.0);
        let hot_traffic = 5.0 / 30.0;
        let want = hot_traffic * (1.0 - 1.0 / 2.5);
        assert!((throttled - want).abs() < 1e-9, "{throttled} vs {want}");
    }

    #[test]
    fn the_table_grows_to_a_new_peak_after_half_an_hour() {
        let mut table = Table::new(12_000.0, 0.0); // 4 partitions' worth: 8 partitions
        assert_eq!(table.partitions(), 8.0);
        for t in 0..1_800 {
            table.tick(t, 36_000.0, 0.0, 1.0); // 12 partitions' worth: 8 serve
        }
        assert_eq!(table.partitions(), 8.0, "not within 30 minutes");
        for t in 1_800..1_900 {
            table.tick(t, 36_000.0, 0.0, 1.0);
        }
        // The 24,000 reads a second served half an hour ago are the new peak.
        assert_eq!(table.partitions(), 16.0);
        assert_eq!(table.tick(1_900, 36_000.0, 0.0, 1.0), 0.0);
    }
}
