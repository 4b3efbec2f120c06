//! Every default the model uses when a preset leaves a field out, with where the figure comes from.
//!
//! "Assumption" marks a figure no documentation states; the comment says why it was chosen.
//! Presets may override every one of them.

// ---- Traffic -------------------------------------------------------------------------------

/// Constant traffic unless the preset describes a day.
pub const PEAK_TO_TROUGH: f64 = 1.0;
/// Assumption: a consumer service peaks in the evening.
pub const PEAK_HOUR: f64 = 21.0;
/// Correlation time of the traffic wobble. Assumption: real traffic drifts over about a minute
/// rather than jumping independently every second.
pub const NOISE_CORRELATION_S: f64 = 60.0;

/// Assumption: browsers' `fetch` and XHR never retry a failed request by themselves (the
/// Fetch standard defines no retry), and how many people reload, and when, is unknowable; so
/// by default users do not retry. A preset's `[traffic.retry]` or `set-retry:users:<policy>`
/// adds it (the `user` policy: one more attempt within two seconds).
pub const USER_RETRY: &str = "none";
/// AWS SDKs and Tools Reference Guide, "Retry behavior": the SDKs' `standard` mode (3 attempts,
/// exponential backoff with full jitter, 20 s cap) for calls to AWS APIs (DynamoDB, S3, SQS).
pub const SDK_RETRY: &str = "sdk";
/// MySQL Connector/J and the PostgreSQL JDBC driver do not retry a failed statement, and pools
/// such as HikariCP do not either; assumption for Redis clients, which retry only after a
/// reconnect. Calls to databases and caches are not retried by default.
pub const DRIVER_RETRY: &str = "none";
/// Circuit breaker settings when a preset asks for one without giving them. Assumption, after
/// common library defaults (e.g. resilience4j: open at 50 % failures over a sliding window,
/// wait before half-open, a few probe calls): 50 % over 10 s, open 30 s, 10 % probes.
pub const BREAKER: crate::retry_policy::Breaker = crate::retry_policy::Breaker {
    failure_ratio: 0.5,
    window_s: 10,
    open_s: 30.0,
    probe_share: 0.1,
};

// ---- Network -------------------------------------------------------------------------------

/// Assumption: one hop inside a VPC, same or neighbouring AZ, costs about half a millisecond.
pub const HOP_MS: f64 = 0.5;
/// Assumption: a round trip between two distant regions (e.g. Seoul–Tokyo is ~35 ms,
/// US East–Europe ~75 ms); used for writes forwarded to another region.
pub const INTER_REGION_RTT_MS: f64 = 70.0;
/// Assumption: users within the region's own country reach it in about 20 ms.
pub const USER_RTT_MS: f64 = 20.0;
/// Share of every fixed delay (network hops, round trips, injected latency, a managed
/// service's answer) that varies from request to request. A fixed delay is drawn as a constant
/// part (propagation) plus an exponential part (queueing in switches and hosts) with the same
/// mean as the configured figure: the shifted exponential of common network-delay models.
/// Assumption: no AWS figure is published; a fifth puts a bare hop's p99 at about 1.7× its
/// minimum and 1.8× its median, the right-skewed spread measured round trips show.
pub const DELAY_VARIABLE_SHARE: f64 = 0.2;

// ---- Route 53 ------------------------------------------------------------------------------

/// Route 53 Developer Guide, "How Route 53 determines whether a health check is healthy":
/// standard health checks run every 30 s (10 s is the fast option).
pub const DNS_HEALTH_INTERVAL_S: f64 = 30.0;
/// Same page: failure threshold 1–10, default 3 consecutive failures.
pub const DNS_FAILURE_THRESHOLD: u32 = 3;
/// Assumption: 60 s is the TTL commonly set on records used for failover; clients keep a
/// cached answer for up to this long after Route 53 changes it.
pub const DNS_TTL_S: f64 = 60.0;

// ---- CloudFront and S3 ---------------------------------------------------------------------

/// Assumption: no documented figure exists (the hit ratio depends on the content); 90 % is
/// typical for versioned static assets with long cache lifetimes.
pub const CDN_HIT_RATIO: f64 = 0.9;
/// Assumption: the nearest of CloudFront's 200+ edge locations (seeds) is a short hop away.
pub const CDN_EDGE_MS: f64 = 15.0;
/// Assumption: time to first byte for a small S3 object fetched inside AWS.
pub const OBJECT_STORE_MS: f64 = 30.0;

// ---- Application Load Balancer -------------------------------------------------------------

