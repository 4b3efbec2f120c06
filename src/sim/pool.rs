//! A pool of identical servers spread over AZs: EC2 instances, Kubernetes pods, queue workers
//! or database read replicas. The pool launches, warms up, loses and replaces instances, and
//! scales by one of three rules:
//!
//! - **Target tracking** (EC2 Auto Scaling, Aurora replicas, and queue workers on backlog):
//!   the metric is averaged into one-minute datapoints; after `out_datapoints` consecutive ones
//!   above target the pool grows to `ceil(serving × metric / target)`; after `in_datapoints`
//!   below it (and the cooldown) it shrinks the same way. Instances still launching count toward
//!   capacity, so the rule never orders the same instances twice.
//! - **HPA** (Kubernetes): every `sync_s`, `desired = ceil(ready × metric / target)` unless within
//!   the tolerance; at most ×2 or +4 pods per step up; down to the highest recommendation of the
//!   last `window_s`.
//!
//! A dead instance keeps receiving its share of traffic (which fails) until the load balancer's
//! health checks notice it: the first check after death plus `threshold − 1` more intervals.

use super::events::{EventKind, Events};
use super::held::Holding;
use super::sick::{HealthChecks, SickInstance};
use super::station::Station;
use crate::arch::{AzRef, NodeGroup, Scaling};
use crate::preset::defaults as d;
use std::collections::VecDeque;

/// How failed instances are noticed and replaced.
#[derive(Debug, Clone, Copy)]
pub struct Detection {
    /// Health checks: a check every `interval_s`, starting at `phase_s`; `threshold` failures.
    /// `None`: nothing stops traffic to a dead instance (DNS straight to a server).
    pub checks: Option<(f64, f64, u32)>,
    /// Whether traffic is pushed to instances (and so fails on dead ones) or pulled by them.
    pub pushed: bool,
    /// Replace dead instances automatically (an Auto Scaling group or a ReplicaSet).
    pub replace: bool,
    /// Kubernetes keeps pods on a lost node bound to it this long before replacing them.
    pub eviction_s: Option<f64>,
    /// A load balancer sends traffic to a new or returning target only after it passed this
    /// many health checks in a row (`None`: it takes traffic once booted).
    pub healthy_checks: Option<u32>,
}

impl Detection {
    /// When an instance that finished booting at `ready` takes traffic: with load balancer
    /// health checks, at the check that makes it healthy (ELB User Guide: a target is healthy
    /// after `healthy_threshold` consecutive successful checks).
    pub fn in_service_at(&self, ready: f64) -> f64 {
        match (self.checks, self.healthy_checks) {
            (Some((interval, phase, _)), Some(healthy)) if interval > 0.0 => {
                let first = phase + ((ready - phase) / interval).ceil().max(0.0) * interval;
                first + f64::from(healthy.saturating_sub(1)) * interval
            }
            _ => ready,
        }
    }
}

#[derive(Debug, Clone)]
struct DeadInstance {
    /// When health checks (or, for pulled work, status checks) declare it dead.
    noticed_at: f64,
    /// Receives (and fails) its share of traffic until then.
    registered_until: f64,
    /// Still counted by the controller until then (Kubernetes eviction).
    counted_until: f64,
}

/// The pool's instances in one AZ.
#[derive(Debug, Clone)]
pub struct Slot {
    pub az: AzRef,
    pub serving: u32,
    /// When each instance being launched takes traffic: booted, then found healthy (see
    /// `Detection::in_service_at`, worked out once at launch rather than every second).
    launching: Vec<f64>,
    dead: Vec<DeadInstance>,
    /// Dead and not replaced: waiting for their AZ to come back (pools without auto scaling).
    lost: u32,
    /// Instances launched only to move capacity here, each retiring one elsewhere when ready.
    rebalancing: u32,
}

impl Slot {
    /// Instances launched here and not serving yet.
    pub fn launching(&self) -> u32 {
        self.launching.len() as u32
    }
}

#[derive(Debug, Clone)]
enum ScalerState {
    Fixed,
    Tracking {
        minute_sum: f64,
        minute_n: u32,
        above: u32,
        below: u32,
        last_activity: f64,
    },
    Hpa {
        next_sync: f64,
        sum: f64,
        n: u32,
        history: VecDeque<(f64, u32)>,
    },
}

