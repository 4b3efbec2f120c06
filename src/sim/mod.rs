//! The simulation: a pure, deterministic model of an architecture under traffic and faults.
//!
//! No terminal, no wall clock, no global randomness: [`Simulation::step`] advances one simulated
//! second, [`Simulation::apply`] injects an action, and the same architecture, seed and actions
//! at the same times give the same numbers, bit for bit. Each second runs in a fixed order:
//!
//! 1. timed faults that end now are lifted;
//! 2. the infrastructure reacts to what it saw so far (launches finish, health checks run,
//!    failovers progress, scaling rules act) — see `react.rs`;
//! 3. this second's traffic flows through the graph, callers before callees — see `flow.rs`;
//! 4. each pool learns how long its callees took (its threads' holding time) — `held.rs`;
//! 5. users' clients settle their failures into retries and final failures, latency is
//!    sampled and the second's metrics and SLO window are updated — see `measure.rs`;
//! 6. alarms name what is failing when no fault does it directly — see `alarms.rs`.
//!
//! The cost of a step depends on the number of components, never on the request rate.

mod alarms;
pub mod cache;
mod call_retry;
mod cost;
pub mod database;
pub mod dns;
pub mod events;
mod fail_back;
mod faults;
mod fifo_age;
mod float;
mod flow;
mod give_up;
pub mod held;
pub mod latency;
pub mod latency_window;
mod lost_writes;
mod measure;
mod order_statistics;
mod outages;
pub mod partitions;
pub mod pool;
pub mod popularity;
pub mod queue;
pub mod queueing;
mod react;
pub mod retry;
pub mod rng;
mod roots;
mod shared_writer;
pub mod sick;
mod standby;
pub mod station;
mod transient;
pub mod wait;
mod worker_loop;

use crate::arch::{Architecture, AzRef, Kind, NodeId, PerClass, PoolRole};
use cache::CacheState;
use database::DbState;
use dns::DnsState;
use events::{Event, Events};
use latency::Step;
use latency_window::LatencyWindow;
use pool::{Detection, PoolState};
use queue::QueueState;
use rng::{SimRng, Stream};
use std::sync::Arc;

pub use faults::main_database;
pub use measure::{Latency, Second, SloWindow, Totals};

/// The simulation advances in steps of one simulated second.
pub const DT: f64 = 1.0;

/// What the simulation keeps for each component.
// One per component, allocated once and stepped in place: a smaller enum would save a few
// kilobytes at most, and boxing would cost a pointer chase per component per second.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum NodeState {
    Dns(DnsState),
    /// CDN, object store, key-value store, load balancer: managed services whose health is
    /// their region's.
    Managed,
    Pool(PoolState),
    Cache(CacheState),
    Queue(QueueState),
    Database(DbState),
}

/// What a component's state machine needs to react: the time, its own id (for events), which
/// AZs are up, and the event log.
pub struct Ctx<'a> {
    pub t: f64,
    pub id: &'a str,
    pub az_up: &'a dyn Fn(AzRef) -> bool,
    pub events: &'a mut Events,
}

/// A fault that lasts until a given second (or until restored when `None`).
#[derive(Debug, Clone, Copy)]
struct Timed<T> {
    value: T,
    until: Option<u64>,
}

/// Per-second working memory, reused from step to step so a step allocates nothing.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// What each component took in, did and sent on this second, side by side in memory.
    per: Vec<PerComponent>,
    /// What became of the users' requests.
    users: UserOutcomes,
    steps: Vec<PerClass<Step>>,
    /// The classes (bit `k` for class `k`) that arrived at each component this second. A walk
    /// comes to a component only by a hop that carried some of its class, so what a step of
    /// another class says is never met.
    reached: Vec<u8>,
    /// Jobs that failed downstream this second and go back to their queue.
    jobs_failed: f64,
    /// The stores a worker pool writes to, with their shares (see `worker_loop`).
    stores: Vec<(f64, worker_loop::Answer)>,
    /// Regions running an EKS cluster this second (for its fee).
    clusters: Vec<bool>,
    /// Whether each of Route 53's targets answers its health check now.
    healthy: Vec<bool>,
}

