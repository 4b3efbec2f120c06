//! Turns a parsed preset into an [`Architecture`], checking everything that involves more than
//! one value: references, duplicates, which kinds may call which, cycles, reachability, paths
//! for every class of request, and scaling bounds. Every error points at the value at fault.

use super::call_order::call_order;
use super::defaults as d;
use super::spec::*;
use crate::arch::{self, *};
use crate::input_error::InputError;
use crate::retry_policy::{Breaker, RetryPolicy};
use crate::units::{Count, FailoverSeconds, Seconds, Share};
use petgraph::Direction;
use petgraph::graph::DiGraph;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// The largest request rate a preset may ask for. Far beyond any real service, it keeps
/// every figure the model derives well inside floating-point range.
pub const MAX_PEAK_RPS: f64 = 1e9;
/// Aurora User Guide (and seeds): up to 15 read replicas per cluster.
const MAX_REPLICAS: u32 = 15;

pub(super) fn build(
    name: &str,
    origin: &str,
    source: &str,
    spec: PresetSpec,
) -> Result<Architecture, InputError> {
    Builder { origin, source }.build(name, spec)
}

struct Builder<'a> {
    origin: &'a str,
    source: &'a str,
}

/// One component as written, before its kind-specific fields are resolved.
struct Draft<'s> {
    id: &'s Id,
    label: Option<&'s String>,
    region: Option<&'s Id>,
    azs: Option<&'s Spanned<Vec<Id>>>,
    to: &'s [Id],
    spec: KindSpec<'s>,
}

