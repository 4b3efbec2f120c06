//! The `--metrics` line written straight into one reused buffer: the keys of every per-component
//! map are escaped and sorted once, at the start, and each second only writes numbers. The bytes
//! are exactly what serialising [`MetricsLine`] gives (`tests/golden.rs` holds both to it), at
//! a fraction of the cost: no maps, no allocations per line. A line is made in two halves —
//! `capture` reads off the simulation what it says, `format` writes it — so that the writing
//! can happen on another thread (`--metrics` does).

use super::{current_hit_ratio, finite, primary_candidates};
use crate::arch::{Architecture, Kind, NodeId, PoolRole};
use crate::sim::latency::Outcome;
use crate::sim::latency_window::{WindowCopy, WindowMark};
use crate::sim::{Latency, NodeState, Simulation};
use std::io::Write;

/// Where a map entry's value comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    Pool,
    Database,
    /// The read replicas of a database.
    Replicas,
    Cache,
    Queue,
}

/// One map's entries: the escaped `"key":` and where its value comes from, sorted by key as a
/// `BTreeMap` would write them.
type Entry = (Vec<u8>, NodeId, Source);
type Entries = Vec<Entry>;

/// Writes metrics lines for one architecture.
#[derive(Debug, Clone)]
pub struct MetricsJson {
    instances: Entries,
    utilization: Entries,
    /// Server pools that are not workers (threads and connections).
    servers: Entries,
    databases: Entries,
    queues: Entries,
    replicated: Entries,
    has_cache: bool,
    /// Every AZ's name, escaped, in `all_azs` order.
    az_names: Vec<Vec<u8>>,
    /// `"<database>-<az>"` for every database entry (in `databases` order) and AZ.
    writer_names: Vec<Vec<Vec<u8>>>,
    /// The entries of `databases` that `db_primary` looks at, in its order.
    primary: Vec<usize>,
    /// Where `capture` left the latency window, and the copy of it `format` keeps. One value
    /// may do both, or a clone on each side of a thread (each then leaves the other's half
    /// untouched), as long as every sample captured is formatted, in order. A value follows
    /// one simulation.
    mark: WindowMark,
    window: WindowCopy,
    sample: MetricsSample,
    buf: Vec<u8>,
}

impl MetricsJson {
    pub fn new(arch: &Architecture) -> Self {
        let mut m = Self {
            instances: Vec::new(),
            utilization: Vec::new(),
            servers: Vec::new(),
            databases: Vec::new(),
            queues: Vec::new(),
            replicated: Vec::new(),
            has_cache: false,
            az_names: Vec::new(),
            writer_names: Vec::new(),
            primary: Vec::new(),
            mark: WindowMark::default(),
            window: WindowCopy::default(),
            sample: MetricsSample::default(),
            buf: Vec::with_capacity(4096),
        };
        let quoted = |text: &str| serde_json::to_vec(text).expect("a string serialises");
        let key = |id: &str| {
            let mut k = serde_json::to_vec(id).expect("a string serialises");
            k.push(b':');
            k
        };
        for (n, c) in arch.nodes() {
            let id = key(&c.id);
            match &c.kind {
                Kind::Pool(p) => {
                    m.instances.push((id.clone(), n, Source::Pool));
                    if p.role != PoolRole::Workers {
                        m.servers.push((id.clone(), n, Source::Pool));
                    }
                    m.utilization.push((id, n, Source::Pool));
                }
                Kind::Database(spec) => {
                    m.utilization.push((id.clone(), n, Source::Database));
                    m.databases.push((id.clone(), n, Source::Database));
                    if let Some(group) = &spec.replicas {
                        let group = key(&group.id);
                        m.instances.push((group.clone(), n, Source::Replicas));
                        m.utilization.push((group, n, Source::Replicas));
                        m.replicated.push((id, n, Source::Database));
                    }
                }
                Kind::Cache(_) => {
                    m.has_cache = true;
                    m.utilization.push((id, n, Source::Cache));
                }
                Kind::Queue(_) => m.queues.push((id, n, Source::Queue)),
                _ => {}
            }
        }
        for entries in [
            &mut m.instances,
            &mut m.utilization,
            &mut m.servers,
            &mut m.databases,
            &mut m.queues,
            &mut m.replicated,
        ] {
            sort_like_a_map(entries);
        }
        m.az_names = arch.all_azs().map(|az| quoted(&arch.az_name(az))).collect();
        m.writer_names = m
            .databases
            .iter()
            .map(|&(_, n, _)| {
                let id = &arch.graph[n].id;
                arch.all_azs()
                    .map(|az| quoted(&format!("{id}-{}", arch.regions[az.region].azs[az.az])))
                    .collect()
            })
            .collect();
        m.primary = primary_candidates(arch)
            .filter_map(|n| m.databases.iter().position(|&(_, d, _)| d == n))
            .collect();
        m
    }

