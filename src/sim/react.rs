//! How the infrastructure reacts, once per simulated second, to what it has seen so far:
//! launches finish, health checks notice dead instances, failovers progress, scaling rules act,
//! Route 53 moves users between regions, and disaster recovery brings a standby region up.

use super::database::Writer;
use super::events::EventKind;
use super::{Ctx, NodeState, Simulation};
use crate::arch::{AzRef, Class, Kind, NodeId, PoolRole};

/// Share of `max_connections` that replica auto scaling aims to keep in use (assumption).
const REPLICA_CONNECTION_TARGET: f64 = 0.7;

impl Simulation {
    pub(super) fn react(&mut self, t: f64) {
        let arch = self.arch.clone();
        let (az_down, region_down) = (&self.az_down, &self.region_down);
        let az_up = |az: AzRef| !region_down[az.region] && !az_down[az.region][az.az];
        let mut took_over = Vec::new();
        self.quiet.begin();
        for (n, c) in arch.nodes() {
            // A standby region waits, frozen, until disaster recovery brings it up. Its
            // instances lost meanwhile are replaced once it is back (its Auto Scaling groups
            // keep their size), but it has no traffic to scale on.
            let dormant = c.region.is_some_and(|r| self.dormant[r]);
            if let Some(r) = c.region
                && dormant
                && self.activating[r].is_none()
            {
                if self.quiet.is_quiet(r) || self.settled(n, t) {
                    continue;
                }
                self.quiet.busy(r);
            }
            // Nothing has been observed before the first second's traffic, and a lost region's
            // scaling rules observe nothing at all (its CloudWatch alarms and controllers are
            // gone with it): they neither scale in nor out until it is back.
            let lost =
                dormant || c.region.is_some_and(|r| self.region_down[r]) || self.outages.is_out(n);
            let metric = (self.t > 0 && !lost).then(|| self.scaling_metric(n));
            match (&c.kind, &mut self.nodes[n.index()]) {
                (Kind::Pool(_), NodeState::Pool(pool)) => {
                    pool.tick(t, metric, &az_up, &c.id, &mut self.events)
                }
                // A region failing back holds its writers out until its data is back.
                (Kind::Database(spec), NodeState::Database(db)) => {
                    let copy = !db.owns_writes();
                    let failing_back =
                        dormant && c.region.is_some_and(|r| arch.regions[r].standby.is_none());
                    if !failing_back {
                        db.tick(
                            spec,
                            &mut Ctx {
                                t,
                                id: &c.id,
                                az_up: &az_up,
                                events: &mut self.events,
                            },
                        );
                    }
                    if copy && db.owns_writes() {
                        took_over.extend(spec.replicates_from);
                    }
                    if let (Some(replicas), Some(group)) = (&mut db.replicas, &spec.replicas) {
                        replicas.tick(t, metric, &az_up, &group.id, &mut self.events);
                    }
                }
                (Kind::Cache(_), NodeState::Cache(cache)) => cache.tick(t, &c.id, &mut self.events),
                _ => {}
            }
        }
        self.quiet.end();
        for writer in took_over {
            self.copy_took_over(writer);
        }
        self.route53(t);
        self.check_fail_backs();
        self.finish_activations(t);
    }

