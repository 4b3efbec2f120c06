//! Rewind: the simulation is deterministic, so the dashboard keeps a copy of the run every
//! simulated minute and can go back to any earlier second — restore the last copy before it
//! and play forward to it — then play on, re-applying the operator's actions at their seconds
//! ("let's watch that again"). A new action after a rewind starts a new timeline: what was
//! left of the old one is dropped.

use super::history::History;
use super::stage::Stage;
use crate::action::Action;
use crate::sim::Simulation;

/// A copy of the run every this many simulated seconds at first.
const EVERY_S: u64 = 60;
/// At most this many copies; past it every other one goes and the spacing doubles, so the
/// copies cover the whole run ever more thinly, memory stays bounded and a long run at full
/// speed copies rarely. A rewind plays forward from the copy before the second asked for.
const MOST: usize = 120;

/// The run at one second: everything a rewind restores.
#[derive(Clone)]
pub struct Checkpoint {
    pub sim: Simulation,
    pub history: History,
    pub stage: Option<Stage>,
}

pub struct Rewind {
    copies: Vec<Checkpoint>,
    /// Seconds between copies now.
    spacing: u64,
    /// Actions the operator took, with their seconds, in order.
    actions: Vec<(u64, Action)>,
    /// After a rewind: the actions still to re-apply, earliest first.
    queue: Vec<(u64, Action)>,
}

impl Default for Rewind {
    fn default() -> Self {
        Self {
            copies: Vec::new(),
            spacing: EVERY_S,
            actions: Vec::new(),
            queue: Vec::new(),
        }
    }
}

impl Rewind {
    /// Whether a copy is due at simulated second `t` (copying costs: ask first).
    pub fn due_copy(&self, t: u64) -> bool {
        t.is_multiple_of(self.spacing) && self.copies.last().is_none_or(|c| c.sim.time() < t)
    }

    /// Keeps a copy of the run (when one is due).
    pub fn keep(&mut self, now: Checkpoint) {
        if !self.due_copy(now.sim.time()) {
            return;
        }
        self.copies.push(now);
        if self.copies.len() > MOST {
            self.spacing *= 2;
            let spacing = self.spacing;
            self.copies.retain(|c| c.sim.time().is_multiple_of(spacing));
        }
    }

    /// The operator acted at `t`. A rewound timeline ends here: what it still had queued goes.
    pub fn acted(&mut self, t: u64, action: Action) -> bool {
        let branched = !self.queue.is_empty();
        self.queue.clear();
        self.actions.push((t, action));
        branched
    }

    /// The last copy at or before `t`, with the actions to re-apply from its second on; the
    /// copies and actions after it are dropped from this timeline's record (they come back as
    /// the clock passes them).
    pub fn back_to(&mut self, t: u64) -> Option<Checkpoint> {
        let i = self.copies.iter().rposition(|c| c.sim.time() <= t)?;
        self.copies.truncate(i + 1);
        let copy = self.copies[i].clone();
        let from = copy.sim.time();
        let later: Vec<(u64, Action)> = self
            .actions
            .iter()
            .filter(|(at, _)| *at >= from)
            .cloned()
            .collect();
        self.actions.retain(|(at, _)| *at < from);
        // Still queued from an earlier rewind, and not yet re-applied: they stay in line.
        let mut queue = later;
        queue.extend(self.queue.drain(..).filter(|(at, _)| *at >= from));
        queue.sort_by_key(|(at, _)| *at);
        queue.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        self.queue = queue;
        Some(copy)
    }

    /// Actions due at second `t` on the rewound timeline, taken off the queue.
    pub fn due(&mut self, t: u64) -> Vec<Action> {
        let n = self.queue.iter().take_while(|(at, _)| *at <= t).count();
        self.queue
            .drain(..n)
            .map(|(at, action)| {
                self.actions.push((at, action.clone()));
                action
            })
            .collect()
    }

    /// Actions still to re-apply.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// The earliest second a rewind can reach.
    pub fn earliest(&self) -> Option<u64> {
        self.copies.first().map(|c| c.sim.time())
    }
}