/// Kubernetes worker nodes in one AZ.
#[derive(Debug, Clone)]
struct NodeSlot {
    ready: u32,
    launching: Vec<f64>,
}

#[derive(Debug, Clone)]
struct Nodes {
    spec: NodeGroup,
    per_az: Vec<NodeSlot>,
    /// Since when at least one node's worth of pod slots has stood empty.
    idle_since: Option<f64>,
}

/// Cluster autoscaler: a node stays unneeded this long before it is removed (its documented
/// `scale-down-unneeded-time` default is 10 minutes).
const NODE_UNNEEDED_S: f64 = 600.0;

#[derive(Debug, Clone)]
pub struct PoolState {
    pub slots: Vec<Slot>,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    pub vcpus: u32,
    launch_s: f64,
    scaling: Option<Scaling>,
    scaler: ScalerState,
    detection: Detection,
    nodes: Option<Nodes>,
    /// What the scaling metric measures, for event messages.
    pub metric_name: &'static str,
    pub station: Station,
    /// Utilisation offered in the last second (above 1 is overload).
    pub utilization: f64,
    /// Mean response time in the last second (seconds).
    pub response_s: f64,
    /// Threads and connections its requests hold, and for how long.
    pub holding: Holding,
    /// A round-robin load balancer in front: every instance queues on its own.
    pub round_robin: bool,
    /// One instance running slower than the rest (`degrade-instance`).
    pub sick: Option<SickInstance>,
    /// Queue workers: jobs per second they get through, and how long each waits for its
    /// store (worked out each second by the queue that feeds them).
    pub drain: (f64, f64),
    /// Workers: jobs a second they took from their queue last (at most `drain.0`): what they
    /// ask of the stores they write to, which other worker pools writing there share.
    pub jobs_taken: f64,
}

impl PoolState {
    pub fn new(
        azs: &[AzRef],
        instances: u32,
        vcpus: u32,
        launch_s: f64,
        scaling: Option<Scaling>,
        nodes: Option<&NodeGroup>,
        detection: Detection,
    ) -> Self {
        let (min, max) = scaling
            .as_ref()
            .map_or((instances, instances), Scaling::bounds);
        let mut slots: Vec<Slot> = azs
            .iter()
            .map(|&az| Slot {
                az,
                serving: 0,
                launching: Vec::new(),
                dead: Vec::new(),
                lost: 0,
                rebalancing: 0,
            })
            .collect();
        spread(&mut slots, instances, |s| &mut s.serving);
        let nodes = nodes.map(|spec| {
            let mut per_az: Vec<NodeSlot> = azs
                .iter()
                .map(|_| NodeSlot {
                    ready: 0,
                    launching: Vec::new(),
                })
                .collect();
            let n = spec.nodes as usize;
            for i in 0..n {
                per_az[i % azs.len()].ready += 1;
            }
            Nodes {
                spec: spec.clone(),
                per_az,
                idle_since: None,
            }
        });
        let scaler = match scaling {
            None => ScalerState::Fixed,
            Some(Scaling::Hpa { sync_s, .. }) => ScalerState::Hpa {
                next_sync: sync_s,
                sum: 0.0,
                n: 0,
                history: VecDeque::new(),
            },
            Some(_) => ScalerState::Tracking {
                minute_sum: 0.0,
                minute_n: 0,
                above: 0,
                below: 0,
                last_activity: f64::NEG_INFINITY,
            },
        };
        Self {
            slots,
            desired: instances,
            min,
            max,
            vcpus,
            launch_s,
            scaling,
            scaler,
            detection,
            nodes,
            metric_name: "CPU",
            station: Station::default(),

            utilization: 0.0,
            response_s: 0.0,
            holding: Holding::default(),
            round_robin: false,
            sick: None,
            drain: (0.0, 0.0),
            jobs_taken: 0.0,
        }
    }

    pub fn serving(&self) -> u32 {
        self.slots.iter().map(|s| s.serving).sum()
    }

    pub fn launching(&self) -> u32 {
        self.slots.iter().map(Slot::launching).sum()
    }

    /// Dead instances the load balancer still sends traffic to.
    pub fn dead_registered(&self, t: f64) -> u32 {
        self.slots
            .iter()
            .flat_map(|s| &s.dead)
            .filter(|d| d.registered_until > t)
            .count() as u32
    }