    /// Writes this second's line, newline included, to `out`: `capture` and `format` on one
    /// thread (tests and benches do; `--metrics` does the two on two).
    pub fn write(&mut self, sim: &Simulation, out: &mut impl Write) -> std::io::Result<()> {
        let mut sample = std::mem::take(&mut self.sample);
        self.capture(sim, &mut sample);
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        self.format(&sample, &mut buf);
        let written = out.write_all(&buf);
        (self.sample, self.buf) = (sample, buf);
        written
    }

    /// Reads off `sim` everything this second's line says, into `s` (its vectors reused), and
    /// remembers how far it has read the latency window.
    pub fn capture(&mut self, sim: &Simulation, s: &mut MetricsSample) {
        let last = sim.last();
        s.t = last.t;
        s.head = [
            last.offered_total(),
            last.retries_total(),
            last.served,
            last.failed,
            last.served,
            sim.call_retries_last(),
            last.wasted,
            last.stale,
            last.error_rate(),
        ];
        s.restart = sim.latency_changes(&mut self.mark, &mut s.walks);
        s.values.clear();
        let v = &mut s.values;
        v.extend(
            self.instances
                .iter()
                .map(|&(_, n, source)| match (source, sim.node(n)) {
                    (Source::Pool, NodeState::Pool(p)) => Some(p.serving().into()),
                    (Source::Replicas, NodeState::Database(db)) => {
                        db.replicas.as_ref().map(|r| r.serving().into())
                    }
                    _ => None,
                }),
        );
        v.extend(self.utilization.iter().map(|&(_, n, source)| {
            let x = match (source, sim.node(n)) {
                (Source::Pool, NodeState::Pool(p)) => p.utilization,
                (Source::Database, NodeState::Database(db)) => db.writer_utilization,
                (Source::Replicas, NodeState::Database(db)) => db.replicas.as_ref()?.utilization,
                (Source::Cache, NodeState::Cache(c)) => c.utilization,
                _ => return None,
            };
            Some(finite(x))
        }));
        v.extend(self.servers.iter().map(|&(_, n, _)| match sim.node(n) {
            NodeState::Pool(p) => Some(p.holding.threads.in_use),
            _ => None,
        }));
        v.extend(self.servers.iter().map(|&(_, n, _)| match sim.node(n) {
            NodeState::Pool(p) => Some(p.holding.connections.in_use),
            _ => None,
        }));
        let now = sim.time() as f64;
        v.extend(self.queues.iter().map(|&(_, n, _)| match sim.node(n) {
            NodeState::Queue(q) => Some(q.backlog),
            _ => None,
        }));
        v.extend(self.queues.iter().map(|&(_, n, _)| match sim.node(n) {
            NodeState::Queue(q) => Some(q.oldest_age(now)),
            _ => None,
        }));
        v.extend(self.replicated.iter().map(|&(_, n, _)| match sim.node(n) {
            NodeState::Database(db) if db.replicas.is_some() => Some(finite(db.replica_lag_ms)),
            _ => None,
        }));
        s.cache_hit_ratio = self.has_cache.then(|| {
            let (mut reads, mut hits) = (0.0, 0.0);
            for (_, n, source) in &self.utilization {
                if let (Source::Cache, NodeState::Cache(c)) = (source, sim.node(*n)) {
                    reads += c.reads;
                    hits += c.hits;
                }
            }
            // With no reads this second, report the hit ratio reads would see.
            if reads > 0.0 {
                hits / reads
            } else {
                current_hit_ratio(sim)
            }
        });
        s.writers.clear();
        s.writers
            .extend((0..self.databases.len()).map(|i| self.writer_az(sim, i)));
        s.healthy_azs.clear();
        s.healthy_azs
            .extend(sim.arch().all_azs().map(|az| sim.az_up(az)));
        s.cost_per_hour = last.cost_per_hour;
    }