/// ELB User Guide for ALBs, "Health checks for your target groups": interval 30 s.
pub const LB_HEALTH_INTERVAL_S: f64 = 30.0;
/// Same page: a target is unhealthy after 2 consecutive failed checks.
pub const LB_UNHEALTHY_THRESHOLD: u32 = 2;
/// Same page: a target is healthy again after 5 consecutive successful checks.
pub const LB_HEALTHY_THRESHOLD: u32 = 5;
/// Same page: a check that gets no answer within 5 s (instance targets) has failed.
pub const LB_HEALTH_TIMEOUT_S: f64 = 5.0;
/// ELB User Guide for ALBs, target groups, "Routing algorithms": round robin is the default
/// (least outstanding requests and weighted random are options).
pub const LB_ALGORITHM: crate::preset::spec::Balancing = crate::preset::spec::Balancing::RoundRobin;
/// Assumption: an ALB adds a few milliseconds of its own.
pub const LB_MS: f64 = 2.0;

// ---- EC2 and Auto Scaling ------------------------------------------------------------------

pub const VCPUS: u32 = 2;
/// Assumption: a static file from local disk costs a small fraction of a dynamic page.
pub const STATIC_SHARE_OF_SERVICE: f64 = 0.1;
/// Assumption: a client or upstream gives up on a request after 10 s.
pub const TIMEOUT_MS: f64 = 10_000.0;
/// Assumption: a typical application connection pool (HikariCP's default maximum is 10).
pub const DB_POOL: u32 = 10;
/// HikariCP's `connectionTimeout` default: a thread waits up to 30 s for a pooled connection
/// before the pool throws.
pub const DB_POOL_TIMEOUT_S: f64 = 30.0;
/// Apache Tomcat's HTTP connector `maxThreads` default: 200 requests in progress per instance
/// (the application server behind most Java services; Spring Boot keeps the same default).
pub const MAX_CONCURRENCY: u32 = 200;
/// ELB User Guide for ALBs, "Connection idle timeout": 60 s by default. A request waiting for a
/// thread longer than that has lost its connection; until then the server still works on it,
/// whether or not its caller gave up.
pub const QUEUE_TIMEOUT_MS: f64 = 60_000.0;
/// ELB User Guide for ALBs, "Troubleshoot your Application Load Balancers", HTTP 504: the load
/// balancer gives up connecting to a target after 10 s. Used for every call to an address
/// that no longer answers (a dead instance, database or region); for SDK and driver calls this
/// is an assumption, and their own timeout cuts it shorter.
pub const DEAD_TARGET_S: f64 = 10.0;
/// Assumption: a refused connection, a 503 from a load balancer with no healthy target, a shed
/// request or a throttle comes back after about one round trip: 1 ms beyond the hop.
pub const FAST_FAIL_S: f64 = 0.001;
/// Assumption: AWS documents no launch-to-ready figure (it depends on the AMI); booting and
/// starting the application takes "a few minutes" in common experience. 3 minutes.
pub const EC2_LAUNCH_S: f64 = 180.0;
/// EC2 Auto Scaling User Guide, target tracking: keep utilisation near 50 % (the example target).
pub const TARGET_UTILIZATION: f64 = 0.5;
/// Target tracking's scale-out alarm fires after 3 consecutive one-minute datapoints above the
/// target (the alarm Auto Scaling creates for the policy).
pub const SCALE_OUT_DATAPOINTS: u32 = 3;
/// Its scale-in alarm waits for 15 consecutive one-minute datapoints below the target: target
/// tracking adds capacity faster than it removes it.
pub const SCALE_IN_DATAPOINTS: u32 = 15;
/// EC2 Auto Scaling API, CreateAutoScalingGroup `DefaultCooldown`: 300 s.
pub const COOLDOWN_S: f64 = 300.0;
/// CloudWatch aggregates the metric into one-minute periods (EC2 detailed monitoring).
pub const METRIC_PERIOD_S: u64 = 60;

// ---- Kubernetes ----------------------------------------------------------------------------

pub const POD_VCPUS: u32 = 1;
/// Assumption: a pod with a cached image is scheduled, started and passes readiness in ~20 s.
pub const POD_START_S: f64 = 20.0;
/// Kubernetes docs, "Horizontal Pod Autoscaling": the controller runs every 15 s.
pub const HPA_SYNC_S: f64 = 15.0;
/// Same page: no scaling while the ratio is within 10 % of 1.0.
pub const HPA_TOLERANCE: f64 = 0.1;
/// Same page: scale-down uses the highest recommendation of the last 5 minutes.
pub const HPA_SCALE_DOWN_WINDOW_S: f64 = 300.0;
/// Same page: scale-up may at most double the pods, or add 4, per 15 s (whichever is larger).
pub const HPA_MAX_UP_FACTOR: f64 = 2.0;
pub const HPA_MAX_UP_PODS: u32 = 4;
/// Assumption: the cluster autoscaler or Karpenter brings a new node to Ready in ~90 s.
pub const NODE_LAUNCH_S: f64 = 90.0;
/// Kubernetes: a node is marked unreachable after the node-monitor grace period (40 s), and
/// pods tolerate `node.kubernetes.io/unreachable` for 300 s by default before eviction.
pub const POD_EVICTION_S: f64 = 340.0;