    /// Servers (vCPUs) able to take work now.
    pub fn servers(&self) -> f64 {
        f64::from(self.serving()) * f64::from(self.vcpus)
    }

    /// Share of pushed traffic that lands on dead instances.
    pub fn dead_share(&self, t: f64) -> f64 {
        if !self.detection.pushed {
            return 0.0;
        }
        let dead = f64::from(self.dead_registered(t));
        let registered = f64::from(self.serving()) + dead;
        if registered == 0.0 {
            1.0
        } else {
            dead / registered
        }
    }

    pub fn is_fixed(&self) -> bool {
        self.scaling.is_none()
    }

    /// Pods that cannot be placed for lack of node capacity.
    pub fn pending(&self) -> u32 {
        let counted = self.counted(f64::NEG_INFINITY);
        self.desired.saturating_sub(counted)
    }

    /// Worker nodes running or booting: what is billed.
    pub fn nodes_running(&self) -> Option<u32> {
        self.nodes.as_ref().map(|n| {
            n.per_az
                .iter()
                .map(|s| s.ready + s.launching.len() as u32)
                .sum()
        })
    }

    /// vCPUs of one worker node (its pods' share of it), when the pool runs on nodes.
    pub fn node_vcpus(&self) -> Option<u32> {
        self.nodes
            .as_ref()
            .map(|n| n.spec.pods_per_node * self.vcpus)
    }

    pub fn nodes_ready(&self) -> Option<u32> {
        self.nodes
            .as_ref()
            .map(|n| n.per_az.iter().map(|s| s.ready).sum())
    }

    /// Instances in service, launching, and dead-but-still-counted: what the controller sees.
    fn counted(&self, t: f64) -> u32 {
        self.slots
            .iter()
            .map(|s| {
                s.serving + s.launching() - s.rebalancing.min(s.launching())
                    + s.dead.iter().filter(|d| d.counted_until > t).count() as u32
            })
            .sum()
    }

    fn death(&self, t: f64) -> DeadInstance {
        // The first check after the death fails, then `threshold − 1` more, `interval` apart.
        let noticed_at = match self.detection.checks {
            None => f64::INFINITY,
            Some((interval, phase, threshold)) => {
                let next = phase + ((t - phase) / interval).floor() * interval + interval;
                next + f64::from(threshold - 1) * interval
            }
        };
        let registered_until = if self.detection.pushed { noticed_at } else { t };
        let counted_until = if !self.detection.replace {
            f64::INFINITY
        } else if let Some(evict) = self.detection.eviction_s {
            t + evict
        } else {
            noticed_at
        };
        DeadInstance {
            noticed_at,
            registered_until,
            counted_until,
        }
    }

    /// Instances in these AZs are gone with their region: nobody is left to notice them one by
    /// one, so they leave quietly (and fixed pools get them back when the region returns).
    pub fn lose_azs(&mut self, azs: &[AzRef], t: f64) {
        for &az in azs {
            self.kill_az(az, t);
        }
        let fixed = self.scaling.is_none();
        for slot in self.slots.iter_mut().filter(|s| azs.contains(&s.az)) {
            if fixed {
                slot.lost += slot.dead.len() as u32;
            }
            slot.dead.clear();
        }
    }

    /// Every instance in `az` dies (and launches there are lost).
    pub fn kill_az(&mut self, az: AzRef, t: f64) -> u32 {
        let dead = self.death(t);
        if self.sick.as_ref().is_some_and(|s| s.az == az) {
            // It dies with its AZ; what waited on it stays with the pool's queue, as the
            // other instances' does.
            self.heal();
        }
        let Some(slot) = self.slots.iter_mut().find(|s| s.az == az) else {
            return 0;
        };
        let n = slot.serving;
        slot.dead.extend((0..n).map(|_| dead.clone()));
        slot.serving = 0;
        slot.launching.clear();
        slot.rebalancing = 0;
        if let Some(nodes) = &mut self.nodes
            && let Some(i) = self.slots.iter().position(|s| s.az == az)
        {
            nodes.per_az[i] = NodeSlot {
                ready: 0,
                launching: Vec::new(),
            };
        }
        n
    }

