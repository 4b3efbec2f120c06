//! One second of traffic through the graph, callers before callees.
//!
//! Each component receives requests per class, answers some, fails some and sends the rest on.
//! Everything is counted as a rate (a fluid), so a component costs the same at any traffic.
//! What each component did is also recorded as probabilities ([`Step`]) for the latency sampler.

mod pool;

use super::events::EventKind;
use super::partitions::Table;
use super::station::{Capacity, Delay, StationTick};
use super::worker_loop::{Answer, drain_rate};
use super::{DT, NodeState, PerComponent, Scratch, Simulation, UserOutcomes};
use crate::arch::{Class, Hop, Kind, NodeId, PerClass, PoolRole, USER_CLASSES};
use crate::preset::defaults::STALE_AFTER_MS;
use crate::preset::defaults::{DEAD_TARGET_S, FAST_FAIL_S};
use pool::PoolNode;

const STATIC: usize = Class::Static as usize;
const READ: usize = Class::Read as usize;
const WRITE: usize = Class::Write as usize;
const JOB: usize = Class::Job as usize;

/// Each of `hops` with its share of what goes through them, the shares scaled by the callees'
/// `skew` (a hot shard) and summing to 1.
pub(super) fn skewed_shares<'a>(
    hops: &'a [Hop],
    skew: &'a [f64],
) -> impl Iterator<Item = (&'a Hop, f64)> + 'a {
    let weight: f64 = hops.iter().map(|h| h.share * skew[h.to.index()]).sum();
    hops.iter().map(move |h| {
        (
            h,
            h.share * skew[h.to.index()] / weight.max(f64::MIN_POSITIVE),
        )
    })
}

impl Scratch {
    fn clear(&mut self) {
        self.per.fill(PerComponent::default());
        self.reached.fill(0);
        for step in self.steps.iter_mut().flatten() {
            step.reset();
        }
        self.users = UserOutcomes::default();
        self.jobs_failed = 0.0;
    }

    /// Share of what arrived at `at` (class `k`) that nobody waits for any more.
    fn orphan_share(&self, at: NodeId, k: usize) -> f64 {
        let c = &self.per[at.index()];
        if c.inflow[k] > 0.0 {
            (c.orphans[k] / c.inflow[k]).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Before a component sends anything on: by default what it sends carries the share of
    /// orphans it received.
    fn begin(&mut self, at: NodeId) {
        for k in 0..4 {
            self.per[at.index()].orphan_out[k] = self.orphan_share(at, k);
        }
    }

    fn forward(&mut self, from: NodeId, class: usize, to: NodeId, amount: f64) {
        let share = self.per[from.index()].orphan_out[class];
        self.forward_with(from, class, to, amount, share);
    }

    /// Sends `amount` on, `orphan_share` of it for callers who already gave up.
    pub(super) fn forward_with(
        &mut self,
        from: NodeId,
        class: usize,
        to: NodeId,
        amount: f64,
        orphan_share: f64,
    ) {
        if amount <= 0.0 {
            return;
        }
        let receiver = &mut self.per[to.index()];
        receiver.inflow[class] += amount;
        receiver.orphans[class] += amount * orphan_share;
        self.per[from.index()].sent[class] += amount;
        self.steps[from.index()][class].hops.push((to, amount));
    }

    /// Takes back `amount` of what `from` sent to `to` this second (a caller's open circuit
    /// breaker stopped it), orphans in proportion.
    pub(super) fn withdraw(&mut self, from: NodeId, class: usize, to: NodeId, amount: f64) {
        let (f, t) = (from.index(), to.index());
        let hops = &mut self.steps[f][class].hops;
        let sent_to: f64 = hops.iter().filter(|h| h.0 == to).map(|h| h.1).sum();
        if sent_to <= 0.0 {
            return;
        }
        let keep = (1.0 - amount / sent_to).clamp(0.0, 1.0);
        for h in hops.iter_mut().filter(|h| h.0 == to) {
            h.1 *= keep;
        }
        let taken = sent_to * (1.0 - keep);
        self.per[t].inflow[class] -= taken;
        self.per[t].orphans[class] =
            (self.per[t].orphans[class] - taken * self.per[f].orphan_out[class]).max(0.0);
        self.per[f].sent[class] -= taken;
    }

    /// Splits `amount` over `hops` by their shares, each scaled by its `skew`.
    fn split(&mut self, from: NodeId, class: usize, amount: f64, hops: &[Hop], skew: &[f64]) {
        let total: f64 = hops.iter().map(|h| h.share * skew[h.to.index()]).sum();
        if total <= 0.0 {
            return;
        }
        for h in hops {
            self.forward(
                from,
                class,
                h.to,
                amount * h.share * skew[h.to.index()] / total,
            );
        }
    }

    /// Requests answered at `at`, `orphan_share` of them for callers who had given up.
    fn finish_with(&mut self, at: NodeId, class: usize, amount: f64, orphan_share: f64) {
        let amount = amount.max(0.0);
        self.per[at.index()].done[class] += amount;
        // (A share computed as a ratio can round a hair past 1.)
        self.users.answered[class] += amount * (1.0 - orphan_share.clamp(0.0, 1.0));
    }

    fn finish(&mut self, at: NodeId, class: usize, amount: f64) {
        let share = self.orphan_share(at, class);
        self.finish_with(at, class, amount, share);
    }

    /// A failure the latency sampler cannot find by drawing (dead target, refused, dropped),
    /// which takes `seconds` from arrival here.
    pub(super) fn fail_with(
        &mut self,
        at: NodeId,
        class: usize,
        amount: f64,
        seconds: f64,
        orphans: f64,
    ) {
        if amount <= 0.0 {
            return;
        }
        let i = at.index();
        let c = &mut self.per[i];
        c.failed[class] += amount;
        c.hard_failed[class] += amount;
        c.hard_failed_s[class] += amount * seconds;
        self.users_failed(i, class, amount * (1.0 - orphans), seconds);
    }

    /// Users' requests that failed at component `i` after `seconds`, or at the caller's
    /// timeout if that came first.
    fn users_failed(&mut self, i: usize, class: usize, users: f64, seconds: f64) {
        self.users.failed[class] += users;
        self.per[i].users_failed_at[class] += users;
        let waited = seconds.min(self.steps[i][class].timeout_s);
        // A background job's failure is no user's wait: `failed_s` is divided by users'
        // failures alone (`users_total`), so a job's seconds there made every failed user
        // request look minutes long once queued jobs began to time out.
        if waited.is_finite() && class != JOB {
            self.users.failed_s += users * waited;
            self.per[i].users_failed_s_at[class] += users * waited;
        }
    }

    pub(super) fn fail(&mut self, at: NodeId, class: usize, amount: f64, seconds: f64) {
        let share = self.orphan_share(at, class);
        self.fail_with(at, class, amount, seconds, share);
    }

    fn fail_all(&mut self, at: NodeId, amounts: PerClass<f64>, seconds: f64) {
        for (k, &a) in amounts.iter().enumerate() {
            self.fail(at, k, a, seconds);
        }
    }

    /// Failures of requests that had waited in a backlog (nobody had given up on them yet).
    fn fail_waiting(&mut self, at: NodeId, amounts: PerClass<f64>, seconds: f64) {
        for (k, &a) in amounts.iter().enumerate() {
            self.fail_with(at, k, a, seconds, 0.0);
        }
    }

    /// A station's second: what it served, dropped (after waiting `queue_s`) and served late.
    fn absorb_station(&mut self, at: NodeId, tick: &StationTick, queue_s: f64) {
        let i = at.index();
        for k in 0..4 {
            self.fail_with(
                at,
                k,
                tick.dropped[k],
                queue_s,
                tick.dropped_orphan_share(k),
            );
            // Served after the caller gave up: the sampler finds these by drawing past the
            // deadline, and they cost the users a failure here (now, or when they gave up).
            self.per[i].failed[k] += tick.late[k] + tick.expired[k];
            self.per[i].soft_failed[k] += tick.late_users[k] + tick.expired[k];
            self.users.wasted += tick.late[k];
            self.users_failed(i, k, tick.expired[k] + tick.late_users[k], f64::INFINITY);
            if tick.ok[k] + tick.failed[k] > 0.0 {
                self.steps[i][k].delay = tick.delay[k];
            }
        }
    }

    /// Users' requests whose caller gave up on them here (at its deadline): the server may
    /// still serve them, for nobody.
    pub(super) fn gave_up(&mut self, at: NodeId, class: usize, users: f64) {
        if users <= 0.0 {
            return;
        }
        self.per[at.index()].failed[class] += users;
        self.per[at.index()].soft_failed[class] += users;
        self.users_failed(at.index(), class, users, f64::INFINITY);
    }

    fn set_delay(&mut self, at: NodeId, delay: Delay) {
        for step in &mut self.steps[at.index()] {
            step.delay = delay;
        }
    }

    /// The caller's patience for this component and everything behind it.
    fn set_timeout(&mut self, at: NodeId, seconds: f64) {
        for step in &mut self.steps[at.index()] {
            step.timeout_s = seconds;
        }
    }

    /// Turns what a component did this second into probabilities for the latency sampler.
    fn seal(&mut self, at: NodeId) {
        let i = at.index();
        let c = &self.per[i];
        for k in 0..4 {
            let (done, sent, hard) = (c.done[k], c.sent[k], c.hard_failed[k]);
            let ok = done + sent;
            self.reached[i] |= u8::from(c.inflow[k] > 0.0) << k;
            let step = &mut self.steps[i][k];
            // A walk that does not fail outright here draws its delay and finds the soft
            // failures itself, past the deadline: they count in what the hard ones are a share
            // of. (Left out, a component whose every answer came too late, with a few refused,
            // read as failing every request at once.)
            let reached = ok + hard + c.soft_failed[k];
            step.fail = if reached > 0.0 { hard / reached } else { 0.0 };
            step.fail_s = if hard > 0.0 {
                c.hard_failed_s[k] / hard
            } else {
                0.0
            };
            step.done = if ok > 0.0 { done / ok } else { 1.0 };
            let mut cumulative = 0.0;
            for hop in &mut step.hops {
                cumulative += hop.1 / sent.max(f64::MIN_POSITIVE);
                hop.1 = cumulative;
            }
            if let Some(last) = step.hops.last_mut() {
                last.1 = 1.0; // no rounding gap at the end
            }
        }
    }
}

impl Simulation {
    /// Sends this second's traffic through the graph.
    pub(super) fn flow(&mut self, t: f64) {
        self.scratch.clear();
        let requests = self.offered(t);
        // Users' clients send new requests and the retries whose backoff ended.
        let sending = self.user_retries.send(self.t, requests);
        let entry = self.arch.entry;
        for class in USER_CLASSES {
            let k = class as usize;
            self.scratch.per[entry.index()].inflow[k] = sending.attempts[k];
        }
        self.last.offered = requests;
        self.last.retries = sending.retries;
        self.last.blocked = sending.blocked;
        let arch = self.arch.clone();
        for &n in &arch.order {
            if self.frozen(n) {
                continue;
            }
            self.process(n, t);
            self.send_call_retries(n);
            self.scratch.seal(n);
        }
        self.settle_call_retries(t);
        self.return_failed_jobs();
        self.refill_caches();
    }

    /// Requests per class arriving this second: users × rate × daily curve × drift × spikes.
    ///
    /// This is the arrival *rate*: the second-to-second randomness of individual arrivals is
    /// already inside the M/M/c formulas (Poisson arrivals), so drawing a random count here as
    /// well would count it twice and overstate queueing.
    fn offered(&mut self, t: f64) -> PerClass<f64> {
        let traffic = &self.arch.traffic;
        let hour = (traffic.start_hour + t / 3_600.0).rem_euclid(24.0);
        // AR(1) noise with a one-minute memory: traffic drifts rather than jitters.
        let phi = libm::exp(-DT / crate::preset::defaults::NOISE_CORRELATION_S);
        self.noise = phi * self.noise + (1.0 - phi * phi).sqrt() * self.traffic_rng.normal();
        let wobble = libm::exp(traffic.noise * self.noise - traffic.noise * traffic.noise / 2.0);
        let rate = traffic.peak_rps() * traffic.curve(hour) * wobble * self.spike_factor();
        let total = rate * DT;
        let fixed = total * traffic.static_fraction;
        let dynamic = total - fixed;
        let writes = dynamic * traffic.write_fraction;
        [fixed, dynamic - writes, writes, 0.0]
    }

    /// A DynamoDB table: it answers in its fixed latency what its partitions take, and
    /// throttles the rest at once (see `partitions`).
    fn process_table(&mut self, n: NodeId, inflow: PerClass<f64>, fixed_s: f64, t: f64) {
        let sc = &mut self.scratch;
        sc.set_delay(n, Delay::fixed(fixed_s));
        let (reads, writes) = (inflow[STATIC] + inflow[READ], inflow[WRITE] + inflow[JOB]);
        let hot: f64 = self
            .hot_shards
            .iter()
            .filter(|h| h.value.0 == n)
            .map(|h| h.value.1)
            .product();
        if self.tables[n.index()].is_none() && reads + writes <= 0.0 {
            // A standby region's table: it is sized when traffic first reaches it (a global
            // table's replica has taken the same writes all along).
            for (k, &amount) in inflow.iter().enumerate() {
                sc.finish(n, k, amount);
            }
            return;
        }
        let table = self.tables[n.index()].get_or_insert_with(|| {
            // It has been running for days: its previous peak is the peak hour's load, unless
            // it was warmed for more.
            let traffic = &self.arch.traffic;
            let hour = (traffic.start_hour + t / 3_600.0).rem_euclid(24.0);
            let now = traffic.curve(hour).max(1e-9);
            let warm = match &self.arch.graph[n].kind {
                Kind::KvStore(kv) => kv.warm,
                _ => [0.0; 2],
            };
            Table::new(
                (reads / now).max(warm[0] / 2.0),
                (writes / now).max(warm[1] / 2.0),
            )
        });
        // Reads and writes share a partition's capacity: both lose the same share.
        let share = table.tick(self.t, reads, writes, hot);
        for (k, &amount) in inflow.iter().enumerate() {
            let throttled = amount * share;
            if throttled > 0.0 {
                sc.fail(n, k, throttled, FAST_FAIL_S);
            }
            sc.finish(n, k, amount - throttled);
        }
        let id = &self.arch.graph[n].id;
        match (table.throttling, share > THROTTLE_NOTICED) {
            (false, true) => {
                table.throttling = true;
                let why = if hot > 1.0 {
                    format!("a partition takes ×{hot} its share")
                } else {
                    "traffic beyond double its previous peak".to_string()
                };
                self.events.push(
                    EventKind::Saturated,
                    Some(id),
                    format!(
                        "DynamoDB throttles {:.1}% of requests: {why} (each of its {} partitions serves 3,000 reads or 1,000 writes a second)",
                        share * 100.0,
                        table.partitions()
                    ),
                );
            }
            (true, false) => {
                table.throttling = false;
                self.events.push(
                    EventKind::Recovered,
                    Some(id),
                    "DynamoDB no longer throttles".to_string(),
                );
            }
            _ => {}
        }
    }

    fn process(&mut self, n: NodeId, t: f64) {
        let arch = self.arch.clone();
        let component = &arch.graph[n];
        let routes = &arch.routes[n.index()];
        let inflow = self.scratch.per[n.index()].inflow;
        let fixed_s = (self.base_ms[n.index()] + self.extra_ms[n.index()]) / 1e3;
        let lost = self.outages.is_out(n);
        let alive = !lost && component.region.is_none_or(|r| self.region_serving(r));
        // A managed store answers while it and its region do (a standby region's included).
        let answering = !lost && component.region.is_none_or(|r| !self.region_down[r]);
        if let Kind::Database(spec) = &component.kind {
            return self.process_database(n, spec, alive, inflow, fixed_s, t);
        }
        let worker_capacity = match component.kind {
            Kind::Queue(_) => self.worker_capacity(routes.of(Class::Job)),
            _ => 0.0,
        };
        let store_wait_s = match &component.kind {
            Kind::Pool(p) if p.role == PoolRole::Workers => match &self.nodes[n.index()] {
                // Worked out this second by the queue that feeds them.
                NodeState::Pool(pool) => pool.drain.1,
                _ => 0.0,
            },
            _ => 0.0,
        };
        let sc = &mut self.scratch;
        sc.begin(n);
        match (&component.kind, &mut self.nodes[n.index()]) {
            (Kind::Dns(_) | Kind::Cdn(_), _) if lost => {
                // Nothing resolves, or the edge refuses: users wait out their connect timeout.
                sc.set_delay(n, Delay::fixed(fixed_s));
                sc.fail_all(n, inflow, DEAD_TARGET_S);
            }
            (Kind::Dns(spec), NodeState::Dns(dns)) => {
                sc.set_delay(n, Delay::fixed(fixed_s));
                // Users give up on a page after the client's timeout.
                sc.set_timeout(n, crate::preset::defaults::TIMEOUT_MS / 1e3);
                let total: f64 = dns.weights(t, spec).sum();
                for k in USER_CLASSES.map(|c| c as usize) {
                    let hops = routes.of(CLASS[k]);
                    let through_cdn = k == STATIC
                        && hops.len() == 1
                        && matches!(arch.graph[hops[0].to].kind, Kind::Cdn(_));
                    if through_cdn {
                        sc.forward(n, k, hops[0].to, inflow[k]);
                        continue;
                    }
                    for (hop, w) in hops.iter().zip(dns.weights(t, spec)) {
                        sc.forward(n, k, hop.to, inflow[k] * w / total.max(f64::MIN_POSITIVE));
                    }
                }
            }
            (Kind::Cdn(cdn), _) => {
                sc.set_delay(n, Delay::fixed(fixed_s));
                let hits = inflow[STATIC] * cdn.hit_ratio;
                sc.finish(n, STATIC, hits);
                // Origin failover: the first origin whose region is up.
                let origins = routes.of(Class::Static);
                let origin = origins
                    .iter()
                    .find(|h| {
                        !self.outages.is_out(h.to)
                            && arch.graph[h.to].region.is_none_or(|r| !self.region_down[r])
                    })
                    .or(origins.first());
                if let Some(origin) = origin {
                    sc.forward(n, STATIC, origin.to, inflow[STATIC] - hits);
                }
            }
            (Kind::KvStore(_), _) if answering => {
                self.process_table(n, inflow, fixed_s, t);
            }
            (Kind::ObjectStore(_) | Kind::KvStore(_), _) => {
                sc.set_delay(n, Delay::fixed(fixed_s));
                for (k, &amount) in inflow.iter().enumerate() {
                    if answering {
                        sc.finish(n, k, amount)
                    } else {
                        sc.fail(n, k, amount, DEAD_TARGET_S)
                    }
                }
            }
            (Kind::LoadBalancer(_), _) => {
                sc.set_delay(n, Delay::fixed(fixed_s));
                for k in USER_CLASSES.map(|c| c as usize) {
                    if alive {
                        sc.split(n, k, inflow[k], routes.of(CLASS[k]), &self.skew);
                    } else {
                        sc.fail(n, k, inflow[k], DEAD_TARGET_S);
                    }
                }
            }
            (Kind::Queue(_), NodeState::Queue(queue)) => {
                sc.set_delay(n, Delay::fixed(fixed_s));
                queue.dispatched = 0.0;
                if alive {
                    // The write is acknowledged once queued; a worker does it later.
                    sc.finish(n, WRITE, inflow[WRITE]);
                    queue.push(t, inflow[WRITE]);
                    queue.expire(t);
                    // Workers pull as much as they can process this second.
                    let (taken, median) = queue.take(worker_capacity);
                    queue.dispatched = taken;
                    queue.dispatched_since = median.unwrap_or(t);
                    sc.split(n, JOB, taken, routes.of(Class::Job), &self.skew);
                } else {
                    sc.fail_all(n, inflow, DEAD_TARGET_S);
                }
            }
            (Kind::Pool(spec), NodeState::Pool(pool)) => {
                let hops: PerClass<&[Hop]> = CLASS.map(|c| routes.of(c));
                let node = PoolNode {
                    id: n,
                    spec,
                    fixed_s,
                    alive,
                    t,
                    store_wait_s,
                    skew: &self.skew,
                };
                node.process(pool, inflow, hops, sc);
            }
            (Kind::Cache(spec), NodeState::Cache(cache)) => {
                let reads = inflow[READ];
                let misses_to = routes.of(Class::Read);
                cache.reads = reads;
                sc.set_timeout(n, CACHE_TIMEOUT_S);
                if !alive || !cache.is_up() {
                    // A missing cache is a miss: every read goes to the database, once the
                    // client has given up on the cache (a dead address does not answer, so
                    // it waits out its command timeout).
                    sc.set_delay(
                        n,
                        Delay::fixed(fixed_s + DEAD_TARGET_S.min(CACHE_TIMEOUT_S)),
                    );
                    cache.hits = 0.0;
                    cache.utilization = 0.0;
                    sc.per[n.index()].cache_misses = reads;
                    sc.split(n, READ, reads, misses_to, &self.skew);
                    return;
                }
                let cap = Capacity::with_timeout(
                    cache.nodes_up() as f64,
                    [1.0 / spec.ops_per_node; 4],
                    CACHE_TIMEOUT_S,
                    fixed_s,
                );
                let orphans = [0.0, sc.per[n.index()].orphans[READ], 0.0, 0.0];
                let tick = cache.station.tick([0.0, reads, 0.0, 0.0], orphans, cap, DT);
                cache.utilization = tick.utilization;
                sc.absorb_station(n, &tick, cap.queue_s);
                let hit = cache.hit_ratio(spec);
                // Reads the cache finished this second, some of them from its backlog.
                cache.reads = tick.ok[READ] + tick.failed[READ];
                cache.hits = tick.ok[READ] * hit;
                let orphans = tick.orphan_share[READ];
                sc.finish_with(n, READ, cache.hits, orphans);
                sc.per[n.index()].orphan_out[READ] = orphans;
                let misses = tick.ok[READ] - cache.hits;
                sc.per[n.index()].cache_misses = misses;
                sc.split(n, READ, misses, misses_to, &self.skew);
            }
            _ => unreachable!("component state does not match its kind"),
        }
        if matches!(component.kind, Kind::Queue(_)) {
            self.note_jobs_taken(n);
        }
    }

    /// Jobs per second the workers behind a queue can take. A worker waits for its write to
    /// finish before taking the next job, so (Little's law) each of its threads gets through
    /// `1 / (own time + the store's response time)` jobs per second: a slow database slows the
    /// workers down instead of being buried under retries.
    fn worker_capacity(&mut self, workers: &[Hop]) -> f64 {
        workers.iter().map(|h| self.worker_drain(h.to) * DT).sum()
    }

    /// Jobs per second the worker pool `n` gets through this second (see
    /// [`super::worker_loop`]), kept with how long each waits for its stores at that rate.
    /// Nothing from a pool that is lost, or whose region is.
    fn worker_drain(&mut self, n: NodeId) -> f64 {
        let Kind::Pool(p) = &self.arch.graph[n].kind else {
            return 0.0;
        };
        let serving = !self.outages.is_out(n)
            && self.arch.graph[n]
                .region
                .is_none_or(|r| self.region_serving(r));
        let hops = self.arch.routes[n.index()].of(Class::Job);
        let mut stores = std::mem::take(&mut self.scratch.stores);
        stores.clear();
        stores.extend(
            skewed_shares(hops, &self.skew).map(|(h, share)| (share, self.answer_of(n, h.to))),
        );
        let own_s = p.service_s;
        let NodeState::Pool(state) = &mut self.nodes[n.index()] else {
            self.scratch.stores = stores;
            return 0.0;
        };
        let threads = if serving { state.servers() } else { 0.0 };
        let rate = drain_rate(threads, own_s, &stores, state.drain.0);
        self.scratch.stores = stores;
        let wait = if rate > 0.0 && rate.is_finite() {
            (threads / rate - own_s).max(0.0)
        } else {
            0.0
        };
        state.drain = (rate, wait);
        rate
    }

    /// How a store behind queue workers answers the writes of worker pool `pool`: a database
    /// copy as the writer it forwards them to, that writer shared with the other pools writing
    /// there (`shared_writer`).
    fn answer_of(&self, pool: NodeId, store: NodeId) -> Answer {
        let c = &self.arch.graph[store];
        let lost = self.outages.is_out(store);
        let serving = |n: NodeId| {
            !self.outages.is_out(n)
                && self.arch.graph[n]
                    .region
                    .is_none_or(|r| self.region_serving(r))
        };
        match (&c.kind, &self.nodes[store.index()]) {
            (Kind::Database(spec), NodeState::Database(_)) => {
                let writer = self.writes_land(store);
                let (Kind::Database(at), NodeState::Database(db)) =
                    (&self.arch.graph[writer].kind, &self.nodes[writer.index()])
                else {
                    unreachable!("a copy replicates a database")
                };
                let up = serving(store) && serving(writer) && db.writer_up();
                if !up {
                    return Answer::Fixed(DEAD_TARGET_S.min(spec.timeout_s));
                }
                Answer::Writer {
                    servers: f64::from(at.vcpus),
                    write_s: at.write_s,
                    other_work: db.other_work + self.other_jobs_work(pool, writer),
                    patience_s: at.timeout_s,
                }
            }
            _ if lost => Answer::Fixed(DEAD_TARGET_S),
            _ => Answer::Fixed(self.base_ms[store.index()] / 1e3),
        }
    }

    fn process_database(
        &mut self,
        n: NodeId,
        spec: &crate::arch::Database,
        alive: bool,
        inflow: PerClass<f64>,
        fixed_s: f64,
        t: f64,
    ) {
        let arch = self.arch.clone();
        let routes = &arch.routes[n.index()];
        let connections = self.connections_wanted(n);
        let sc = &mut self.scratch;
        sc.begin(n);
        sc.set_timeout(n, spec.timeout_s);
        let NodeState::Database(db) = &mut self.nodes[n.index()] else {
            unreachable!()
        };
        if !alive {
            let mut dropped = db.writer_station.drop_all();
            if let Some(r) = &mut db.replicas {
                dropped = add(dropped, r.station.drop_all());
                r.utilization = 0.0;
            }
            sc.fail_all(n, inflow, DEAD_TARGET_S);
            sc.fail_waiting(n, dropped, DEAD_TARGET_S);
            db.writer_utilization = 0.0;
            return;
        }
        let mut to_writer = [0.0; 4];
        let mut to_readers = [0.0; 4];
        // Writes: forwarded to the owning region, or to this cluster's writer.
        for k in [WRITE, JOB] {
            if db.owns_writes() {
                to_writer[k] = inflow[k];
            } else {
                let hops = routes.of(CLASS[k]);
                sc.split(n, k, inflow[k], hops, &self.skew);
                sc.steps[n.index()][k].delay =
                    Delay::fixed(fixed_s + arch.network.inter_region_rtt_ms / 1e3);
            }
        }
        // Reads: replicas behind the reader endpoint, else the writer (or the copy's instance).
        let readers = db.readers_serving();
        if readers > 0 {
            let pool = db.replicas.as_ref().expect("readers imply replicas");
            let dead = pool.dead_share(t);
            sc.fail(n, READ, inflow[READ] * dead, DEAD_TARGET_S);
            to_readers[READ] = inflow[READ] * (1.0 - dead);
        } else {
            to_writer[READ] = inflow[READ];
        }
        let writer_available = db.writer_up();
        // Connection limits: pools hold connections to the writer and to the readers.
        // With no reader in service, the reader endpoint points at the writer.
        let [mut wanted_writer, mut wanted_readers] = connections;
        if readers == 0 {
            (wanted_writer, wanted_readers) = (wanted_writer + wanted_readers, 0.0);
        }
        let limit_writer = f64::from(spec.max_connections);
        let limit_readers = f64::from(spec.max_connections) * f64::from(readers);
        db.connections = [wanted_writer, wanted_readers];

        db.connection_limit = [limit_writer, limit_readers];
        let refused = |wanted: f64, limit: f64| {
            if wanted > limit && wanted > 0.0 {
                1.0 - limit / wanted
            } else {
                0.0
            }
        };
        let (refused_writer, refused_readers) = (
            refused(wanted_writer, limit_writer),
            refused(wanted_readers, limit_readers),
        );

        let service = [spec.read_s, spec.read_s, spec.write_s, spec.write_s];
        // Writer station.
        if writer_available {
            for (k, amount) in to_writer.iter_mut().enumerate() {
                // "Too many connections" comes back at once.
                sc.fail(n, k, *amount * refused_writer, FAST_FAIL_S);
                *amount *= 1.0 - refused_writer;
            }
            let cap =
                Capacity::with_timeout(f64::from(spec.vcpus), service, spec.timeout_s, fixed_s);
            let orphans: PerClass<f64> =
                std::array::from_fn(|k| to_writer[k] * sc.orphan_share(n, k));
            let tick = db.writer_station.tick(to_writer, orphans, cap, DT);
            db.writer_utilization = tick.utilization;
            db.writer_response_s = tick.mean_response_s;
            db.other_work = (0..4)
                .filter(|&k| k != JOB)
                .map(|k| to_writer[k] * service[k])
                .sum::<f64>()
                / DT;
            db.replica_lag_ms = spec.replica_lag_ms + tick.delay[WRITE].wait.mean_s() * 1e3;
            for k in [READ, WRITE, JOB] {
                if to_writer[k] > 0.0 || tick.ok[k] > 0.0 {
                    sc.finish_with(n, k, tick.ok[k], tick.orphan_share[k]);
                }
            }
            sc.absorb_station(n, &tick, cap.queue_s);
        } else {
            // Clients keep connecting to the lost writer's address until DNS moves.
            let dropped = db.writer_station.drop_all();
            sc.fail_all(n, to_writer, DEAD_TARGET_S);
            sc.fail_waiting(n, dropped, DEAD_TARGET_S);
            db.writer_utilization = 0.0;
        }
        // Reader station.
        if let Some(pool) = &mut db.replicas {
            let arrivals = if readers > 0 {
                sc.fail(n, READ, to_readers[READ] * refused_readers, FAST_FAIL_S);
                [0.0, to_readers[READ] * (1.0 - refused_readers), 0.0, 0.0]
            } else {
                [0.0; 4]
            };
            let cap = Capacity::with_timeout(pool.servers(), service, spec.timeout_s, fixed_s);
            let orphans: PerClass<f64> =
                std::array::from_fn(|k| arrivals[k] * sc.orphan_share(n, k));
            let tick = pool.station.tick(arrivals, orphans, cap, DT);
            pool.utilization = tick.utilization;
            pool.response_s = tick.mean_response_s;
            if readers > 0 {
                sc.finish_with(n, READ, tick.ok[READ], tick.orphan_share[READ]);
                if db.replica_lag_ms > STALE_AFTER_MS {
                    sc.users.stale += tick.ok[READ] * (1.0 - tick.orphan_share[READ]).max(0.0);
                }
                sc.absorb_station(n, &tick, cap.queue_s);
            } else {
                for k in 0..4 {
                    let share = tick.dropped_orphan_share(k);
                    sc.fail_with(n, k, tick.dropped[k], DEAD_TARGET_S, share);
                }
            }
        }
    }

    /// Connections client pools want on this database's writer and readers: every serving
    /// instance keeps its pool open on each endpoint.
    fn connections_wanted(&self, n: NodeId) -> [f64; 2] {
        self.db_clients[n.index()].each_ref().map(|clients| {
            clients
                .iter()
                .map(
                    |&client| match (&self.arch.graph[client].kind, &self.nodes[client.index()]) {
                        (Kind::Pool(p), NodeState::Pool(state)) => {
                            f64::from(state.serving()) * f64::from(p.db_pool)
                        }
                        _ => 0.0,
                    },
                )
                .sum()
        })
    }

    /// Jobs that failed downstream go back to the front of their queues, keeping their age
    /// (SQS makes a message visible again after its visibility timeout; the model returns it at
    /// once).
    fn return_failed_jobs(&mut self) {
        let failed: f64 = self.scratch.per.iter().map(|c| c.failed[JOB]).sum();
        if failed <= 0.0 {
            return;
        }
        let dispatched: f64 = self
            .nodes
            .iter()
            .map(|s| {
                if let NodeState::Queue(q) = s {
                    q.dispatched
                } else {
                    0.0
                }
            })
            .sum();
        for state in &mut self.nodes {
            if let NodeState::Queue(q) = state
                && q.dispatched > 0.0
            {
                let share = failed * q.dispatched / dispatched;
                q.put_back(q.dispatched_since, share);
            }
        }
    }

    /// Caches learn the keys that missed and were answered by a store.
    fn refill_caches(&mut self) {
        let arch = self.arch.clone();
        for (n, c) in arch.nodes() {
            let Kind::Cache(spec) = &c.kind else { continue };
            let misses = self.scratch.per[n.index()].cache_misses;
            if misses <= 0.0 {
                continue;
            }
            let hops = &self.scratch.steps[n.index()][READ].hops;
            let (mut answered, mut previous, mut fill_s) = (0.0, 0.0, 0.0);
            for &(store, cumulative) in hops {
                // How long a miss takes to come back from this store (last second's figure).
                fill_s += (cumulative - previous) * self.answers.answer_s[store.index()][READ];
                let flow = &self.scratch.per[store.index()];
                let (done, arrived) = (flow.done[READ], flow.inflow[READ]);
                let ratio = if arrived > 0.0 {
                    (done / arrived).min(1.0)
                } else {
                    0.0
                };
                answered += misses * (cumulative - previous) * ratio;
                previous = cumulative;
            }
            if let NodeState::Cache(cache) = &mut self.nodes[n.index()] {
                cache.refill(answered, fill_s, spec, &c.id, &mut self.events);
            }
        }
    }
}

const CLASS: [Class; 4] = [Class::Static, Class::Read, Class::Write, Class::Job];

/// How long a pool waits for its cache before treating the read as failed. Assumption: Redis
/// clients commonly time out a command after about a second.
const CACHE_TIMEOUT_S: f64 = 1.0;
/// Share of a table's requests throttled that makes an event (as errors above 0.1 % do).
const THROTTLE_NOTICED: f64 = 0.001;

fn add(a: PerClass<f64>, b: PerClass<f64>) -> PerClass<f64> {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
}
