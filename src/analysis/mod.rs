//! `archtui analyze`: the blast radius of every failure domain, and where the graph alone would
//! have guessed differently.
//!
//! One run warms the architecture up to its peak hour; every failure domain then starts from a
//! copy of that state (same seed, same traffic), loses the domain, and runs an hour beside a
//! copy that loses nothing. The domains and the capacity search's days run on every core;
//! each is a pure function of the preset, the seed and its fault or users, so the report is
//! the same whatever the number of threads.

pub mod capacity;
pub mod diff;
pub mod domains;
pub mod graph;
pub mod render;
pub mod story;

use crate::arch::{Architecture, Kind, NodeId};
use crate::sim::Simulation;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// How long each fault is watched (seconds).
pub const WINDOW_S: u64 = 3_600;
/// The shortest warm-up before the fault (seconds): queues and scaling settle first.
const SETTLE_S: u64 = 600;
/// "Most requests fail for minutes": at least half of those that need the application (all
/// but static files, which a CDN may go on serving), for two minutes running.
const DOWN_SHARE: f64 = 0.5;
const DOWN_FOR_S: u64 = 120;
/// A second counts as unhealthy above this error rate (as events do).
const UNHEALTHY_ERRORS: f64 = 0.001;

/// What losing a domain did to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Most requests that need the application fail, for minutes.
    Down,
    /// The SLO breaks (errors or p99 over the last minute).
    Breach,
    /// The SLO holds.
    Absorbed,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Down => "down",
            Verdict::Breach => "breach",
            Verdict::Absorbed => "absorbed",
        }
    }
}

/// What an hour looked like to users.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hour {
    /// Answered over finished requests.
    pub availability: f64,
    /// The slowest minute's p99 (the mean of its seconds' p99, milliseconds).
    pub worst_minute_p99_ms: f64,
    /// Failed requests over all, in minutes of a total outage: Σ error rate / 60.
    pub error_minutes: f64,
    /// Seconds in which the SLO over the last minute was missed.
    pub slo_missed_s: u64,
}

/// One failure domain's result.
#[derive(Debug, Clone, Serialize)]
pub struct DomainResult {
    pub name: String,
    pub action: String,
    pub component: Option<String>,
    pub verdict: Verdict,
    #[serde(flatten)]
    pub hour: Hour,
    /// Seconds from the fault until users were fine for good (errors under 0.1 % and the SLO
    /// met over the last minute); `None` when not within the hour.
    pub recovered_after_s: Option<u64>,
    /// Seconds from the fault until errors were under 0.1 % for good (latency may take
    /// longer); `None` when not within the hour.
    pub errors_over_after_s: Option<u64>,
}

impl DomainResult {
    /// Whether it lost a whole component: for a single point that is down but where another
    /// region takes over, so left out where the question is what failing parts do (the
    /// disagreements with the graph, the tier story, the dashboard's markers).
    pub fn is_whole_component(&self) -> bool {
        self.action.starts_with("kill-component:")
    }
}

/// A component the graph puts on every path to some data, and what the simulation says.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub component: String,
    pub why: String,
}

/// The whole analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub preset: String,
    /// The users the architecture is built for (its preset's, or `--set`'s).
    pub users: f64,
    pub seed: u64,
    /// Simulated seconds from the start to the fault (the preset's peak hour).
    pub fault_at_s: u64,
    pub window_s: u64,
    /// The same hour without a fault.
    pub baseline: Hour,
    /// Worst first: by verdict, then error-minutes, then p99.
    pub domains: Vec<DomainResult>,
    /// What the graph alone says: components on every path from the entry to some data.
    pub graph_single_points: Vec<String>,
    /// Where the graph and the simulation disagree, and why.
    pub disagreements: Vec<Disagreement>,
    /// The most users it holds over a day, what breaks first, and each component's room.
    pub capacity: capacity::Capacity,
}

/// Analyses `arch` at `seed` on `threads` threads, calling `progress(done, total)` as domains
/// finish (the capacity search runs beside them).
pub fn analyze(
    arch: Arc<Architecture>,
    seed: u64,
    threads: usize,
    progress: impl Fn(usize, usize) + Sync,
) -> Report {
    pool(threads).install(|| analyze_here(arch, seed, &progress))
}

/// A pool of `threads` workers for the runs of an analysis.
pub(crate) fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("a thread pool starts")
}

