//! Alarms: the events that say why requests fail when no fault did it directly — a pool whose
//! threads or connections are all taken, a pool shedding load, retries swelling the traffic,
//! a circuit breaker opening and closing. Each fires once when its condition starts and says
//! so again when it ends.

use super::events::EventKind;
use super::retry::BreakerState;
use super::{NodeState, Simulation};
use crate::arch::Kind;

/// Retries above this share of the attempts are a storm.
const STORM_SHARE: f64 = 0.2;
/// ...and it has passed when they fall below this share.
const CALM_SHARE: f64 = 0.05;

/// Which alarms are raised now.
#[derive(Debug, Clone, Default)]
pub struct Alarms {
    /// Per component: threads, connections all taken.
    saturated: Vec<[bool; 2]>,
    shedding: Vec<bool>,
    storm: bool,
    breaker_open: bool,
}

impl Alarms {
    pub fn new(n: usize) -> Self {
        Self {
            saturated: vec![[false; 2]; n],
            shedding: vec![false; n],
            ..Self::default()
        }
    }
}

impl Simulation {
    pub(super) fn raise_alarms(&mut self) {
        let arch = self.arch.clone();
        for (n, c) in arch.nodes() {
            let (Kind::Pool(spec), NodeState::Pool(pool)) = (&c.kind, &self.nodes[n.index()])
            else {
                continue;
            };
            let i = n.index();
            let h = &pool.holding;
            for (which, slots, what) in [
                (0, &h.threads, "threads"),
                (1, &h.connections, "pooled database connections"),
            ] {
                let waiting = slots.station.queued();
                let full = slots.limit > 0.0 && (waiting > 0.5 || slots.utilization() > 0.999);
                let was = self.alarms.saturated[i][which];
                if full && !was {
                    self.events.push(
                        EventKind::Saturated,
                        Some(&c.id),
                        format!(
                            "all {:.0} {what} taken ({} waiting): requests queue for one, \
                             those that never touch the slow part included",
                            slots.limit,
                            waiting.round()
                        ),
                    );
                } else if !full && was && slots.utilization() < 0.9 {
                    self.events.push(
                        EventKind::Recovered,
                        Some(&c.id),
                        format!(
                            "{what} free again ({:.0}% in use)",
                            slots.utilization() * 100.0
                        ),
                    );
                } else {
                    continue;
                }
                self.alarms.saturated[i][which] = full;
            }
            if spec.load_shedding {
                let shed = h.refused > 0.0;
                if shed != self.alarms.shedding[i] {
                    self.alarms.shedding[i] = shed;
                    if shed {
                        self.events.push(
                            EventKind::Shed,
                            Some(&c.id),
                            "no thread free: refusing requests at once instead of queueing them"
                                .into(),
                        );
                    }
                }
            }
        }
        let attempts = self.last.offered_total();
        let share = if attempts > 0.0 {
            self.last.retries_total() / attempts
        } else {
            0.0
        };
        if !self.alarms.storm && share > STORM_SHARE {
            self.alarms.storm = true;
            self.events.push(
                EventKind::RetryStorm,
                None,
                format!(
                    "{:.0}% of the traffic is retries: failures are adding load",
                    share * 100.0
                ),
            );
        } else if self.alarms.storm && share < CALM_SHARE {
            self.alarms.storm = false;
            self.events.push(
                EventKind::Recovered,
                None,
                format!("retries back to {:.1}% of the traffic", share * 100.0),
            );
        }
        let open = !matches!(self.user_retries.breaker, BreakerState::Closed);
        if open != self.alarms.breaker_open {
            self.alarms.breaker_open = open;
            let (kind, message) = if open {
                (
                    EventKind::CircuitOpen,
                    "users' circuit breaker opened: requests fail at once in the client",
                )
            } else {
                (
                    EventKind::CircuitClose,
                    "users' circuit breaker closed: probes succeeded",
                )
            };
            self.events.push(kind, None, message.into());
        }
    }
}
