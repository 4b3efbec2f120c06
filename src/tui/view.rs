//! What the screen says about each component, read from the simulation: a health and a few
//! figures. Drawing code asks here and never looks inside the model itself.

use super::theme::{Health, Theme};
use crate::arch::{Architecture, AzRef, CLASSES, Kind, NodeId};
use crate::sim::database::{Standby, Writer};
use crate::sim::{NodeState, Simulation};

/// A component (or its part in one AZ) as the graph shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub health: Health,
    /// Short figures for inside the box (`12/12 63%`).
    pub figures: String,
}

/// The region's state: down, dormant (a standby not brought up), or serving.
pub fn region_health(sim: &Simulation, region: usize) -> Health {
    if sim.region_down(region) {
        Health::Down
    } else if sim.region_activation(region).is_some() {
        Health::Busy
    } else if !sim.region_serving(region) {
        Health::Idle
    } else {
        Health::Ok
    }
}

pub fn az_health(sim: &Simulation, az: AzRef) -> Health {
    match region_health(sim, az.region) {
        Health::Ok | Health::Busy if !sim.az_up(az) => Health::Down,
        h => h,
    }
}

/// A whole component.
pub fn status(sim: &Simulation, n: NodeId) -> Status {
    let arch = sim.arch();
    let c = &arch.graph[n];
    let failing = failing_share(sim, n) > 0.05;
    let region = c.region.map(|r| region_health(sim, r));
    let (mut health, figures) = match sim.node(n) {
        NodeState::Pool(p) => {
            let (busiest, load) = pool_load(p);
            let h = if p.serving() == 0 && p.desired > 0 {
                Health::Down
            } else {
                Theme::utilization_health(busiest)
            };
            let count = if p.serving() == p.desired {
                p.serving().to_string()
            } else {
                format!("{}/{}", p.serving(), p.desired)
            };
            (h, format!("{count} {load}"))
        }
        NodeState::Database(db) => {
            let (h, state) = match db.writer {
                Writer::Up => (
                    Theme::utilization_health(db.writer_utilization),
                    percent(db.writer_utilization),
                ),
                Writer::FailingOver { .. } => (Health::Hot, "failover".to_string()),
                Writer::Down { .. } => (Health::Down, "down".to_string()),
            };
            let readers = db
                .replicas
                .as_ref()
                .map_or(String::new(), |r| format!("+{}R ", r.serving()));
            // A copy of another region's database: C until it is promoted and takes writes.
            let node = if db.owns_writes() { "P" } else { "C" };
            (h, format!("{node}{readers}{state}"))
        }
        NodeState::Cache(cache) => {
            let hit = if cache.reads > 0.0 {
                cache.hits / cache.reads
            } else {
                0.0
            };
            let h = if !cache.is_up() {
                Health::Down
            } else if cache.failover_until.is_some() || cache.warmth < 0.5 {
                Health::Busy
            } else {
                Theme::utilization_health(cache.utilization)
            };
            (h, format!("hit {}", percent(hit)))
        }
        NodeState::Queue(q) => {
            let age = q.oldest_age(sim.time() as f64);
            let h = if age > 600.0 {
                Health::Hot
            } else if age > 60.0 {
                Health::Busy
            } else {
                Health::Ok
            };
            (h, format!("{} {}", short_count(q.backlog), short_age(age)))
        }
        NodeState::Dns(_) | NodeState::Managed => (Health::Ok, rate(arrivals(sim, n))),
    };
    if failing && health != Health::Down {
        health = Health::Hot;
    }
    match region {
        Some(r @ (Health::Down | Health::Idle)) => Status {
            health: r,
            figures: if r == Health::Down {
                "region down".into()
            } else {
                idle_figures(sim, n).into()
            },
        },
        _ if sim.component_lost(n) => Status {
            health: Health::Down,
            figures: "lost".into(),
        },
        _ => Status { health, figures },
    }
}

/// What a component of a region that serves no one says: a standby waits to be brought up,
/// another region to fail back.
fn idle_figures(sim: &Simulation, n: NodeId) -> &'static str {
    let arch = sim.arch();
    match arch.graph[n].region {
        Some(r) if arch.regions[r].standby.is_none() => "waiting",
        _ => "standby",
    }
}

/// A database's part in an AZ where it has no writer, standby or reader.
pub const NOTHING_HERE: &str = "·";

