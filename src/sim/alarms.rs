//! Alarms: the events that say why requests fail when no fault did it directly — a pool whose
//! threads or connections are all taken, a pool shedding load, retries swelling the traffic,
//! a circuit breaker opening and closing. Each fires once when its condition starts and says
//! so again when it ends.

use super::events::EventKind;
use super::retry::BreakerState;
use super::{NodeState, Simulation};
use crate::arch::{Kind, users_total};

/// Errors above this share of finished requests need a cause on the event log.
const ERROR_SHARE: f64 = 0.001;
/// Seconds without such errors before the failing is over.
const CALM_S: u64 = 10;

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
    /// Per call edge: its caller's breaker is open.
    call_breakers: Vec<bool>,
    /// Where users' requests fail now (`Some(None)`: in the client), and since when calm.
    failing: Option<Option<usize>>,
    calm_since: Option<u64>,
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
        self.say_where_requests_fail();
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
                // Requests wait for a slot well before the mean in use reaches the limit (a
                // queue forms near saturation): "all taken" once nearly all are, on average.
                let busy = slots.utilization();
                let full = slots.limit > 0.0 && (busy > 0.999 || (waiting > 0.5 && busy >= 0.95));
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
        let share = self.last.retry_share();
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
        self.watch_call_breakers();
    }

    /// A server pool's breaker on one of its callees opening or closing.
    fn watch_call_breakers(&mut self) {
        let arch = self.arch.clone();
        self.alarms
            .call_breakers
            .resize(self.call_retries.len(), false);
        for (i, e) in self.call_retries.iter().enumerate() {
            let open = !matches!(e.retrier.breaker, BreakerState::Closed);
            if open == self.alarms.call_breakers[i] {
                continue;
            }
            self.alarms.call_breakers[i] = open;
            let (from, to) = (&arch.graph[e.from].id, &arch.graph[e.to].id);
            let (kind, message) = if open {
                (
                    EventKind::CircuitOpen,
                    format!("breaker on calls to {to} opened: they fail at once here"),
                )
            } else {
                (
                    EventKind::CircuitClose,
                    format!("breaker on calls to {to} closed: probes succeeded"),
                )
            };
            self.events.push(kind, Some(from), message);
        }
    }

    /// While users' requests fail, the log says where most of them fail and how: the
    /// component, and whether it does not answer (a dead target), refuses, times out in a
    /// queue, or answers after its caller gave up. Said again when the place changes.
    fn say_where_requests_fail(&mut self) {
        let last = &self.last;
        if last.error_rate() <= ERROR_SHARE {
            if self.alarms.failing.is_some() {
                let calm = *self.alarms.calm_since.get_or_insert(self.t);
                if self.t >= calm + CALM_S {
                    self.alarms.failing = None;
                    self.alarms.calm_since = None;
                    self.events.push(
                        EventKind::Recovered,
                        None,
                        "users' requests succeed again".into(),
                    );
                }
            }
            return;
        }
        self.alarms.calm_since = None;
        let sc = &self.scratch;
        let (worst, failed_there) = sc
            .per
            .iter()
            .enumerate()
            .map(|(i, c)| (i, users_total(&c.users_failed_at)))
            .fold(
                (None, 0.0),
                |best, (i, f)| if f > best.1 { (Some(i), f) } else { best },
            );
        let blocked = users_total(&last.blocked);
        let place = if blocked > failed_there { None } else { worst };
        if self.alarms.failing == Some(place) {
            return;
        }
        self.alarms.failing = Some(place);
        let share = format!("{:.1}% of requests fail", last.error_rate() * 100.0);
        let Some(i) = place else {
            self.events.push(
                EventKind::Failing,
                None,
                format!("{share}: refused in the client by its circuit breaker or retry budget"),
            );
            return;
        };
        let c = &sc.per[i];
        let (hard, hard_s) = (users_total(&c.hard_failed), users_total(&c.hard_failed_s));
        let how = if hard <= 0.5 * failed_there {
            "answered after the caller gave up (work done for nobody)"
        } else {
            match hard_s / hard {
                s if s >= 0.9 * crate::preset::defaults::DEAD_TARGET_S => {
                    "no answer: requests hang until their caller's timeout"
                }
                s if s <= 0.01 => "refused at once",
                _ => "timed out waiting in a queue",
            }
        };
        let id = self.arch.graph[crate::arch::NodeId::new(i)].id.clone();
        self.events.push(
            EventKind::Failing,
            Some(&id),
            format!("{share}, most of them here: {how}"),
        );
    }
}
