//! What the architecture costs to run, per hour, from what runs this second: instances and
//! nodes while they run (launching ones included, as EC2 bills them), database and cache
//! instances, load balancers, and the managed services by the requests they served. On-Demand
//! prices and the assumptions that turn requests into billed units are in
//! [`crate::preset::prices`]; storage and data transfer between AZs and regions are not counted.

use super::{NodeState, Simulation};
use crate::arch::{Engine, Kind, PoolRole, users_total};
use crate::preset::prices as p;

/// Seconds in an hour: request rates per second become requests per hour.
const HOUR_S: f64 = 3_600.0;

impl Simulation {
    /// The architecture's cost per hour (US dollars) at this second's size and traffic.
    pub(super) fn cost_per_hour(&mut self) -> f64 {
        let mut clusters = std::mem::take(&mut self.scratch.clusters);
        clusters.fill(false);
        let usd = self.cost_per_hour_marking(&mut clusters);
        let fees = clusters.iter().filter(|c| **c).count() as f64 * p::EKS_CLUSTER_HOUR;
        self.scratch.clusters = clusters;
        usd + fees
    }

    /// The cost per hour of every component, marking the regions that run an EKS cluster.
    fn cost_per_hour_marking(&self, clusters: &mut [bool]) -> f64 {
        let arch = self.arch();
        let mut usd = 0.0;
        for (n, c) in arch.nodes() {
            let flow = self.node_flow(n);
            let per_hour = |rate: f64| rate * HOUR_S;
            usd += match (&c.kind, self.node(n)) {
                (Kind::Pool(spec), NodeState::Pool(pool)) => {
                    let running = f64::from(pool.serving() + pool.launching());
                    match (pool.nodes_running(), pool.node_vcpus()) {
                        (Some(nodes), Some(vcpus)) => {
                            if spec.role == PoolRole::Containers
                                && let Some(r) = c.region
                            {
                                clusters[r] = true;
                            }
                            f64::from(nodes) * f64::from(vcpus) * p::EC2_VCPU_HOUR
                        }
                        _ => running * f64::from(pool.vcpus) * p::EC2_VCPU_HOUR,
                    }
                }
                (Kind::Database(spec), NodeState::Database(db)) => {
                    // The writer — an RDS Multi-AZ standby is billed as a second one; Aurora
                    // fails over to a reader — and the replicas running or booting.
                    let (rate, writers) = match spec.engine {
                        Engine::Rds if spec.standby_az.is_some() => (p::RDS_VCPU_HOUR, 2.0),
                        Engine::Rds => (p::RDS_VCPU_HOUR, 1.0),
                        Engine::Aurora => (p::AURORA_VCPU_HOUR, 1.0),
                    };
                    let replicas = db.replicas.as_ref().map_or(0.0, |r| {
                        f64::from(r.serving() + r.launching()) * f64::from(r.vcpus)
                    });
                    (writers * f64::from(spec.vcpus) + replicas) * rate
                }
                (Kind::Cache(_), NodeState::Cache(cache)) => {
                    cache.up.iter().filter(|u| **u).count() as f64 * p::CACHE_NODE_HOUR
                }
                (Kind::LoadBalancer(_), _) => {
                    let rps: f64 = flow.arrived.iter().sum();
                    let gb_per_hour = per_hour(rps) * p::ALB_RESPONSE_BYTES / 1e9;
                    p::ALB_HOUR + gb_per_hour.max(0.0) * p::ALB_LCU_HOUR
                }
                (Kind::Cdn(_), _) => {
                    let rps: f64 = flow.arrived.iter().sum();
                    per_hour(rps) / 1e4 * p::CLOUDFRONT_PER_10K
                        + per_hour(rps) * p::CDN_OBJECT_BYTES / 1e9 * p::CLOUDFRONT_GB
                }
                (Kind::ObjectStore(_), _) => {
                    per_hour(flow.arrived.iter().sum()) / 1e3 * p::S3_PER_1K_GET
                }
                (Kind::Queue(_), _) => {
                    // Each message is sent, received and deleted: three requests.
                    per_hour(flow.arrived.iter().sum()) * 3.0 / 1e6 * p::SQS_PER_MILLION
                }
                (Kind::KvStore(_), _) => {
                    let [_, read, write, job] = flow.arrived;
                    per_hour(read) / 1e6 * p::DYNAMODB_PER_MILLION_READS
                        + per_hour(write + job) / 1e6 * p::DYNAMODB_PER_MILLION_WRITES
                }
                (Kind::Dns(dns), _) => {
                    // Resolvers ask once per TTL for each user active now.
                    let users = users_total(&flow.arrived) / arch.traffic.rps_per_user.max(1e-9);
                    p::ROUTE53_ZONE_HOUR
                        + per_hour(users / dns.ttl_s.max(1.0)) / 1e6 * p::ROUTE53_PER_MILLION
                }
                _ => 0.0,
            };
        }
        usd
    }
}
