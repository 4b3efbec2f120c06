//! What a run reports: the per-second metrics line (`--metrics`, JSON Lines) and the run
//! summary (`--json`). Field names are a contract that scripts rely on: extend, never rename.

use crate::arch::{Architecture, Kind, NodeId};
use crate::sim::database::DbState;
use crate::sim::events::Event;
use crate::sim::latency::Histogram;
use crate::sim::{NodeState, Simulation};
use serde::Serialize;
use std::collections::BTreeMap;

mod metrics_json;
pub use metrics_json::{MetricsJson, MetricsSample};

/// Rounds for output: enough digits to read, few enough to diff.
fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Percentiles {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
}

/// One simulated second, as written to `--metrics`.
#[derive(Debug, Serialize)]
pub struct MetricsLine<'a> {
    pub t: u64,
    /// Attempts offered: new requests and retries.
    pub rps_offered: f64,
    /// Retries among them.
    pub rps_retries: f64,
    /// Requests answered in time.
    pub rps_served: f64,
    /// Requests that failed for good.
    pub rps_failed: f64,
    /// Requests per second that succeeded in time (the same as `rps_served`).
    pub goodput: f64,
    /// Retries servers sent to the components they call (not counted in `rps_offered`).
    pub rps_call_retries: f64,
    /// Requests served after their caller had given up: work done for nobody.
    pub rps_wasted: f64,
    /// Reads answered from a replica more than a second behind its writer.
    pub rps_stale: f64,
    pub error_rate: f64,
    /// Every request finished this second, failures at the time they took to fail.
    pub latency_ms: Percentiles,
    /// Answered requests only.
    pub latency_ok_ms: Percentiles,
    /// Instances (pods, replicas) in service per scaling group.
    pub instances: BTreeMap<&'a str, u32>,
    /// Offered work over capacity per component with servers (above 1 is overload).
    pub utilization: BTreeMap<String, f64>,
    /// Threads in use per server pool (Little's law: rate × holding time, callees included).
    pub threads_in_use: BTreeMap<&'a str, f64>,
    /// Pooled database connections in use per server pool.
    pub connections_in_use: BTreeMap<&'a str, f64>,
    /// Hits over reads across caches; `null` when the architecture has no cache.
    pub cache_hit_ratio: Option<f64>,
    /// The database instance taking writes (`<database>-<az>`); `null` during a failover.
    pub db_primary: Option<String>,
    /// Every database's writer instance, or `null` while it cannot take writes.
    pub db_writers: BTreeMap<&'a str, Option<String>>,
    pub healthy_azs: Vec<String>,
    pub queue_backlog: BTreeMap<&'a str, f64>,
    pub queue_oldest_s: BTreeMap<&'a str, f64>,
    /// How far each database's read replicas lag behind its writer (milliseconds).
    pub replica_lag_ms: BTreeMap<&'a str, f64>,
    /// What the architecture costs per hour at this second's size and traffic (US dollars,
    /// On-Demand: see the README's cost section).
    pub cost_per_hour: f64,
}