/// `analyze` on the current rayon pool. The capacity search's day at the preset's own users
/// is the warm-up: when it reaches the peak it hands a copy over, and the failure domains run
/// from it while the search goes on.
pub(crate) fn analyze_here(
    arch: Arc<Architecture>,
    seed: u64,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Report {
    let fault_at_s = seconds_to_peak(&arch);
    let domains = domains::of(&arch);
    let total = domains.len() + 1;
    let done = AtomicUsize::new(0);
    let watched: OnceLock<Vec<Watched>> = OnceLock::new();
    let mut capacity = None;
    rayon::scope(|scope| {
        let hand_over = |warm: Simulation| {
            let (domains, watched, done) = (&domains, &watched, &done);
            scope.spawn(move |_| {
                // Index 0 is the baseline; domain i is index i + 1.
                let all = (0..total)
                    .into_par_iter()
                    .map(|i| {
                        let mut sim = warm.clone();
                        if i > 0 {
                            sim.apply(&domains[i - 1].action)
                                .expect("domains are checked against the architecture");
                        }
                        let w = watch(sim);
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                        w
                    })
                    .collect();
                watched.set(all).ok().expect("handed over once");
            });
        };
        let warm = capacity::WarmUp {
            at_s: fault_at_s,
            hand_over: &hand_over,
        };
        capacity = Some(capacity::search(&arch, seed, warm));
    });
    let capacity = capacity.expect("the search ran");
    let mut results = watched
        .into_inner()
        .expect("the warm-up was handed over")
        .into_iter();
    let baseline = results.next().expect("the baseline").hour;
    let mut out: Vec<DomainResult> = domains
        .iter()
        .zip(results)
        .map(|(d, w)| DomainResult {
            name: d.name.clone(),
            action: d.action.to_string(),
            component: d.component.map(|n| arch.graph[n].id.clone()),
            verdict: if w.down {
                Verdict::Down
            } else if w.hour.slo_missed_s > 0 {
                Verdict::Breach
            } else {
                Verdict::Absorbed
            },
            hour: w.hour,
            recovered_after_s: w.recovered_after_s,
            errors_over_after_s: w.errors_over_after_s,
        })
        .collect();
    out.sort_by(|a, b| {
        a.verdict
            .cmp(&b.verdict)
            .then(b.hour.error_minutes.total_cmp(&a.hour.error_minutes))
            .then(
                b.hour
                    .worst_minute_p99_ms
                    .total_cmp(&a.hour.worst_minute_p99_ms),
            )
            .then(a.name.cmp(&b.name))
    });
    let points = graph::single_points(&arch);
    let disagreements = disagreements(&arch, &points, &out);
    Report {
        preset: arch.name.clone(),
        users: arch.traffic.users,
        seed,
        fault_at_s,
        window_s: WINDOW_S,
        baseline,
        domains: out,
        graph_single_points: points.iter().map(|&n| arch.graph[n].id.clone()).collect(),
        disagreements,
        capacity,
    }
}

/// Seconds from the start of a run to its preset's peak hour, after a settling time.
fn seconds_to_peak(arch: &Architecture) -> u64 {
    let traffic = &arch.traffic;
    // The busiest minute of the day.
    let peak_minute = (0..1_440u32)
        .max_by(|&a, &b| {
            traffic
                .curve(f64::from(a) / 60.0)
                .total_cmp(&traffic.curve(f64::from(b) / 60.0))
        })
        .unwrap_or(0);
    let start_minute = (traffic.start_hour * 60.0).round() as u64;
    let mut to_peak = (u64::from(peak_minute) + 1_440 - start_minute % 1_440) % 1_440 * 60;
    if to_peak < SETTLE_S {
        to_peak += 86_400;
    }
    to_peak
}

/// What one hour looked like, as `watch` saw it.
struct Watched {
    hour: Hour,
    recovered_after_s: Option<u64>,
    errors_over_after_s: Option<u64>,
    /// Whether most requests that need the application failed for minutes.
    down: bool,
}

/// Seconds until the last bad second is over: 0 if there was none, `None` if the hour ended
/// on one.
fn over_after(last_bad: Option<u64>) -> Option<u64> {
    match last_bad {
        None => Some(0),
        Some(s) if s < WINDOW_S => Some(s),
        Some(_) => None,
    }
}

/// Runs `sim` for the window and sums up what users saw.
fn watch(mut sim: Simulation) -> Watched {
    let slo = sim.arch().slo;
    let (mut served, mut failed, mut error_minutes) = (0.0, 0.0, 0.0);
    let (mut minute_p99, mut worst_minute_p99_ms) = (0.0, 0.0f64);
    let (mut slo_missed_s, mut last_unhealthy, mut down_run, mut down) = (0, None, 0, false);
    let mut last_errors = None;
    for s in 1..=WINDOW_S {
        sim.step();
        let second = sim.last();
        served += second.served;
        failed += second.failed;
        let errors = second.error_rate();
        error_minutes += errors / 60.0;
        let p99 = sim.p99_ms().unwrap_or(0.0);
        minute_p99 += p99 / 60.0;
        if s % 60 == 0 {
            worst_minute_p99_ms = worst_minute_p99_ms.max(minute_p99);
            minute_p99 = 0.0;
        }
        let (availability, slow_share) = sim.slo_window().state();
        let missed = availability < slo.availability || slow_share > 0.01;
        slo_missed_s += u64::from(missed);
        // A single slow second is noise; the SLO over the last minute is what counts.
        if errors > UNHEALTHY_ERRORS || missed {
            last_unhealthy = Some(s);
        }
        if errors > UNHEALTHY_ERRORS {
            last_errors = Some(s);
        }
        let offered = second.offered;
        let all: f64 = offered.iter().sum();
        let dynamic = if all > 0.0 {
            1.0 - offered[crate::arch::Class::Static as usize] / all
        } else {
            1.0
        };
        down_run = if errors >= DOWN_SHARE * dynamic && errors > 0.0 {
            down_run + 1
        } else {
            0
        };
        down |= down_run >= DOWN_FOR_S;
    }
    let hour = Hour {
        availability: if served + failed > 0.0 {
            served / (served + failed)
        } else {
            1.0
        },
        worst_minute_p99_ms,
        error_minutes,
        slo_missed_s,
    };
    Watched {
        hour,
        recovered_after_s: over_after(last_unhealthy),
        errors_over_after_s: over_after(last_errors),
        down,
    }
}

/// The verdicts of the domains that lose part of `component` (or, with `whole`, all of it).
pub fn verdicts_of<'a>(
    results: &'a [DomainResult],
    component: &'a str,
    whole: bool,
) -> impl Iterator<Item = Verdict> + 'a {
    results
        .iter()
        .filter(move |r| {
            r.component.as_deref() == Some(component) && r.is_whole_component() == whole
        })
        .map(|r| r.verdict)
}