enum KindSpec<'s> {
    Dns(&'s DnsSpec),
    Cdn(&'s CdnSpec),
    ObjectStore(&'s ObjectStoreSpec),
    LoadBalancer(&'s LoadBalancerSpec),
    Compute(&'s ComputeSpec),
    Containers(&'s ContainersSpec),
    Workers(&'s WorkersSpec),
    Cache(&'s CacheSpec),
    Queue(&'s QueueSpec),
    Database(&'s DatabaseSpec),
    KvStore(&'s KvStoreSpec),
}

impl KindSpec<'_> {
    fn name(&self) -> &'static str {
        match self {
            KindSpec::Dns(_) => "dns",
            KindSpec::Cdn(_) => "cdn",
            KindSpec::ObjectStore(_) => "object_store",
            KindSpec::LoadBalancer(_) => "load_balancer",
            KindSpec::Compute(_) => "compute",
            KindSpec::Containers(_) => "containers",
            KindSpec::Workers(_) => "workers",
            KindSpec::Cache(_) => "cache",
            KindSpec::Queue(_) => "queue",
            KindSpec::Database(_) => "database",
            KindSpec::KvStore(_) => "kv_store",
        }
    }

    fn is_global(&self) -> bool {
        matches!(self, KindSpec::Dns(_) | KindSpec::Cdn(_))
    }

    /// Which kinds this kind may send requests to.
    fn may_call(&self) -> &'static [&'static str] {
        match self {
            KindSpec::Dns(_) => &["cdn", "load_balancer", "compute", "containers"],
            KindSpec::Cdn(_) => &["object_store"],
            KindSpec::LoadBalancer(_) => &["compute", "containers"],
            KindSpec::Compute(_) | KindSpec::Containers(_) => {
                &["cache", "database", "kv_store", "queue", "object_store"]
            }
            KindSpec::Cache(_) => &["database", "kv_store"],
            KindSpec::Queue(_) => &["workers"],
            KindSpec::Workers(_) => &["database", "kv_store"],
            KindSpec::ObjectStore(_) | KindSpec::Database(_) | KindSpec::KvStore(_) => &[],
        }
    }
}

fn span<T>(s: &Spanned<T>) -> Range<usize> {
    s.span()
}

impl<'a> Builder<'a> {
    fn err(&self, at: Range<usize>, message: impl Into<String>) -> InputError {
        InputError::at(self.origin, self.source, at, message)
    }

    fn build(&self, name: &str, spec: PresetSpec) -> Result<Architecture, InputError> {
        let traffic = self.traffic(&spec.traffic)?;
        let regions = self.regions(&spec.region)?;
        let drafts = drafts(&spec);
        if drafts.is_empty() {
            // Where the next table would go: after the last line that says anything.
            let end = self.source.trim_end().len();
            return Err(self.err(
                end..end,
                "the preset has no components: add at least one [[compute]] pool",
            ));
        }

        let mut graph: DiGraph<Component, Link> = DiGraph::new();
        let mut index: HashMap<&str, NodeId> = HashMap::new();
        for draft in &drafts {
            self.check_component_id(draft.id, &regions)?;
            if let Some(&first) = index.get(draft.id.get_ref().as_str()) {
                // Blame the copy further down the file, whatever the kinds' order.
                let (earlier, later) = {
                    let (a, b) = (drafts[first.index()].id, draft.id);
                    if a.span().start < b.span().start {
                        (a, b)
                    } else {
                        (b, a)
                    }
                };
                let line = crate::input_error::Location::of_span(self.source, earlier.span()).line;
                return Err(self.err(
                    span(later),
                    format!(
                        "duplicate id `{}` (already used on line {line})",
                        later.get_ref()
                    ),
                ));
            }
            let component = self.component(draft, &regions)?;
            let node = graph.add_node(component);
            index.insert(draft.id.get_ref(), node);
        }

        self.link(&drafts, &index, &mut graph)?;
        let entry = self.entry(&drafts, &graph)?;
        let order = call_order(&graph).map_err(|on_cycle| {
            let id = drafts[on_cycle.index()].id;
            self.err(
                span(id),
                format!("`{}` is part of a cycle of requests", id.get_ref()),
            )
        })?;
        // Routes first: a component that sends requests nowhere is the cause, the parts it
        // cannot reach are the symptom.
        let routes = self.routes(&drafts, &graph, &regions)?;
        self.check_reachable(&drafts, &graph, entry)?;
        self.check_regions(&drafts, &graph, &regions, entry)?;

        Ok(Architecture {
            name: name.to_string(),
            title: spec.title.trim().to_string(),
            notes: spec.notes.trim().to_string(),
            traffic,
            slo: Slo {
                p99_ms: spec.slo.p99_ms.get(),
                availability: spec.slo.availability.get(),
            },
            network: Network {
                hop_ms: spec.network.hop_ms.map_or(d::HOP_MS, |v| v.get()),
                inter_region_rtt_ms: spec
                    .network
                    .inter_region_rtt_ms
                    .map_or(d::INTER_REGION_RTT_MS, |v| v.get()),
            },
            regions,
            graph,
            entry,
            order,
            routes,
        })
    }

    fn traffic(&self, t: &TrafficSpec) -> Result<Traffic, InputError> {
        let shape = match &t.hourly {
            Some(hourly) => {
                if t.peak_to_trough.is_some() || t.peak_hour.is_some() {
                    return Err(self.err(
                        span(hourly),
                        "give either `hourly` or `peak_hour`/`peak_to_trough`, not both",
                    ));
                }
                let values: Vec<f64> = hourly.get_ref().iter().map(|w| w.get()).collect();
                let weights: [f64; 24] = values.clone().try_into().map_err(|_| {
                    self.err(
                        span(hourly),
                        format!(
                            "`hourly` needs 24 values, one per hour; it has {}",
                            values.len()
                        ),
                    )
                })?;
                let top = weights.iter().copied().fold(0.0, f64::max);
                DailyShape::Hourly(weights.map(|w| w / top))
            }
            None => DailyShape::Smooth {
                peak_hour: t.peak_hour.map_or(d::PEAK_HOUR, |v| v.get()),
                peak_to_trough: t.peak_to_trough.map_or(d::PEAK_TO_TROUGH, |v| v.get()),
            },
        };
        let peak = t.users.get_ref().get() * t.rps_per_user.get();
        if peak > MAX_PEAK_RPS {
            return Err(self.err(
                span(&t.users),
                format!("users × rps_per_user is {peak:.3e} requests per second; the model accepts at most {MAX_PEAK_RPS:e}"),
            ));
        }
        Ok(Traffic {
            users: t.users.get_ref().get(),
            rps_per_user: t.rps_per_user.get(),
            shape,
            noise: t.noise.map_or(0.0, |v| v.get()),
            static_fraction: t.static_fraction.map_or(0.0, |v| v.get()),
            write_fraction: t.write_fraction.map_or(0.0, |v| v.get()),
            start_hour: t.start_hour.map_or(0.0, |v| v.get()),
            retry: match &t.retry {
                Some(r) => self.retry(r)?,
                None => RetryPolicy::named(d::USER_RETRY).expect("a built-in policy"),
            },
        })
    }

    fn retry(&self, r: &RetrySpec) -> Result<RetryPolicy, InputError> {
        let mut p = match &r.policy {
            Some(name) => RetryPolicy::named(name.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = RetryPolicy::NAMED.iter().map(|(n, _, _)| *n).collect();
                self.err(
                    span(name),
                    format!(
                        "unknown retry policy `{}` (policies: {})",
                        name.get_ref().escape_debug(),
                        names.join(", ")
                    ),
                )
            })?,
            None => RetryPolicy::NONE,
        };
        if let Some(a) = r.attempts {
            p.attempts = a.get();
        }
        if let Some(ms) = r.backoff_ms {
            p.base_s = ms.get() / 1e3;
            p.cap_s = p.cap_s.max(p.base_s);
        }
        if let Some(ms) = r.max_backoff_ms {
            p.cap_s = ms.get() / 1e3;
        }
        if let Some(j) = r.jitter {
            p.jitter = j;
        }
        if let Some(b) = r.budget {
            p.budget = Some(b.get());
        }
        if let Some(b) = &r.breaker {
            let base = p.breaker.unwrap_or(d::BREAKER);
            let window_s = match &b.window_s {
                // It counts whole seconds of calls: less than one would count none.
                Some(w) if w.get_ref().get() < 1.0 => {
                    return Err(self.err(
                        span(w),
                        "a breaker's window must be at least 1 second".to_string(),
                    ));
                }
                Some(w) => w.get_ref().get().round().min(3_600.0) as u32,
                None => base.window_s,
            };
            p.breaker = Some(Breaker {
                failure_ratio: b.failure_ratio.map_or(base.failure_ratio, |v| v.get()),
                window_s,
                open_s: b.open_s.map_or(base.open_s, Seconds::get),
                probe_share: b.probe_share.map_or(base.probe_share, |v| v.get()),
            });
        }
        Ok(p)
    }

    fn regions(&self, specs: &[RegionSpec]) -> Result<Vec<Region>, InputError> {
        if specs.is_empty() {
            // A preset without regions runs in one unnamed region with a single AZ.
            return Ok(vec![Region {
                id: "region".into(),
                name: "region".into(),
                azs: vec!["a".into()],
                standby: None,
                user_share: 1.0,
                user_rtt_ms: d::USER_RTT_MS,
            }]);
        }
        let mut regions: Vec<Region> = Vec::new();
        for r in specs {
            let id = r.id.get_ref();
            check_name(id).map_err(|e| self.err(span(&r.id), e))?;
            if regions.iter().any(|x| &x.id == id) {
                return Err(self.err(span(&r.id), format!("duplicate region `{id}`")));
            }
            if r.azs.get_ref().is_empty() {
                return Err(self.err(span(&r.azs), "a region needs at least one AZ"));
            }
            let mut azs: Vec<String> = Vec::new();
            for az in r.azs.get_ref() {
                check_name(az.get_ref()).map_err(|e| self.err(span(az), e))?;
                if azs.contains(az.get_ref()) {
                    return Err(
                        self.err(span(az), format!("AZ `{}` is listed twice", az.get_ref()))
                    );
                }
                azs.push(az.get_ref().clone());
            }
            let standby = match r.role {
                RegionRole::Active => {
                    if r.activation_s.is_some() {
                        return Err(self.err(
                            span(&r.id),
                            format!("region `{id}` is active; `activation_s` only applies to `role = \"standby\"`"),
                        ));
                    }
                    None
                }
                RegionRole::Standby => {
                    Some(r.activation_s.map_or(d::DR_ACTIVATION_S, Seconds::get))
                }
            };
            regions.push(Region {
                id: id.clone(),
                name: r.name.clone().unwrap_or_else(|| id.clone()),
                azs,
                standby,
                user_share: r.user_share.map_or(f64::NAN, |v| v.get()),
                user_rtt_ms: r.user_rtt_ms.map_or(d::USER_RTT_MS, |v| v.get()),
            });
        }
        // Users split between active regions: as written, or evenly.
        let active: Vec<usize> = (0..regions.len())
            .filter(|&i| regions[i].standby.is_none())
            .collect();
        if active.is_empty() {
            return Err(self.err(
                span(&specs[0].id),
                "every region is a standby: at least one must be active",
            ));
        }
        let given: Vec<usize> = active
            .iter()
            .copied()
            .filter(|&i| !regions[i].user_share.is_nan())
            .collect();
        if given.is_empty() {
            for &i in &active {
                regions[i].user_share = 1.0 / active.len() as f64;
            }
        } else {
            if given.len() != active.len() {
                let missing = active
                    .iter()
                    .find(|i| !given.contains(i))
                    .copied()
                    .unwrap_or(0);
                return Err(self.err(
                    span(&specs[missing].id),
                    "give every active region a `user_share`, or none",
                ));
            }
            let total: f64 = given.iter().map(|&i| regions[i].user_share).sum();
            if (total - 1.0).abs() > 1e-6 {
                return Err(self.err(
                    span(&specs[given[0]].id),
                    format!("active regions' `user_share` must add up to 1, not {total}"),
                ));
            }
        }
        for (i, r) in regions.iter_mut().enumerate() {
            if r.standby.is_some() {
                if specs[i].user_share.is_some() {
                    return Err(self.err(
                        span(&specs[i].id),
                        "a standby region serves no users of its own; remove `user_share`",
                    ));
                }
                r.user_share = 0.0;
            }
        }
        Ok(regions)
    }

    /// Component ids follow the rule for region and AZ ids, and name one thing: an action's
    /// target (`kill-az:a`, `add-latency:app:50`) must not be ambiguous.
    fn check_component_id(&self, id: &Id, regions: &[Region]) -> Result<(), InputError> {
        let name = id.get_ref();
        check_name(name).map_err(|e| self.err(span(id), e))?;
        if regions.iter().any(|r| &r.id == name) {
            return Err(self.err(
                span(id),
                format!("`{name}` is already a region's id: ids must be unique"),
            ));
        }
        if regions.iter().any(|r| r.azs.contains(name)) {
            return Err(self.err(
                span(id),
                format!("`{name}` is already an AZ's id: ids must be unique"),
            ));
        }
        Ok(())
    }

    fn region_of(&self, draft: &Draft, regions: &[Region]) -> Result<Option<usize>, InputError> {
        if draft.spec.is_global() {
            return Ok(None);
        }
        match draft.region {
            Some(id) => regions
                .iter()
                .position(|r| &r.id == id.get_ref())
                .map(Some)
                .ok_or_else(|| {
                    self.err(
                        span(id),
                        format!(
                            "unknown region `{}`{}",
                            id.get_ref(),
                            known(regions.iter().map(|r| r.id.as_str()))
                        ),
                    )
                }),
            None if regions.len() == 1 => Ok(Some(0)),
            None => Err(self.err(
                span(draft.id),
                format!(
                    "`{}` needs `region = \"...\"`: this preset has {} regions",
                    draft.id.get_ref(),
                    regions.len()
                ),
            )),
        }
    }

    fn az(&self, region: usize, regions: &[Region], az: &Id) -> Result<AzRef, InputError> {
        let r = &regions[region];
        r.azs
            .iter()
            .position(|a| a == az.get_ref())
            .map(|i| AzRef { region, az: i })
            .ok_or_else(|| {
                self.err(
                    span(az),
                    format!(
                        "region `{}` has no AZ `{}`{}",
                        r.id,
                        az.get_ref(),
                        known(r.azs.iter().map(String::as_str))
                    ),
                )
            })
    }

    fn az_list(
        &self,
        region: usize,
        regions: &[Region],
        azs: Option<&Spanned<Vec<Id>>>,
    ) -> Result<Vec<AzRef>, InputError> {
        let Some(azs) = azs else {
            return Ok((0..regions[region].azs.len())
                .map(|az| AzRef { region, az })
                .collect());
        };
        if azs.get_ref().is_empty() {
            return Err(self.err(span(azs), "list at least one AZ"));
        }
        let mut out = Vec::new();
        for az in azs.get_ref() {
            let r = self.az(region, regions, az)?;
            if out.contains(&r) {
                return Err(self.err(span(az), format!("AZ `{}` is listed twice", az.get_ref())));
            }
            out.push(r);
        }
        Ok(out)
    }

    fn component(&self, draft: &Draft, regions: &[Region]) -> Result<Component, InputError> {
        let region = self.region_of(draft, regions)?;
        let azs = match (region, &draft.spec) {
            (
                Some(r),
                KindSpec::Compute(_)
                | KindSpec::Containers(_)
                | KindSpec::Workers(_)
                | KindSpec::Cache(_),
            ) => self.az_list(r, regions, draft.azs)?,
            _ => Vec::new(),
        };
        let kind = match &draft.spec {
            KindSpec::Dns(s) => Kind::Dns(Dns {
                routing: s.routing,
                health_interval_s: s
                    .health_check_interval_s
                    .map_or(d::DNS_HEALTH_INTERVAL_S, Seconds::get),
                failure_threshold: s
                    .failure_threshold
                    .map_or(d::DNS_FAILURE_THRESHOLD, |c| c.get()),
                ttl_s: s.ttl_s.map_or(d::DNS_TTL_S, Seconds::get),
            }),
            KindSpec::Cdn(s) => Kind::Cdn(Cdn {
                hit_ratio: s.hit_ratio.map_or(d::CDN_HIT_RATIO, |v| v.get()),
                edge_ms: s.edge_ms.map_or(d::CDN_EDGE_MS, |v| v.get()),
            }),
            KindSpec::ObjectStore(s) => Kind::ObjectStore(Fixed {
                latency_ms: s.latency_ms.map_or(d::OBJECT_STORE_MS, |v| v.get()),
            }),
            KindSpec::Queue(s) => Kind::Queue(Fixed {
                latency_ms: s.latency_ms.map_or(d::QUEUE_MS, |v| v.get()),
            }),
            KindSpec::KvStore(s) => Kind::KvStore(KvStore {
                latency_ms: s.latency_ms.map_or(d::KV_MS, |v| v.get()),
                share: s.share.map_or(1.0, |v| v.get()),
                warm: [
                    s.warm_reads.map_or(0.0, |v| v.get()),
                    s.warm_writes.map_or(0.0, |v| v.get()),
                ],
            }),
            KindSpec::LoadBalancer(s) => Kind::LoadBalancer(LoadBalancer {
                algorithm: s.algorithm.unwrap_or(d::LB_ALGORITHM),
                latency_ms: s.latency_ms.map_or(d::LB_MS, |v| v.get()),
                health_interval_s: s
                    .health_check_interval_s
                    .map_or(d::LB_HEALTH_INTERVAL_S, Seconds::get),
                unhealthy_threshold: s
                    .unhealthy_threshold
                    .map_or(d::LB_UNHEALTHY_THRESHOLD, |c| c.get()),
                healthy_threshold: s
                    .healthy_threshold
                    .map_or(d::LB_HEALTHY_THRESHOLD, |c| c.get()),
            }),
            KindSpec::Compute(s) => Kind::Pool(self.compute(s)?),
            KindSpec::Containers(s) => Kind::Pool(self.containers(s)?),
            KindSpec::Workers(s) => Kind::Pool(self.workers(s)?),
            KindSpec::Cache(s) => Kind::Cache(arch::Cache {
                hit_ratio: s.hit_ratio.map_or(d::CACHE_HIT_RATIO, |v| v.get()),
                working_set: f64::from(s.working_set.map_or(d::CACHE_WORKING_SET, |k| k.get())),
                zipf: s.zipf.map_or(d::CACHE_ZIPF, |z| z.get()),
                latency_ms: s.latency_ms.map_or(d::CACHE_MS, |v| v.get()),
                ops_per_node: s.ops_per_node.map_or(d::CACHE_OPS_PER_NODE, |v| v.get()),
                failover_s: s
                    .failover_s
                    .map_or(d::CACHE_FAILOVER_S, FailoverSeconds::get),
            }),
            KindSpec::Database(s) => {
                let region = region.expect("databases are regional");
                Kind::Database(self.database(s, region, regions)?)
            }
        };
        let label = draft
            .label
            .cloned()
            .unwrap_or_else(|| default_label(&draft.spec));
        Ok(Component {
            id: draft.id.get_ref().clone(),
            label,
            region,
            azs,
            kind,
        })
    }

    fn scaling_bounds(
        &self,
        min: &Spanned<Count>,
        max: &Spanned<Count>,
        start: &Spanned<Count>,
        what: &str,
    ) -> Result<(u32, u32), InputError> {
        let (lo, hi, n) = (
            min.get_ref().get(),
            max.get_ref().get(),
            start.get_ref().get(),
        );
        if hi == 0 {
            return Err(self.err(span(max), "`max` must be at least 1"));
        }
        if lo > hi {
            return Err(self.err(
                span(min),
                format!("`min` ({lo}) is larger than `max` ({hi})"),
            ));
        }
        if n < lo || n > hi {
            return Err(self.err(
                span(start),
                format!("{what} = {n} is outside the scaling range {lo}..={hi}"),
            ));
        }
        Ok((lo, hi))
    }

    fn need_some(&self, n: &Spanned<Count>, what: &str) -> Result<(), InputError> {
        if n.get_ref().get() == 0 {
            return Err(self.err(
                span(n),
                format!("{what} = 0 with no autoscaling: nothing would ever serve"),
            ));
        }
        Ok(())
    }

    fn compute(&self, s: &ComputeSpec) -> Result<Pool, InputError> {
        let scaling = match &s.autoscaling {
            Some(a) => {
                let (min, max) = self.scaling_bounds(&a.min, &a.max, &s.instances, "instances")?;
                Some(Scaling::TargetTracking {
                    min,
                    max,
                    target: a
                        .target_utilization
                        .map_or(d::TARGET_UTILIZATION, Share::get),
                    out_datapoints: a
                        .scale_out_datapoints
                        .map_or(d::SCALE_OUT_DATAPOINTS, |c| c.get()),
                    in_datapoints: a
                        .scale_in_datapoints
                        .map_or(d::SCALE_IN_DATAPOINTS, |c| c.get())
                        .max(1),
                    cooldown_s: a.cooldown_s.map_or(d::COOLDOWN_S, Seconds::get),
                })
            }
            None => {
                self.need_some(&s.instances, "instances")?;
                None
            }
        };
        let service_s = s.service_ms.get() / 1e3;
        Ok(Pool {
            role: PoolRole::Instances,
            instances: s.instances.get_ref().get(),
            vcpus: s.vcpus.map_or(d::VCPUS, |c| c.get()),
            service_s,
            static_s: s
                .static_ms
                .map_or(service_s * d::STATIC_SHARE_OF_SERVICE, |v| v.get() / 1e3),
            timeout_s: s.timeout_ms.map_or(d::TIMEOUT_MS, |v| v.get()) / 1e3,
            db_pool: s.db_pool.map_or(d::DB_POOL, |c| c.get()),
            max_concurrency: s.max_concurrency.map_or(d::MAX_CONCURRENCY, |c| c.get()),
            queue_s: s.queue_timeout_ms.map_or(d::QUEUE_TIMEOUT_MS, |v| v.get()) / 1e3,
            deadline_propagation: s.deadline_propagation.unwrap_or(false),
            load_shedding: s.load_shedding.unwrap_or(false),
            retry: s.retry.as_ref().map(|r| self.retry(r)).transpose()?,
            launch_s: s.launch_s.map_or(d::EC2_LAUNCH_S, Seconds::get),
            scaling,
            nodes: None,
        })
    }

    fn containers(&self, s: &ContainersSpec) -> Result<Pool, InputError> {
        let scaling = match &s.hpa {
            Some(h) => {
                let (min, max) = self.scaling_bounds(&h.min, &h.max, &s.pods, "pods")?;
                Some(Scaling::Hpa {
                    min,
                    max,
                    target: h
                        .target_utilization
                        .map_or(d::TARGET_UTILIZATION, Share::get),
                    tolerance: h.tolerance.map_or(d::HPA_TOLERANCE, |v| v.get()),
                    sync_s: h.sync_s.map_or(d::HPA_SYNC_S, Seconds::get).max(1.0),
                    window_s: h
                        .scale_down_window_s
                        .map_or(d::HPA_SCALE_DOWN_WINDOW_S, Seconds::get),
                })
            }
            None => {
                self.need_some(&s.pods, "pods")?;
                None
            }
        };
        let per_node = s.pods_per_node.get();
        if per_node == 0 {
            return Err(self.err(span(&s.nodes), "`pods_per_node` must be at least 1"));
        }
        let nodes = s.nodes.get_ref().get();
        let max_nodes = match &s.max_nodes {
            Some(m) if m.get_ref().get() < nodes => {
                return Err(self.err(
                    span(m),
                    format!(
                        "`max_nodes` ({}) is below `nodes` ({nodes})",
                        m.get_ref().get()
                    ),
                ));
            }
            Some(m) => m.get_ref().get(),
            None => nodes,
        };
        let pods = s.pods.get_ref().get();
        if u64::from(pods) > u64::from(nodes) * u64::from(per_node) {
            return Err(self.err(
                span(&s.pods),
                format!("{pods} pods do not fit on {nodes} nodes of {per_node} pods each"),
            ));
        }
        let service_s = s.service_ms.get() / 1e3;
        Ok(Pool {
            role: PoolRole::Containers,
            instances: pods,
            vcpus: s.pod_vcpus.map_or(d::POD_VCPUS, |c| c.get()),
            service_s,
            static_s: s
                .static_ms
                .map_or(service_s * d::STATIC_SHARE_OF_SERVICE, |v| v.get() / 1e3),
            timeout_s: s.timeout_ms.map_or(d::TIMEOUT_MS, |v| v.get()) / 1e3,
            db_pool: s.db_pool.map_or(d::DB_POOL, |c| c.get()),
            max_concurrency: s.max_concurrency.map_or(d::MAX_CONCURRENCY, |c| c.get()),
            queue_s: s.queue_timeout_ms.map_or(d::QUEUE_TIMEOUT_MS, |v| v.get()) / 1e3,
            deadline_propagation: s.deadline_propagation.unwrap_or(false),
            load_shedding: s.load_shedding.unwrap_or(false),
            retry: s.retry.as_ref().map(|r| self.retry(r)).transpose()?,
            launch_s: s.pod_start_s.map_or(d::POD_START_S, Seconds::get),
            scaling,
            nodes: Some(NodeGroup {
                nodes,
                pods_per_node: per_node,
                max_nodes,
                launch_s: s.node_launch_s.map_or(d::NODE_LAUNCH_S, Seconds::get),
                eviction_s: s.eviction_s.map_or(d::POD_EVICTION_S, Seconds::get),
            }),
        })
    }

    fn workers(&self, s: &WorkersSpec) -> Result<Pool, InputError> {
        let scaling = match &s.autoscaling {
            Some(a) => {
                let (min, max) = self.scaling_bounds(&a.min, &a.max, &s.instances, "instances")?;
                Some(Scaling::Backlog {
                    min,
                    max,
                    per_worker: a.backlog_per_worker.get(),
                    cooldown_s: a.cooldown_s.map_or(d::COOLDOWN_S, Seconds::get),
                })
            }
            None => {
                self.need_some(&s.instances, "instances")?;
                None
            }
        };
        let service_s = s.service_ms.get() / 1e3;
        Ok(Pool {
            role: PoolRole::Workers,
            instances: s.instances.get_ref().get(),
            vcpus: s.vcpus.map_or(d::VCPUS, |c| c.get()),
            service_s,
            static_s: service_s,
            timeout_s: d::TIMEOUT_MS / 1e3,
            db_pool: s.db_pool.map_or(d::DB_POOL, |c| c.get()),
            // A worker thread holds its job until the write is done: its vCPUs are its threads.
            max_concurrency: s.vcpus.map_or(d::VCPUS, |c| c.get()),
            queue_s: d::QUEUE_TIMEOUT_MS / 1e3,
            deadline_propagation: false,
            load_shedding: false,
            retry: s.retry.as_ref().map(|r| self.retry(r)).transpose()?,
            launch_s: s.launch_s.map_or(d::EC2_LAUNCH_S, Seconds::get),
            scaling,
            nodes: None,
        })
    }

    fn database(
        &self,
        s: &DatabaseSpec,
        region: usize,
        regions: &[Region],
    ) -> Result<Database, InputError> {
        let primary_az = self.az(region, regions, &s.primary_az)?;
        let standby_az = match &s.standby_az {
            Some(az) => {
                if s.engine == Engine::Aurora {
                    return Err(self.err(
                        span(az),
                        "Aurora has no standby instance: its readers are the failover targets; use [database.replicas]",
                    ));
                }
                let standby = self.az(region, regions, az)?;
                if standby == primary_az {
                    return Err(self.err(
                        span(az),
                        "the standby must be in a different AZ from the primary",
                    ));
                }
                Some(standby)
            }
            None => None,
        };
        let replicas = match &s.replicas {
            None => None,
            Some(r) => {
                let count = r.count.get_ref().get();
                let min = r.min.as_ref().map_or(count, |m| m.get_ref().get());
                let max = r.max.as_ref().map_or(count, |m| m.get_ref().get());
                let anchor = r.max.as_ref().map_or(span(&r.count), span);
                if max > MAX_REPLICAS {
                    return Err(self.err(
                        anchor,
                        format!(
                            "at most {MAX_REPLICAS} read replicas per cluster (Aurora's limit)"
                        ),
                    ));
                }
                if min > max {
                    return Err(self.err(
                        r.min.as_ref().map_or(span(&r.count), span),
                        format!("`min` ({min}) is larger than `max` ({max})"),
                    ));
                }
                if count < min || count > max {
                    return Err(self.err(
                        span(&r.count),
                        format!("count = {count} is outside {min}..={max}"),
                    ));
                }
                Some(Replicas {
                    id: format!("{}-replicas", s.id.get_ref()),
                    count,
                    vcpus: r.vcpus.map_or(s.vcpus.get(), |c| c.get()),
                    azs: self.az_list(region, regions, r.azs.as_ref())?,
                    min,
                    max,
                    target: r
                        .target_utilization
                        .map_or(d::REPLICA_TARGET_UTILIZATION, Share::get),
                    launch_s: r.launch_s.map_or(d::REPLICA_LAUNCH_S, Seconds::get),
                    cooldown_s: r.cooldown_s.map_or(d::REPLICA_COOLDOWN_S, Seconds::get),
                })
            }
        };
        let failover_s = match &s.failover_s {
            Some(w) => match w.get_ref().as_slice() {
                [lo, hi] if lo.get() <= hi.get() => [lo.get(), hi.get()],
                _ => {
                    return Err(
                        self.err(span(w), "write the failover window as [shortest, longest]")
                    );
                }
            },
            None => match s.engine {
                Engine::Rds => d::RDS_FAILOVER_S,
                Engine::Aurora => d::AURORA_FAILOVER_S,
            },
        };
        Ok(Database {
            engine: s.engine,
            primary_az,
            standby_az,
            vcpus: s.vcpus.get(),
            read_s: s.read_ms.get() / 1e3,
            write_s: s.write_ms.get() / 1e3,
            max_connections: s.max_connections.get(),
            timeout_s: s.timeout_ms.map_or(d::DB_TIMEOUT_MS, |v| v.get()) / 1e3,
            failover_s,
            recovery_s: s.recovery_s.map_or(d::DB_RECOVERY_S, Seconds::get),
            replica_lag_ms: s.replica_lag_ms.map_or(
                match s.engine {
                    Engine::Rds => d::RDS_REPLICA_LAG_MS,
                    Engine::Aurora => d::AURORA_REPLICA_LAG_MS,
                },
                |v| v.get(),
            ),
            share: s.share.map_or(1.0, |v| v.get()),
            replicates_from: None, // linked once every component exists
            promote_s: s.promote_s.map_or(d::GLOBAL_PROMOTE_S, Seconds::get),
            replicas,
        })
    }

    /// Adds the edges: `to` lists (checked against which kinds may call which) and
    /// `replicates_from` (a cross-region copy forwarding its writes).
    fn link(
        &self,
        drafts: &[Draft],
        index: &HashMap<&str, NodeId>,
        graph: &mut DiGraph<Component, Link>,
    ) -> Result<(), InputError> {
        let lookup = |id: &Id| {
            // Not an id at all (empty, 100,000 characters): say so rather than echo it.
            check_name(id.get_ref()).map_err(|e| self.err(span(id), e))?;
            index.get(id.get_ref().as_str()).copied().ok_or_else(|| {
                self.err(
                    span(id),
                    format!(
                        "unknown component `{}`{}",
                        id.get_ref(),
                        suggest(id.get_ref(), index.keys().copied())
                    ),
                )
            })
        };
        for (i, draft) in drafts.iter().enumerate() {
            let from = NodeId::new(i);
            let mut seen: Vec<NodeId> = Vec::new();
            for target in draft.to {
                let to = lookup(target)?;
                if to == from {
                    return Err(
                        self.err(span(target), "a component cannot send requests to itself")
                    );
                }
                if seen.contains(&to) {
                    return Err(self.err(
                        span(target),
                        format!("`{}` is listed twice", target.get_ref()),
                    ));
                }
                seen.push(to);
                let callee = drafts[to.index()].spec.name();
                if !draft.spec.may_call().contains(&callee) {
                    let allowed = draft.spec.may_call();
                    let hint = if allowed.is_empty() {
                        format!(
                            "a {} answers requests itself and sends them nowhere",
                            draft.spec.name()
                        )
                    } else {
                        format!(
                            "a {} may send to: {}",
                            draft.spec.name(),
                            allowed.join(", ")
                        )
                    };
                    return Err(self.err(
                        span(target),
                        format!(
                            "`{}` cannot send requests to the {callee} `{}`: {hint}",
                            draft.id.get_ref(),
                            target.get_ref()
                        ),
                    ));
                }
                let (a, b) = (graph[from].region, graph[to].region);
                if let (Some(a), Some(b)) = (a, b)
                    && a != b
                {
                    return Err(self.err(
                        span(target),
                        format!("`{}` and `{}` are in different regions; only DNS and the CDN cross regions (a database may `replicates_from` another region)", draft.id.get_ref(), target.get_ref()),
                    ));
                }
                graph.add_edge(from, to, Link::Calls);
            }
            if let KindSpec::Database(s) = &draft.spec
                && let Some(source) = &s.replicates_from
            {
                let to = lookup(source)?;
                let Kind::Database(target) = &graph[to].kind else {
                    return Err(self.err(
                        span(source),
                        format!("`{}` is not a database", source.get_ref()),
                    ));
                };
                if to == from || graph[to].region == graph[from].region {
                    return Err(self.err(
                        span(source),
                        "`replicates_from` names a database in another region",
                    ));
                }
                if target.replicates_from.is_some()
                    || matches!(&drafts[to.index()].spec, KindSpec::Database(t) if t.replicates_from.is_some())
                {
                    return Err(self.err(span(source), format!("`{}` is itself a copy; replicate from the database that owns the writer", source.get_ref())));
                }
                if let Kind::Database(db) = &mut graph[from].kind {
                    db.replicates_from = Some(to);
                }
                graph.add_edge(from, to, Link::ForwardsWrites);
            }
        }
        Ok(())
    }

    fn entry(
        &self,
        drafts: &[Draft],
        graph: &DiGraph<Component, Link>,
    ) -> Result<NodeId, InputError> {
        let dns: Vec<usize> = (0..drafts.len())
            .filter(|&i| matches!(drafts[i].spec, KindSpec::Dns(_)))
            .collect();
        match dns.as_slice() {
            [one] => return Ok(NodeId::new(*one)),
            [_, second, ..] => {
                return Err(self.err(
                    span(drafts[*second].id),
                    "only one [[dns]] may face the users",
                ));
            }
            [] => {}
        }
        let roots: Vec<NodeId> = graph
            .node_indices()
            .filter(|&n| {
                graph
                    .edges_directed(n, Direction::Incoming)
                    .next()
                    .is_none()
            })
            .collect();
        match roots.as_slice() {
            [one] => Ok(*one),
            [] => Err(InputError::new(self.origin, "no component is free of callers, so users have nowhere to arrive")),
            [_, second, ..] => Err(self.err(
                span(drafts[second.index()].id),
                format!(
                    "users could arrive at `{}` or at `{}`: add a [[dns]] in front, or connect them with `to`",
                    drafts[roots[0].index()].id.get_ref(),
                    drafts[second.index()].id.get_ref()
                ),
            )),
        }
    }

    fn check_reachable(
        &self,
        drafts: &[Draft],
        graph: &DiGraph<Component, Link>,
        entry: NodeId,
    ) -> Result<(), InputError> {
        let mut seen = vec![false; graph.node_count()];
        let mut stack = vec![entry];
        while let Some(n) = stack.pop() {
            if std::mem::replace(&mut seen[n.index()], true) {
                continue;
            }
            stack.extend(graph.neighbors_directed(n, Direction::Outgoing));
        }
        match seen.iter().position(|s| !s) {
            Some(i) => Err(self.err(
                span(drafts[i].id),
                format!(
                    "`{}` is not reachable from the users: no component sends it requests",
                    drafts[i].id.get_ref()
                ),
            )),
            None => Ok(()),
        }
    }

    /// Regions and DNS routing agree: one entry per region, standby regions behind failover routing.
    fn check_regions(
        &self,
        drafts: &[Draft],
        graph: &DiGraph<Component, Link>,
        regions: &[Region],
        entry: NodeId,
    ) -> Result<(), InputError> {
        let Kind::Dns(dns) = &graph[entry].kind else {
            if regions.len() > 1 {
                return Err(InputError::new(
                    self.origin,
                    "a preset with several regions needs a [[dns]] to route users between them",
                ));
            }
            return Ok(());
        };
        let mut per_region = vec![0; regions.len()];
        for target in graph.neighbors_directed(entry, Direction::Outgoing) {
            if let Some(r) = graph[target].region {
                per_region[r] += 1;
                if per_region[r] > 1 {
                    return Err(self.err(span(drafts[target.index()].id), format!("DNS sends users to two entry points in region `{}`; give each region one", regions[r].id)));
                }
            }
        }
        let dns_id = drafts[entry.index()].id;
        if let Some(r) = per_region.iter().position(|&n| n == 0) {
            return Err(self.err(
                span(dns_id),
                format!(
                    "DNS sends no users to region `{}`: add its load balancer to `to`",
                    regions[r].id
                ),
            ));
        }
        let has_standby = regions.iter().any(|r| r.standby.is_some());
        if has_standby && dns.routing != DnsRouting::Failover {
            return Err(self.err(
                span(dns_id),
                "a standby region needs `routing = \"failover\"` on the DNS",
            ));
        }
        if dns.routing == DnsRouting::Failover {
            let first = graph
                .neighbors_directed(entry, Direction::Outgoing)
                .filter(|&n| graph[n].region.is_some())
                .min_by_key(|n| n.index());
            if regions.len() < 2
                || first
                    .and_then(|n| graph[n].region)
                    .is_some_and(|r| regions[r].standby.is_some())
            {
                return Err(self.err(span(dns_id), "failover routing needs an active primary region and a second region to fail over to"));
            }
        }
        Ok(())
    }

    /// For each component and class of request: the next hops and their shares.
    fn routes(
        &self,
        drafts: &[Draft],
        graph: &DiGraph<Component, Link>,
        regions: &[Region],
    ) -> Result<Vec<Routes>, InputError> {
        let callees = |n: NodeId| -> Vec<NodeId> {
            let mut out: Vec<NodeId> = graph
                .edges_directed(n, Direction::Outgoing)
                .filter(|e| *e.weight() == Link::Calls)
                .map(|e| petgraph::visit::EdgeRef::target(&e))
                .collect();
            out.sort(); // declaration order, independent of petgraph's edge order
            out
        };
        let is = |n: NodeId, name: &str| graph[n].kind.name() == name;
        let store_share = |n: NodeId| match &graph[n].kind {
            Kind::Database(db) => db.share,
            Kind::KvStore(kv) => kv.share,
            _ => 0.0,
        };
        let weighted = |stores: &[NodeId]| -> Vec<Hop> {
            let total: f64 = stores.iter().map(|&s| store_share(s)).sum();
            stores
                .iter()
                .map(|&s| Hop {
                    to: s,
                    share: store_share(s) / total,
                })
                .collect()
        };
        let even = |targets: &[NodeId]| -> Vec<Hop> {
            targets
                .iter()
                .map(|&t| Hop {
                    to: t,
                    share: 1.0 / targets.len() as f64,
                })
                .collect()
        };
        let must_send = |n: NodeId, targets: &[NodeId], what: &str| -> Result<(), InputError> {
            if targets.is_empty() {
                let id = drafts[n.index()].id;
                return Err(self.err(span(id), format!("`{}` sends {what} nowhere: no path from the users to a data store; give it `to = [...]`", id.get_ref())));
            }
            Ok(())
        };

        let mut routes = vec![Routes::default(); graph.node_count()];
        for n in graph.node_indices() {
            let out = callees(n);
            let r = &mut routes[n.index()].next;
            match &graph[n].kind {
                Kind::Dns(_) => {
                    let entries: Vec<NodeId> =
                        out.iter().copied().filter(|&t| !is(t, "cdn")).collect();
                    must_send(n, &entries, "dynamic requests")?;
                    // Each region's entry takes that region's share of users; DNS moves them at run time.
                    let dynamic: Vec<Hop> = entries
                        .iter()
                        .map(|&t| Hop {
                            to: t,
                            share: graph[t].region.map_or(1.0, |r| regions[r].user_share),
                        })
                        .collect();
                    r[Class::Static as usize] = match out.iter().find(|&&t| is(t, "cdn")) {
                        Some(&cdn) => vec![Hop {
                            to: cdn,
                            share: 1.0,
                        }],
                        None => dynamic.clone(),
                    };
                    r[Class::Read as usize] = dynamic.clone();
                    r[Class::Write as usize] = dynamic;
                }
                Kind::Cdn(_) => {
                    must_send(n, &out, "cache misses")?;
                    // Origin failover: the first origin listed is primary.
                    r[Class::Static as usize] = vec![Hop {
                        to: out[0],
                        share: 1.0,
                    }];
                    r[Class::Static as usize]
                        .extend(out[1..].iter().map(|&t| Hop { to: t, share: 0.0 }));
                }
                Kind::LoadBalancer(_) => {
                    must_send(n, &out, "requests")?;
                    for class in USER_CLASSES {
                        r[class as usize] = even(&out);
                    }
                }
                Kind::Cache(_) => {
                    must_send(n, &out, "cache misses")?;
                    r[Class::Read as usize] = weighted(&out);
                }
                Kind::Queue(_) => {
                    must_send(n, &out, "jobs")?;
                    r[Class::Job as usize] = even(&out);
                }
                Kind::Pool(pool) if pool.role == PoolRole::Workers => {
                    must_send(n, &out, "jobs")?;
                    r[Class::Job as usize] = weighted(&out);
                }
                Kind::Pool(_) => {
                    if let Some(&store) = out.iter().find(|&&t| is(t, "object_store")) {
                        r[Class::Static as usize] = vec![Hop {
                            to: store,
                            share: 1.0,
                        }];
                    }
                    let (reads, writes) = data_paths(graph, &out, &callees);
                    if !reads.is_empty() || !writes.is_empty() {
                        if writes.is_empty() {
                            let id = drafts[n.index()].id;
                            return Err(self.err(span(id), format!("`{}` reads data but has no path for writes: add the database to its `to`, or a queue with workers", id.get_ref())));
                        }
                        if reads.is_empty() {
                            let id = drafts[n.index()].id;
                            return Err(self.err(
                                span(id),
                                format!("`{}` writes data but has no path for reads", id.get_ref()),
                            ));
                        }
                    }
                    r[Class::Read as usize] = first_hops(&reads, &weighted);
                    r[Class::Write as usize] = first_hops(&writes, &weighted);
                }
                Kind::Database(db) => {
                    if let Some(owner) = db.replicates_from {
                        r[Class::Write as usize] = vec![Hop {
                            to: owner,
                            share: 1.0,
                        }];
                        r[Class::Job as usize] = vec![Hop {
                            to: owner,
                            share: 1.0,
                        }];
                    }
                }
                Kind::ObjectStore(_) | Kind::KvStore(_) => {}
            }
        }
        Ok(routes)
    }
}

/// (store, first hop) pairs: each data store a class reaches, and the component to send it to.
type StorePaths = Vec<(NodeId, NodeId)>;

/// For a pool: every data store its reads and writes reach, each with the first hop to take
/// (a cache in front of the store for reads, a queue for writes, or the store itself).
fn data_paths(
    graph: &DiGraph<Component, Link>,
    out: &[NodeId],
    callees: &dyn Fn(NodeId) -> Vec<NodeId>,
) -> (StorePaths, StorePaths) {
    let mut reads: Vec<(NodeId, NodeId)> = Vec::new(); // (store, first hop)
    let mut writes: Vec<(NodeId, NodeId)> = Vec::new();
    let put =
        |list: &mut Vec<(NodeId, NodeId)>, store: NodeId, hop: NodeId, preferred: bool| match list
            .iter_mut()
            .find(|(s, _)| *s == store)
        {
            Some(entry) if preferred => entry.1 = hop,
            Some(_) => {}
            None => list.push((store, hop)),
        };
    for &t in out {
        match &graph[t].kind {
            k if k.is_data_store() => {
                put(&mut reads, t, t, false);
                put(&mut writes, t, t, false);
            }
            Kind::Cache(_) => {
                for store in callees(t) {
                    put(&mut reads, store, t, true);
                }
            }
            Kind::Queue(_) => {
                for worker in callees(t) {
                    for store in callees(worker) {
                        put(&mut writes, store, t, true);
                    }
                }
            }
            _ => {}
        }
    }
    reads.sort();
    writes.sort();
    (reads, writes)
}

/// Collapses (store, first hop) pairs into first hops weighted by the stores' shares.
fn first_hops(paths: &[(NodeId, NodeId)], weighted: &dyn Fn(&[NodeId]) -> Vec<Hop>) -> Vec<Hop> {
    let stores: Vec<NodeId> = paths.iter().map(|&(s, _)| s).collect();
    let shares = weighted(&stores);
    let mut hops: Vec<Hop> = Vec::new();
    for (&(_, hop), store) in paths.iter().zip(shares) {
        match hops.iter_mut().find(|h| h.to == hop) {
            Some(h) => h.share += store.share,
            None => hops.push(Hop {
                to: hop,
                share: store.share,
            }),
        }
    }
    hops
}

fn drafts(spec: &PresetSpec) -> Vec<Draft<'_>> {
    let mut out = Vec::new();
    let empty: &[Id] = &[];
    for s in &spec.dns {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: None,
            azs: None,
            to: &s.to,
            spec: KindSpec::Dns(s),
        });
    }
    for s in &spec.cdn {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: None,
            azs: None,
            to: &s.to,
            spec: KindSpec::Cdn(s),
        });
    }
    for s in &spec.load_balancer {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: None,
            to: &s.to,
            spec: KindSpec::LoadBalancer(s),
        });
    }
    for s in &spec.compute {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: s.azs.as_ref(),
            to: &s.to,
            spec: KindSpec::Compute(s),
        });
    }
    for s in &spec.containers {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: s.azs.as_ref(),
            to: &s.to,
            spec: KindSpec::Containers(s),
        });
    }
    for s in &spec.cache {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: s.azs.as_ref(),
            to: &s.to,
            spec: KindSpec::Cache(s),
        });
    }
    for s in &spec.queue {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: None,
            to: &s.to,
            spec: KindSpec::Queue(s),
        });
    }
    for s in &spec.workers {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: s.azs.as_ref(),
            to: &s.to,
            spec: KindSpec::Workers(s),
        });
    }
    for s in &spec.database {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: None,
            to: empty,
            spec: KindSpec::Database(s),
        });
    }
    for s in &spec.kv_store {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: None,
            to: empty,
            spec: KindSpec::KvStore(s),
        });
    }
    for s in &spec.object_store {
        out.push(Draft {
            id: &s.id,
            label: s.label.as_ref(),
            region: s.region.as_ref(),
            azs: None,
            to: empty,
            spec: KindSpec::ObjectStore(s),
        });
    }
    out
}

