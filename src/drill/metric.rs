//! What a drill condition can measure, read from the simulation once per second, with the same
//! meaning as the `--metrics` fields of the same name.

use crate::arch::{Architecture, Kind, NodeId};
use crate::headless::{count, millis};
use crate::sim::{NodeState, Simulation};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    ErrorRate,
    Availability,
    P50Ms,
    P95Ms,
    P99Ms,
    RpsOffered,
    RpsServed,
    RpsFailed,
    /// Retries per second among the attempts offered.
    RpsRetries,
    /// Retries over attempts offered.
    RetryShare,
    /// Requests per second answered in time.
    Goodput,
    /// Requests per second served after their caller gave up.
    RpsWasted,
    /// Requests per second arriving at one component.
    RpsAt,
    Instances,
    Utilization,
    CacheHitRatio,
    QueueBacklog,
    QueueAgeS,
    HealthyAzs,
}

/// Whether a metric names a component: never, optionally (else all of its kind), or always.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    Optional,
    Required,
}

impl MetricKind {
    pub const ALL: [MetricKind; 19] = [
        MetricKind::ErrorRate,
        MetricKind::Availability,
        MetricKind::P50Ms,
        MetricKind::P95Ms,
        MetricKind::P99Ms,
        MetricKind::RpsOffered,
        MetricKind::RpsServed,
        MetricKind::RpsFailed,
        MetricKind::RpsRetries,
        MetricKind::RetryShare,
        MetricKind::Goodput,
        MetricKind::RpsWasted,
        MetricKind::RpsAt,
        MetricKind::Instances,
        MetricKind::Utilization,
        MetricKind::CacheHitRatio,
        MetricKind::QueueBacklog,
        MetricKind::QueueAgeS,
        MetricKind::HealthyAzs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::ErrorRate => "error_rate",
            MetricKind::Availability => "availability",
            MetricKind::P50Ms => "p50_ms",
            MetricKind::P95Ms => "p95_ms",
            MetricKind::P99Ms => "p99_ms",
            MetricKind::RpsOffered => "rps_offered",
            MetricKind::RpsServed => "rps_served",
            MetricKind::RpsFailed => "rps_failed",
            MetricKind::RpsRetries => "rps_retries",
            MetricKind::RetryShare => "retry_share",
            MetricKind::Goodput => "goodput",
            MetricKind::RpsWasted => "rps_wasted",
            MetricKind::RpsAt => "rps_at",
            MetricKind::Instances => "instances",
            MetricKind::Utilization => "utilization",
            MetricKind::CacheHitRatio => "cache_hit_ratio",
            MetricKind::QueueBacklog => "queue_backlog",
            MetricKind::QueueAgeS => "queue_age_s",
            MetricKind::HealthyAzs => "healthy_azs",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown metric `{text}` (metrics: {})", names.join(", "))
            })
    }

    /// Shares between 0 and 1: bounds above 1 are mistakes (1 % is 0.01).
    pub fn is_fraction(self) -> bool {
        matches!(
            self,
            MetricKind::ErrorRate
                | MetricKind::Availability
                | MetricKind::CacheHitRatio
                | MetricKind::RetryShare
        )
    }

    /// Rates whose mean is taken over requests rather than over seconds.
    fn weighted(self) -> bool {
        matches!(
            self,
            MetricKind::ErrorRate | MetricKind::Availability | MetricKind::RetryShare
        )
    }

    fn needs(self) -> Needs {
        match self {
            MetricKind::RpsAt | MetricKind::Instances | MetricKind::Utilization => Needs::Required,
            MetricKind::CacheHitRatio | MetricKind::QueueBacklog | MetricKind::QueueAgeS => {
                Needs::Optional
            }
            _ => Needs::Nothing,
        }
    }

    /// A value in this metric's unit, for people.
    pub fn format(self, v: f64) -> String {
        match self {
            MetricKind::ErrorRate | MetricKind::CacheHitRatio | MetricKind::RetryShare => {
                percent(v)
            }
            MetricKind::Availability => format!("{:.3}%", v * 100.0),
            MetricKind::Utilization => format!("{:.0}%", v * 100.0),
            MetricKind::P50Ms | MetricKind::P95Ms | MetricKind::P99Ms => millis(Some(v)),
            MetricKind::RpsOffered
            | MetricKind::RpsServed
            | MetricKind::RpsFailed
            | MetricKind::RpsRetries
            | MetricKind::Goodput
            | MetricKind::RpsWasted
            | MetricKind::RpsAt => format!("{} rps", count(v.round() as u64)),
            MetricKind::Instances | MetricKind::HealthyAzs => format!("{v:.0}"),
            MetricKind::QueueBacklog => count(v.round() as u64),
            MetricKind::QueueAgeS => format!("{v:.0} s"),
        }
    }
}