// ---- SQS and workers -----------------------------------------------------------------------

/// Assumption: SendMessage typically returns in around 10 ms.
pub const QUEUE_MS: f64 = 10.0;

// ---- ElastiCache ---------------------------------------------------------------------------

/// Assumption: a read-through cache in front of a relational database; 85 % of reads hit once warm.
pub const CACHE_HIT_RATIO: f64 = 0.85;
/// ElastiCache is documented as sub-millisecond (seeds: "single-digit millisecond").
pub const CACHE_MS: f64 = 0.5;
/// Assumption: one Redis node serves on the order of 100,000 simple operations per second.
pub const CACHE_OPS_PER_NODE: f64 = 100_000.0;
/// Assumption: hot keys a cache needs before it is warm.
pub const CACHE_WORKING_SET: u32 = 100_000;
/// Reads are Zipf-distributed over the hot keys with exponent 0.99: YCSB's default request
/// distribution (Cooper et al., "Benchmarking Cloud Serving Systems with YCSB", SoCC 2010), the
/// usual stand-in for key-value cache traffic, whose measured popularity is Zipf-like
/// (Atikoglu et al., "Workload Analysis of a Large-Scale Key-Value Store", SIGMETRICS 2012).
/// Assumption for any given service.
pub const CACHE_ZIPF: f64 = 0.99;
/// ElastiCache User Guide (AutoFailover): no official duration, writes pause for a few seconds
/// while DNS moves to the promoted replica. 10 s.
pub const CACHE_FAILOVER_S: f64 = 10.0;

// ---- RDS and Aurora ------------------------------------------------------------------------

/// AWS RDS User Guide, "Failover process for Amazon RDS": Multi-AZ failover typically 60–120 s.
pub const RDS_FAILOVER_S: [f64; 2] = [60.0, 120.0];
/// Aurora User Guide, "High availability for Amazon Aurora": failover to a replica typically
/// under 60 s, often under 30 s.
pub const AURORA_FAILOVER_S: [f64; 2] = [15.0, 45.0];
/// Same page: without a replica the writer is re-created, typically in under 10 minutes. Used
/// for any database with nothing to fail over to.
pub const DB_RECOVERY_S: f64 = 600.0;
/// Aurora Global Database: cross-region replication lag typically under one second (AWS
/// Prescriptive Guidance; seeds), DynamoDB global tables likewise. Writes that reached the
/// lost region less than this long before it went are not in the other region's copy: lost.
pub const CROSS_REGION_LAG_MS: f64 = 1_000.0;
/// Failing back to a restored region: its database is rebuilt as a secondary of the promoted
/// copy and must copy the data back before a switchover gives it the writes again. Aurora
/// documents the switchover itself as a minute or two; the resynchronisation depends on the
/// data's size. Assumption: 15 minutes for these presets, during which users stay where they
/// are.
pub const FAILBACK_RESYNC_S: f64 = 900.0;

/// AWS News Blog, "Additional Failover Control for Amazon Aurora": replica lag 10–20 ms.
pub const AURORA_REPLICA_LAG_MS: f64 = 15.0;
/// A read answered by a replica lagging more than this behind its writer is counted stale.
/// Assumption: one second, the bound Aurora Global Database quotes for a healthy secondary;
/// within a region replicas normally lag tens of milliseconds, so only a backed-up writer
/// crosses it.
pub const STALE_AFTER_MS: f64 = 1_000.0;
/// Assumption: asynchronous MySQL/PostgreSQL replication on RDS lags ~100 ms when healthy.
pub const RDS_REPLICA_LAG_MS: f64 = 100.0;
/// Assumption: a database query gives up after 5 s.
pub const DB_TIMEOUT_MS: f64 = 5_000.0;
/// Assumption: AWS documents no figure for adding an Aurora replica; several minutes is common.
pub const REPLICA_LAUNCH_S: f64 = 420.0;
/// Application Auto Scaling's default cooldown for Aurora replicas: 300 s.
pub const REPLICA_COOLDOWN_S: f64 = 300.0;
/// Aurora auto scaling is usually set to hold reader CPU near 60 % (assumption, AWS examples).
pub const REPLICA_TARGET_UTILIZATION: f64 = 0.6;
/// AWS Prescriptive Guidance, Aurora Global Database: a secondary is promoted in under a
/// minute (seeds agree). 45 s.
pub const GLOBAL_PROMOTE_S: f64 = 45.0;

// ---- DynamoDB ------------------------------------------------------------------------------

/// DynamoDB: single-digit millisecond responses at any scale (seeds).
pub const KV_MS: f64 = 5.0;

// ---- Disaster recovery ---------------------------------------------------------------------

/// AWS whitepaper "Disaster Recovery of Workloads on AWS": warm standby recovers in minutes,
/// pilot light in tens of minutes. A warm standby brought up by infrastructure as code: 10 min.
pub const DR_ACTIVATION_S: f64 = 600.0;
