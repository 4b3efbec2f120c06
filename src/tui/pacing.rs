//! Presenter pacing: after the presenter strikes a drill step, the clock slows to a speed a
//! room can follow until what the strike set off has played out — no new event for a while and
//! errors back under 0.1 % — then returns to the speed the presenter chose. At 60× a health
//! check (+49 s) and a failover (+108 s) would pass in two seconds of wall time; at 5× they
//! take ten and twenty.

use crate::sim::Simulation;

/// The speed while reactions play out (simulated seconds per wall-clock second). Assumption: 5×
/// turns a typical fault's minutes of reactions (health checks, failover, a scale-out's
/// launch) into half a minute of talk; the presenter's own speed wins when it is slower.
pub const PACED_SPEED: u32 = 5;
/// The reactions are over after this long without a new event (simulated seconds)...
const QUIET_S: u64 = 30;
/// ...and with errors under this share of the requests.
const SETTLED_ERRORS: f64 = 0.001;
/// Pacing gives up after this long, however busy the system still is (simulated seconds):
/// a system that does not settle is better watched at the presenter's speed.
const LONGEST_S: u64 = 900;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// When the strike came (simulated second).
    since: u64,
}

impl Pacing {
    pub fn new(now: u64) -> Self {
        Self { since: now }
    }

    /// Whether what the strike set off has played out by `sim`'s second.
    pub fn over(&self, sim: &Simulation) -> bool {
        let now = sim.time();
        if now >= self.since + LONGEST_S {
            return true;
        }
        let last_event = sim
            .events()
            .last()
            .map_or(self.since, |e| e.t.max(self.since));
        now >= last_event + QUIET_S && sim.last().error_rate() < SETTLED_ERRORS
    }
}
