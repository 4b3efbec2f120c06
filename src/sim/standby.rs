//! A warm standby region waits, frozen, until disaster recovery brings it up: `react` leaves
//! its components alone, and the flow skips those of them that nothing has reached since the
//! run began. With nothing arriving and nothing left over from an earlier second, a second
//! there changes nothing that is read later: no walk meets its steps (nothing reached them,
//! then or at the last full draw), the holding times pass over components without traffic,
//! and the costs read state the flow does not change. A component that took traffic once (a
//! region failing back to standby) is stepped like any other.

use super::Simulation;
use crate::arch::{Architecture, NodeId};

/// The components of standby regions that nothing has reached yet.
#[derive(Debug, Clone)]
pub struct Untouched(Vec<bool>);

impl Untouched {
    pub fn new(arch: &Architecture) -> Self {
        let standby = |r: Option<usize>| r.is_some_and(|r| arch.regions[r].standby.is_some());
        Self(arch.nodes().map(|(_, c)| standby(c.region)).collect())
    }
}

/// Regions whose waiting components were all found with nothing to do (no instance to launch
/// or replace, no failover to finish): `react` skips them without looking until a fault or a
/// restore disturbs them. Only those change what a waiting region has to do.
#[derive(Debug, Clone)]
pub struct Quiet {
    quiet: Vec<bool>,
    /// This pass: whether every waiting component of the region was found settled.
    settled: Vec<bool>,
}

impl Quiet {
    pub fn new(regions: usize) -> Self {
        Self {
            quiet: vec![true; regions],
            settled: vec![true; regions],
        }
    }

    /// A fault or a restore: every waiting region is looked at again.
    pub fn disturb(&mut self) {
        self.quiet.fill(false);
    }

    pub fn is_quiet(&self, region: usize) -> bool {
        self.quiet[region]
    }

    pub fn begin(&mut self) {
        self.settled.fill(true);
    }

    /// A waiting component of `region` had something to do this pass.
    pub fn busy(&mut self, region: usize) {
        self.settled[region] = false;
    }

    pub fn end(&mut self) {
        for (quiet, &settled) in self.quiet.iter_mut().zip(&self.settled) {
            *quiet |= settled;
        }
    }
}

impl Simulation {
    /// Whether the flow skips component `n` this second: its region is a standby still
    /// waiting, and nothing has reached it, this second or before (the first time something
    /// does is noted here, for good).
    pub(super) fn frozen(&mut self, n: NodeId) -> bool {
        let i = n.index();
        if !self.untouched.0[i] {
            return false;
        }
        if self.scratch.per[i].inflow.iter().any(|&x| x != 0.0) {
            self.untouched.0[i] = false;
            return false;
        }
        self.arch.graph[n].region.is_some_and(|r| self.dormant[r])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use std::sync::Arc;

    /// Every second of a region lost, its standby brought up, and the region back and failed
    /// back to, is the same to the bit whether the waiting standby is skipped or stepped.
    #[test]
    fn skipping_a_waiting_standby_changes_nothing() {
        let arch = Arc::new(crate::preset::load("1m").unwrap());
        let standby_app = arch.nodes().find(|(_, c)| c.id == "app-tokyo").unwrap().0;
        let mut skipping = Simulation::new(arch.clone(), 5);
        let mut stepping = skipping.clone();
        stepping.untouched.0.fill(false);
        let mut skipped = 0;
        for t in 0..12_000 {
            let action = match t {
                600 => Some(Action::KillRegion("seoul".into())),
                6_000 => Some(Action::RestoreRegion("seoul".into())),
                _ => None,
            };
            for sim in [&mut skipping, &mut stepping] {
                if let Some(action) = &action {
                    sim.apply(action).unwrap();
                }
                sim.step();
            }
            skipped += usize::from(skipping.frozen(standby_app));
            let (a, b) = (skipping.last(), stepping.last());
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "second {t}");
        }
        assert_eq!(
            format!("{:?}", skipping.totals()),
            format!("{:?}", stepping.totals())
        );
        // Tokyo waited, frozen, for the first ten minutes and the start of its recovery; then it
        // served.
        assert!((600..1_500).contains(&skipped), "{skipped}");
        assert!(!skipping.frozen(standby_app));
    }
}
