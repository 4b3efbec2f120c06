//! The simulation's clock in the dashboard: how often it turns at each speed and how many
//! simulated seconds a turn takes. Up to 1000× every turn is drawn, so the turns set the frame
//! rate while the simulation runs, and with it most of what the dashboard costs.

use super::app::{self, App};
use std::time::{Duration, Instant};

/// The shortest wall-clock time between two turns at a set speed. Up to 10× a turn is one
/// simulated second; faster, a turn takes several (60×: six) and the dashboard draws ten frames
/// a second: each frame costs about half a millisecond at 160×48, and thirty of them a second
/// were most of the 2–3 % of a core the dashboard took at 60×. Numbers that change ten times a
/// second are still more than anyone reads.
const SHORTEST_TURN: Duration = Duration::from_millis(100);

/// As fast as it goes, a turn steps for most of this long: short, so keys are answered at once.
const FASTEST_TURN: Duration = Duration::from_millis(10);

/// A turn stops stepping after this share of its period, whatever is left of its seconds: on an
/// architecture too large for the speed, the clock falls behind rather than keys waiting.
const BUSY_SHARE: f64 = 0.8;

/// The clock at one speed: `speed` simulated seconds per wall-clock second, in turns no closer
/// than `SHORTEST_TURN`; as fast as it goes, it steps for most of a turn.
pub struct SimClock {
    pub interval: tokio::time::Interval,
    period: Duration,
    seconds_per_turn: u32,
}

impl SimClock {
    pub fn new(speed: u32) -> Self {
        let (period, seconds_per_turn) = turns(speed);
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        interval.reset();
        Self {
            interval,
            period,
            seconds_per_turn,
        }
    }

    pub fn turn(&self, app: &mut App) {
        let budget = Instant::now() + self.period.mul_f64(BUSY_SHARE);
        let mut done = 0;
        // Stop early when a presenter's hold or the end of the run pauses it.
        while !app.paused && app.step() {
            done += 1;
            let enough = (self.seconds_per_turn > 0 && done >= self.seconds_per_turn)
                || Instant::now() >= budget;
            if enough {
                break;
            }
        }
    }
}

/// How often the clock turns at `speed`, and how many simulated seconds a turn takes (0: as
/// many as fit in the turn). A turn takes whole seconds, as few as keep the turns no closer
/// than `SHORTEST_TURN`, and its period is what keeps the speed exact.
pub fn turns(speed: u32) -> (Duration, u32) {
    if speed == app::AS_FAST_AS_IT_GOES {
        return (FASTEST_TURN, 0);
    }
    let speed = speed.max(1);
    let seconds = (f64::from(speed) * SHORTEST_TURN.as_secs_f64())
        .ceil()
        .max(1.0) as u32;
    (Duration::from_secs(u64::from(seconds)) / speed, seconds)
}

/// Simulated seconds between two moves of the graph's traffic markers at `speed`: one turn, so
/// that they move one cell a frame at every set speed (moved a cell per simulated second, six a
/// frame at 60×, they would seem to stand or run backwards). As fast as it goes a frame covers
/// however many seconds fit, and they flicker.
pub fn marker_step(speed: u32) -> u64 {
    u64::from(turns(speed).1.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_speed_keeps_its_rate_in_turns_no_closer_than_a_tenth_of_a_second() {
        for speed in 1..=1_000 {
            let (period, seconds) = turns(speed);
            assert!(period >= SHORTEST_TURN, "{speed}×: {period:?}");
            let rate = f64::from(seconds) / period.as_secs_f64();
            assert!(
                (rate / f64::from(speed) - 1.0).abs() < 1e-6,
                "{speed}×: {rate}/s"
            );
        }
        // One simulated second a turn up to 10×; then ten turns a second.
        assert_eq!(turns(1), (Duration::from_secs(1), 1));
        assert_eq!(turns(10), (Duration::from_millis(100), 1));
        assert_eq!(turns(60), (Duration::from_millis(100), 6));
        assert_eq!(turns(1_000), (Duration::from_millis(100), 100));
        assert_eq!(turns(app::AS_FAST_AS_IT_GOES), (FASTEST_TURN, 0));
    }

    #[test]
    fn the_markers_move_one_cell_a_turn() {
        assert_eq!(marker_step(1), 1);
        assert_eq!(marker_step(10), 1);
        assert_eq!(marker_step(60), 6);
        assert_eq!(marker_step(app::AS_FAST_AS_IT_GOES), 1);
    }
}