    /// One instance dies, in the AZ with the most. Returns its AZ.
    pub fn kill_one(&mut self, t: f64) -> Option<AzRef> {
        let dead = self.death(t);
        let slot = self
            .slots
            .iter_mut()
            .filter(|s| s.serving > 0)
            .max_by_key(|s| s.serving)?;
        slot.serving -= 1;
        slot.dead.push(dead);
        Some(slot.az)
    }

    /// When an instance launched at `t` takes traffic: booted, then found healthy.
    fn launched_in_service(&self, t: f64) -> f64 {
        self.detection.in_service_at(t + self.launch_s)
    }

    /// The AZ is back: instances that were lost there (pools without auto scaling) boot again.
    pub fn restore_az(&mut self, az: AzRef, t: f64) {
        let in_service = self.launched_in_service(t);
        if let Some(slot) = self.slots.iter_mut().find(|s| s.az == az) {
            let back = slot.lost
                + if self.scaling.is_none() {
                    slot.dead.len() as u32
                } else {
                    0
                };
            if self.scaling.is_none() {
                slot.dead.clear();
            }
            slot.lost = 0;
            slot.launching.extend((0..back).map(|_| in_service));
        }
        if let Some(nodes) = &mut self.nodes
            && let Some(i) = self.slots.iter().position(|s| s.az == az)
        {
            // Node groups span AZs: the autoscaler refills the AZ as pods need it.
            nodes.per_az[i].launching.clear();
        }
    }

    /// Whether a tick with nothing to scale on would change nothing: nothing launching,
    /// dead or sick, and as many instances as it wants.
    pub fn settled(&self, t: f64) -> bool {
        self.sick.is_none()
            && self
                .slots
                .iter()
                .all(|s| s.launching.is_empty() && s.dead.is_empty())
            && (self.scaling.is_none() || self.counted(t) >= self.desired)
            && self
                .nodes
                .as_ref()
                .is_none_or(|n| n.per_az.iter().all(|a| a.launching.is_empty()))
    }

    /// Whether `restore_all` would change anything: an instance slow, crashed or lost.
    pub fn broken(&self) -> bool {
        self.sick.is_some() || self.slots.iter().any(|s| s.lost > 0 || !s.dead.is_empty())
    }

    /// Everything lost comes back in service at once (the operator's `restore-all`).
    pub fn restore_all(&mut self) {
        self.heal();
        for slot in &mut self.slots {
            if self.scaling.is_none() {
                slot.serving += slot.lost + slot.dead.len() as u32;
            }
            slot.lost = 0;
            slot.dead.clear();
        }
    }

    /// Advances launches, health checks, replacement and scaling by one second.
    /// `metric` is the scaling metric observed in the last second (utilisation, or backlog per
    /// worker); `None` before any traffic has been observed.
    pub fn tick(
        &mut self,
        t: f64,
        metric: Option<f64>,
        az_up: &dyn Fn(AzRef) -> bool,
        id: &str,
        events: &mut Events,
    ) {
        self.advance(t, id, events);
        self.watch_sick(t, id, events);
        if let Some(metric) = metric {
            self.scale(t, metric, id, events);
        }
        self.reconcile(t, az_up, id, events);
        self.autoscale_nodes(t, az_up);
    }

    fn advance(&mut self, t: f64, id: &str, events: &mut Events) {
        let controlled = self.scaling.is_some();
        let mut noticed: Vec<(AzRef, u32)> = Vec::new();
        for slot in &mut self.slots {
            let before = slot.launching.len();
            slot.launching.retain(|&in_service| in_service > t);
            slot.serving += (before - slot.launching.len()) as u32;

            let n = slot
                .dead
                .iter()
                .filter(|d| d.noticed_at <= t && d.noticed_at > t - 1.0)
                .count() as u32;
            if n > 0 {
                noticed.push((slot.az, n));
            }
            if controlled {
                // The controller forgets them once it has replaced them.
                slot.dead.retain(|d| d.counted_until > t);
            } else {
                // Nobody replaces them: once noticed they are lost until their AZ returns.
                let expired = slot.dead.iter().filter(|d| d.noticed_at <= t).count() as u32;
                slot.lost += expired;
                slot.dead.retain(|d| d.noticed_at > t);
            }
        }
        for (az, n) in noticed {
            let az = events.az_name(az).to_string();
            let message = match (self.detection.pushed, controlled) {
                (true, _) => format!(
                    "{n} {} failed health checks in {az}; no more traffic to {}",
                    plural(n, "target", "targets"),
                    plural(n, "it", "them")
                ),
                (false, true) => format!(
                    "{n} {} failed status checks in {az}; replacing {}",
                    plural(n, "instance", "instances"),
                    plural(n, "it", "them")
                ),
                (false, false) => format!(
                    "{n} {} failed status checks in {az}",
                    plural(n, "instance", "instances")
                ),
            };
            events.push(EventKind::HealthCheckFail, Some(id), message);
        }

        self.finish_rebalancing();
    }

