//! The preset file format, exactly as written in TOML.
//!
//! Each kind of component has its own array of tables (`[[compute]]`, `[[database]]`, ...), so
//! each kind accepts only the fields that mean something for it and an unknown field is an error
//! at its own line. Missing optional fields take the documented defaults in [`super::defaults`].
//! Nothing here is validated beyond single values; [`super::build`] checks the whole.

use crate::units::{
    Attempts, Availability, Checks, Connections, Count, Cpus, Factor, FailoverSeconds, Fraction,
    HourOfDay, Keys, Millis, OpsPerSecond, PerUserRate, Seconds, Share, Threads, Users, Weight,
    ZipfExponent,
};
use serde::Deserialize;
use toml::Spanned;

/// A text identifier with the place it was written, for error messages.
pub type Id = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetSpec {
    pub title: String,
    #[serde(default)]
    pub notes: String,
    pub traffic: TrafficSpec,
    pub slo: SloSpec,
    #[serde(default)]
    pub network: NetworkSpec,
    #[serde(default)]
    pub region: Vec<RegionSpec>,
    #[serde(default)]
    pub dns: Vec<DnsSpec>,
    #[serde(default)]
    pub cdn: Vec<CdnSpec>,
    #[serde(default)]
    pub object_store: Vec<ObjectStoreSpec>,
    #[serde(default)]
    pub load_balancer: Vec<LoadBalancerSpec>,
    #[serde(default)]
    pub compute: Vec<ComputeSpec>,
    #[serde(default)]
    pub containers: Vec<ContainersSpec>,
    #[serde(default)]
    pub workers: Vec<WorkersSpec>,
    #[serde(default)]
    pub cache: Vec<CacheSpec>,
    #[serde(default)]
    pub queue: Vec<QueueSpec>,
    #[serde(default)]
    pub database: Vec<DatabaseSpec>,
    #[serde(default)]
    pub kv_store: Vec<KvStoreSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficSpec {
    /// Active users of the service.
    pub users: Spanned<Users>,
    /// Requests per second one active user sends at the daily peak (pages, API calls, assets).
    pub rps_per_user: PerUserRate,
    /// Daily peak divided by the nightly trough; 1 means constant traffic.
    pub peak_to_trough: Option<Factor>,
    pub peak_hour: Option<HourOfDay>,
    /// Instead of a smooth day: 24 relative weights, one per hour, scaled so the largest is 1.
    pub hourly: Option<Spanned<Vec<Weight>>>,
    /// Size of the seeded random wobble around the daily curve (0.05 = about 5 %).
    pub noise: Option<Fraction>,
    /// Share of requests for static files (images, scripts, styles).
    pub static_fraction: Option<Fraction>,
    /// Share of dynamic requests that write.
    pub write_fraction: Option<Fraction>,
    /// Time of day at which a run starts.
    pub start_hour: Option<HourOfDay>,
    /// How users' clients retry a failed request.
    pub retry: Option<RetrySpec>,
}

/// A caller's retry policy: a named one, with any field overridden.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// `none`, `user`, `aggressive`, `sdk`, `budget` or `breaker`.
    pub policy: Option<Spanned<String>>,
    pub attempts: Option<Attempts>,
    /// Backoff before the first retry; it doubles for each one after.
    pub backoff_ms: Option<Millis>,
    pub max_backoff_ms: Option<Millis>,
    /// Full jitter: each backoff is uniform between 0 and its bound.
    pub jitter: Option<bool>,
    /// Retries may be at most this share of first attempts.
    pub budget: Option<Fraction>,
    pub breaker: Option<BreakerSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerSpec {
    pub failure_ratio: Option<Share>,
    pub window_s: Option<Spanned<Seconds>>,
    pub open_s: Option<Seconds>,
    pub probe_share: Option<Share>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SloSpec {
    pub p99_ms: Millis,
    pub availability: Availability,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Round trip between two regions, paid by writes forwarded to another region's writer.
    pub inter_region_rtt_ms: Option<Millis>,
    /// One hop between components inside a region.
    pub hop_ms: Option<Millis>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionRole {
    /// Serves users whenever it is healthy.
    #[default]
    Active,
    /// A disaster-recovery copy: dormant until the primary region is lost, then activated.
    Standby,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    pub id: Id,
    pub name: Option<String>,
    pub azs: Spanned<Vec<Id>>,
    #[serde(default)]
    pub role: RegionRole,
    /// Share of users closest to this region (latency routing splits traffic by it).
    pub user_share: Option<Fraction>,
    /// Round trip from this region's users to the region.
    pub user_rtt_ms: Option<Millis>,
    /// Standby regions: how long bringing the stack up takes once disaster recovery starts.
    pub activation_s: Option<Seconds>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DnsRouting {
    /// One target per region; users go to the region they are closest to.
    #[default]
    Simple,
    /// All users go to the first healthy region in the order of `to`.
    Failover,
    /// Users go to their nearest healthy region.
    Latency,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsSpec {
    pub id: Id,
    pub label: Option<String>,
    #[serde(default)]
    pub to: Vec<Id>,
    #[serde(default)]
    pub routing: DnsRouting,
    pub health_check_interval_s: Option<Seconds>,
    pub failure_threshold: Option<Checks>,
    pub ttl_s: Option<Seconds>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CdnSpec {
    pub id: Id,
    pub label: Option<String>,
    #[serde(default)]
    pub to: Vec<Id>,
    pub hit_ratio: Option<Fraction>,
    pub edge_ms: Option<Millis>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectStoreSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    pub latency_ms: Option<Millis>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    #[serde(default)]
    pub to: Vec<Id>,
    pub latency_ms: Option<Millis>,
    pub health_check_interval_s: Option<Seconds>,
    pub unhealthy_threshold: Option<Checks>,
    pub healthy_threshold: Option<Checks>,
    /// How it spreads requests over its targets.
    pub algorithm: Option<Balancing>,
}

/// An ALB target group's routing algorithm (ELB User Guide, "Routing algorithms").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Balancing {
    /// Each target in turn, whatever it has on its hands: every instance queues on its own.
    RoundRobin,
    /// The target with the fewest requests in flight: the instances act as one queue.
    LeastOutstandingRequests,
}

/// Target tracking on average utilisation, as an EC2 Auto Scaling group does it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoscalingSpec {
    pub min: Spanned<Count>,
    pub max: Spanned<Count>,
    pub target_utilization: Option<Share>,
    /// Consecutive one-minute datapoints above target before adding capacity.
    pub scale_out_datapoints: Option<Checks>,
    /// Consecutive one-minute datapoints below target before removing capacity.
    pub scale_in_datapoints: Option<Count>,
    pub cooldown_s: Option<Seconds>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputeSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    pub azs: Option<Spanned<Vec<Id>>>,
    #[serde(default)]
    pub to: Vec<Id>,
    pub instances: Spanned<Count>,
    pub vcpus: Option<Cpus>,
    /// CPU time one dynamic request takes on one vCPU.
    pub service_ms: Millis,
    /// CPU time to serve one static file when no CDN or object store takes them.
    pub static_ms: Option<Millis>,
    pub timeout_ms: Option<Millis>,
    /// Database connections each instance holds open.
    pub db_pool: Option<Connections>,
    /// Requests one instance works on at once (worker threads).
    pub max_concurrency: Option<Threads>,
    /// How long a request may wait for a thread before the server drops it.
    pub queue_timeout_ms: Option<Millis>,
    /// Drop work whose caller already gave up (default: do it anyway, for nobody).
    pub deadline_propagation: Option<bool>,
    /// Reject at once what no thread is free for (default: queue it).
    pub load_shedding: Option<bool>,
    /// How the pool retries its calls (default: by kind of callee).
    pub retry: Option<RetrySpec>,
    /// From launch to passing health checks.
    pub launch_s: Option<Seconds>,
    pub autoscaling: Option<AutoscalingSpec>,
}

/// Kubernetes Horizontal Pod Autoscaler settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaSpec {
    pub min: Spanned<Count>,
    pub max: Spanned<Count>,
    pub target_utilization: Option<Share>,
    pub tolerance: Option<Fraction>,
    pub sync_s: Option<Seconds>,
    pub scale_down_window_s: Option<Seconds>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainersSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    pub azs: Option<Spanned<Vec<Id>>>,
    #[serde(default)]
    pub to: Vec<Id>,
    pub pods: Spanned<Count>,
    pub pod_vcpus: Option<Cpus>,
    pub service_ms: Millis,
    pub static_ms: Option<Millis>,
    pub timeout_ms: Option<Millis>,
    pub db_pool: Option<Connections>,
    /// Requests one instance works on at once (worker threads).
    pub max_concurrency: Option<Threads>,
    /// How long a request may wait for a thread before the server drops it.
    pub queue_timeout_ms: Option<Millis>,
    /// Drop work whose caller already gave up (default: do it anyway, for nobody).
    pub deadline_propagation: Option<bool>,
    /// Reject at once what no thread is free for (default: queue it).
    pub load_shedding: Option<bool>,
    /// How the pool retries its calls (default: by kind of callee).
    pub retry: Option<RetrySpec>,
    /// From scheduling to ready (image pull, start, readiness probe).
    pub pod_start_s: Option<Seconds>,
    /// Worker nodes the pods run on.
    pub nodes: Spanned<Count>,
    pub pods_per_node: Count,
    pub max_nodes: Option<Spanned<Count>>,
    pub node_launch_s: Option<Seconds>,
    /// How long pods on a lost node stay bound to it before Kubernetes evicts and replaces them.
    pub eviction_s: Option<Seconds>,
    pub hpa: Option<HpaSpec>,
}

/// Scaling a worker pool on queue backlog per worker, the pattern AWS documents for SQS.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacklogScalingSpec {
    pub min: Spanned<Count>,
    pub max: Spanned<Count>,
    pub backlog_per_worker: OpsPerSecond,
    pub cooldown_s: Option<Seconds>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkersSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    pub azs: Option<Spanned<Vec<Id>>>,
    #[serde(default)]
    pub to: Vec<Id>,
    pub instances: Spanned<Count>,
    pub vcpus: Option<Cpus>,
    /// CPU time for one job (one queued write).
    pub service_ms: Millis,
    pub db_pool: Option<Connections>,
    /// How the workers retry their writes (default: by kind of store).
    pub retry: Option<RetrySpec>,
    pub launch_s: Option<Seconds>,
    pub autoscaling: Option<BacklogScalingSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    /// One node per AZ listed: the first is the primary, the rest are replicas.
    pub azs: Option<Spanned<Vec<Id>>>,
    #[serde(default)]
    pub to: Vec<Id>,
    /// Hit ratio once warm.
    pub hit_ratio: Option<Fraction>,
    /// Distinct hot keys; a cold cache is warm once it has seen most of them.
    pub working_set: Option<Keys>,
    /// How skewed reads are over those keys (Zipf exponent).
    pub zipf: Option<ZipfExponent>,
    pub latency_ms: Option<Millis>,
    pub ops_per_node: Option<OpsPerSecond>,
    /// Replica promotion after the primary node is lost.
    pub failover_s: Option<FailoverSeconds>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    #[serde(default)]
    pub to: Vec<Id>,
    pub latency_ms: Option<Millis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// Amazon RDS: a primary with an optional synchronous Multi-AZ standby.
    Rds,
    /// Amazon Aurora: a writer and up to 15 readers on shared storage; a reader is the failover target.
    Aurora,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicasSpec {
    pub count: Spanned<Count>,
    /// Replicas may be a smaller instance class than the writer (default: the writer's).
    pub vcpus: Option<Cpus>,
    pub azs: Option<Spanned<Vec<Id>>>,
    pub min: Option<Spanned<Count>>,
    pub max: Option<Spanned<Count>>,
    pub target_utilization: Option<Share>,
    pub launch_s: Option<Seconds>,
    pub cooldown_s: Option<Seconds>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    pub engine: Engine,
    pub primary_az: Id,
    /// RDS Multi-AZ: the synchronous standby's AZ.
    pub standby_az: Option<Id>,
    pub vcpus: Cpus,
    pub read_ms: Millis,
    pub write_ms: Millis,
    /// Per instance.
    pub max_connections: Connections,
    pub timeout_ms: Option<Millis>,
    /// Failover window `[shortest, longest]` in seconds; a run draws a time inside it.
    pub failover_s: Option<Spanned<Vec<FailoverSeconds>>>,
    /// No standby or reader: time to bring a replacement instance up.
    pub recovery_s: Option<Seconds>,
    pub replica_lag_ms: Option<Millis>,
    /// Share of its callers' data requests this store takes among its siblings (shards).
    pub share: Option<Weight>,
    /// Another region's database this one replicates (a global secondary or a DR copy).
    pub replicates_from: Option<Id>,
    /// Time to promote this cross-region copy to take writes.
    pub promote_s: Option<Seconds>,
    pub replicas: Option<ReplicasSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KvStoreSpec {
    pub id: Id,
    pub label: Option<String>,
    pub region: Option<Id>,
    pub latency_ms: Option<Millis>,
    pub share: Option<Weight>,
    /// Reads and writes a second the table takes at once ("warm throughput", pre-warmed),
    /// beyond double its previous peak.
    pub warm_reads: Option<OpsPerSecond>,
    pub warm_writes: Option<OpsPerSecond>,
}