    /// The metric a component's scaling rule tracks: CPU utilisation (capped at 100 %, as
    /// CloudWatch reports it). Workers carry two target-tracking policies, busy threads and
    /// backlog per worker; Auto Scaling follows whichever asks for more capacity and scales in
    /// only when both allow it, so their metric is the larger of the two, each relative to its
    /// target.
    fn scaling_metric(&self, n: NodeId) -> f64 {
        match (&self.arch.graph[n].kind, &self.nodes[n.index()]) {
            (Kind::Pool(p), NodeState::Pool(pool)) if p.role == PoolRole::Workers => {
                let Some(crate::arch::Scaling::Backlog { per_worker, .. }) = p.scaling else {
                    return pool.utilization.min(1.0);
                };
                let backlog: f64 = self.job_feeders[n.index()]
                    .iter()
                    .map(|q| match &self.nodes[q.index()] {
                        NodeState::Queue(queue) => queue.backlog,
                        _ => 0.0,
                    })
                    .sum();
                let backlog_pressure = backlog / f64::from(pool.serving().max(1)) / per_worker;
                let busy_pressure =
                    pool.utilization.min(1.0) / crate::preset::defaults::TARGET_UTILIZATION;
                backlog_pressure.max(busy_pressure)
            }
            (_, NodeState::Pool(pool)) => pool.utilization.min(1.0),
            (Kind::Database(spec), NodeState::Database(db)) => {
                // Aurora replica auto scaling can track CPU or connections; with both policies
                // the larger need wins. Connections count in CPU terms: at their own target
                // (70 % of the limit, an assumption) they ask for as much as CPU at its target.
                let (Some(r), Some(rule)) = (&db.replicas, &spec.replicas) else {
                    return 0.0;
                };
                let cpu = r.utilization.min(1.0);
                let [_, wanted] = db.connections;
                let per_replica = wanted / f64::from(r.serving().max(1));
                let connections = per_replica / f64::from(spec.max_connections);
                cpu.max(rule.target * connections / REPLICA_CONNECTION_TARGET)
            }

            _ => 0.0,
        }
    }

    /// Whether a region's entry answers a health check: the region serves and the entry has
    /// somewhere to send requests.
    pub(super) fn entry_healthy(&self, entry: NodeId) -> bool {
        let component = &self.arch.graph[entry];
        if self.outages.is_out(entry) || component.region.is_some_and(|r| !self.region_serving(r)) {
            return false;
        }
        let serving = |n: NodeId| {
            !self.outages.is_out(n)
                && matches!(&self.nodes[n.index()], NodeState::Pool(p) if p.serving() > 0)
        };
        match &component.kind {
            Kind::LoadBalancer(_) => self.arch.routes[entry.index()]
                .of(Class::Read)
                .iter()
                .any(|h| serving(h.to)),
            Kind::Pool(_) => serving(entry),
            _ => true,
        }
    }

    fn route53(&mut self, t: f64) {
        let arch = self.arch.clone();
        let entry = arch.entry;
        let Kind::Dns(spec) = &arch.graph[entry].kind else {
            return;
        };
        let targets = arch.routes[entry.index()].of(Class::Read);
        let mut healthy = std::mem::take(&mut self.scratch.healthy);
        healthy.clear();
        healthy.extend(targets.iter().map(|h| self.entry_healthy(h.to)));
        let names = |i: usize| {
            let n = targets[i].to;
            arch.graph[n].region.map_or_else(
                || arch.graph[n].id.clone(),
                |r| format!("region {}", arch.regions[r].id),
            )
        };
        let NodeState::Dns(dns) = &mut self.nodes[entry.index()] else {
            self.scratch.healthy = healthy;
            return;
        };
        let changes = dns.check(
            t,
            spec,
            &|i| healthy[i],
            &arch.graph[entry].id,
            &names,
            &mut self.events,
        );
        self.scratch.healthy = healthy;
        for change in changes.into_iter().filter(|c| !c.healthy) {
            self.region_lost(change.region, t);
        }
    }

    /// Route 53 declared a region lost: start disaster recovery, and promote global copies if
    /// the region itself is down. When only its entry is (a lost load balancer), its writers
    /// still take writes: the copies forward theirs, and promoting them would make two
    /// writers for one shard.
    pub(super) fn region_lost(&mut self, lost: usize, t: f64) {
        let arch = self.arch.clone();
        if arch.regions[lost].standby.is_some() {
            return;
        }
        for (r, region) in arch.regions.iter().enumerate() {
            // A standby region that is itself down is brought up once it is back.
            if let Some(activation_s) = region.standby
                && self.dormant[r]
                && self.activating[r].is_none()
                && !self.region_down[r]
            {
                self.activating[r] = Some(t + activation_s);
                // Only a region that is itself down gives up its writers (`finish_activations`).
                let what = if self.region_down[lost] {
                    "restore data, deploy, promote the database copy".to_string()
                } else {
                    format!(
                        "deploy; its database copy keeps forwarding writes to region {}, which still has its writer",
                        arch.regions[lost].id
                    )
                };
                self.events.push(
                    EventKind::FailoverStart,
                    None,
                    format!(
                        "disaster recovery: bringing up region {} (about {:.0} min: {what})",
                        region.id,
                        activation_s / 60.0
                    ),
                );
            }
        }
        for (n, c) in arch.nodes() {
            let Kind::Database(spec) = &c.kind else {
                continue;
            };
            let owner_lost = spec
                .replicates_from
                .is_some_and(|o| arch.graph[o].region == Some(lost));
            let here_serving = c.region.is_some_and(|r| self.region_serving(r));
            if owner_lost
                && self.region_down[lost]
                && here_serving
                && let NodeState::Database(db) = &mut self.nodes[n.index()]
            {
                db.promote(
                    t,
                    spec.promote_s,
                    &format!("region {} lost", arch.regions[lost].id),
                    &c.id,
                    &mut self.events,
                );
            }
        }
    }

