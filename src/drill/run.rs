//! Running a drill. [`DrillRun`] is a state machine driven one simulated second at a time —
//! by the dashboard next to its own simulation, or by [`run`] in a loop:
//!
//! ```text
//! loop {
//!     run.before_step(&mut sim);   // applies the steps due now (the rollback at the end)
//!     if run.finished() { break; }
//!     sim.step();
//!     run.after_step(&sim);        // judges the steady state and the checks on that second
//! }
//! ```

use super::check::{CheckState, Outcome};
use super::report::{DrillReport, Verdict};
use super::{Drill, Step};
use crate::action::Action;
use crate::sim::Simulation;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before the first step: the steady state is being judged.
    SteadyState,
    /// Steps are being applied and checks judged.
    Running,
    /// The drill ran to its end and its rollback was applied.
    Done,
    /// The steady state did not hold: nothing was injected and the drill is invalid.
    Aborted,
}

/// An action the drill applied to the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The simulation second it was applied at (before that second was simulated).
    pub t: u64,
    /// Which step it was, or `None` for a rollback action.
    pub step: Option<usize>,
    pub action: Action,
    pub narration: Option<String>,
    /// Why the simulation refused it: only happens when driving a simulation of another
    /// architecture than the drill's.
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DrillRun {
    drill: Drill,
    /// The simulation second the drill's second 0 falls on.
    start: u64,
    /// The next step to apply.
    next: usize,
    phase: Phase,
    steady: Vec<CheckState>,
    checks: Vec<CheckState>,
    applied: Vec<Applied>,
    rolled_back: Vec<Applied>,
    /// Events of the simulation already looked at.
    seen_events: usize,
    /// The drill second at which it ended or was aborted.
    ended_at: Option<u64>,
}

impl DrillRun {
    /// A run whose second 0 is the simulation's second 0 (a fresh [`Drill::simulation`]).
    pub fn new(drill: &Drill) -> Self {
        Self::starting_at(drill, 0)
    }

    /// A run whose second 0 is simulation second `start`, for a simulation already running.
    pub fn starting_at(drill: &Drill, start: u64) -> Self {
        Self {
            steady: drill
                .steady_state
                .iter()
                .cloned()
                .map(CheckState::new)
                .collect(),
            checks: drill.checks.iter().cloned().map(CheckState::new).collect(),
            drill: drill.clone(),
            start,
            next: 0,
            phase: Phase::SteadyState,
            applied: Vec::new(),
            rolled_back: Vec::new(),
            seen_events: 0,
            ended_at: None,
        }
    }

