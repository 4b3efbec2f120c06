//! Failing back: a region lost while a copy elsewhere took its writes, once back, copies its
//! data back from the promoted copies before it takes its writes and users again. The copy
//! needs every one of those copies to have a writer: it waits for them, stops when one loses
//! its writer (or its region), and starts over, whole, once all have one again.

use super::database::Writer;
use super::events::EventKind;
use super::{Ctx, NodeState, Simulation};
use crate::arch::{Architecture, AzRef, Component, Kind, NodeId};
use crate::preset::defaults as d;

impl Simulation {
    /// A region is back. Where a copy elsewhere took over its writes, its databases first copy
    /// the data back (users stay where they are meanwhile); otherwise they take their writes
    /// again at once.
    pub(super) fn region_restored(&mut self, r: usize) {
        let arch = self.arch.clone();
        // Writes no copy took over from are still on the region's own storage.
        for (n, c) in arch.nodes() {
            if c.region == Some(r) {
                self.unreplicated.keep(n);
            }
        }
        let failed_over = self.promoted_copies(r).next().is_some();
        if failed_over && arch.regions[r].standby.is_none() {
            match self.source_without_writer(r) {
                Some(copy) => self.wait_to_fail_back(r, copy),
                None => self.start_fail_back(r),
            }
        } else {
            self.fail_back(r);
        }
        self.stop_recovery_from(r);
        // A region still lost, whose disaster recovery or copies' promotion needed this one:
        // they start now. One already back, whose health checks have yet to pass, needs
        // neither.
        let t = self.t as f64;
        for q in 0..arch.regions.len() {
            if q != r && arch.regions[q].standby.is_none() && self.still_lost(q) {
                self.region_lost(q, t);
            }
        }
    }

    /// Region `r` is back before the standby brought up for its loss serves: the recovery
    /// stops (the standby stays one, with the instances it launched), unless another region
    /// is still lost.
    fn stop_recovery_from(&mut self, r: usize) {
        let arch = self.arch.clone();
        if arch.regions[r].standby.is_some() {
            return;
        }
        let other_lost = (0..arch.regions.len())
            .any(|q| q != r && arch.regions[q].standby.is_none() && self.region_down[q]);
        if other_lost {
            return;
        }
        for s in 0..arch.regions.len() {
            if arch.regions[s].standby.is_some() && self.dormant[s] && self.activating[s].is_some()
            {
                self.activating[s] = None;
                self.events.push(
                    EventKind::Restore,
                    None,
                    format!(
                        "disaster recovery stopped: region {} is back before region {} serves; {} stays a standby",
                        arch.regions[r].id, arch.regions[s].id, arch.regions[s].id
                    ),
                );
            }
        }
    }

    /// Region `r`'s writers stay out, and its users where they are, until it has its data
    /// back (one writer per shard at a time).
    fn hold_for_fail_back(&mut self, r: usize) {
        let arch = self.arch.clone();
        for (n, c) in arch.nodes() {
            if c.region == Some(r)
                && let NodeState::Database(db) = &mut self.nodes[n.index()]
            {
                db.writer = Writer::Down { until: None };
            }
        }
        self.dormant[r] = true;
    }

    /// Region `r` is back after a copy elsewhere took its writes, but that copy has no writer
    /// (its region or AZ is lost): there is nothing to copy the data back from until it has
    /// one again (`check_fail_backs` then starts the fail-back).
    fn wait_to_fail_back(&mut self, r: usize, copy: NodeId) {
        self.hold_for_fail_back(r);
        let arch = &self.arch;
        self.events.push(
            EventKind::Fault,
            None,
            format!(
                "region {} is back, but {}, which took its writes and holds the data to copy back, has no writer: its shard takes no writes until it has one, then the fail-back starts",
                arch.regions[r].id, arch.graph[copy].id
            ),
        );
    }

