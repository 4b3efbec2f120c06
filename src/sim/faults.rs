//! Faults and restores, applied at the current simulated second.

use super::database::Writer;
use super::events::EventKind;
use super::pool::PoolState;
use super::{Ctx, NodeState, Simulation, Timed};
use crate::action::Action;
use crate::arch::{AzRef, Class, Kind, NodeId};
use crate::preset::defaults as d;

impl Simulation {
    /// Why `action` would change nothing now (an AZ or region already down, or already up),
    /// for the dashboard to say so; `None` when it would act or names nothing known.
    pub fn already(&self, action: &Action) -> Option<String> {
        let arch = &self.arch;
        match action {
            Action::KillAz(name) => {
                let az = arch.find_az(name)?;
                (!self.az_up(az)).then(|| format!("AZ {} is already down", arch.az_name(az)))
            }
            Action::RestoreAz(name) => {
                let az = arch.find_az(name)?;
                (!self.az_down[az.region][az.az])
                    .then(|| format!("AZ {} is not down", arch.az_name(az)))
            }
            Action::KillRegion(name) => {
                let r = arch.find_region(name)?;
                self.region_down[r]
                    .then(|| format!("region {} is already down", arch.regions[r].id))
            }
            Action::RestoreRegion(name) => {
                let r = arch.find_region(name)?;
                (!self.region_down[r]).then(|| format!("region {} is not down", arch.regions[r].id))
            }
            Action::RestoreAll => (!self.anything_broken()).then(|| "no fault left to undo".into()),
            Action::KillDbPrimary(which) => {
                let n = aimed_at(arch, which)?;
                let NodeState::Database(db) = &self.nodes[n.index()] else {
                    return None;
                };
                let id = &arch.graph[n].id;
                if !db.owns_writes() {
                    let owner = match &arch.graph[n].kind {
                        Kind::Database(spec) => spec.replicates_from.map(|o| &arch.graph[o].id),
                        _ => None,
                    };
                    let owner = owner.map_or("its owner", |o| o.as_str());
                    return Some(format!(
                        "{id} has no writer to crash: it is a copy that sends its writes to {owner}"
                    ));
                }
                // The owner is down and a promoted copy elsewhere takes its writes: name it.
                let copy = arch.nodes().find(|(c, copy)| {
                    matches!(&copy.kind, Kind::Database(s) if s.replicates_from == Some(n))
                        && matches!(&self.nodes[c.index()], NodeState::Database(db) if db.owns_writes())
                });
                let instead = copy.map_or(String::new(), |(_, c)| {
                    format!("; {} takes its writes", c.id)
                });
                match db.writer {
                    Writer::Up => None,
                    Writer::FailingOver { .. } => Some(format!(
                        "{id} has no writer to crash: it is failing over{instead}"
                    )),
                    Writer::Down { .. } => {
                        Some(format!("{id} has no writer to crash: it is down{instead}"))
                    }
                }
            }
            _ => None,
        }
    }

    /// Whether `restore-all` has anything to undo. A flushed cache is not broken: it refills
    /// by itself, and restoring does not refill it.
    fn anything_broken(&self) -> bool {
        let faults = self.region_down.iter().any(|&d| d)
            || self.az_down.iter().flatten().any(|&d| d)
            || !self.spikes.is_empty()
            || !self.added_latency.is_empty()
            || !self.hot_shards.is_empty()
            || !self.outages.is_empty();
        faults
            || self.nodes.iter().any(|state| match state {
                NodeState::Pool(pool) => pool.broken(),
                NodeState::Database(db) => {
                    db.writer != Writer::Up || db.replicas.as_ref().is_some_and(PoolState::broken)
                }
                NodeState::Cache(cache) => cache.up.iter().any(|&u| !u),
                _ => false,
            })
    }