/// Small shares keep their digits: 0.012%, 2.42%, 40%.
fn percent(v: f64) -> String {
    let p = v * 100.0;
    let text = if p >= 10.0 || p == 0.0 {
        format!("{p:.1}")
    } else if p >= 1.0 {
        format!("{p:.2}")
    } else {
        format!("{p:.3}")
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    format!("{text}%")
}

/// A metric, bound to the component it reads (checked against the architecture).
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub kind: MetricKind,
    pub component: Option<String>,
    target: Option<NodeId>,
}

/// One second's value of a metric, and how much it weighs in a mean (requests for rates).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub value: Option<f64>,
    pub weight: f64,
}

impl Metric {
    /// Checks that the metric makes sense for `arch` and finds its component.
    pub fn new(
        kind: MetricKind,
        component: Option<&str>,
        arch: &Architecture,
    ) -> Result<Self, String> {
        let name = kind.as_str();
        let target = match (kind.needs(), component) {
            (Needs::Nothing, Some(_)) => {
                return Err(format!(
                    "`{name}` is measured for the whole service: it takes no `component`"
                ));
            }
            (Needs::Required, None) => {
                let choices = candidates(kind, arch);
                return Err(format!(
                    "`{name}` needs a `component` ({})",
                    list_or_none(&choices)
                ));
            }
            (Needs::Optional, None) => {
                if candidates(kind, arch).is_empty() {
                    return Err(format!(
                        "preset {} has no {} to measure `{name}` on",
                        arch.name,
                        what(kind)
                    ));
                }
                None
            }
            (_, Some(id)) => {
                let choices = candidates(kind, arch);
                if !choices.iter().any(|c| c == id) {
                    return Err(format!(
                        "no {} `{id}` in preset {} to measure `{name}` on ({})",
                        what(kind),
                        arch.name,
                        list_or_none(&choices)
                    ));
                }
                Some(node_of(arch, id).ok_or_else(|| format!("no component `{id}`"))?)
            }
            (Needs::Nothing, None) => None,
        };
        Ok(Self {
            kind,
            component: component.map(str::to_string),
            target,
        })
    }

    /// `p99_ms`, `instances of web`.
    pub fn label(&self) -> String {
        match &self.component {
            Some(c) => format!("{} of {c}", self.kind.as_str()),
            None => self.kind.as_str().to_string(),
        }
    }

    /// Reads the second just simulated.
    pub fn sample(&self, sim: &Simulation) -> Sample {
        let last = sim.last();
        let finished = last.served + last.failed;
        let plain = |value: Option<f64>| Sample { value, weight: 1.0 };
        match self.kind {
            MetricKind::ErrorRate => Sample {
                value: Some(last.error_rate()),
                weight: finished,
            },
            MetricKind::Availability => Sample {
                value: Some(1.0 - last.error_rate()),
                weight: finished,
            },
            MetricKind::P50Ms => plain(sim.latency().p50_ms),
            MetricKind::P95Ms => plain(sim.latency().p95_ms),
            MetricKind::P99Ms => plain(sim.p99_ms()),
            MetricKind::RpsOffered => plain(Some(last.offered_total())),
            MetricKind::RpsServed => plain(Some(last.served)),
            MetricKind::RpsFailed => plain(Some(last.failed)),
            MetricKind::RpsRetries => plain(Some(last.retries_total())),
            MetricKind::RetryShare => Sample {
                value: Some(last.retry_share()),
                weight: last.offered_total(),
            },
            MetricKind::Goodput => plain(Some(last.served)),
            MetricKind::RpsWasted => plain(Some(last.wasted)),
            MetricKind::HealthyAzs => plain(Some(
                sim.arch().all_azs().filter(|&az| sim.az_up(az)).count() as f64,
            )),
            MetricKind::RpsAt => plain(
                self.target
                    .map(|n| sim.node_flow(n).arrived.iter().sum::<f64>()),
            ),
            MetricKind::Instances => plain(self.group(sim).map(|p| f64::from(p.serving()))),
            MetricKind::Utilization => plain(self.utilization(sim).map(finite)),
            MetricKind::CacheHitRatio => plain(self.hit_ratio(sim)),
            MetricKind::QueueBacklog => plain(Some(self.queues(sim).map(|q| q.backlog).sum())),
            MetricKind::QueueAgeS => {
                let now = sim.time() as f64;
                plain(Some(
                    self.queues(sim)
                        .map(|q| q.oldest_age(now))
                        .fold(0.0, f64::max),
                ))
            }
        }
    }