    /// One instance in the AZ with the most starts running `factor` times slower, until
    /// `until` (or until restored). Returns its AZ, or `None` when nothing serves.
    pub fn degrade_one(&mut self, factor: f64, until: Option<f64>) -> Option<AzRef> {
        if let Some(sick) = &mut self.sick {
            // Still the same instance, only sicker (or better).
            sick.factor = factor;
            sick.until = until;
            return Some(sick.az);
        }
        let az = self
            .slots
            .iter()
            .filter(|s| s.serving > 0)
            .max_by_key(|s| s.serving)?
            .az;
        self.sick = Some(SickInstance::new(factor, az, until));
        Some(az)
    }

    /// The slow instance is well again; the pool serves what waited on it.
    pub fn heal(&mut self) -> bool {
        match self.sick.take() {
            Some(sick) => {
                self.station.take_over(sick.into_backlog());
                true
            }
            None => false,
        }
    }

    /// The load balancer's checks of the slow instance, and its recovery when its time is up.
    fn watch_sick(&mut self, t: f64, id: &str, events: &mut Events) {
        if self
            .sick
            .as_ref()
            .is_some_and(|s| s.until.is_some_and(|u| u <= t))
        {
            self.heal();
            events.push(
                EventKind::Recovered,
                Some(id),
                "the slow instance runs at full speed again".into(),
            );
            return;
        }
        let checks = match (self.detection.checks, self.detection.pushed) {
            (Some((interval_s, phase_s, unhealthy)), true) => HealthChecks {
                interval_s,
                phase_s,
                unhealthy,
                healthy: self.detection.healthy_checks.unwrap_or(1),
            },
            _ => return,
        };
        if let Some(sick) = &mut self.sick {
            sick.check(checks, t, id, events);
        }
    }

    fn finish_rebalancing(&mut self) {
        for i in 0..self.slots.len() {
            while self.slots[i].rebalancing > self.slots[i].launching() {
                // One rebalancing instance is now serving here: retire one from the fullest AZ.
                self.slots[i].rebalancing -= 1;
                let fullest = (0..self.slots.len())
                    .filter(|&j| j != i)
                    .max_by_key(|&j| self.slots[j].serving);
                if let Some(j) = fullest
                    && self.slots[j].serving > self.slots[i].serving
                {
                    self.slots[j].serving -= 1;
                }
            }
        }
    }

    fn scale(&mut self, t: f64, metric: f64, id: &str, events: &mut Events) {
        let rule = match self.scaling {
            None => return,
            Some(Scaling::TargetTracking {
                target,
                out_datapoints,
                in_datapoints,
                cooldown_s,
                ..
            }) => TrackingRule {
                target,
                out_points: out_datapoints,
                in_points: in_datapoints,
                cooldown_s,
                unit: "",
            },
            // The metric is already relative to the targets of the CPU and backlog policies.
            Some(Scaling::Backlog { cooldown_s, .. }) => TrackingRule {
                target: 1.0,
                out_points: d::SCALE_OUT_DATAPOINTS,
                in_points: d::SCALE_IN_DATAPOINTS,
                cooldown_s,
                unit: "× target (busy threads or backlog, whichever is higher)",
            },
            Some(Scaling::Hpa {
                target,
                tolerance,
                sync_s,
                window_s,
                ..
            }) => {
                return self.hpa(
                    t,
                    metric,
                    HpaRule {
                        target,
                        tolerance,
                        sync_s,
                        window_s,
                    },
                    id,
                    events,
                );
            }
        };
        self.track(t, metric, rule, id, events);
    }