/// One component's second: what it took in, per class, and what became of it.
#[derive(Debug, Clone, Copy, Default)]
struct PerComponent {
    inflow: PerClass<f64>,
    /// The part of `inflow` whose caller had already given up (work done for nobody).
    orphans: PerClass<f64>,
    /// Share of what it sends on that nobody waits for.
    orphan_out: PerClass<f64>,
    done: PerClass<f64>,
    failed: PerClass<f64>,
    /// Failures a latency sampler would not find by itself (dead targets, refusals, drops).
    hard_failed: PerClass<f64>,
    /// Those failures times the seconds each took.
    hard_failed_s: PerClass<f64>,
    /// Failures the sampler finds by itself, drawing past the caller's deadline: served too
    /// late, or given up on while waiting. Each took the caller its timeout.
    soft_failed: PerClass<f64>,
    /// Users' requests that failed here (their callers may still retry them).
    users_failed_at: PerClass<f64>,
    /// Those failures times the seconds each took the user (what `UserOutcomes::failed_s`
    /// holds of them), so that a retried one takes its own share back out.
    users_failed_s_at: PerClass<f64>,
    sent: PerClass<f64>,
    /// Reads a cache sent on to stores (to refill it by the ones answered).
    cache_misses: f64,
}

/// What became of the users' requests in one second: answered, or failed (each after some
/// time). Work done for requests whose caller had already given up is not counted here.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserOutcomes {
    pub answered: PerClass<f64>,
    pub failed: PerClass<f64>,
    /// The failures times the seconds each took.
    pub failed_s: f64,
    /// The part of `failed` that was served after the caller gave up: work done for nobody.
    pub wasted: f64,
    /// Reads answered by a replica lagging more than `STALE_AFTER_MS` behind its writer.
    pub stale: f64,
}

#[derive(Debug, Clone)]
pub struct Simulation {
    arch: Arc<Architecture>,
    seed: u64,
    /// Simulated seconds since the start.
    t: u64,
    traffic_rng: SimRng,
    latency_rng: SimRng,
    infra_rng: SimRng,
    /// Slowly varying traffic noise (an AR(1) process around 0).
    noise: f64,
    nodes: Vec<NodeState>,
    /// Latency every request pays at a component: network hop, the user's round trip at a
    /// region's entry, the service's own latency (milliseconds).
    base_ms: Vec<f64>,
    /// Pools whose instances hold connections to each database: writer and reader endpoints.
    db_clients: Vec<[Vec<NodeId>; 2]>,
    /// The queues whose jobs each component works, for backlog scaling.
    job_feeders: Vec<Vec<NodeId>>,
    /// For each database, the worker pools whose jobs may land on its writer.
    job_writers: Vec<Vec<NodeId>>,
    az_down: Vec<Vec<bool>>,
    region_down: Vec<bool>,
    /// Regions down because each of their AZs was lost, not by `kill-region`: one AZ back
    /// brings the region back with it.
    region_down_by_azs: Vec<bool>,
    /// Standby regions not (yet) brought up by disaster recovery.
    dormant: Vec<bool>,
    /// When a standby region being brought up will serve.
    activating: Vec<Option<f64>>,
    /// Waiting regions with nothing to do, which `react` skips.
    quiet: standby::Quiet,
    /// Components nothing has reached yet: a waiting standby's are not stepped.
    untouched: standby::Untouched,
    spikes: Vec<Timed<f64>>,
    added_latency: Vec<Timed<(NodeId, f64)>>,
    hot_shards: Vec<Timed<(NodeId, f64)>>,
    /// Whole components lost (`kill-component`).
    outages: outages::Outages,
    /// Multiplier on each component's share of traffic among its siblings (hot shards).
    skew: Vec<f64>,
    /// Each DynamoDB table's partitions, from its first second on.
    tables: Vec<Option<partitions::Table>>,
    /// Added latency per component now (milliseconds).
    extra_ms: Vec<f64>,
    events: Events,
    scratch: Scratch,
    /// Each component's answer time, for its callers' holding times.
    answers: held::AnswerTimes,
    /// How users' clients retry, and their retries waiting for their backoff.
    user_retries: retry::Retrier,
    /// How each server pool retries its calls.
    call_retries: call_retry::CallEdges,
    alarms: alarms::Alarms,
    latency_window: LatencyWindow,
    last: Second,
    totals: Totals,
    /// Writes a lost region took with it, counted lost once a copy takes over.
    unreplicated: lost_writes::Unreplicated,
    slo: SloWindow,
}