    /// Applies an action now. Fails, changing nothing, if it names something the
    /// architecture lacks.
    pub fn apply(&mut self, action: &Action) -> Result<(), String> {
        action.check(&self.arch)?;
        self.events.set_time(self.t);
        // Killing what is down, or restoring what is up, changes nothing.
        if self.already(action).is_some() {
            return Ok(());
        }
        self.quiet.disturb();
        let arch = self.arch.clone();
        let until = |d: &Option<crate::units::Duration>| d.map(|d| self.t + d.secs());
        let for_how_long =
            |d: &Option<crate::units::Duration>| d.map_or(String::new(), |d| format!(" for {d}"));
        match action {
            Action::KillAz(name) => {
                let az = arch.find_az(name).expect("checked");
                self.az_down[az.region][az.az] = true;
                self.events.push(
                    EventKind::Fault,
                    None,
                    format!(
                        "AZ {} lost: every instance, node and database in it is down",
                        arch.az_name(az)
                    ),
                );
                let r = az.region;
                let last = !self.az_down[r].contains(&false);
                self.kill_azs(&[az]);
                if last {
                    // As `kill-region`, writes not yet copied to another region included.
                    self.lose_region_by_azs(r);
                }
            }
            Action::RestoreAz(name) => {
                let az = arch.find_az(name).expect("checked");
                self.az_down[az.region][az.az] = false;
                self.events.push(
                    EventKind::Restore,
                    None,
                    format!("AZ {} is back", arch.az_name(az)),
                );
                if self.region_down_by_azs[az.region] {
                    self.region_down_by_azs[az.region] = false;
                    self.region_down[az.region] = false;
                    self.restore_azs(&[az]);
                    self.region_restored(az.region);
                } else if !self.region_down[az.region] {
                    self.restore_azs(&[az]);
                }
            }
            Action::KillRegion(name) => {
                let r = arch.find_region(name).expect("checked");
                let azs: Vec<AzRef> = arch
                    .all_azs()
                    .filter(|a| a.region == r && self.az_up(*a))
                    .collect();
                self.region_down[r] = true;
                self.events.push(
                    EventKind::Fault,
                    None,
                    format!(
                        "region {} lost: everything in it is down",
                        arch.regions[r].id
                    ),
                );
                self.lose_region(r, &azs);
                // Route 53 already sends the region's users elsewhere (its entry was lost
                // first): it raises no new alarm, so the region's loss takes effect now.
                if self.entry_marked_unhealthy(r) {
                    self.region_lost(r, self.t as f64);
                }
            }
            Action::RestoreRegion(name) => {
                let r = arch.find_region(name).expect("checked");
                self.region_down[r] = false;
                // A region lost AZ by AZ comes back whole.
                if std::mem::take(&mut self.region_down_by_azs[r]) {
                    self.az_down[r].iter_mut().for_each(|d| *d = false);
                }
                self.events.push(
                    EventKind::Restore,
                    None,
                    format!("region {} is back", arch.regions[r].id),
                );
                let azs: Vec<AzRef> = arch
                    .all_azs()
                    .filter(|a| a.region == r && !self.az_down[a.region][a.az])
                    .collect();
                self.restore_azs(&azs);
                self.region_restored(r);
            }
            Action::Spike { factor, duration } => {
                self.spikes.push(Timed {
                    value: *factor,
                    until: until(duration),
                });
                self.events.push(
                    EventKind::Fault,
                    None,
                    format!("traffic spike: ×{factor}{}", for_how_long(duration)),
                );
            }
            Action::DropCache(which) => {
                for (n, c) in arch.nodes() {
                    if matches!(c.kind, Kind::Cache(_))
                        && which.as_ref().is_none_or(|w| *w == c.id)
                        && let NodeState::Cache(cache) = &mut self.nodes[n.index()]
                    {
                        self.events
                            .push(EventKind::Fault, Some(&c.id), "cache flushed".into());
                        cache.flush(&c.id, "flushed", &mut self.events);
                    }
                }
            }
            Action::KillDbPrimary(which) => {
                let n = aimed_at(&arch, which).expect("checked");
                let u = self.infra_rng.uniform();
                let (az_down, region_down) = (self.az_down.clone(), self.region_down.clone());
                let az_up = move |az: AzRef| !region_down[az.region] && !az_down[az.region][az.az];
                let (Kind::Database(spec), NodeState::Database(db)) =
                    (&arch.graph[n].kind, &mut self.nodes[n.index()])
                else {
                    unreachable!("checked to be a database")
                };
                let id = &arch.graph[n].id;
                self.events
                    .push(EventKind::Fault, Some(id), "writer instance crashed".into());
                db.lose_writer(
                    u,
                    spec,
                    &mut Ctx {
                        t: self.t as f64,
                        id,
                        az_up: &az_up,
                        events: &mut self.events,
                    },
                );
            }
            Action::KillInstance(group) => {
                let t = self.t as f64;
                let (n, state) = self.group_mut(&arch, group).expect("checked");
                match state.kill_one(t) {
                    Some(az) => {
                        let id = group.clone();
                        let _ = n;
                        self.events.push(
                            EventKind::Fault,
                            Some(&id),
                            format!("one instance crashed in {}", arch.az_name(az)),
                        );
                    }
                    None => self.events.push(
                        EventKind::Fault,
                        Some(group),
                        "no instance in service to crash".into(),
                    ),
                }
            }
            Action::KillInstancesIn { group, az } => {
                let t = self.t as f64;
                let az = arch.find_az(az).expect("checked");
                let (_, pool) = self.group_mut(&arch, group).expect("checked");
                let n = pool.kill_az(az, t);
                let message = match n {
                    0 => format!("no instance in service in {}", arch.az_name(az)),
                    1 => format!("its instance in {} crashed", arch.az_name(az)),
                    n => format!("all {n} instances in {} crashed", arch.az_name(az)),
                };
                self.events.push(EventKind::Fault, Some(group), message);
            }
            Action::KillComponent {
                component,
                duration,
            } => {
                let n = arch.find(component).expect("checked");
                self.outages.lose(n, until(duration));
                self.events.push(
                    EventKind::Fault,
                    Some(component),
                    format!(
                        "lost as a whole{}: every request sent to it fails",
                        for_how_long(duration)
                    ),
                );
            }
            Action::DegradeInstance {
                group,
                factor,
                duration,
            } => {
                let t = self.t as f64;
                let until = duration.map(|d| t + d.secs() as f64);
                let (n, pool) = self.group_mut(&arch, group).expect("checked");
                let pulls = matches!(&arch.graph[n].kind,
                    Kind::Pool(p) if p.role == crate::arch::PoolRole::Workers);
                let split = if pulls {
                    "it pulls fewer jobs"
                } else if pool.round_robin {
                    "round robin still sends it its share"
                } else {
                    "the balancer sends it less"
                };
                let message = match pool.degrade_one(*factor, until) {
                    Some(az) => format!(
                        "one instance in {} runs ×{factor} slower{}: {split}",
                        arch.az_name(az),
                        for_how_long(duration)
                    ),
                    None => "no instance in service to degrade".into(),
                };
                self.events.push(EventKind::Fault, Some(group), message);
            }
            Action::AddLatency {
                component,
                ms,
                duration,
            } => {
                let n = arch.find(component).expect("checked");
                self.added_latency.push(Timed {
                    value: (n, *ms),
                    until: until(duration),
                });
                self.events.push(
                    EventKind::Fault,
                    Some(component),
                    format!("+{ms} ms latency{}", for_how_long(duration)),
                );
                self.sum_added_latency();
            }
            Action::HotShard {
                database,
                factor,
                duration,
            } => {
                let n = arch.find(database).expect("checked");
                self.hot_shards.push(Timed {
                    value: (n, *factor),
                    until: until(duration),
                });
                let what = match arch.graph[n].kind {
                    crate::arch::Kind::KvStore(_) => "hot key: one partition takes",
                    _ => "hot shard:",
                };
                self.events.push(
                    EventKind::Fault,
                    Some(database),
                    format!(
                        "{what} ×{factor} its fair share of traffic{}",
                        for_how_long(duration)
                    ),
                );
                self.sum_skew();
            }
            Action::RestoreAll => self.restore_all(),
            Action::SetRetry { caller, policy } => {
                let p = crate::retry_policy::RetryPolicy::named(policy).expect("checked");
                match arch.find(caller) {
                    Some(pool) if caller != crate::action::USERS => self.set_call_retry(pool, p),
                    _ => self.user_retries.policy = p,
                }
                let what = crate::retry_policy::RetryPolicy::NAMED
                    .iter()
                    .find(|(n, _, _)| n == policy)
                    .map_or("", |(_, _, w)| *w);
                self.events.push(
                    EventKind::Change,
                    (caller != crate::action::USERS).then_some(caller.as_str()),
                    format!("{caller} retry with the `{policy}` policy now: {what}"),
                );
            }
        }
        Ok(())
    }

