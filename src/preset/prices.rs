//! On-Demand prices for what the presets run, in US dollars, for Asia Pacific (Seoul),
//! ap-northeast-2 — the presets' home region — as AWS's Price List for that region gave them
//! on 2026-10-01 (read through a published cost catalog, not the Price List files themselves;
//! re-check one with `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<ServiceCode>/
//! current/ap-northeast-2/index.json`). Where no Seoul figure was found the price is another
//! region's and says so. Every pricing page is named with its figure.
//!
//! The model has vCPUs, not instance types: an instance is priced per vCPU-hour at its
//! general-purpose family's rate (assumption: presets size instances in vCPUs, and the large
//! size of each family has two). Storage, backups and data transfer between AZs and regions are
//! not counted.

/// Hours in a month as AWS bills monthly items (730).
const HOURS_PER_MONTH: f64 = 730.0;

/// EC2, https://aws.amazon.com/ec2/pricing/on-demand/: m6i.large (2 vCPUs, Linux) $0.118 an
/// hour in Seoul.
pub const EC2_VCPU_HOUR: f64 = 0.118 / 2.0;

/// RDS for PostgreSQL, https://aws.amazon.com/rds/postgresql/pricing/: db.m7g.large (2 vCPUs)
/// Single-AZ $0.2344 an hour in Seoul; Multi-AZ is twice that (its standby is billed as a second
/// instance).
pub const RDS_VCPU_HOUR: f64 = 0.2344 / 2.0;

/// Aurora PostgreSQL, https://aws.amazon.com/rds/aurora/pricing/: db.r7g.large (2 vCPUs),
/// Aurora Standard, $0.333 an hour in Seoul (storage $0.12 per GB-month and I/O $0.24 per
/// million requests are not counted).
pub const AURORA_VCPU_HOUR: f64 = 0.333 / 2.0;

/// ElastiCache, https://aws.amazon.com/elasticache/pricing/: cache.r7g.large, Redis OSS,
/// $0.262 a node-hour in Seoul (assumption: one such node per cache AZ).
pub const CACHE_NODE_HOUR: f64 = 0.262;

/// Elastic Load Balancing, https://aws.amazon.com/elasticloadbalancing/pricing/: an
/// Application Load Balancer costs $0.0225 an hour and $0.008 per LCU-hour in Seoul.
pub const ALB_HOUR: f64 = 0.0225;
pub const ALB_LCU_HOUR: f64 = 0.008;
/// Same page: one LCU is 1 GB an hour processed for EC2 targets (or 25 new connections a
/// second, 3,000 active connections, 1,000 rule evaluations a second, whichever is most).
/// Assumption: an average response of 10 KB through the balancer (pages and API answers; the
/// CDN carries the static files), so the processed bytes decide.
pub const ALB_RESPONSE_BYTES: f64 = 10_000.0;

/// CloudFront, https://aws.amazon.com/cloudfront/pricing/: data out to the internet $0.120 per
/// GB for the first 10 TB a month at Asia Pacific edges.
pub const CLOUDFRONT_GB: f64 = 0.120;
/// Same page: $0.0100 per 10,000 HTTPS requests — the United States' price; no Asia Pacific
/// HTTPS figure was found (its HTTP price is $0.0090), so this may be low.
pub const CLOUDFRONT_PER_10K: f64 = 0.0100;
/// Assumption: an average static file of 50 KB (images, scripts and style sheets).
pub const CDN_OBJECT_BYTES: f64 = 50_000.0;

/// S3, https://aws.amazon.com/s3/pricing/: Standard GET requests $0.0035 per 10,000 in Seoul.
pub const S3_PER_1K_GET: f64 = 0.0035 / 10.0;

/// SQS, https://aws.amazon.com/sqs/pricing/: standard queues $0.40 per million requests (the
/// us-east-1 price; no Seoul figure was found).
pub const SQS_PER_MILLION: f64 = 0.40;

/// DynamoDB, https://aws.amazon.com/dynamodb/pricing/on-demand/: on-demand $0.1355 per million
/// read request units and $0.68 per million write request units in Seoul (after the
/// November 2024 cut; as listed 2026-06-12). Assumption: a request is one unit (items up to
/// 4 KB read, 1 KB written).
pub const DYNAMODB_PER_MILLION_READS: f64 = 0.1355;
pub const DYNAMODB_PER_MILLION_WRITES: f64 = 0.68;

/// Route 53, https://aws.amazon.com/route53/pricing/: $0.50 per hosted zone a month, $0.40 per
/// million standard queries (the same everywhere).
pub const ROUTE53_ZONE_HOUR: f64 = 0.50 / HOURS_PER_MONTH;
pub const ROUTE53_PER_MILLION: f64 = 0.40;

/// EKS, https://aws.amazon.com/eks/pricing/: $0.10 per cluster an hour (standard support).
pub const EKS_CLUSTER_HOUR: f64 = 0.10;
