//! A drill on stage: the library's [`DrillRun`] driven next to the dashboard's simulation, plus
//! what only a live audience needs — the presenter's hold before each step and the narration
//! of the step that just struck.

use crate::drill::{Applied, Drill, DrillRun, Step};
use crate::sim::Simulation;

#[derive(Clone)]
pub struct Stage {
    pub run: DrillRun,
    /// Pause before each step until the presenter strikes it.
    pub presenter: bool,
    /// How many steps the presenter has struck (released); later ones wait.
    released: usize,
    /// The step whose narration is on screen: the last one applied.
    pub narrated: Option<usize>,
}

impl Stage {
    pub fn new(drill: &Drill, presenter: bool) -> Self {
        Self {
            run: DrillRun::new(drill),
            presenter,
            released: 0,
            narrated: None,
        }
    }

    pub fn drill(&self) -> &Drill {
        self.run.drill()
    }

    /// The step waiting for the presenter at simulation second `now`, if one is.
    pub fn holding(&self, now: u64) -> Option<&Step> {
        if !self.presenter {
            return None;
        }
        let (at, step) = self.run.next_step()?;
        (at <= now && self.released <= self.run.applied().len()).then_some(step)
    }

    /// The presenter strikes: the waiting step may be applied.
    pub fn release(&mut self) {
        self.released = self.run.applied().len() + 1;
    }

    /// Before the simulation steps: applies what the drill has due now, but for a presenter
    /// only the steps struck so far.
    pub fn before_step(&mut self, sim: &mut Simulation) -> Vec<Applied> {
        let stop = if self.presenter {
            self.released
        } else {
            usize::MAX
        };
        let applied = self.run.before_step_until(sim, stop);
        if let Some(step) = applied.iter().rev().find_map(|a| a.step) {
            self.narrated = Some(step);
        }
        applied
    }

    pub fn after_step(&mut self, sim: &Simulation) {
        self.run.after_step(sim);
    }

    /// Seconds until the next step is due (zero when it is due now).
    pub fn countdown(&self, now: u64) -> Option<u64> {
        self.run.next_step().map(|(at, _)| at.saturating_sub(now))
    }

    /// Seconds until the drill ends and its rollback runs.
    pub fn remaining(&self, now: u64) -> u64 {
        self.run.end().saturating_sub(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drill() -> Drill {
        crate::drill::load("az-loss-1k").unwrap()
    }

    #[test]
    fn a_presenter_holds_every_step_until_released() {
        let d = drill();
        let mut stage = Stage::new(&d, true);
        let mut sim = d.simulation();
        let first = d.steps[0].t;
        while stage.holding(sim.time()).is_none() {
            assert!(stage.before_step(&mut sim).is_empty());
            sim.step();
            stage.after_step(&sim);
        }
        assert_eq!(sim.time(), first, "the hold comes when the step is due");
        stage.release();
        assert!(stage.holding(sim.time()).is_none());
        let applied = stage.before_step(&mut sim);
        assert_eq!(applied.len(), 1);
        assert_eq!(stage.narrated, Some(0));
        assert_eq!(stage.countdown(sim.time()), Some(d.steps[1].t - first));
    }

    #[test]
    fn without_a_presenter_nothing_holds() {
        let d = drill();
        let stage = Stage::new(&d, false);
        assert!(stage.holding(d.steps[0].t).is_none());
    }
}