    /// Ends timed faults whose time is up.
    pub(super) fn lift_timed_faults(&mut self) {
        let now = self.t;
        let over = |u: Option<u64>| u.is_some_and(|u| u <= now);
        if self.spikes.iter().any(|s| over(s.until)) {
            self.spikes.retain(|s| !over(s.until));
            self.events.push(
                EventKind::Restore,
                None,
                format!("traffic spike over (now ×{})", self.spike_factor()),
            );
        }
        if self.added_latency.iter().any(|s| over(s.until)) {
            self.added_latency.retain(|s| !over(s.until));
            self.events
                .push(EventKind::Restore, None, "added latency lifted".into());
            self.sum_added_latency();
        }
        for n in self.outages.lift(now) {
            let id = &self.arch.graph[n].id;
            self.events
                .push(EventKind::Restore, Some(id), "answering again".into());
        }
        if self.hot_shards.iter().any(|s| over(s.until)) {
            self.hot_shards.retain(|s| !over(s.until));
            self.events
                .push(EventKind::Restore, None, "hot shard cooled down".into());
            self.sum_skew();
        }
    }

    fn sum_added_latency(&mut self) {
        self.extra_ms.iter_mut().for_each(|x| *x = 0.0);
        for f in &self.added_latency {
            self.extra_ms[f.value.0.index()] += f.value.1;
        }
    }