    /// Writes the line `s` holds, newline included, to `b`, and brings the copy of the latency
    /// window up to that second.
    pub fn format(&mut self, s: &MetricsSample, b: &mut Vec<u8>) {
        b.extend_from_slice(b"{\"t\":");
        int(b, s.t);
        for ((name, places), value) in HEAD.into_iter().zip(s.head) {
            field(b, name, value, places);
        }
        self.window.apply(s.restart, &s.walks);
        let latency = Latency::of_walks(self.window.walks());
        percentiles(
            b,
            "latency_ms",
            [latency.p50_ms, latency.p95_ms, latency.p99_ms],
        );
        percentiles(
            b,
            "latency_ok_ms",
            [latency.ok_p50_ms, latency.ok_p95_ms, latency.ok_p99_ms],
        );
        let mut values = s.values.iter().copied();
        map(b, "instances", &self.instances, &mut values, Number::Int);
        map(
            b,
            "utilization",
            &self.utilization,
            &mut values,
            Number::Rounded(4),
        );
        map(
            b,
            "threads_in_use",
            &self.servers,
            &mut values,
            Number::Rounded(2),
        );
        map(
            b,
            "connections_in_use",
            &self.servers,
            &mut values,
            Number::Rounded(2),
        );
        b.extend_from_slice(b",\"cache_hit_ratio\":");
        match s.cache_hit_ratio {
            Some(ratio) => rounded(b, ratio, 4),
            None => b.extend_from_slice(b"null"),
        }
        b.extend_from_slice(b",\"db_primary\":");
        let primary = self.primary.iter().find_map(|&i| self.writer(s, i));
        b.extend_from_slice(primary.unwrap_or(b"null"));
        b.extend_from_slice(b",\"db_writers\":{");
        for (i, (key, _, _)) in self.databases.iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            b.extend_from_slice(key);
            b.extend_from_slice(self.writer(s, i).unwrap_or(b"null"));
        }
        b.extend_from_slice(b"},\"healthy_azs\":[");
        let mut first = true;
        for (&up, name) in s.healthy_azs.iter().zip(&self.az_names) {
            if up {
                if !first {
                    b.push(b',');
                }
                first = false;
                b.extend_from_slice(name);
            }
        }
        b.push(b']');
        map(
            b,
            "queue_backlog",
            &self.queues,
            &mut values,
            Number::Rounded(3),
        );
        map(
            b,
            "queue_oldest_s",
            &self.queues,
            &mut values,
            Number::Float,
        );
        map(
            b,
            "replica_lag_ms",
            &self.replicated,
            &mut values,
            Number::Rounded(1),
        );
        field(b, "cost_per_hour", s.cost_per_hour, 2);
        b.extend_from_slice(b"}\n");
        debug_assert!(values.next().is_none(), "captured more than formatted");
    }

    /// The AZ (its index in `all_azs` order) of the writer of the `i`th database entry;
    /// `None` while it cannot take writes.
    fn writer_az(&self, sim: &Simulation, i: usize) -> Option<usize> {
        match sim.node(self.databases[i].1) {
            NodeState::Database(db) if db.writer_up() && db.owns_writes() => {
                Some(flat(sim.arch(), db.writer_az))
            }
            _ => None,
        }
    }

    /// The writer of the `i`th database entry, as `writer_id` names it (quoted), from the
    /// names made at the start; `None` while it cannot take writes.
    fn writer(&self, s: &MetricsSample, i: usize) -> Option<&[u8]> {
        s.writers[i].map(|az| &self.writer_names[i][az][..])
    }
}

/// The rates and the error rate at the head of a line, in its order, with their places;
/// `capture` reads their values in the same order.
const HEAD: [(&str, usize); 9] = [
    ("rps_offered", 3),
    ("rps_retries", 3),
    ("rps_served", 3),
    ("rps_failed", 3),
    ("goodput", 3),
    ("rps_call_retries", 3),
    ("rps_wasted", 3),
    ("rps_stale", 3),
    ("error_rate", 6),
];

/// Everything one second's metrics line says, read off the simulation, so that the line can
/// be written later and elsewhere: `--metrics` formats on a thread of its own.
#[derive(Debug, Clone, Default)]
pub struct MetricsSample {
    t: u64,
    /// The values of `HEAD`.
    head: [f64; HEAD.len()],
    /// What the copy of the latency window needs to catch up ([`Simulation::latency_changes`]).
    restart: bool,
    walks: Vec<Outcome>,
    /// Every map entry's value, map after map in the line's order; `None` leaves the entry out.
    values: Vec<Option<f64>>,
    cache_hit_ratio: Option<f64>,
    /// Each database entry's writer AZ, in `databases` order.
    writers: Vec<Option<usize>>,
    /// Whether each AZ is up, in `all_azs` order.
    healthy_azs: Vec<bool>,
    cost_per_hour: f64,
}

