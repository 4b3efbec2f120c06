//! An architecture, checked and ready to simulate: regions and AZs, components in a `petgraph`
//! graph, and for each component where each class of request goes next.
//!
//! Built from a preset by [`crate::preset::load`]; never changes while a simulation runs (the
//! simulation keeps all mutable state itself), so it can be shared between runs and threads.

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

/// Index of a component in [`Architecture::graph`].
pub type NodeId = NodeIndex;

/// The kinds of request the model tells apart, because they take different paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Images, scripts, styles: CDN, then object storage.
    Static = 0,
    /// Dynamic reads: app, cache, read replicas.
    Read = 1,
    /// Dynamic writes: app, then the writer (or a queue).
    Write = 2,
    /// A queued write, carried from the queue to the writer by workers; no user waits for it.
    Job = 3,
}

pub const CLASSES: [Class; 4] = [Class::Static, Class::Read, Class::Write, Class::Job];
/// Classes a user waits for (a job is acknowledged when it is queued).
pub const USER_CLASSES: [Class; 3] = [Class::Static, Class::Read, Class::Write];

/// Sums a per-class value over the classes users wait for (jobs left out).
pub fn users_total(x: &PerClass<f64>) -> f64 {
    USER_CLASSES.iter().map(|&c| x[c as usize]).sum()
}

/// A value per request class.
pub type PerClass<T> = [T; 4];

#[derive(Debug, Clone)]
pub struct Architecture {
    /// The preset's name (`1m`) or file stem.
    pub name: String,
    pub title: String,
    pub notes: String,
    pub traffic: Traffic,
    pub slo: Slo,
    pub network: Network,
    pub regions: Vec<Region>,
    pub graph: DiGraph<Component, Link>,
    /// Where users' requests arrive (DNS, or the only component nobody calls).
    pub entry: NodeId,
    /// Every component, callers before the components they call, and otherwise in `NodeId`
    /// order (see `preset::call_order`).
    pub order: Vec<NodeId>,
    /// Indexed by `NodeId::index()`.
    pub routes: Vec<Routes>,
}

#[derive(Debug, Clone)]
pub struct Traffic {
    pub users: f64,
    pub rps_per_user: f64,
    pub shape: DailyShape,
    pub noise: f64,
    pub static_fraction: f64,
    pub write_fraction: f64,
    pub start_hour: f64,
    /// How users' clients retry a failed request.
    pub retry: crate::retry_policy::RetryPolicy,
}

#[derive(Debug, Clone)]
pub enum DailyShape {
    /// A smooth day: a cosine peaking at `peak_hour`, `peak_to_trough` times its lowest point.
    Smooth { peak_hour: f64, peak_to_trough: f64 },
    /// One weight per hour (largest = 1), interpolated linearly in between.
    Hourly([f64; 24]),
}

impl Traffic {
    /// Requests per second at the daily peak.
    pub fn peak_rps(&self) -> f64 {
        self.users * self.rps_per_user
    }