impl<'a> MetricsLine<'a> {
    pub fn of(sim: &'a Simulation) -> Self {
        let arch = sim.arch();
        let last = sim.last();
        let latency = sim.latency();
        let ms = |v: Option<f64>| v.map(|x| round(x, 2));
        let mut line = MetricsLine {
            t: last.t,
            rps_offered: round(last.offered_total(), 3),
            rps_retries: round(last.retries_total(), 3),
            rps_served: round(last.served, 3),
            rps_failed: round(last.failed, 3),
            goodput: round(last.served, 3),
            rps_call_retries: round(sim.call_retries_last(), 3),
            rps_wasted: round(last.wasted, 3),
            rps_stale: round(last.stale, 3),
            error_rate: round(last.error_rate(), 6),
            latency_ms: Percentiles {
                p50: ms(latency.p50_ms),
                p95: ms(latency.p95_ms),
                p99: ms(latency.p99_ms),
            },
            latency_ok_ms: Percentiles {
                p50: ms(latency.ok_p50_ms),
                p95: ms(latency.ok_p95_ms),
                p99: ms(latency.ok_p99_ms),
            },
            instances: BTreeMap::new(),
            utilization: BTreeMap::new(),
            threads_in_use: BTreeMap::new(),
            connections_in_use: BTreeMap::new(),
            cache_hit_ratio: None,
            db_primary: db_primary(sim),
            db_writers: BTreeMap::new(),
            healthy_azs: arch
                .all_azs()
                .filter(|&az| sim.az_up(az))
                .map(|az| arch.az_name(az))
                .collect(),
            queue_backlog: BTreeMap::new(),
            queue_oldest_s: BTreeMap::new(),
            replica_lag_ms: BTreeMap::new(),
            cost_per_hour: round(last.cost_per_hour, 2),
        };
        let (mut reads, mut hits) = (0.0, 0.0);
        let mut has_cache = false;
        let now = sim.time() as f64;
        for (n, c) in arch.nodes() {
            match sim.node(n) {
                NodeState::Pool(p) => {
                    line.instances.insert(&c.id, p.serving());
                    if !matches!(&c.kind, Kind::Pool(spec) if spec.role == crate::arch::PoolRole::Workers)
                    {
                        let h = &p.holding;
                        line.threads_in_use
                            .insert(&c.id, round(h.threads.in_use, 2));
                        line.connections_in_use
                            .insert(&c.id, round(h.connections.in_use, 2));
                    }
                    line.utilization
                        .insert(c.id.clone(), round(finite(p.utilization), 4));
                }
                NodeState::Database(db) => {
                    line.utilization
                        .insert(c.id.clone(), round(finite(db.writer_utilization), 4));
                    if db.replicas.is_some() {
                        line.replica_lag_ms
                            .insert(&c.id, round(finite(db.replica_lag_ms), 1));
                    }
                    if let (Some(r), Kind::Database(spec)) = (&db.replicas, &c.kind)
                        && let Some(group) = &spec.replicas
                    {
                        line.instances.insert(&group.id, r.serving());
                        line.utilization
                            .insert(group.id.clone(), round(finite(r.utilization), 4));
                    }
                    line.db_writers.insert(&c.id, writer_id(arch, n, db));
                }
                NodeState::Cache(cache) => {
                    has_cache = true;
                    reads += cache.reads;
                    hits += cache.hits;
                    line.utilization
                        .insert(c.id.clone(), round(finite(cache.utilization), 4));
                }
                NodeState::Queue(q) => {
                    line.queue_backlog.insert(&c.id, round(q.backlog, 3));
                    line.queue_oldest_s.insert(&c.id, q.oldest_age(now));
                }
                NodeState::Dns(_) | NodeState::Managed => {}
            }
        }
        if has_cache {
            // With no reads this second, report the hit ratio reads would see.
            line.cache_hit_ratio = Some(round(
                if reads > 0.0 {
                    hits / reads
                } else {
                    current_hit_ratio(sim)
                },
                4,
            ));
        }
        line
    }
}

fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 1e9 }
}

fn current_hit_ratio(sim: &Simulation) -> f64 {
    let arch = sim.arch();
    let ratios: Vec<f64> = arch
        .nodes()
        .filter_map(|(n, c)| match (&c.kind, sim.node(n)) {
            (Kind::Cache(spec), NodeState::Cache(cache)) => Some(cache.hit_ratio(spec)),
            _ => None,
        })
        .collect();
    ratios.iter().sum::<f64>() / ratios.len().max(1) as f64
}

/// `<database>-<az>` of the instance taking writes, or `None` if none can right now.
pub fn writer_id(arch: &Architecture, n: NodeId, db: &DbState) -> Option<String> {
    (db.writer_up() && db.owns_writes()).then(|| {
        let az = db.writer_az;
        format!(
            "{}-{}",
            arch.graph[n].id, arch.regions[az.region].azs[az.az]
        )
    })
}

/// The writer of the main database (the first that owns its writer), or of a copy promoted in
/// its place; `None` while writes cannot be taken.
pub fn db_primary(sim: &Simulation) -> Option<String> {
    let arch = sim.arch();
    for n in primary_candidates(arch) {
        if let NodeState::Database(db) = sim.node(n)
            && let Some(id) = writer_id(arch, n, db)
        {
            return Some(id);
        }
    }
    None
}