    fn finish_activations(&mut self, t: f64) {
        let arch = self.arch.clone();
        for r in 0..arch.regions.len() {
            let Some(at) = self.activating[r] else {
                continue;
            };
            if t < at {
                continue;
            }
            self.activating[r] = None;
            self.dormant[r] = false;
            if arch.regions[r].standby.is_none() {
                // A restored region that failed back: its data is in sync again.
                self.fail_back(r);
                self.events.push(
                    EventKind::FailoverDone,
                    None,
                    format!(
                        "region {} has its data back and takes its writes again; Route 53 sends its users back once health checks pass",
                        arch.regions[r].id
                    ),
                );
                continue;
            }
            self.redeploy_writers(r);
            // The copies of a lost region's databases take its writes; copies whose writer is
            // still up (only its region's entry was lost) forward writes to it.
            for (n, c) in arch.nodes() {
                let owner_down = match &c.kind {
                    Kind::Database(spec) => spec.replicates_from.is_none_or(|o| {
                        arch.graph[o].region.is_some_and(|or| self.region_down[or])
                    }),
                    _ => false,
                };
                if c.region == Some(r)
                    && owner_down
                    && let NodeState::Database(db) = &mut self.nodes[n.index()]
                {
                    db.role = super::database::Role::Promoted;
                    if let Kind::Database(spec) = &c.kind
                        && let Some(writer) = spec.replicates_from
                    {
                        self.copy_took_over(writer);
                    }
                }
            }
            self.events.push(
                EventKind::FailoverDone,
                None,
                format!(
                    "region {} is up and serving; Route 53 sends users once its health checks pass",
                    arch.regions[r].id
                ),
            );
        }
    }

    /// Disaster recovery deploys region `r`: a database whose writer waits for an AZ that is
    /// still down gets its writer in one of the region's AZs that is up (Aurora keeps its
    /// storage in three AZs, so any of them can run the instance).
    fn redeploy_writers(&mut self, r: usize) {
        let arch = self.arch.clone();
        let Some(up) = arch.all_azs().find(|&a| a.region == r && self.az_up(a)) else {
            return;
        };
        for (n, c) in arch.nodes() {
            if c.region != Some(r) {
                continue;
            }
            let home_down = match &self.nodes[n.index()] {
                NodeState::Database(db) => !self.az_up(db.writer_az),
                _ => continue,
            };
            let NodeState::Database(db) = &mut self.nodes[n.index()] else {
                continue;
            };
            let home = db.writer_az;
            if db.writer == (Writer::Down { until: None }) && home_down {
                db.writer = Writer::Up;
                db.writer_az = up;
                self.events.push(
                    EventKind::Recovered,
                    Some(&c.id),
                    format!(
                        "writer deployed in {}: its own AZ {} is still down",
                        arch.az_name(up),
                        arch.az_name(home)
                    ),
                );
            }
        }
    }

    /// Whether component `n` has nothing to do while its region waits: no instance to launch
    /// or replace, no failover to finish (a database's or a cache's).
    fn settled(&self, n: NodeId, t: f64) -> bool {
        match &self.nodes[n.index()] {
            NodeState::Pool(pool) => pool.settled(t),
            NodeState::Database(db) => {
                let writer_settled = matches!(
                    db.writer,
                    super::database::Writer::Up | super::database::Writer::Down { until: None }
                );
                writer_settled && db.replicas.as_ref().is_none_or(|r| r.settled(t))
            }
            NodeState::Cache(cache) => cache.failover_until.is_none(),
            _ => true,
        }
    }
}