    pub fn drill(&self) -> &Drill {
        &self.drill
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn finished(&self) -> bool {
        matches!(self.phase, Phase::Done | Phase::Aborted)
    }

    /// The simulation second the drill starts at.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The simulation second the drill ends (and its rollback is applied) at.
    pub fn end(&self) -> u64 {
        self.start + self.drill.duration.secs()
    }

    /// The drill second it ended or was aborted at, once it has.
    pub fn ended_at(&self) -> Option<u64> {
        self.ended_at
    }

    /// The next step and the simulation second it comes at: for a countdown, and for a
    /// presenter pausing before each step.
    pub fn next_step(&self) -> Option<(u64, &Step)> {
        if self.finished() {
            return None;
        }
        self.drill
            .steps
            .get(self.next)
            .map(|s| (self.start + s.t, s))
    }

    pub fn steady_state(&self) -> &[CheckState] {
        &self.steady
    }

    pub fn checks(&self) -> &[CheckState] {
        &self.checks
    }

    /// Steps applied so far.
    pub fn applied(&self) -> &[Applied] {
        &self.applied
    }

    /// Rollback actions applied at the end.
    pub fn rolled_back(&self) -> &[Applied] {
        &self.rolled_back
    }

    /// The verdict, once the drill is over.
    pub fn verdict(&self) -> Option<Verdict> {
        match self.phase {
            Phase::Done | Phase::Aborted
                if self.checks.is_empty() && self.steady_state().is_empty() =>
            {
                Some(Verdict::NoChecks)
            }
            Phase::Aborted => Some(Verdict::Invalid),
            Phase::Done if self.checks.iter().any(|c| c.outcome == Outcome::Failed) => {
                Some(Verdict::Fail)
            }
            Phase::Done => Some(Verdict::Pass),
            Phase::SteadyState | Phase::Running => None,
        }
    }

    /// Call before each `sim.step()`: applies the steps due at the coming second, or, once the
    /// drill's time is up, decides what is still open and applies the rollback. Returns what
    /// was applied, for the event log and the narration.
    pub fn before_step(&mut self, sim: &mut Simulation) -> Vec<Applied> {
        self.before_step_until(sim, usize::MAX)
    }

    /// Like [`before_step`](Self::before_step), but applies no step from index `stop` on,
    /// even if it is due: a presenter strikes steps one at a time, also those that share a
    /// second. The rest are applied by a later call before the same second is simulated.
    pub fn before_step_until(&mut self, sim: &mut Simulation, stop: usize) -> Vec<Applied> {
        if self.finished() || sim.time() < self.start {
            return Vec::new();
        }
        let t = sim.time() - self.start;
        if t >= self.drill.duration.secs() {
            return self.finish(sim, t);
        }
        let mut out = Vec::new();
        while let Some(step) =
            (self.drill.steps.get(self.next)).filter(|s| s.t <= t && self.next < stop)
        {
            if self.phase == Phase::SteadyState {
                // Every steady-state window ends at the first step, so all are decided now.
                for c in &mut self.steady {
                    c.close(t);
                }
                if self.steady.iter().any(|c| c.outcome == Outcome::Failed) {
                    self.abort(t);
                    return out;
                }
                self.phase = Phase::Running;
            }
            let applied = Applied {
                t: sim.time(),
                step: Some(self.next),
                action: step.action.clone(),
                narration: step.narration.clone(),
                error: sim.apply(&step.action).err(),
            };
            self.applied.push(applied.clone());
            out.push(applied);
            self.next += 1;
        }
        out
    }

    /// Call after each `sim.step()`: judges the second just simulated.
    pub fn after_step(&mut self, sim: &Simulation) {
        if self.finished() || sim.time() <= self.start {
            return;
        }
        let t = sim.time() - 1 - self.start;
        for c in self.steady.iter_mut().chain(self.checks.iter_mut()) {
            c.observe(t, sim);
        }
        let events = sim.events();
        for e in events.get(self.seen_events..).unwrap_or_default() {
            if let Some(at) = e.t.checked_sub(self.start) {
                for c in &mut self.checks {
                    c.event(at, e);
                }
            }
        }
        self.seen_events = events.len();
        for c in &mut self.checks {
            c.tick(t);
        }
        if self.phase == Phase::SteadyState
            && self.steady.iter().any(|c| c.outcome == Outcome::Failed)
        {
            self.abort(t + 1);
        }
    }

    fn abort(&mut self, t: u64) {
        self.phase = Phase::Aborted;
        self.ended_at = Some(t);
    }

    fn finish(&mut self, sim: &mut Simulation, t: u64) -> Vec<Applied> {
        for c in &mut self.checks {
            c.close(t);
        }
        let out: Vec<Applied> = self
            .drill
            .rollback
            .iter()
            .map(|action| Applied {
                t: sim.time(),
                step: None,
                action: action.clone(),
                narration: None,
                error: sim.apply(action).err(),
            })
            .collect();
        self.rolled_back.extend(out.iter().cloned());
        self.phase = Phase::Done;
        self.ended_at = Some(t);
        out
    }

    /// The report of the run so far (final once [`finished`](Self::finished)).
    pub fn report(&self, sim: &Simulation) -> DrillReport {
        DrillReport::new(self, sim)
    }
}

/// Runs a drill at full speed on a fresh simulation and reports.
pub fn run(drill: &Drill) -> DrillReport {
    run_with(drill, |_| {})
}

/// Like [`run`], calling `each_second` after every simulated second.
pub fn run_with(drill: &Drill, mut each_second: impl FnMut(&Simulation)) -> DrillReport {
    let mut sim = drill.simulation();
    let mut run = DrillRun::new(drill);
    loop {
        run.before_step(&mut sim);
        if run.finished() {
            break;
        }
        sim.step();
        each_second(&sim);
        run.after_step(&sim);
    }
    run.report(&sim)
}