    fn sum_skew(&mut self) {
        self.skew.iter_mut().for_each(|x| *x = 1.0);
        for f in &self.hot_shards {
            // A hot key in a DynamoDB table heats one of its partitions, not the table's share.
            if !matches!(
                self.arch.graph[f.value.0].kind,
                crate::arch::Kind::KvStore(_)
            ) {
                self.skew[f.value.0.index()] *= f.value.1;
            }
        }
    }

    fn group_mut(
        &mut self,
        arch: &crate::arch::Architecture,
        group: &str,
    ) -> Option<(NodeId, &mut super::pool::PoolState)> {
        let (n, _) = arch.groups().find(|(_, id)| id == group)?;
        match &mut self.nodes[n.index()] {
            NodeState::Pool(p) => Some((n, p)),
            NodeState::Database(db) => db.replicas.as_mut().map(|r| (n, r)),
            _ => None,
        }
    }

    fn kill_azs(&mut self, azs: &[AzRef]) {
        let arch = self.arch.clone();
        let t = self.t as f64;
        for &az in azs {
            let (az_down, region_down) = (self.az_down.clone(), self.region_down.clone());
            let az_up = move |a: AzRef| !region_down[a.region] && !az_down[a.region][a.az];
            for (n, c) in arch.nodes() {
                let u = self.infra_rng.uniform();
                match (&c.kind, &mut self.nodes[n.index()]) {
                    (_, NodeState::Pool(pool)) => {
                        pool.kill_az(az, t);
                    }
                    (Kind::Database(spec), NodeState::Database(db)) => db.kill_az(
                        az,
                        u,
                        spec,
                        &mut Ctx {
                            t,
                            id: &c.id,
                            az_up: &az_up,
                            events: &mut self.events,
                        },
                    ),
                    (Kind::Cache(spec), NodeState::Cache(cache)) => {
                        cache.kill_az(az, t, spec, &c.id, &mut self.events)
                    }
                    _ => {}
                }
            }
        }
    }

    /// Whether Route 53's health checks have already marked region `r`'s entry unhealthy.
    pub(super) fn entry_marked_unhealthy(&self, r: usize) -> bool {
        match &self.nodes[self.arch.entry.index()] {
            NodeState::Dns(dns) => dns
                .targets
                .iter()
                .any(|target| target.region == Some(r) && !target.healthy),
            _ => false,
        }
    }

    /// Route 53 holds region `q` lost, and a fault still keeps it so: the region is down, or
    /// its entry (or everything behind it) is out. One back and still starting its instances
    /// is not: it answers again by itself.
    pub(super) fn still_lost(&self, q: usize) -> bool {
        let arch = &self.arch;
        let out = |n: NodeId| self.outages.is_out(n);
        let held_out = |entry: NodeId| {
            let behind = arch.routes[entry.index()].of(Class::Read);
            out(entry) || (!behind.is_empty() && behind.iter().all(|h| out(h.to)))
        };
        self.entry_marked_unhealthy(q)
            && (self.region_down[q]
                || arch.routes[arch.entry.index()]
                    .of(Class::Read)
                    .iter()
                    .filter(|h| arch.graph[h.to].region == Some(q))
                    .any(|h| held_out(h.to)))
    }