    /// The pool a group name stands for: the pool itself, or a database's replicas.
    fn group<'a>(&self, sim: &'a Simulation) -> Option<&'a crate::sim::pool::PoolState> {
        let n = self.target?;
        match (sim.node(n), &sim.arch().graph[n].kind) {
            (NodeState::Pool(p), _) => Some(p),
            (NodeState::Database(db), Kind::Database(_)) => db.replicas.as_ref(),
            _ => None,
        }
    }

    fn utilization(&self, sim: &Simulation) -> Option<f64> {
        let n = self.target?;
        let is_replicas = self.component.as_deref() != Some(sim.arch().graph[n].id.as_str());
        match sim.node(n) {
            NodeState::Pool(p) => Some(p.utilization),
            NodeState::Database(db) if is_replicas => db.replicas.as_ref().map(|r| r.utilization),
            NodeState::Database(db) => Some(db.writer_utilization),
            NodeState::Cache(c) => Some(c.utilization),
            _ => None,
        }
    }

    /// Hits over reads this second, or the ratio reads would see when there were none (as
    /// `--metrics` reports it).
    fn hit_ratio(&self, sim: &Simulation) -> Option<f64> {
        let arch = sim.arch();
        let (mut reads, mut hits, mut ratios, mut caches) = (0.0, 0.0, 0.0, 0.0);
        for (n, c) in arch.nodes() {
            if self.target.is_some_and(|t| t != n) {
                continue;
            }
            if let (Kind::Cache(spec), NodeState::Cache(cache)) = (&c.kind, sim.node(n)) {
                reads += cache.reads;
                hits += cache.hits;
                ratios += cache.hit_ratio(spec);
                caches += 1.0;
            }
        }
        match (caches > 0.0, reads > 0.0) {
            (false, _) => None,
            (true, true) => Some(hits / reads),
            (true, false) => Some(ratios / caches),
        }
    }

    /// The queue named, or every queue.
    fn queues<'a>(
        &'a self,
        sim: &'a Simulation,
    ) -> impl Iterator<Item = &'a crate::sim::queue::QueueState> {
        sim.arch()
            .nodes()
            .filter_map(move |(n, _)| match sim.node(n) {
                NodeState::Queue(q) if self.target.is_none_or(|t| t == n) => Some(q),
                _ => None,
            })
    }

    pub fn weighted(&self) -> bool {
        self.kind.weighted()
    }
}

fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 1e9 }
}

fn what(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Instances => "scaling group",
        MetricKind::Utilization => "component with servers",
        MetricKind::CacheHitRatio => "cache",
        MetricKind::QueueBacklog | MetricKind::QueueAgeS => "queue",
        _ => "component",
    }
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "the preset has none".into()
    } else {
        ids.join(", ")
    }
}

/// The component ids a metric may name in `arch`.
fn candidates(kind: MetricKind, arch: &Architecture) -> Vec<String> {
    let of_kind = |pred: fn(&Kind) -> bool| -> Vec<String> {
        arch.nodes()
            .filter(|(_, c)| pred(&c.kind))
            .map(|(_, c)| c.id.clone())
            .collect()
    };
    match kind {
        MetricKind::Instances => arch.groups().map(|(_, id)| id).collect(),
        MetricKind::Utilization => {
            let mut ids =
                of_kind(|k| matches!(k, Kind::Pool(_) | Kind::Database(_) | Kind::Cache(_)));
            ids.extend(
                arch.groups()
                    .map(|(_, id)| id)
                    .filter(|id| !ids.contains(id))
                    .collect::<Vec<_>>(),
            );
            ids
        }
        MetricKind::CacheHitRatio => of_kind(|k| matches!(k, Kind::Cache(_))),
        MetricKind::QueueBacklog | MetricKind::QueueAgeS => {
            of_kind(|k| matches!(k, Kind::Queue(_)))
        }
        _ => arch.nodes().map(|(_, c)| c.id.clone()).collect(),
    }
}