    /// The daily curve at `hour` (0–24): 1.0 at the peak.
    pub fn curve(&self, hour: f64) -> f64 {
        let hour = hour.rem_euclid(24.0);
        match &self.shape {
            DailyShape::Smooth {
                peak_hour,
                peak_to_trough,
            } => {
                // Between trough 1/r and peak 1: mid-point (1+1/r)/2, amplitude (1-1/r)/2.
                let trough = 1.0 / peak_to_trough;
                let phase = (hour - peak_hour) / 24.0 * std::f64::consts::TAU;
                (1.0 + trough) / 2.0 + (1.0 - trough) / 2.0 * libm::cos(phase)
            }
            DailyShape::Hourly(weights) => {
                let at = hour.floor() as usize % 24;
                let next = (at + 1) % 24;
                let t = hour - hour.floor();
                weights[at] * (1.0 - t) + weights[next] * t
            }
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Slo {
    pub p99_ms: f64,
    pub availability: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Network {
    pub hop_ms: f64,
    pub inter_region_rtt_ms: f64,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub id: String,
    pub name: String,
    pub azs: Vec<String>,
    /// A disaster-recovery standby: dormant until activated, `activation_s` after the
    /// primary is declared lost.
    pub standby: Option<f64>,
    pub user_share: f64,
    pub user_rtt_ms: f64,
}

/// An availability zone: index of the region and of the AZ within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AzRef {
    pub region: usize,
    pub az: usize,
}

impl Architecture {
    pub fn component(&self, id: NodeId) -> &Component {
        &self.graph[id]
    }

    pub fn find(&self, id: &str) -> Option<NodeId> {
        self.graph.node_indices().find(|&n| self.graph[n].id == id)
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Component)> {
        self.graph.node_indices().map(|n| (n, &self.graph[n]))
    }

    /// Every AZ of every region, in declaration order.
    pub fn all_azs(&self) -> impl Iterator<Item = AzRef> + '_ {
        self.regions
            .iter()
            .enumerate()
            .flat_map(|(region, r)| (0..r.azs.len()).map(move |az| AzRef { region, az }))
    }

    /// The AZ's canonical name, `region/az`.
    pub fn az_name(&self, az: AzRef) -> String {
        let region = &self.regions[az.region];
        format!("{}/{}", region.id, region.azs[az.az])
    }

    /// Finds `a` (an AZ of the first region) or `region/a`.
    pub fn find_az(&self, name: &str) -> Option<AzRef> {
        let (region, az) = match name.split_once('/') {
            Some((region, az)) => (self.find_region(region)?, az),
            None => (0, name),
        };
        let az = self.regions.get(region)?.azs.iter().position(|a| a == az)?;
        Some(AzRef { region, az })
    }

    pub fn find_region(&self, id: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.id == id)
    }

    /// The components whose capacity scales: id and whether they are pods, instances or replicas.
    pub fn groups(&self) -> impl Iterator<Item = (NodeId, String)> + '_ {
        self.nodes().flat_map(|(n, c)| match &c.kind {
            Kind::Pool(_) => vec![(n, c.id.clone())],
            Kind::Database(db) => db.replicas.iter().map(|r| (n, r.id.clone())).collect(),
            _ => vec![],
        })
    }
}

#[derive(Debug, Clone)]
pub struct Component {
    pub id: String,
    /// A short human name ("Route 53", "web (EC2)").
    pub label: String,
    /// `None` for global services (DNS, CDN).
    pub region: Option<usize>,
    /// AZs the component has parts in (empty for regional and global services).
    pub azs: Vec<AzRef>,
    pub kind: Kind,
}

impl Component {
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }
}

/// What sits on an edge of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The caller sends requests to the callee.
    Calls,
    /// A cross-region copy of a database sends its writes to the region that owns the writer.
    ForwardsWrites,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Dns(Dns),
    Cdn(Cdn),
    ObjectStore(Fixed),
    LoadBalancer(LoadBalancer),
    Pool(Pool),
    Cache(Cache),
    Queue(Fixed),
    Database(Database),
    KvStore(KvStore),
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Dns(_) => "dns",
            Kind::Cdn(_) => "cdn",
            Kind::ObjectStore(_) => "object_store",
            Kind::LoadBalancer(_) => "load_balancer",
            Kind::Pool(p) => match p.role {
                PoolRole::Instances => "compute",
                PoolRole::Containers => "containers",
                PoolRole::Workers => "workers",
            },
            Kind::Cache(_) => "cache",
            Kind::Queue(_) => "queue",
            Kind::Database(_) => "database",
            Kind::KvStore(_) => "kv_store",
        }
    }

    /// Stores answer requests for data; everything else forwards them or answers from memory.
    pub fn is_data_store(&self) -> bool {
        matches!(self, Kind::Database(_) | Kind::KvStore(_))
    }
}

#[derive(Debug, Clone)]
pub struct Dns {
    pub routing: DnsRouting,
    pub health_interval_s: f64,
    pub failure_threshold: u32,
    pub ttl_s: f64,
}

pub use crate::preset::spec::DnsRouting;

#[derive(Debug, Clone)]
pub struct Cdn {
    pub hit_ratio: f64,
    pub edge_ms: f64,
}

/// A managed service with a fixed latency and, for the model's purposes, no capacity limit.
#[derive(Debug, Clone)]
pub struct Fixed {
    pub latency_ms: f64,
}

#[derive(Debug, Clone)]
pub struct KvStore {
    pub latency_ms: f64,
    pub share: f64,
    /// Reads and writes a second it takes at once, whatever its previous peak (0: none).
    pub warm: [f64; 2],
}

#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub algorithm: crate::preset::spec::Balancing,
    pub latency_ms: f64,
    pub health_interval_s: f64,
    pub unhealthy_threshold: u32,
    pub healthy_threshold: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolRole {
    /// EC2 instances (maybe in an Auto Scaling group) behind a load balancer.
    Instances,
    /// Kubernetes pods on worker nodes.
    Containers,
    /// Queue consumers.
    Workers,
}