    /// Everything in region `r` goes down at once (its AZs `azs` that were still up).
    fn lose_region(&mut self, r: usize, azs: &[AzRef]) {
        let arch = self.arch.clone();
        let t = self.t as f64;
        self.hold_unreplicated_writes(r);
        // Nothing can be brought up, or copy its data back, in a region that is gone: it
        // starts over once the region is back (`region_restored`).
        if self.activating[r].take().is_some() {
            let what = if arch.regions[r].standby.is_some() {
                "bringing up region"
            } else {
                "failing back to region"
            };
            self.events.push(
                EventKind::Fault,
                None,
                format!(
                    "{what} {} stopped: the region is lost again; it starts over once it is back",
                    arch.regions[r].id
                ),
            );
        }
        for (n, c) in arch.nodes() {
            if c.region != Some(r) {
                continue;
            }
            match &mut self.nodes[n.index()] {
                NodeState::Pool(pool) => pool.lose_azs(azs, t),
                NodeState::Database(db) => {
                    if matches!(db.writer, Writer::FailingOver { .. }) {
                        self.events.push(
                            EventKind::Fault,
                            Some(&c.id),
                            "failover stopped: the region is lost; the writer waits for it".into(),
                        );
                    }
                    let promotion_stopped = db.lose_region(azs, t);
                    if promotion_stopped {
                        self.events.push(
                            EventKind::Fault,
                            Some(&c.id),
                            "promotion stopped: this copy's region is lost too".into(),
                        );
                    }
                }
                NodeState::Cache(cache) => cache.lose_all(),
                _ => {}
            }
        }
    }

    /// Region `r`'s last AZ is gone: the region is lost as with `kill-region` (Route 53
    /// moves its users, disaster recovery starts, copies elsewhere are promoted), its
    /// components already down AZ by AZ.
    fn lose_region_by_azs(&mut self, r: usize) {
        if self.region_down[r] {
            return;
        }
        self.region_down[r] = true;
        self.region_down_by_azs[r] = true;
        self.events.push(
            EventKind::Fault,
            None,
            format!(
                "region {} lost: its last AZ is down",
                self.arch.regions[r].id
            ),
        );
        self.lose_region(r, &[]);
        if self.entry_marked_unhealthy(r) {
            self.region_lost(r, self.t as f64);
        }
    }

    fn restore_azs(&mut self, azs: &[AzRef]) {
        let arch = self.arch.clone();
        let t = self.t as f64;
        for &az in azs {
            for (n, c) in arch.nodes() {
                match (&c.kind, &mut self.nodes[n.index()]) {
                    (_, NodeState::Pool(pool)) => pool.restore_az(az, t),
                    (Kind::Database(spec), NodeState::Database(db)) => {
                        let waiting = db.writer == (Writer::Down { until: None });
                        db.restore_az(az, t, spec);
                        if waiting && db.writer_up() {
                            self.events.push(
                                EventKind::Recovered,
                                Some(&c.id),
                                format!("writer back with {}", arch.az_name(az)),
                            );
                        }
                    }
                    (Kind::Cache(_), NodeState::Cache(cache)) => cache.restore_az(az),
                    _ => {}
                }
            }
        }
    }

    /// Writers in region `r` whose data other regions copy asynchronously: what reached them in
    /// their last replication lag is nowhere else (last second's write rate times the lag),
    /// and is lost if a copy takes over before the region is back.
    fn hold_unreplicated_writes(&mut self, r: usize) {
        let arch = self.arch.clone();
        for (n, c) in arch.nodes() {
            let (Some(region), NodeState::Database(db)) = (c.region, &self.nodes[n.index()]) else {
                continue;
            };
            let copied = arch.nodes().any(|(_, other)| {
                matches!(&other.kind, Kind::Database(s) if s.replicates_from == Some(n))
            });
            if region != r || !copied || !db.owns_writes() {
                continue;
            }
            // What its writer acknowledged in the last second, whatever became of it since:
            // one lost with the region's other AZs in the same second (a failover under way)
            // had acknowledged them, and one down for longer none.
            let done = self.scratch.per[n.index()].done;
            let lost = (done[Class::Write as usize] + done[Class::Job as usize])
                * d::CROSS_REGION_LAG_MS
                / 1e3;
            self.unreplicated.hold(n, lost);
        }
    }