/// The index of `az` in `all_azs` order.
fn flat(arch: &Architecture, az: crate::arch::AzRef) -> usize {
    arch.regions[..az.region]
        .iter()
        .map(|r| r.azs.len())
        .sum::<usize>()
        + az.az
}

/// Sorts by key, and keeps the last of equal keys, as inserting into a `BTreeMap` in this
/// order would.
fn sort_like_a_map(entries: &mut Entries) {
    let mut keyed: Vec<(usize, Entry)> = std::mem::take(entries).into_iter().enumerate().collect();
    keyed.sort_by(|(i, a), (j, b)| a.0.cmp(&b.0).then(j.cmp(i)));
    keyed.dedup_by(|later, earlier| later.1.0 == earlier.1.0);
    *entries = keyed.into_iter().map(|(_, e)| e).collect();
}

/// How a map's numbers are written.
#[derive(Debug, Clone, Copy)]
enum Number {
    /// A count, whole.
    Int,
    /// The shortest form that reads back the same.
    Float,
    /// Rounded to so many decimal places.
    Rounded(usize),
}

/// Writes a map of `entries`, taking their values, in order, from `values`.
fn map(
    b: &mut Vec<u8>,
    name: &str,
    entries: &Entries,
    values: &mut impl Iterator<Item = Option<f64>>,
    number: Number,
) {
    b.extend_from_slice(b",\"");
    b.extend_from_slice(name.as_bytes());
    b.extend_from_slice(b"\":{");
    let mut first = true;
    for ((key, _, _), v) in entries.iter().zip(values) {
        let Some(x) = v else {
            continue;
        };
        if !first {
            b.push(b',');
        }
        first = false;
        b.extend_from_slice(key);
        match number {
            // A count of instances: whole, and far below 2^53.
            Number::Int => int(b, x as u64),
            Number::Float => float(b, x),
            Number::Rounded(places) => rounded(b, x, places),
        }
    }
    b.push(b'}');
}

fn field(b: &mut Vec<u8>, name: &str, value: f64, places: usize) {
    b.extend_from_slice(b",\"");
    b.extend_from_slice(name.as_bytes());
    b.extend_from_slice(b"\":");
    rounded(b, value, places);
}

/// Milliseconds, to two places.
fn percentiles(b: &mut Vec<u8>, name: &str, [p50, p95, p99]: [Option<f64>; 3]) {
    b.extend_from_slice(b",\"");
    b.extend_from_slice(name.as_bytes());
    b.extend_from_slice(b"\":{\"p50\":");
    ms_or_null(b, p50);
    b.extend_from_slice(b",\"p95\":");
    ms_or_null(b, p95);
    b.extend_from_slice(b",\"p99\":");
    ms_or_null(b, p99);
    b.push(b'}');
}