    /// Target tracking on one-minute datapoints.
    fn track(&mut self, t: f64, metric: f64, rule: TrackingRule, id: &str, events: &mut Events) {
        let serving = self.serving();
        let capacity = serving + self.launching();
        let ScalerState::Tracking {
            minute_sum,
            minute_n,
            above,
            below,
            last_activity,
        } = &mut self.scaler
        else {
            return;
        };
        *minute_sum += metric;
        *minute_n += 1;
        if !(t as u64 + 1).is_multiple_of(d::METRIC_PERIOD_S) {
            return;
        }
        let datapoint = *minute_sum / f64::from((*minute_n).max(1));
        (*minute_sum, *minute_n) = (0.0, 0);
        if datapoint > rule.target {
            (*above, *below) = (*above + 1, 0);
        } else if datapoint < rule.target * (1.0 - d::HPA_TOLERANCE) {
            (*above, *below) = (0, *below + 1);
        } else {
            (*above, *below) = (0, 0);
        }
        let wanted = (f64::from(serving.max(1)) * datapoint / rule.target)
            .ceil()
            .min(f64::from(u32::MAX)) as u32;
        let new = if *above >= rule.out_points && wanted > capacity {
            wanted.clamp(self.min, self.max).max(self.desired)
        } else if *below >= rule.in_points && t - *last_activity >= rule.cooldown_s {
            wanted.clamp(self.min, self.max).min(self.desired)
        } else {
            self.desired
        };
        if new == self.desired {
            return;
        }
        *last_activity = t;
        let shown = |v: f64| {
            if rule.unit.is_empty() {
                format!("{:.0}%", v * 100.0)
            } else {
                format!("{v:.2}{}", rule.unit)
            }
        };
        let (kind, word) = if new > self.desired {
            (EventKind::ScaleOut, "over")
        } else {
            (EventKind::ScaleIn, "under")
        };
        let reason = if rule.unit.is_empty() {
            format!(
                "{} {} {word} target {}",
                self.metric_name,
                shown(datapoint),
                shown(rule.target)
            )
        } else {
            format!("load {}", shown(datapoint))
        };
        events.push(
            kind,
            Some(id),
            format!("{} → {new} ({reason})", self.desired),
        );
        self.desired = new;
    }

    /// The Kubernetes Horizontal Pod Autoscaler.
    fn hpa(&mut self, t: f64, metric: f64, rule: HpaRule, id: &str, events: &mut Events) {
        let serving = self.serving();
        let current = self.desired;
        let ScalerState::Hpa {
            next_sync,
            sum,
            n,
            history,
        } = &mut self.scaler
        else {
            return;
        };
        *sum += metric;
        *n += 1;
        if t < *next_sync {
            return;
        }
        *next_sync = t + rule.sync_s;
        let observed = *sum / f64::from((*n).max(1));
        (*sum, *n) = (0.0, 0);
        let raw = hpa_recommendation(observed / rule.target, serving, current, rule.tolerance);
        history.push_back((t, raw));
        while history
            .front()
            .is_some_and(|&(at, _)| at <= t - rule.window_s)
        {
            history.pop_front();
        }
        let new = if raw > current {
            let limit = ((f64::from(current) * d::HPA_MAX_UP_FACTOR) as u32)
                .max(current + d::HPA_MAX_UP_PODS);
            raw.min(limit)
        } else {
            // Scale down only to the highest recommendation of the stabilisation window.
            history
                .iter()
                .map(|&(_, r)| r)
                .max()
                .unwrap_or(raw)
                .min(current)
        }
        .clamp(self.min, self.max);
        if new != current {
            let kind = if new > current {
                EventKind::ScaleOut
            } else {
                EventKind::ScaleIn
            };
            events.push(
                kind,
                Some(id),
                format!(
                    "{current} → {new} pods (CPU {:.0}%, target {:.0}%)",
                    observed * 100.0,
                    rule.target * 100.0
                ),
            );
            self.desired = new;
        }
    }