/// The node an id stands for: a component, or the database owning a replica group.
fn node_of(arch: &Architecture, id: &str) -> Option<NodeId> {
    arch.find(id)
        .or_else(|| arch.groups().find(|(_, g)| g == id).map(|(n, _)| n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::MetricsLine;
    use std::sync::Arc;

    fn sim(preset: &str, seconds: u64) -> Simulation {
        let arch = Arc::new(crate::preset::load(preset).unwrap());
        let mut sim = Simulation::new(arch, 3);
        for _ in 0..seconds {
            sim.step();
        }
        sim
    }

    #[test]
    fn samples_agree_with_the_metrics_line() {
        let sim = sim("100k", 30);
        let arch = sim.arch().clone();
        let line = serde_json::to_value(MetricsLine::of(&sim)).unwrap();
        let read = |kind, component: Option<&str>| {
            Metric::new(kind, component, &arch)
                .unwrap()
                .sample(&sim)
                .value
                .unwrap()
        };
        let close = |a: f64, b: f64| (a - b).abs() < 1e-3 * b.abs().max(1.0);
        assert!(close(
            read(MetricKind::ErrorRate, None),
            line["error_rate"].as_f64().unwrap()
        ));
        assert!(close(
            read(MetricKind::P99Ms, None),
            line["latency_ms"]["p99"].as_f64().unwrap()
        ));
        assert!(close(
            read(MetricKind::CacheHitRatio, None),
            line["cache_hit_ratio"].as_f64().unwrap()
        ));
        for group in ["app", "workers", "db-replicas"] {
            assert_eq!(
                read(MetricKind::Instances, Some(group)),
                line["instances"][group].as_f64().unwrap(),
                "{group}"
            );
            assert!(close(
                read(MetricKind::Utilization, Some(group)),
                line["utilization"][group].as_f64().unwrap()
            ));
        }
        assert!(close(
            read(MetricKind::Utilization, Some("db")),
            line["utilization"]["db"].as_f64().unwrap()
        ));
        assert!(close(
            read(MetricKind::QueueAgeS, Some("queue")),
            line["queue_oldest_s"]["queue"].as_f64().unwrap()
        ));
        assert!(read(MetricKind::RpsAt, Some("alb")) > 0.0);
    }

    #[test]
    fn metrics_refuse_components_they_cannot_measure() {
        let arch = crate::preset::load("100").unwrap();
        let err = |kind, c| Metric::new(kind, c, &arch).unwrap_err();
        assert!(err(MetricKind::ErrorRate, Some("web")).contains("takes no `component`"));
        assert!(err(MetricKind::Instances, None).contains("needs a `component` (web)"));
        assert!(err(MetricKind::Instances, Some("db")).contains("no scaling group `db`"));
        assert!(err(MetricKind::CacheHitRatio, None).contains("has no cache"));
        assert!(
            MetricKind::parse("p98_ms")
                .unwrap_err()
                .contains("unknown metric")
        );
    }

    #[test]
    fn values_read_in_their_units() {
        assert_eq!(MetricKind::ErrorRate.format(0.00012), "0.012%");
        assert_eq!(MetricKind::ErrorRate.format(0.4), "40%");
        assert_eq!(MetricKind::ErrorRate.format(0.0242), "2.42%");
        assert_eq!(MetricKind::ErrorRate.format(0.001), "0.1%");
        assert_eq!(MetricKind::CacheHitRatio.format(0.0), "0%");
        assert_eq!(MetricKind::Availability.format(0.9995), "99.950%");
        assert_eq!(MetricKind::P99Ms.format(2_400.0), "2.4 s");
        assert_eq!(MetricKind::QueueBacklog.format(29_229.3), "29,229");
    }
}