    /// Region `r` is back after a copy elsewhere took its writes: it copies the data back.
    fn start_fail_back(&mut self, r: usize) {
        let arch = self.arch.clone();
        self.hold_for_fail_back(r);
        self.activating[r] = Some(self.t as f64 + d::FAILBACK_RESYNC_S);
        self.events.push(
            EventKind::FailoverStart,
            None,
            format!(
                "failing back to region {}: its databases copy the data back from the promoted copies before they take writes again (~{:.0} min); users stay where they are until then",
                arch.regions[r].id,
                d::FAILBACK_RESYNC_S / 60.0
            ),
        );
    }

    /// A promoted copy of one of region `r`'s databases that has no writer now (its region
    /// or AZ lost, failing over, or the whole component lost): the data it took cannot be
    /// copied back meanwhile.
    fn source_without_writer(&self, r: usize) -> Option<NodeId> {
        self.promoted_copies(r).find(|&n| {
            self.outages.is_out(n)
                || matches!(&self.nodes[n.index()], NodeState::Database(db) if !db.writer_up())
        })
    }

    /// Copies of region `r`'s databases, elsewhere, that took their writes.
    fn promoted_copies(&self, r: usize) -> impl Iterator<Item = NodeId> + '_ {
        self.arch
            .nodes()
            .filter(move |&(n, c)| {
                copies_region(&self.arch, c, r)
                    && matches!(&self.nodes[n.index()], NodeState::Database(db) if db.owns_writes())
            })
            .map(|(n, _)| n)
    }

    /// Each second, for regions failing back: one copying its data back stops when a copy it
    /// copies from has no writer; one stopped or waiting starts over once all have one.
    pub(super) fn check_fail_backs(&mut self) {
        let arch = self.arch.clone();
        for r in 0..arch.regions.len() {
            if !self.dormant[r] || arch.regions[r].standby.is_some() || self.region_down[r] {
                continue;
            }
            match (self.activating[r], self.source_without_writer(r)) {
                (Some(_), Some(copy)) => {
                    self.activating[r] = None;
                    self.events.push(
                        EventKind::Fault,
                        None,
                        format!(
                            "failing back to region {} stopped: {}, which it copies its data back from, has no writer; it starts over once it has one",
                            arch.regions[r].id, arch.graph[copy].id
                        ),
                    );
                }
                (None, None) => self.start_fail_back(r),
                _ => {}
            }
        }
    }

    /// Region `r`'s databases take their writes again and copies elsewhere follow them. A
    /// writer whose own AZ is still down is lost as in that AZ: its standby or a reader in an
    /// AZ that is up takes over, or it waits for the AZ.
    pub(super) fn fail_back(&mut self, r: usize) {
        let arch = self.arch.clone();
        let t = self.t as f64;
        let (az_down, region_down) = (self.az_down.clone(), self.region_down.clone());
        let az_up = move |a: AzRef| !region_down[a.region] && !az_down[a.region][a.az];
        for (n, c) in arch.nodes() {
            let Kind::Database(spec) = &c.kind else {
                continue;
            };
            let NodeState::Database(db) = &mut self.nodes[n.index()] else {
                continue;
            };
            if c.region == Some(r) && db.writer == (Writer::Down { until: None }) {
                db.writer = Writer::Up;
                if !az_up(db.writer_az) {
                    let u = self.infra_rng.uniform();
                    let cx = &mut Ctx {
                        t,
                        id: &c.id,
                        az_up: &az_up,
                        events: &mut self.events,
                    };
                    db.lose_writer(u, spec, cx);
                }
            }
            if copies_region(&arch, c, r) {
                db.demote(&c.id, &mut self.events);
            }
        }
    }
}

/// Whether `c` is a copy of a database in region `r`.
fn copies_region(arch: &Architecture, c: &Component, r: usize) -> bool {
    matches!(&c.kind, Kind::Database(spec)
        if spec.replicates_from.is_some_and(|o| arch.graph[o].region == Some(r)))
}