    /// Brings the instance count to `desired`: replaces the dead, launches or retires instances,
    /// and moves capacity back into AZs that lost it.
    fn reconcile(&mut self, t: f64, az_up: &dyn Fn(AzRef) -> bool, id: &str, events: &mut Events) {
        if self.scaling.is_none() {
            return;
        }
        let counted = self.counted(t);
        if counted < self.desired {
            let in_service = self.launched_in_service(t);
            let mut launched: Vec<(AzRef, u32)> = Vec::new();
            for _ in counted..self.desired {
                let Some(i) = self.place(az_up) else { break };
                self.slots[i].launching.push(in_service);
                match launched.iter_mut().find(|(az, _)| *az == self.slots[i].az) {
                    Some((_, n)) => *n += 1,
                    None => launched.push((self.slots[i].az, 1)),
                }
            }
            if !launched.is_empty() {
                let parts: Vec<String> = launched
                    .iter()
                    .map(|(az, n)| format!("{n} in {}", events.az_name(*az)))
                    .collect();
                events.push(
                    EventKind::Launch,
                    Some(id),
                    format!(
                        "launching {} (in service in {:.0}s)",
                        parts.join(", "),
                        in_service - t
                    ),
                );
            }
        } else if counted > self.desired {
            // Cancel launches first, then retire serving instances from the fullest AZ.
            for _ in self.desired..counted {
                if let Some(slot) = self
                    .slots
                    .iter_mut()
                    .filter(|s| !s.launching.is_empty())
                    .max_by_key(|s| s.launching.len())
                {
                    slot.launching.pop();
                    slot.rebalancing = slot.rebalancing.min(slot.launching());
                } else if let Some(slot) = self
                    .slots
                    .iter_mut()
                    .filter(|s| s.serving > 0)
                    .max_by_key(|s| s.serving)
                {
                    slot.serving -= 1;
                } else {
                    break;
                }
            }
        } else {
            self.rebalance(t, az_up);
        }
    }

    /// Auto Scaling's AZ rebalancing: when AZs differ by two or more, launch in the emptiest
    /// healthy AZ first, then retire one from the fullest once the new instance serves.
    fn rebalance(&mut self, t: f64, az_up: &dyn Fn(AzRef) -> bool) {
        if self
            .slots
            .iter()
            .any(|s| !s.launching.is_empty() || s.rebalancing > 0)
        {
            return;
        }
        let load = |s: &Slot| s.serving;
        let Some(low) = (0..self.slots.len())
            .filter(|&i| az_up(self.slots[i].az) && self.fits(i))
            .min_by_key(|&i| load(&self.slots[i]))
        else {
            return;
        };
        let high = (0..self.slots.len())
            .max_by_key(|&i| load(&self.slots[i]))
            .unwrap_or(low);
        if load(&self.slots[high]) >= load(&self.slots[low]) + 2 {
            let in_service = self.launched_in_service(t);
            self.slots[low].launching.push(in_service);
            self.slots[low].rebalancing += 1;
        }
    }

    /// The healthy AZ with the fewest instances that has room (node capacity for pods).
    fn place(&self, az_up: &dyn Fn(AzRef) -> bool) -> Option<usize> {
        (0..self.slots.len())
            .filter(|&i| az_up(self.slots[i].az) && self.fits(i))
            .min_by_key(|&i| (self.slots[i].serving + self.slots[i].launching(), i))
    }

    fn fits(&self, i: usize) -> bool {
        let Some(nodes) = &self.nodes else {
            return true;
        };
        let slot = &self.slots[i];
        let capacity = nodes.per_az[i].ready * nodes.spec.pods_per_node;
        slot.serving + slot.launching() < capacity
    }