fn default_label(spec: &KindSpec) -> String {
    match spec {
        KindSpec::Dns(_) => "Route 53",
        KindSpec::Cdn(_) => "CloudFront",
        KindSpec::ObjectStore(_) => "S3",
        KindSpec::LoadBalancer(_) => "ALB",
        KindSpec::Compute(_) => "EC2",
        KindSpec::Containers(_) => "EKS pods",
        KindSpec::Workers(_) => "workers",
        KindSpec::Cache(_) => "ElastiCache",
        KindSpec::Queue(_) => "SQS",
        KindSpec::Database(s) => match s.engine {
            Engine::Rds => "RDS",
            Engine::Aurora => "Aurora",
        },
        KindSpec::KvStore(_) => "DynamoDB",
    }
    .to_string()
}

/// The longest id: short enough to fit a box on the dashboard.
const MAX_ID_LEN: usize = 40;

/// Ids are short names: letters, digits, `-` and `_`.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_ID_LEN {
        return Err(format!("an id must be 1 to {MAX_ID_LEN} characters long"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "`{name}` may only hold letters, digits, `-` and `_`"
        ));
    }
    Ok(())
}

fn known<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    format!(" (known: {})", names.join(", "))
}

/// "did you mean" for a mistyped id: the known id with the smallest edit distance. Ids are
/// at most 40 characters, so a longer one has no near neighbour and is not compared (edit
/// distance is quadratic).
fn suggest<'a>(wrong: &str, names: impl Iterator<Item = &'a str>) -> String {
    if wrong.len() > 2 * MAX_ID_LEN {
        return String::new();
    }
    let best = names
        .map(|n| (edit_distance(wrong, n), n))
        .filter(|&(dist, n)| dist <= 2.max(n.len() / 3))
        .min();
    best.map_or(String::new(), |(_, n)| format!(" (did you mean `{n}`?)"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