/// A component's part in one AZ.
pub fn part_status(sim: &Simulation, n: NodeId, az: AzRef) -> Status {
    let whole = status(sim, n);
    if sim.component_lost(n) && az_health(sim, az) != Health::Down {
        return whole;
    }
    if az_health(sim, az) == Health::Down || whole.health == Health::Idle {
        let figures = if whole.health == Health::Idle {
            idle_figures(sim, n)
        } else {
            "AZ down"
        };
        return Status {
            health: if whole.health == Health::Idle {
                Health::Idle
            } else {
                Health::Down
            },
            figures: figures.into(),
        };
    }
    match sim.node(n) {
        NodeState::Pool(p) => {
            let slot = p.slots.iter().find(|s| s.az == az);
            let serving = slot.map_or(0, |s| s.serving);
            let launching = slot.map_or(0, |s| s.launching());
            let health = if serving == 0 && launching == 0 {
                Health::Down
            } else {
                whole.health
            };
            if serving == 0 && launching == 0 && p.sick.as_ref().is_none_or(|s| s.az != az) {
                // Its share of the load is not 0 % busy or the pool's figure: none is here.
                return Status {
                    health,
                    figures: "0 up".into(),
                };
            }
            let mut figures = if launching > 0 {
                format!("{serving}+{launching}")
            } else {
                format!("{serving}")
            };
            if let Some(sick) = p.sick.as_ref().filter(|s| s.az == az) {
                // One of them is slow, or out of service for failing its health checks.
                figures.push_str(if sick.in_service() { "·slow" } else { "·out" });
            }
            Status {
                health,
                figures: format!("{figures} {}", pool_load(p).1),
            }
        }
        NodeState::Cache(c) => {
            let i = c.azs.iter().position(|&a| a == az);
            let up = i.is_some_and(|i| c.up[i]);
            let role = if i == Some(c.primary) {
                "primary"
            } else {
                "replica"
            };
            Status {
                health: if up { whole.health } else { Health::Down },
                figures: role.into(),
            }
        }
        NodeState::Database(db) => {
            let mut roles = Vec::new();
            let mut health = whole.health;
            let node = if db.owns_writes() { "P" } else { "C" };
            // A failover shows where the writer is being promoted (`P…`), beside the one lost.
            let promoting = match db.writer {
                Writer::FailingOver { to, .. } => Some(to),
                _ => None,
            };
            if db.writer_az == az {
                match db.writer {
                    Writer::Up => roles.push(node.to_string()),
                    Writer::FailingOver { .. } | Writer::Down { .. } => {
                        roles.push(format!("{node}✕"));
                        health = Health::Down;
                    }
                }
            } else if health == Health::Down {
                health = Health::Ok;
            }
            if promoting == Some(az) {
                roles.push(format!("{node}…"));
            }
            match db.standby {
                Standby::Ready(s) if s == az => roles.push("S".into()),
                Standby::Rebuilding { az: s, .. } if s == az => roles.push("S…".into()),
                _ => {}
            }
            if let Some(r) = &db.replicas
                && let Some(slot) = r.slots.iter().find(|s| s.az == az)
                && slot.serving + slot.launching() > 0
            {
                roles.push(format!("R{}", slot.serving));
            }
            if roles.is_empty() {
                roles.push(NOTHING_HERE.into());
            }
            Status {
                health,
                figures: roles.join(" "),
            }
        }
        _ => whole,
    }
}

/// Requests per second along a call edge: what the caller sent, by each class's share.
pub fn edge_rate(sim: &Simulation, from: NodeId, to: NodeId) -> f64 {
    let arch = sim.arch();
    let sent = sim.node_flow(from).sent;
    CLASSES
        .iter()
        .map(|&c| {
            let share: f64 = arch.routes[from.index()]
                .of(c)
                .iter()
                .filter(|h| h.to == to)
                .map(|h| h.share)
                .sum();
            sent[c as usize] * share
        })
        .sum()
}

/// Whether an edge carries users' requests (not only queued jobs) this second.
pub fn carries_users(sim: &Simulation, from: NodeId, to: NodeId) -> bool {
    let arch = sim.arch();
    let sent = sim.node_flow(from).sent;
    crate::arch::USER_CLASSES.iter().any(|&c| {
        sent[c as usize] > 0.0 && arch.routes[from.index()].of(c).iter().any(|h| h.to == to)
    })
}

/// Requests arriving at a component per second (user classes and jobs).
pub fn arrivals(sim: &Simulation, n: NodeId) -> f64 {
    sim.node_flow(n).arrived.iter().sum()
}

/// Failed over arrived at a component in the last second.
pub fn failing_share(sim: &Simulation, n: NodeId) -> f64 {
    let flow = sim.node_flow(n);
    let arrived: f64 = flow.arrived.iter().sum();
    let failed: f64 = flow.failed.iter().sum();
    // Requests that waited from earlier seconds fail too: never more than all of them.
    if arrived > 0.0 {
        (failed / arrived).min(1.0)
    } else {
        0.0
    }
}

/// A component's region and AZs, in words.
pub fn placement(arch: &Architecture, n: NodeId) -> String {
    let c = &arch.graph[n];
    let Some(region) = c.region else {
        return "global".into();
    };
    let r = &arch.regions[region];
    let azs = super::layout::part_azs(arch, n);
    if azs.is_empty() {
        format!("{} (regional)", r.id)
    } else {
        let names: Vec<&str> = azs.iter().map(|a| r.azs[a.az].as_str()).collect();
        format!("{}, AZ {}", r.id, names.join(" "))
    }
}