/// Where `db_primary` looks, in order: the main database, then its copies.
fn primary_candidates(arch: &Architecture) -> impl Iterator<Item = NodeId> + '_ {
    let main = crate::sim::main_database(arch);
    main.into_iter()
        .chain(arch.nodes().filter_map(move |(n, c)| match &c.kind {
            Kind::Database(db) if main.is_some() && db.replicates_from == main => Some(n),
            _ => None,
        }))
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Requests {
    /// Attempts: new requests and retries.
    pub offered: u64,
    /// Retries among the attempts.
    pub retries: u64,
    pub served: u64,
    pub failed: u64,
    /// Still waiting in a queue when the run ended.
    pub in_flight: u64,
    /// Reads answered from a replica more than a second behind its writer (part of `served`).
    pub stale: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Latency {
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

impl Latency {
    fn of(h: &Histogram) -> Self {
        let ms = |v: Option<f64>| v.map(|s| round(s * 1e3, 2));
        Latency {
            mean: ms(h.mean()),
            p50: ms(h.quantile(0.5)),
            p95: ms(h.quantile(0.95)),
            p99: ms(h.quantile(0.99)),
            max: ms((h.total > 0.0).then_some(h.max)),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SloTarget {
    pub p99_ms: f64,
    pub availability: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Injected {
    /// Simulated second at which the action was applied.
    pub t: u64,
    pub action: String,
}

/// The `--json` summary of a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub preset: String,
    pub seed: u64,
    pub duration_s: u64,
    pub users: f64,
    pub requests: Requests,
    pub availability: f64,
    /// Every request users made, failures at the time they took to fail: what users waited.
    pub latency_ms: Latency,
    /// Answered requests only.
    pub latency_ok_ms: Latency,
    pub slo: SloTarget,
    pub slo_met: bool,
    /// Seconds during which the SLO was missed over its one-minute window.
    pub slo_breached_s: u64,
    /// Acknowledged writes lost with a region: the writes of its last replication lag, which
    /// never reached the copy promoted elsewhere.
    pub writes_lost: u64,
    /// What the run cost (On-Demand, US dollars).
    pub cost: Cost,
    pub injections: Vec<Injected>,
    pub events: Vec<Event>,
}

/// The `cost` object of the `--json` summary.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cost {
    /// The mean rate over the run, and a day at that rate.
    pub usd_per_hour: f64,
    pub usd_per_day: f64,
    /// The most expensive second's rate (peak traffic, scaled out).
    pub peak_usd_per_hour: f64,
    /// The whole run.
    pub usd_total: f64,
    /// The run's cost over the requests it answered, per million; `null` if none was.
    pub usd_per_million_requests: Option<f64>,
}

impl Cost {
    fn of(totals: &crate::sim::Totals, duration_s: u64) -> Self {
        let hours = duration_s as f64 / 3_600.0;
        let per_hour = if hours > 0.0 {
            totals.cost_usd / hours
        } else {
            0.0
        };
        Cost {
            usd_per_hour: round(per_hour, 2),
            usd_per_day: round(per_hour * 24.0, 2),
            peak_usd_per_hour: round(totals.peak_cost_per_hour, 2),
            usd_total: round(totals.cost_usd, 2),
            usd_per_million_requests: totals.cost_per_million_requests().map(|c| round(c, 4)),
        }
    }
}

impl Summary {
    pub fn of(sim: &Simulation, injections: Vec<Injected>) -> Self {
        let arch = sim.arch();
        let totals = sim.totals();
        let availability = totals.availability();
        // The p99 holds when no more than 1 % of finished requests were slower than the target.
        let finished = totals.served + totals.failed;
        let slow_share = if finished > 0.0 {
            totals.slow / finished
        } else {
            0.0
        };
        Summary {
            preset: arch.name.clone(),
            seed: sim.seed(),
            duration_s: sim.time(),
            users: arch.traffic.users,
            requests: Requests {
                offered: totals.offered.round() as u64,
                retries: totals.retries.round() as u64,
                served: totals.served.round() as u64,
                failed: totals.failed.round() as u64,
                in_flight: sim.queued_requests().round() as u64,
                stale: totals.stale.round() as u64,
            },
            availability: round(availability, 6),
            latency_ms: Latency::of(&totals.latency),
            latency_ok_ms: Latency::of(&totals.latency_ok),
            slo: SloTarget {
                p99_ms: arch.slo.p99_ms,
                availability: arch.slo.availability,
            },
            slo_met: availability >= arch.slo.availability && slow_share <= 0.01,
            slo_breached_s: totals.breached_s,
            writes_lost: totals.writes_lost.round() as u64,
            cost: Cost::of(totals, sim.time()),
            injections,
            events: sim.events().to_vec(),
        }
    }
}