/// A group of identical servers spread over AZs: EC2 instances, pods or queue workers.
#[derive(Debug, Clone)]
pub struct Pool {
    pub role: PoolRole,
    /// Instances (or pods) at the start.
    pub instances: u32,
    /// Concurrent servers per instance (vCPUs).
    pub vcpus: u32,
    pub service_s: f64,
    pub static_s: f64,
    /// How long the pool's caller waits for an answer, its callees' time included.
    pub timeout_s: f64,
    pub db_pool: u32,
    /// Requests one instance works on at once (worker threads): each holds one from arrival to
    /// answer, the time it waits on its callees included.
    pub max_concurrency: u32,
    /// How long a request may wait for a thread before the server drops it (seconds).
    pub queue_s: f64,
    /// The pool drops work whose caller already gave up instead of doing it for nobody.
    pub deadline_propagation: bool,
    /// The pool rejects at once what it has no free thread for, instead of queueing it.
    pub load_shedding: bool,
    /// How the pool retries its calls to other components; `None`: what its client libraries
    /// do by default for each kind of callee.
    pub retry: Option<crate::retry_policy::RetryPolicy>,
    /// From launch to serving.
    pub launch_s: f64,
    pub scaling: Option<Scaling>,
    pub nodes: Option<NodeGroup>,
}

/// Kubernetes worker nodes under a pod pool.
#[derive(Debug, Clone)]
pub struct NodeGroup {
    pub nodes: u32,
    pub pods_per_node: u32,
    pub max_nodes: u32,
    pub launch_s: f64,
    pub eviction_s: f64,
}

#[derive(Debug, Clone)]
pub enum Scaling {
    /// EC2 Auto Scaling target tracking on average utilisation.
    TargetTracking {
        min: u32,
        max: u32,
        target: f64,
        out_datapoints: u32,
        in_datapoints: u32,
        cooldown_s: f64,
    },
    /// Kubernetes HPA on average utilisation.
    Hpa {
        min: u32,
        max: u32,
        target: f64,
        tolerance: f64,
        sync_s: f64,
        window_s: f64,
    },
    /// Target tracking on queue backlog per worker.
    Backlog {
        min: u32,
        max: u32,
        per_worker: f64,
        cooldown_s: f64,
    },
}

impl Scaling {
    pub fn bounds(&self) -> (u32, u32) {
        match *self {
            Scaling::TargetTracking { min, max, .. }
            | Scaling::Hpa { min, max, .. }
            | Scaling::Backlog { min, max, .. } => (min, max),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Cache {
    /// One node per AZ: the first is the primary, the others replicas.
    pub hit_ratio: f64,
    pub working_set: f64,
    /// Zipf exponent of the hot keys' popularity.
    pub zipf: f64,
    pub latency_ms: f64,
    pub ops_per_node: f64,
    pub failover_s: f64,
}

pub use crate::preset::spec::Engine;

#[derive(Debug, Clone)]
pub struct Database {
    pub engine: Engine,
    pub primary_az: AzRef,
    pub standby_az: Option<AzRef>,
    pub vcpus: u32,
    pub read_s: f64,
    pub write_s: f64,
    pub max_connections: u32,
    pub timeout_s: f64,
    pub failover_s: [f64; 2],
    pub recovery_s: f64,
    pub replica_lag_ms: f64,
    pub share: f64,
    /// A cross-region copy: the database that owns the writer while this one is a secondary.
    pub replicates_from: Option<NodeId>,
    pub promote_s: f64,
    pub replicas: Option<Replicas>,
}

#[derive(Debug, Clone)]
pub struct Replicas {
    /// The id under which the read replicas appear as a scaling group: `<database>-replicas`.
    pub id: String,
    pub count: u32,
    pub vcpus: u32,
    pub azs: Vec<AzRef>,
    pub min: u32,
    pub max: u32,
    pub target: f64,
    pub launch_s: f64,
    pub cooldown_s: f64,
}

/// Where one class of request goes next, and in what proportion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hop {
    pub to: NodeId,
    /// Shares of one component's hops for one class add up to 1.
    pub share: f64,
}

/// For each class: the next hops. Empty means the component answers that class itself.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    pub next: PerClass<Vec<Hop>>,
}

impl Routes {
    pub fn of(&self, class: Class) -> &[Hop] {
        &self.next[class as usize]
    }
}
