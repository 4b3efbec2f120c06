//! A relational database cluster (RDS or Aurora): a writer, maybe a Multi-AZ standby, maybe read
//! replicas, maybe a cross-region copy of another cluster.
//!
//! When the writer is lost:
//! - with a ready **standby** (RDS Multi-AZ) it is promoted after detection and DNS update,
//!   60–120 s by default; writes (and reads that go to the writer) fail meanwhile;
//! - with a **reader** (Aurora) a reader is promoted, typically in under 30–60 s; readers keep
//!   serving reads throughout;
//! - with neither, the writer is re-created (about 10 minutes), or waits for its AZ to return.
//!
//! A cross-region **copy** serves reads locally and forwards writes to the region that owns the
//! writer, until it is promoted (an Aurora Global Database secondary: under a minute), or brought
//! up by disaster recovery with its standby region.

use super::Ctx;
use super::events::{EventKind, Events};
use super::pool::{Detection, PoolState};
use super::station::Station;
use crate::arch::{AzRef, Database, Engine, Scaling};
use crate::preset::defaults as d;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Writer {
    Up,
    /// Promotion of a standby or reader in `to` finishes at `done_at`; writes fail until then.
    FailingOver {
        done_at: f64,
        to: AzRef,
        started: f64,
    },
    /// Nothing to fail over to: a replacement is up at `until` (`None`: waiting for its AZ).
    Down {
        until: Option<f64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standby {
    None,
    Ready(AzRef),
    /// Lost; rebuilt once its AZ is back.
    Lost(AzRef),
    Rebuilding {
        az: AzRef,
        until: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    /// Owns its writer.
    Owner,
    /// A cross-region copy: reads here, writes forwarded. `promoting` until then.
    Copy { promoting: Option<f64> },
    /// A copy that now takes writes itself.
    Promoted,
}

#[derive(Debug, Clone)]
pub struct DbState {
    pub writer: Writer,
    pub writer_az: AzRef,
    pub standby: Standby,
    pub replicas: Option<PoolState>,
    pub writer_station: Station,
    pub role: Role,
    /// Connections wanted from client pools, against the limit, for the writer and readers.
    pub connections: [f64; 2],
    pub connection_limit: [f64; 2],
    pub writer_utilization: f64,
    pub writer_response_s: f64,
    /// Work per second the writer did for clients other than queue workers in the last
    /// second (seconds of CPU per second): what the workers' writes share it with.
    pub other_work: f64,
    pub replica_lag_ms: f64,
}

impl DbState {
    pub fn new(spec: &Database, replica_detection: Detection) -> Self {
        let replicas = spec.replicas.as_ref().map(|r| {
            let scaling = (r.min != r.max).then_some(Scaling::TargetTracking {
                min: r.min,
                max: r.max,
                target: r.target,
                out_datapoints: d::SCALE_OUT_DATAPOINTS,
                in_datapoints: d::SCALE_IN_DATAPOINTS,
                cooldown_s: r.cooldown_s,
            });
            let detection = Detection {
                replace: true,
                ..replica_detection
            };
            let mut pool = PoolState::new(
                &r.azs, r.count, r.vcpus, r.launch_s, scaling, None, detection,
            );
            pool.metric_name = "CPU or connections";
            if pool.is_fixed() {
                // Fixed replica sets are still kept at their size by the cluster.
                pool.min = r.count;
            }
            pool
        });
        Self {
            writer: Writer::Up,
            writer_az: spec.primary_az,
            standby: spec.standby_az.map_or(Standby::None, Standby::Ready),
            replicas,
            writer_station: Station::default(),
            role: if spec.replicates_from.is_some() {
                Role::Copy { promoting: None }
            } else {
                Role::Owner
            },
            connections: [0.0; 2],
            connection_limit: [0.0; 2],
            writer_utilization: 0.0,
            writer_response_s: 0.0,
            other_work: 0.0,
            replica_lag_ms: spec.replica_lag_ms,
        }
    }

    /// Whether this cluster takes writes itself (it is not a copy, or it was promoted).
    pub fn owns_writes(&self) -> bool {
        !matches!(self.role, Role::Copy { .. })
    }

    /// Whether writes succeed here right now.
    pub fn writer_up(&self) -> bool {
        self.writer == Writer::Up
    }

    pub fn readers_serving(&self) -> u32 {
        self.replicas.as_ref().map_or(0, PoolState::serving)
    }

    /// The writer is lost (crash, or its AZ or region went down). `u` picks the failover time.
    pub fn lose_writer(&mut self, u: f64, spec: &Database, cx: &mut Ctx) {
        if self.writer != Writer::Up {
            return;
        }
        let lost_az = self.writer_az;
        let duration = spec.failover_s[0] + u * (spec.failover_s[1] - spec.failover_s[0]);
        let here = cx.events.az_name(lost_az).to_string();
        if let Standby::Ready(az) = self.standby
            && (cx.az_up)(az)
        {
            self.writer = Writer::FailingOver {
                done_at: cx.t + duration,
                to: az,
                started: cx.t,
            };
            self.standby = Standby::Lost(lost_az);
            // Reads go to the writer too when no replica serves them.
            let failing = if self.readers_serving() > 0 {
                "writes fail"
            } else {
                "reads and writes fail"
            };
            cx.events.push(
                EventKind::FailoverStart,
                Some(cx.id),
                format!(
                    "writer in {here} lost; promoting the Multi-AZ standby in {} ({failing} meanwhile, typically 60–120 s)",
                    cx.events.az_name(az)
                ),
            );
            return;
        }
        if spec.engine == Engine::Aurora
            && let Some(replicas) = &mut self.replicas
            && let Some(slot) = replicas
                .slots
                .iter_mut()
                .filter(|s| s.serving > 0 && (cx.az_up)(s.az))
                .max_by_key(|s| (s.az != lost_az, s.serving))
        {
            slot.serving -= 1;
            let az = slot.az;
            self.writer = Writer::FailingOver {
                done_at: cx.t + duration,
                to: az,
                started: cx.t,
            };
            // Aurora User Guide: the other readers keep serving; with a single reader, the one
            // promoted was the only one, and reads have nowhere to go until it is the writer.
            let readers = if replicas.serving() > 0 {
                "the other readers keep serving reads"
            } else {
                "it was the only reader: reads fail too until it is promoted"
            };
            cx.events.push(
                EventKind::FailoverStart,
                Some(cx.id),
                format!(
                    "writer in {here} lost; promoting a reader in {} ({readers}; typically under 30–60 s)",
                    cx.events.az_name(az)
                ),
            );
            return;
        }
        let until = (cx.az_up)(lost_az).then_some(cx.t + spec.recovery_s);
        self.writer = Writer::Down { until };
        // A standby is built from its writer's data: with none up, the rebuild stops, and
        // starts over once a writer is back.
        if let Standby::Rebuilding { az, .. } = self.standby {
            self.standby = Standby::Lost(az);
        }
        let when = match until {
            Some(_) => format!(
                "a replacement instance is up in about {:.0} min",
                spec.recovery_s / 60.0
            ),
            None => format!("it waits for {here} to return"),
        };
        cx.events.push(
            EventKind::Fault,
            Some(cx.id),
            format!("writer lost with nothing to fail over to: the database is down; {when}"),
        );
    }

    /// Everything in `az` is lost: the writer (if there), the standby, readers.
    pub fn kill_az(&mut self, az: AzRef, u: f64, spec: &Database, cx: &mut Ctx) {
        match self.standby {
            Standby::Ready(s) | Standby::Rebuilding { az: s, .. } if s == az => {
                self.standby = Standby::Lost(az)
            }
            _ => {}
        }
        if let Some(replicas) = &mut self.replicas {
            replicas.kill_az(az, cx.t);
        }
        if let Writer::FailingOver { to, .. } = self.writer
            && to == az
        {
            // The promotion target died too: start over with whatever is left.
            cx.events.push(
                EventKind::Fault,
                Some(cx.id),
                format!(
                    "failover stopped: its target in {} is lost too",
                    cx.events.az_name(az)
                ),
            );
            self.writer = Writer::Up;
            self.writer_az = az;
        }
        if self.writer_az == az {
            self.lose_writer(u, spec, cx);
        }
    }

    /// The AZ is back: a writer waiting for it restarts, a lost standby is rebuilt.
    pub fn restore_az(&mut self, az: AzRef, t: f64, spec: &Database) {
        if self.writer == (Writer::Down { until: None }) && self.writer_az == az {
            self.writer = Writer::Up;
        }
        if let Standby::Lost(s) = self.standby
            && s == az
            && self.writer == Writer::Up
        {
            self.standby = Standby::Rebuilding {
                az,
                until: t + spec.recovery_s,
            };
        }
        if let Some(replicas) = &mut self.replicas {
            replicas.restore_az(az, t);
        }
    }

    /// The whole region is gone: no failover inside it is possible; everything waits for it.
    /// Returns whether a promotion of this copy was under way: it stops, and the copy waits,
    /// as a copy, for the region to return.
    pub fn lose_region(&mut self, azs: &[AzRef], t: f64) -> bool {
        self.writer = Writer::Down { until: None };
        let promoting = matches!(self.role, Role::Copy { promoting: Some(_) });
        if promoting {
            self.role = Role::Copy { promoting: None };
        }
        if let Standby::Ready(az) | Standby::Rebuilding { az, .. } = self.standby {
            self.standby = Standby::Lost(az);
        }
        if let Some(replicas) = &mut self.replicas {
            replicas.lose_azs(azs, t);
        }
        promoting
    }

    /// Starts promoting a cross-region copy to take writes.
    pub fn promote(&mut self, t: f64, duration: f64, why: &str, id: &str, events: &mut Events) {
        if let Role::Copy { promoting: None } = self.role {
            self.role = Role::Copy {
                promoting: Some(t + duration),
            };
            events.push(
                EventKind::FailoverStart,
                Some(id),
                format!("{why}: promoting this copy to take writes (~{duration:.0}s)"),
            );
        }
    }

    /// The region that owns the writer is back: this copy follows it again.
    pub fn demote(&mut self, id: &str, events: &mut Events) {
        if self.role != (Role::Copy { promoting: None }) {
            self.role = Role::Copy { promoting: None };
            events.push(
                EventKind::Restore,
                Some(id),
                "the primary region is back: writes go there again, this copy replicates".into(),
            );
        }
    }

    pub fn tick(&mut self, spec: &Database, cx: &mut Ctx) {
        match self.writer {
            Writer::FailingOver {
                done_at,
                to,
                started,
            } if cx.t >= done_at => {
                self.writer = Writer::Up;
                self.writer_az = to;
                cx.events.push(
                    EventKind::FailoverDone,
                    Some(cx.id),
                    format!(
                        "writer is now in {}, {:.0}s after the failure",
                        cx.events.az_name(to),
                        cx.t - started
                    ),
                );
            }
            Writer::Down { until: Some(until) } if cx.t >= until => {
                self.writer = Writer::Up;
                cx.events.push(
                    EventKind::Recovered,
                    Some(cx.id),
                    "replacement writer is up; the database serves again".into(),
                );
            }
            Writer::Down { until: None } if (cx.az_up)(self.writer_az) => {
                self.writer = Writer::Down {
                    until: Some(cx.t + spec.recovery_s),
                };
            }
            _ => {}
        }
        match self.standby {
            Standby::Lost(az) if (cx.az_up)(az) && self.writer == Writer::Up => {
                self.standby = Standby::Rebuilding {
                    az,
                    until: cx.t + spec.recovery_s,
                }
            }
            Standby::Rebuilding { az, until } if cx.t >= until => {
                self.standby = Standby::Ready(az);
                cx.events.push(
                    EventKind::Recovered,
                    Some(cx.id),
                    format!(
                        "standby rebuilt in {}; Multi-AZ protection is back",
                        cx.events.az_name(az)
                    ),
                );
            }
            _ => {}
        }
        if let Role::Copy {
            promoting: Some(done),
        } = self.role
            && cx.t >= done
        {
            self.role = Role::Promoted;
            let message = if self.writer_up() {
                "promoted: this region now takes writes".to_string()
            } else {
                // The cluster is promoted; its instance is still lost with its AZ.
                format!(
                    "promoted, but its writer in {} is down: this region takes writes once it is back",
                    cx.events.az_name(self.writer_az)
                )
            };
            cx.events
                .push(EventKind::FailoverDone, Some(cx.id), message);
        }
    }
}