/// A kind for people: "containers (Kubernetes pods)".
pub fn kind_words(kind: &Kind) -> &'static str {
    match kind {
        Kind::Dns(_) => "DNS (Route 53)",
        Kind::Cdn(_) => "CDN (CloudFront)",
        Kind::ObjectStore(_) => "object storage (S3)",
        Kind::LoadBalancer(_) => "load balancer (ALB)",
        Kind::Pool(p) => match p.role {
            crate::arch::PoolRole::Instances => "instances (EC2)",
            crate::arch::PoolRole::Containers => "containers (pods)",
            crate::arch::PoolRole::Workers => "queue workers",
        },
        Kind::Cache(_) => "cache (ElastiCache)",
        Kind::Queue(_) => "queue (SQS)",
        Kind::Database(_) => "database (RDS/Aurora)",
        Kind::KvStore(_) => "key-value store (DynamoDB)",
    }
}

pub fn percent(x: f64) -> String {
    format!("{:.0}%", (x * 100.0).clamp(0.0, 999.0))
}

/// 950, 9.5k, 95k, 9.5M.
pub fn short_count(x: f64) -> String {
    let x = x.max(0.0);
    if x < 1_000.0 {
        format!("{x:.0}")
    } else if x < 10_000.0 {
        format!("{:.1}k", x / 1e3)
    } else if x < 1e6 {
        format!("{:.0}k", x / 1e3)
    } else if x < 1e7 {
        format!("{:.1}M", x / 1e6)
    } else {
        format!("{:.0}M", x / 1e6)
    }
}

pub fn rate(x: f64) -> String {
    format!("{}/s", short_count(x))
}

/// 0s, 45s, 12m, 3h.
pub fn short_age(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.0}s")
    } else if s < 3600.0 {
        format!("{:.0}m", s / 60.0)
    } else {
        format!("{:.0}h", s / 3600.0)
    }
}

/// How loaded a pool is, and how to say it: a pool whose threads or pooled connections are all
/// taken is as stuck as one whose CPUs are, so it shows the fuller of the two (`full` when the
/// slots are).
fn pool_load(p: &crate::sim::pool::PoolState) -> (f64, String) {
    let slots = p
        .holding
        .threads
        .utilization()
        .max(p.holding.connections.utilization());
    if slots >= 0.99 && slots > p.utilization {
        (slots, "full".to_string())
    } else {
        (p.utilization.max(slots), percent(p.utilization))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use std::sync::Arc;

    #[test]
    fn numbers_read_short() {
        assert_eq!(short_count(950.0), "950");
        assert_eq!(short_count(9_512.0), "9.5k");
        assert_eq!(short_count(41_000.0), "41k");
        assert_eq!(short_count(2_500_000.0), "2.5M");
        assert_eq!(short_age(3_700.0), "1h");
    }

    #[test]
    fn a_killed_az_shows_its_parts_down_and_the_rest_up() {
        let arch = Arc::new(crate::preset::load("1k").unwrap());
        let mut sim = Simulation::new(arch.clone(), 1);
        for _ in 0..30 {
            sim.step();
        }
        sim.apply(&Action::KillAz("a".into())).unwrap();
        sim.step();
        let web = arch.groups().next().unwrap().0;
        let a = arch.find_az("a").unwrap();
        let b = arch.find_az("b").unwrap();
        assert_eq!(part_status(&sim, web, a).health, Health::Down);
        assert_ne!(part_status(&sim, web, b).health, Health::Down);
    }

    /// Seoul back while Tokyo, which took its writes, is lost: it waits to fail back, and says
    /// so rather than "standby"; once Tokyo is back it copies its data back.
    #[test]
    fn a_region_waiting_to_fail_back_is_not_called_a_standby() {
        let arch = Arc::new(crate::preset::load("1m").unwrap());
        let mut sim = Simulation::new(arch.clone(), 1);
        let act = |sim: &mut Simulation, at: u64, action: &str| {
            while sim.time() < at {
                sim.step();
            }
            sim.apply(&action.parse().unwrap()).unwrap();
        };
        act(&mut sim, 300, "kill-region:seoul");
        act(&mut sim, 1_200, "kill-region:tokyo");
        act(&mut sim, 1_800, "restore-region:seoul");
        let app = arch.find("app").unwrap();
        let app_tokyo = arch.find("app-tokyo").unwrap();
        assert_eq!(region_health(&sim, 0), Health::Idle);
        assert_eq!(status(&sim, app).figures, "waiting");
        act(&mut sim, 2_400, "restore-region:tokyo");
        sim.step();
        assert_eq!(region_health(&sim, 0), Health::Busy);
        // A standby region waiting is still a standby.
        let fresh = Simulation::new(arch.clone(), 1);
        assert_eq!(status(&fresh, app_tokyo).figures, "standby");
    }
}