    /// The cluster autoscaler: nodes for pods that cannot be placed; idle nodes removed.
    fn autoscale_nodes(&mut self, t: f64, az_up: &dyn Fn(AzRef) -> bool) {
        let pending = self.desired.saturating_sub(self.counted(t));
        let Some(nodes) = &mut self.nodes else { return };
        for ns in &mut nodes.per_az {
            let before = ns.launching.len();
            ns.launching.retain(|&ready| ready > t);
            ns.ready += (before - ns.launching.len()) as u32;
        }
        let per = nodes.spec.pods_per_node;
        let total: u32 = nodes
            .per_az
            .iter()
            .map(|n| n.ready + n.launching.len() as u32)
            .sum();
        let coming: u32 = nodes
            .per_az
            .iter()
            .map(|n| n.launching.len() as u32)
            .sum::<u32>()
            * per;
        if pending > coming && total < nodes.spec.max_nodes {
            let needed = (pending - coming)
                .div_ceil(per)
                .min(nodes.spec.max_nodes - total);
            for _ in 0..needed {
                let Some(i) = (0..nodes.per_az.len())
                    .filter(|&i| az_up(self.slots[i].az))
                    .min_by_key(|&i| {
                        nodes.per_az[i].ready + nodes.per_az[i].launching.len() as u32
                    })
                else {
                    break;
                };
                nodes.per_az[i].launching.push(t + nodes.spec.launch_s);
            }
            nodes.idle_since = None;
            return;
        }
        let pods: u32 = self.slots.iter().map(|s| s.serving + s.launching()).sum();
        let ready: u32 = nodes.per_az.iter().map(|n| n.ready).sum();
        let idle = ready * per >= pods + per && ready > nodes.spec.nodes.min(ready);
        match (idle, nodes.idle_since) {
            (false, _) => nodes.idle_since = None,
            (true, None) => nodes.idle_since = Some(t),
            (true, Some(since)) if t - since >= NODE_UNNEEDED_S => {
                // Remove one node from the AZ with the most spare room.
                let spare = |i: usize| {
                    nodes.per_az[i].ready * per
                        - (self.slots[i].serving + self.slots[i].launching())
                            .min(nodes.per_az[i].ready * per)
                };
                if let Some(i) = (0..nodes.per_az.len())
                    .filter(|&i| spare(i) >= per)
                    .max_by_key(|&i| spare(i))
                {
                    nodes.per_az[i].ready -= 1;
                }
                nodes.idle_since = Some(t);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct TrackingRule {
    target: f64,
    out_points: u32,
    in_points: u32,
    cooldown_s: f64,
    /// Empty for utilisation (shown as a percentage), else the metric's unit.
    unit: &'static str,
}

/// The HPA's replica count from the ready pods' usage ratio. Pods the controller counts but that
/// are not ready (launching, on a lost node) have no metrics; as documented, it then assumes
/// they use 0 % of the target when scaling up and 100 % when scaling down, and skips scaling if
/// that flips the direction or lands within the tolerance. Without it, losing an AZ's pods
/// would read as spare capacity and scale the deployment in.
fn hpa_recommendation(ratio: f64, ready: u32, current: u32, tolerance: f64) -> u32 {
    if ready == 0 || (ratio - 1.0).abs() <= tolerance {
        return current;
    }
    let ready_f = f64::from(ready);
    let all = f64::from(current.max(ready));
    let missing = all - ready_f;
    let usage = ratio * ready_f;
    let recount = if ratio > 1.0 {
        usage / all
    } else {
        (usage + missing) / all
    };
    if (recount - 1.0).abs() <= tolerance || (recount > 1.0) != (ratio > 1.0) {
        return current;
    }
    (recount * all).ceil().min(f64::from(u32::MAX)) as u32
}

#[derive(Debug, Clone, Copy)]
struct HpaRule {
    target: f64,
    tolerance: f64,
    sync_s: f64,
    window_s: f64,
}

/// Spreads `n` over the slots as evenly as possible, first slots first.
fn spread(slots: &mut [Slot], n: u32, field: impl Fn(&mut Slot) -> &mut u32) {
    let k = slots.len() as u32;
    for (i, slot) in slots.iter_mut().enumerate() {
        *field(slot) = n / k + u32::from((i as u32) < n % k);
    }
}

fn plural<'a>(n: u32, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod hpa_tests {
    use super::hpa_recommendation;

    #[test]
    fn the_hpa_formula_with_every_pod_ready() {
        // desired = ceil(current × metric / target), within a 10 % tolerance.
        assert_eq!(hpa_recommendation(1.5, 10, 10, 0.1), 15);
        assert_eq!(hpa_recommendation(0.5, 10, 10, 0.1), 5);
        assert_eq!(hpa_recommendation(1.05, 10, 10, 0.1), 10);
    }

    #[test]
    fn pods_without_metrics_do_not_read_as_spare_capacity() {
        // 100 of 150 pods ready at 140 % of target: counting the other 50 at 0 % gives 93 %,
        // which flips the direction: no scaling (and certainly no scale-in).
        assert_eq!(hpa_recommendation(1.4, 100, 150, 0.1), 150);
        // At 200 % the recount still says up: ceil(100 × 2.0) = 200.
        assert_eq!(hpa_recommendation(2.0, 100, 150, 0.1), 200);
        // Scaling down, the missing pods count as at target: 100 × 0.5 + 50 = 100.
        assert_eq!(hpa_recommendation(0.5, 100, 150, 0.1), 100);
    }
}
