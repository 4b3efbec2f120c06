//! A read-through cache (ElastiCache): nodes per AZ, and how warm it is.
//!
//! Warmth `w` is the share of the hot keys' traffic the cache holds; the hit ratio is the warm
//! hit ratio `h` times `w`. A flush or the loss of every node empties it. Of the misses, the
//! share `h(1 − w) / (1 − h·w)` are reads of hot keys that are not cached yet; each one the
//! database answers brings its key back, the hottest first, as [`super::popularity`] works out
//! from the keys' Zipf law — once the answer is back: until then every read of the key misses
//! too (no request coalescing), so a key is cached now if its first read came more than the
//! database's answer time ago. Misses the database cannot serve bring nothing back, and a
//! database slowed by the misses delays the refill: a cold cache and its thundering herd feed
//! each other.

use super::events::{EventKind, Events};
use super::popularity::Popularity;
use super::station::Station;
use crate::arch::{AzRef, Cache};
use std::collections::VecDeque;

/// Warmth above which a cache that went cold is reported warm again.
const WARM: f64 = 0.95;
/// Longest fill time remembered (seconds): a database slower than that is timing out anyway.
const FILL_MEMORY_S: usize = 60;

#[derive(Debug, Clone)]
pub struct CacheState {
    pub azs: Vec<AzRef>,
    pub up: Vec<bool>,
    /// Index (into `azs`) of the node taking writes.
    pub primary: usize,
    pub warmth: f64,
    /// Reads of hot keys since the cache was last empty (each brought its key back), at the
    /// end of each of the last seconds, newest last.
    hot_reads: VecDeque<f64>,
    popularity: Popularity,
    /// Replica promotion in progress until then.
    pub failover_until: Option<f64>,
    pub station: Station,
    pub utilization: f64,
    /// Reads and hits in the last second.
    pub reads: f64,
    pub hits: f64,
    cold: bool,
}

impl CacheState {
    pub fn new(azs: &[AzRef], spec: &Cache) -> Self {
        Self {
            azs: azs.to_vec(),
            up: vec![true; azs.len()],
            primary: 0,
            warmth: 1.0,
            hot_reads: VecDeque::from([f64::INFINITY]),
            popularity: Popularity::new(spec.working_set, spec.zipf),
            failover_until: None,
            station: Station::default(),
            utilization: 0.0,
            reads: 0.0,
            hits: 0.0,
            cold: false,
        }
    }

    pub fn nodes_up(&self) -> usize {
        self.up.iter().filter(|&&u| u).count()
    }

    pub fn is_up(&self) -> bool {
        self.nodes_up() > 0
    }

    /// The hit ratio reads see right now.
    pub fn hit_ratio(&self, spec: &Cache) -> f64 {
        if self.is_up() {
            spec.hit_ratio * self.warmth
        } else {
            0.0
        }
    }

    pub fn flush(&mut self, id: &str, why: &str, events: &mut Events) {
        self.empty();
        events.push(
            EventKind::CacheCold,
            Some(id),
            format!("{why}: the cache is empty; every read goes to the database until it warms up"),
        );
    }

    pub fn kill_az(&mut self, az: AzRef, t: f64, spec: &Cache, id: &str, events: &mut Events) {
        let Some(i) = self.azs.iter().position(|&a| a == az) else {
            return;
        };
        if !self.up[i] {
            return;
        }
        self.up[i] = false;
        if !self.is_up() {
            self.flush(id, "its last node is gone", events);
        } else if i == self.primary {
            self.primary = self.up.iter().position(|&u| u).unwrap_or(0);
            self.failover_until = Some(t + spec.failover_s);
            events.push(
                EventKind::FailoverStart,
                Some(id),
                format!("primary node lost in {}; promoting the replica in {} (writes pause ~{:.0}s, data kept)", events.az_name(az), events.az_name(self.azs[self.primary]), spec.failover_s),
            );
        }
    }

    /// Every node is gone with the region; the cache will restart empty.
    pub fn lose_all(&mut self) {
        self.up.iter_mut().for_each(|u| *u = false);
        self.empty();
    }

    fn empty(&mut self) {
        // No node left to promote: a promotion under way ends with the cache.
        if !self.is_up() {
            self.failover_until = None;
        }
        self.warmth = 0.0;
        self.hot_reads.clear();
        self.hot_reads.push_back(0.0);
        self.cold = true;
    }

    pub fn restore_az(&mut self, az: AzRef) {
        if let Some(i) = self.azs.iter().position(|&a| a == az) {
            // A node that rejoins a live cache syncs from it; a cache restarting from nothing is cold.
            self.up[i] = true;
        }
    }

    pub fn tick(&mut self, t: f64, id: &str, events: &mut Events) {
        if let Some(until) = self.failover_until
            && t >= until
        {
            self.failover_until = None;
            events.push(
                EventKind::FailoverDone,
                Some(id),
                format!(
                    "replica in {} promoted to primary",
                    events.az_name(self.azs[self.primary])
                ),
            );
        }
    }

    /// Brings back the hot keys among `answered` misses (misses a store answered), each
    /// `fill_s` after its first read.
    pub fn refill(
        &mut self,
        answered: f64,
        fill_s: f64,
        spec: &Cache,
        id: &str,
        events: &mut Events,
    ) {
        if !self.is_up() {
            return;
        }
        let (h, w) = (spec.hit_ratio, self.warmth);
        let hot_share = if h * w < 1.0 {
            h * (1.0 - w) / (1.0 - h * w)
        } else {
            0.0
        };
        // The answered misses were the missing share of the hot reads since the flush.
        let reads = self.hot_reads.back().copied().unwrap_or(0.0);
        self.hot_reads
            .push_back(reads + answered * hot_share / (1.0 - w).max(1e-12));
        if self.hot_reads.len() > FILL_MEMORY_S + 1 {
            self.hot_reads.pop_front();
        }
        // Keys whose first read came back by now.
        let back = (fill_s.max(0.0).round() as usize).min(self.hot_reads.len() - 1);
        let filled = self.hot_reads[self.hot_reads.len() - 1 - back];
        self.warmth = self.popularity.cached_share(filled).max(w);

        if self.cold && self.warmth >= WARM {
            self.cold = false;
            events.push(
                EventKind::CacheWarm,
                Some(id),
                format!("warm again: hit ratio {:.0}%", self.hit_ratio(spec) * 100.0),
            );
        }
    }
}