impl Simulation {
    pub fn new(arch: Arc<Architecture>, seed: u64) -> Self {
        let n = arch.node_count();
        let mut infra_rng = SimRng::new(seed, Stream::Infrastructure);
        let mut nodes = Vec::with_capacity(n);
        for (id, c) in arch.nodes() {
            let state = match &c.kind {
                Kind::Dns(spec) => {
                    // A standby region starts out failing its health checks: it serves nothing yet.
                    let targets = arch.routes[id.index()].next[crate::arch::Class::Read as usize]
                        .iter()
                        .map(|h| {
                            let region = arch.graph[h.to].region;
                            let standby = region.is_some_and(|r| arch.regions[r].standby.is_some());
                            (region, h.share, !standby)
                        })
                        .collect();
                    let phase = (infra_rng.uniform() * spec.health_interval_s).floor();
                    NodeState::Dns(DnsState::new(targets, phase, spec))
                }
                Kind::Pool(p) => {
                    let detection = pool_detection(&arch, id, p.role, &mut infra_rng);
                    let mut pool = PoolState::new(
                        &c.azs,
                        p.instances,
                        p.vcpus,
                        p.launch_s,
                        p.scaling.clone(),
                        p.nodes.as_ref(),
                        detection,
                    );
                    pool.round_robin = balancer_of(&arch, id).is_some_and(|lb| {
                        lb.algorithm == crate::preset::spec::Balancing::RoundRobin
                    });
                    NodeState::Pool(pool)
                }
                Kind::Cache(spec) => NodeState::Cache(CacheState::new(&c.azs, spec)),
                Kind::Queue(_) => NodeState::Queue(QueueState::default()),
                Kind::Database(db) => {
                    let detection = Detection {
                        // Assumption: the reader endpoint drops a dead replica on the same
                        // schedule as an ALB target (two failed checks 30 s apart).
                        checks: Some((30.0, (infra_rng.uniform() * 30.0).floor(), 2)),
                        pushed: true,
                        replace: true,
                        eviction_s: None,
                        // Assumption: the reader endpoint's DNS takes a replica in once it is
                        // available; no health-check threshold.
                        healthy_checks: None,
                    };
                    NodeState::Database(DbState::new(db, detection))
                }
                Kind::Cdn(_) | Kind::ObjectStore(_) | Kind::KvStore(_) | Kind::LoadBalancer(_) => {
                    NodeState::Managed
                }
            };
            nodes.push(state);
        }
        let dormant: Vec<bool> = arch.regions.iter().map(|r| r.standby.is_some()).collect();
        let scratch = Scratch {
            per: vec![PerComponent::default(); n],
            users: UserOutcomes::default(),
            steps: vec![Default::default(); n],
            reached: vec![0; n],
            jobs_failed: 0.0,
            stores: Vec::new(),
            clusters: vec![false; arch.regions.len()],
            healthy: Vec::new(),
        };
        Self {
            base_ms: base_latency(&arch),
            db_clients: database_clients(&arch),
            job_feeders: job_feeders(&arch),
            job_writers: shared_writer::job_writers(&arch),
            az_down: arch
                .regions
                .iter()
                .map(|r| vec![false; r.azs.len()])
                .collect(),
            region_down: vec![false; arch.regions.len()],
            region_down_by_azs: vec![false; arch.regions.len()],
            activating: vec![None; arch.regions.len()],
            dormant,
            untouched: standby::Untouched::new(&arch),
            quiet: standby::Quiet::new(arch.regions.len()),
            events: Events::new(&arch),
            last: Second::default(),
            totals: Totals::default(),
            unreplicated: lost_writes::Unreplicated::new(n),
            slo: SloWindow::default(),
            skew: vec![1.0; n],
            tables: vec![None; n],
            extra_ms: vec![0.0; n],
            traffic_rng: SimRng::new(seed, Stream::Traffic),
            latency_rng: SimRng::new(seed, Stream::Latency),
            infra_rng,
            noise: 0.0,
            nodes,
            spikes: Vec::new(),
            added_latency: Vec::new(),
            hot_shards: Vec::new(),
            outages: outages::Outages::default(),
            scratch,
            answers: held::AnswerTimes::new(n),
            user_retries: retry::Retrier::new(arch.traffic.retry),
            call_retries: call_retry::CallEdges::new(&arch),
            alarms: alarms::Alarms::new(n),
            latency_window: LatencyWindow::default(),
            seed,
            t: 0,
            arch,
        }
    }