/// Components the graph puts on every path to data whose loss the simulation absorbs or
/// cannot take alone, and why.
fn disagreements(
    arch: &Architecture,
    points: &[NodeId],
    results: &[DomainResult],
) -> Vec<Disagreement> {
    let mut out = Vec::new();
    for &n in points {
        let c = &arch.graph[n];
        // Losing a single point whole is down unless another region takes over: what tells the
        // graph and the simulation apart is what losing a part of it (an instance, an AZ's
        // share, its writer) does.
        let verdicts: Vec<Verdict> = verdicts_of(results, &c.id, false).collect();
        let why = if verdicts.is_empty() {
            match c.kind {
                Kind::LoadBalancer(_)
                | Kind::KvStore(_)
                | Kind::ObjectStore(_)
                | Kind::Cdn(_)
                | Kind::Queue(_) => {
                    let whole = verdicts_of(results, &c.id, true)
                        .min()
                        .map_or(String::new(), |v| {
                            format!("; lost as a whole (`all of {}`) it is {}", c.id, v.as_str())
                        });
                    format!(
                        "a managed service spread over its region's AZs: no AZ or instance loss takes it down{whole}"
                    )
                }
                _ => "no single failure domain takes it down alone".to_string(),
            }
        } else if verdicts.contains(&Verdict::Down) {
            continue; // the two agree
        } else {
            match &c.kind {
                Kind::Database(_) => {
                    "one node on the graph, but a standby or replica takes its writes over"
                        .to_string()
                }
                Kind::Pool(_) => {
                    "one node on the graph for a whole group: the others take a lost instance's share"
                        .to_string()
                }
                Kind::Cache(_) => {
                    "its reads fall through to the database, which holds them".to_string()
                }
                _ => "its loss is absorbed".to_string(),
            }
        };
        out.push(Disagreement {
            component: c.id.clone(),
            why,
        });
    }
    out
}