fn int(b: &mut Vec<u8>, value: u64) {
    b.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// A float as serde_json writes it: the shortest form that reads back the same, `null` when
/// it is not finite.
fn float(b: &mut Vec<u8>, value: f64) {
    if value.is_finite() {
        b.extend_from_slice(ryu::Buffer::new().format_finite(value).as_bytes());
    } else {
        b.extend_from_slice(b"null");
    }
}

/// Powers of ten up to the most decimal places a metric is rounded to.
const PLACES: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

/// Writes `round(value, places)` as [`float`] would, from the rounding's own integer rather
/// than by ryu's search for the shortest form. The decimal that integer stands for is that
/// form: any other decimal with as few digits lies at least 10^−places away, and below 10⁹
/// half the gap between neighbouring doubles is under 10⁻⁷; from 10⁻⁴ up ryu writes it
/// without an exponent.
/// Other values go to ryu.
fn rounded(b: &mut Vec<u8>, value: f64, places: usize) {
    debug_assert!(places < PLACES.len());
    let scale = PLACES[places];
    let k = round_half_away(value * scale);
    let v = k / scale;
    let m = v.abs();
    if !v.is_finite() || (m != 0.0 && !(1e-4..1e9).contains(&m)) {
        return float(b, v);
    }
    if v.is_sign_negative() {
        b.push(b'-');
    }
    // Trailing zeros dropped: 1.50 is written 1.5.
    let (mut digits, mut kept) = (k.abs() as u64, places);
    while kept > 0 && digits % 10 == 0 {
        digits /= 10;
        kept -= 1;
    }
    // The digits once, with the point put in `kept` places from their end.
    let mut text = itoa::Buffer::new();
    let text = text.format(digits).as_bytes();
    if kept == 0 {
        b.extend_from_slice(text);
        b.extend_from_slice(b".0");
    } else if text.len() > kept {
        let (whole, fraction) = text.split_at(text.len() - kept);
        b.extend_from_slice(whole);
        b.push(b'.');
        b.extend_from_slice(fraction);
    } else {
        b.extend_from_slice(b"0.");
        b.extend(std::iter::repeat_n(b'0', kept - text.len()));
        b.extend_from_slice(text);
    }
}

/// `x.round()` — half away from zero, the sign of zero kept — without the library call that
/// `f64::round` is on a baseline x86-64 (its instruction came with SSE4.1).
fn round_half_away(x: f64) -> f64 {
    // From 2^52 up every double is whole; NaN and the infinities are their own rounding.
    if x.is_nan() || x.abs() >= 4_503_599_627_370_496.0 {
        return x.round();
    }
    // The cast truncates towards zero, and `x − t` is the fraction exactly.
    let t = x as i64 as f64;
    let r = if (x - t).abs() >= 0.5 {
        t + 1f64.copysign(x)
    } else {
        t
    };
    r.copysign(x)
}

fn ms_or_null(b: &mut Vec<u8>, value: Option<f64>) {
    match value {
        Some(x) => rounded(b, x, 2),
        None => b.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::MetricsLine;
    use std::sync::Arc;

    /// Whatever the value and the places, the bytes ryu writes for it rounded: metrics of
    /// every size, the edges of the short path, and values it leaves to ryu.
    #[test]
    fn rounded_floats_are_written_as_ryu_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            -1e-9,
            1e-4,
            9.9999e-5,
            1e-5,
            1e-6,
            0.1,
            0.3,
            2.5,
            100.0,
            443_800.504,
            1e9,
            999_999_999.999_999,
            1e15,
            1e16,
            1e300,
            5e-324,
            0.1 + 0.2,
            1.0 / 3.0,
            f64::NAN,
            f64::INFINITY,
        ];
        let mut rng = crate::sim::rng::SimRng::new(7, crate::sim::rng::Stream::Latency);
        let mut uniform = || rng.uniform();
        for _ in 0..300_000 {
            let magnitude = libm::pow(10.0, uniform() * 20.0 - 8.0);
            values.push((uniform() - 0.3) * magnitude);
        }
        for v in values {
            for places in 0..PLACES.len() {
                let mut got = Vec::new();
                rounded(&mut got, v, places);
                let mut want = Vec::new();
                float(&mut want, crate::report::round(v, places as i32));
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(want).unwrap(),
                    "{v:e} to {places} places"
                );
            }
        }
    }

    #[test]
    fn rounding_is_what_f64_round_gives() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            2.5,
            -2.5,
            0.499_999_999_999_999_94,
            -0.499_999_999_999_999_94,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            -4_503_599_627_370_497.0,
            1e300,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        values.extend((-2_000..2_000).map(|i| f64::from(i) * 0.25 + 1e-3 * f64::from(i % 7)));
        for x in values {
            assert_eq!(round_half_away(x).to_bits(), x.round().to_bits(), "{x:e}");
        }
    }

    #[test]
    fn every_preset_writes_what_serde_writes() {
        for preset in ["100", "1k", "10k", "100k", "1m", "10m"] {
            let arch = Arc::new(crate::preset::load(preset).unwrap());
            let mut sim = Simulation::new(arch.clone(), 3);
            let mut fast = MetricsJson::new(&arch);
            for t in 0..400 {
                if t == 200 {
                    let az = crate::action::Action::parse("kill-az:a").unwrap();
                    sim.apply(&az).unwrap();
                }
                sim.step();
                let mut want = serde_json::to_vec(&MetricsLine::of(&sim)).unwrap();
                want.push(b'\n');
                let mut got = Vec::new();
                fast.write(&sim, &mut got).unwrap();
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(want).unwrap(),
                    "{preset} at {t}"
                );
            }
        }
    }
}