    /// Advances one simulated second.
    pub fn step(&mut self) {
        let t = self.t as f64;
        self.events.set_time(self.t);
        self.lift_timed_faults();
        self.react(t);
        self.flow(t);
        self.update_holding();
        self.measure(t);
        self.raise_alarms();
        self.t += 1;
    }

    /// Seconds simulated so far.
    pub fn time(&self) -> u64 {
        self.t
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn arch(&self) -> &Arc<Architecture> {
        &self.arch
    }

    pub fn node(&self, id: NodeId) -> &NodeState {
        &self.nodes[id.index()]
    }

    /// The metrics of the last completed second.
    pub fn last(&self) -> &Second {
        &self.last
    }

    /// The last minute against the SLO.
    pub fn slo_window(&self) -> &SloWindow {
        &self.slo
    }

    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    pub fn events(&self) -> &[Event] {
        self.events.all()
    }

    /// Hour of the simulated day (the run starts at the preset's `start_hour`).
    pub fn hour_of_day(&self) -> f64 {
        (self.arch.traffic.start_hour + self.t as f64 / 3_600.0).rem_euclid(24.0)
    }

    pub fn az_up(&self, az: AzRef) -> bool {
        !self.region_down[az.region] && !self.az_down[az.region][az.az]
    }

    /// Whether a region is serving: not lost, and not a standby still waiting to be brought up.
    pub fn region_serving(&self, region: usize) -> bool {
        !self.region_down[region] && !self.dormant[region]
    }

    pub fn region_down(&self, region: usize) -> bool {
        self.region_down[region]
    }

    /// Standby regions being brought up: when they will serve.
    pub fn region_activation(&self, region: usize) -> Option<f64> {
        self.activating[region]
    }

    /// Whether a whole component is lost now (`kill-component`).
    pub fn component_lost(&self, id: NodeId) -> bool {
        self.outages.is_out(id)
    }

    /// Added latency on a component now (milliseconds).
    pub fn added_latency_ms(&self, id: NodeId) -> f64 {
        self.extra_ms[id.index()]
    }

    /// The current traffic multiplier from spikes: they multiply, up to the most one spike may
    /// be. Unbounded, a few hundred stacked spikes overflowed every count.
    pub fn spike_factor(&self) -> f64 {
        self.spikes
            .iter()
            .map(|s| s.value)
            .product::<f64>()
            .min(crate::units::Factor::MAX)
    }

    /// Last second's per-component figures: requests arrived, failed, and answered there.
    pub fn node_flow(&self, id: NodeId) -> NodeFlow {
        let c = &self.scratch.per[id.index()];
        NodeFlow {
            arrived: c.inflow,
            failed: c.failed,
            done: c.done,
            sent: c.sent,
        }
    }
}

/// What passed through one component in the last second, per class.
#[derive(Debug, Clone, Copy)]
pub struct NodeFlow {
    pub arrived: PerClass<f64>,
    pub failed: PerClass<f64>,
    pub done: PerClass<f64>,
    pub sent: PerClass<f64>,
}

/// How a pool's dead instances are noticed and replaced, from what calls it.
/// The load balancer in front of component `id`, if any.
fn balancer_of(arch: &Architecture, id: NodeId) -> Option<&crate::arch::LoadBalancer> {
    arch.graph
        .neighbors_directed(id, petgraph::Direction::Incoming)
        .find_map(|caller| match &arch.graph[caller].kind {
            Kind::LoadBalancer(lb) => Some(lb),
            _ => None,
        })
}

fn pool_detection(arch: &Architecture, id: NodeId, role: PoolRole, rng: &mut SimRng) -> Detection {
    let replace = matches!(&arch.graph[id].kind, Kind::Pool(p) if p.scaling.is_some());
    let eviction_s = match &arch.graph[id].kind {
        Kind::Pool(p) => p.nodes.as_ref().map(|n| n.eviction_s),
        _ => None,
    };
    let balancer = balancer_of(arch, id);
    let phase = |interval: f64, rng: &mut SimRng| (rng.uniform() * interval).floor();
    match (role, balancer) {
        // Workers pull jobs: a dead worker takes none, so none fail.
        (PoolRole::Workers, _) => Detection {
            checks: Some((
                crate::preset::defaults::LB_HEALTH_INTERVAL_S,
                phase(30.0, rng),
                crate::preset::defaults::LB_UNHEALTHY_THRESHOLD,
            )),
            pushed: false,
            replace,
            eviction_s,
            healthy_checks: None,
        },
        (_, Some(lb)) => Detection {
            checks: Some((
                lb.health_interval_s,
                phase(lb.health_interval_s, rng),
                lb.unhealthy_threshold,
            )),
            pushed: true,
            replace,
            eviction_s,
            healthy_checks: Some(lb.healthy_threshold),
        },
        // Straight from DNS: nothing stops traffic to a dead server.
        (_, None) => Detection {
            checks: None,
            pushed: true,
            replace,
            eviction_s,
            healthy_checks: None,
        },
    }
}

fn base_latency(arch: &Architecture) -> Vec<f64> {
    let hop = arch.network.hop_ms;
    // Users reach a region at what DNS points them to, or at the entry itself without DNS.
    let entries: Vec<NodeId> = if matches!(arch.graph[arch.entry].kind, Kind::Dns(_)) {
        arch.routes[arch.entry.index()]
            .next
            .iter()
            .flatten()
            .map(|h| h.to)
            .collect()
    } else {
        vec![arch.entry]
    };
    arch.nodes()
        .map(|(id, c)| {
            let own = match &c.kind {
                Kind::Dns(_) => 0.0,
                Kind::Cdn(cdn) => cdn.edge_ms,
                Kind::ObjectStore(s) | Kind::Queue(s) => hop + s.latency_ms,
                Kind::KvStore(kv) => hop + kv.latency_ms,
                Kind::LoadBalancer(lb) => lb.latency_ms,
                Kind::Cache(cache) => hop + cache.latency_ms,
                Kind::Pool(_) | Kind::Database(_) => hop,
            };
            // A region's entry is where the user's round trip to the region is paid.
            let user_rtt = if entries.contains(&id) && !matches!(c.kind, Kind::Cdn(_)) {
                c.region
                    .map_or(arch.regions[0].user_rtt_ms, |r| arch.regions[r].user_rtt_ms)
            } else {
                0.0
            };
            own + user_rtt
        })
        .collect()
}

/// For each component, the queues that send it jobs, in component order.
fn job_feeders(arch: &Architecture) -> Vec<Vec<NodeId>> {
    let mut feeders: Vec<Vec<NodeId>> = vec![Vec::new(); arch.node_count()];
    for (q, _) in arch.nodes() {
        for hop in arch.routes[q.index()].of(crate::arch::Class::Job) {
            let list = &mut feeders[hop.to.index()];
            if list.last() != Some(&q) {
                list.push(q);
            }
        }
    }
    feeders
}

/// For each database, the pools holding connections to it: `[writer endpoint, reader endpoint]`.
/// A pool holds reader connections if its reads reach the database (directly or through a
/// cache), and writer connections if its writes or jobs reach it directly. Writes handed to a
/// queue hold no connection: the workers behind it do.
fn database_clients(arch: &Architecture) -> Vec<[Vec<NodeId>; 2]> {
    use crate::arch::Class;
    let mut clients: Vec<[Vec<NodeId>; 2]> = vec![Default::default(); arch.node_count()];
    let mut add = |db: NodeId, endpoint: usize, pool: NodeId| {
        let list = &mut clients[db.index()][endpoint];
        if !list.contains(&pool) {
            list.push(pool);
        }
    };
    for (pool, c) in arch.nodes() {
        if !matches!(c.kind, Kind::Pool(_)) {
            continue;
        }
        let routes = &arch.routes[pool.index()];
        for hop in routes.of(Class::Read) {
            match &arch.graph[hop.to].kind {
                Kind::Database(_) => add(hop.to, 1, pool),
                Kind::Cache(_) => {
                    for behind in arch.routes[hop.to.index()].of(Class::Read) {
                        if matches!(arch.graph[behind.to].kind, Kind::Database(_)) {
                            add(behind.to, 1, pool);
                        }
                    }
                }
                _ => {}
            }
        }
        for hop in routes.of(Class::Write).iter().chain(routes.of(Class::Job)) {
            if matches!(arch.graph[hop.to].kind, Kind::Database(_)) {
                add(hop.to, 0, pool);
            }
        }
    }
    clients
}