    /// A copy of `writer` takes writes of its own: the writes its lost region had not copied
    /// to it are lost now.
    pub(super) fn copy_took_over(&mut self, writer: NodeId) {
        let lost = self.unreplicated.lose(writer);
        if lost <= 0.0 {
            return;
        }
        self.totals.writes_lost += lost;
        self.events.push(
            EventKind::WritesLost,
            Some(&self.arch.graph[writer].id),
            format!(
                "about {} acknowledged writes lost: the last {:.0} ms of them had not reached the copy now promoted in another region (replication is asynchronous)",
                lost.round(),
                d::CROSS_REGION_LAG_MS
            ),
        );
    }

    fn restore_all(&mut self) {
        let arch = self.arch.clone();
        for r in 0..arch.regions.len() {
            self.region_down[r] = false;
            self.region_down_by_azs[r] = false;
            self.az_down[r].iter_mut().for_each(|d| *d = false);
        }
        // Every region is back before any copy took over: nothing was lost.
        for (n, _) in arch.nodes() {
            self.unreplicated.keep(n);
        }
        self.spikes.clear();
        self.added_latency.clear();
        self.hot_shards.clear();
        self.outages.clear();
        self.sum_added_latency();
        self.sum_skew();
        let mut writers_back = Vec::new();
        for (n, state) in arch.nodes().map(|(n, _)| n).zip(self.nodes.iter_mut()) {
            match state {
                NodeState::Pool(pool) => pool.restore_all(),
                NodeState::Database(db) => {
                    // A failover under way finishes now, as a writer being replaced is back.
                    if db.writer != Writer::Up {
                        let failing_over = matches!(db.writer, Writer::FailingOver { .. });
                        writers_back.push((n, failing_over));
                    }
                    match db.writer {
                        Writer::Down { .. } => db.writer = Writer::Up,
                        Writer::FailingOver { to, .. } => {
                            db.writer = Writer::Up;
                            db.writer_az = to;
                        }
                        Writer::Up => {}
                    }
                    if let Some(r) = &mut db.replicas {
                        r.restore_all();
                    }
                }
                NodeState::Cache(cache) => cache.up.iter_mut().for_each(|u| *u = true),
                _ => {}
            }
        }
        self.events.push(
            EventKind::Restore,
            None,
            "everything restored: AZs, regions, components, instances, database writers, traffic, latency".into(),
        );
        for (n, failing_over) in writers_back {
            let c = &arch.graph[n];
            let az = match &self.nodes[n.index()] {
                NodeState::Database(db) => self.events.az_name(db.writer_az).to_string(),
                _ => continue,
            };
            // A failover the log started ends here.
            let kind = if failing_over {
                EventKind::FailoverDone
            } else {
                EventKind::Recovered
            };
            self.events
                .push(kind, Some(&c.id), format!("writer restored in {az}"));
        }
        // Each region takes its own writes back at once, as if its data were copied back, and
        // copies elsewhere follow it: one writer per shard.
        for r in 0..arch.regions.len() {
            if arch.regions[r].standby.is_none() {
                // A fail-back under way ends; one stopped or waiting had been told so already.
                if self.dormant[r] {
                    let kind = if self.activating[r].is_some() {
                        EventKind::FailoverDone
                    } else {
                        EventKind::Restore
                    };
                    self.events.push(
                        kind,
                        None,
                        format!(
                            "region {} takes its writes again: restore-all ends its fail-back",
                            arch.regions[r].id
                        ),
                    );
                }
                self.dormant[r] = false;
                self.activating[r] = None;
                self.fail_back(r);
            }
        }
    }
}

/// The database `kill-db-primary[:which]` aims at.
fn aimed_at(arch: &crate::arch::Architecture, which: &Option<String>) -> Option<NodeId> {
    match which {
        Some(id) => arch.find(id),
        None => main_database(arch),
    }
}

/// The database `kill-db-primary` aims at by default: the first one that owns its writer.
pub fn main_database(arch: &crate::arch::Architecture) -> Option<NodeId> {
    arch.nodes()
        .find(|(_, c)| matches!(&c.kind, Kind::Database(db) if db.replicates_from.is_none()))
        .map(|(n, _)| n)
}
