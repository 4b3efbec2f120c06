//! `archtui diff <a> <b>`: what changed between two presets, and what it changed for users —
//! components added, removed and changed, failure domains whose verdict moved, capacity and
//! cost. Both presets are analysed as `archtui analyze` does it; domains are matched by name
//! (`AZ seoul/a`, `database primary db`).

pub mod render;

use super::{Report, Verdict, analyze};
use crate::arch::{Architecture, Component, Kind};
use serde::Serialize;
use std::sync::Arc;

/// One figure of one component that differs.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    pub component: String,
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

/// A failure domain whose verdict moved.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    pub domain: String,
    pub from: Verdict,
    pub to: Verdict,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub a: String,
    pub b: String,
    /// Components of `b` that `a` lacks, and the other way round (`id (kind)`).
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Changed>,
    /// Domains in both whose loss hurts less in `b`, and more.
    pub better: Vec<Moved>,
    pub worse: Vec<Moved>,
    pub capacity_users: [f64; 2],
    /// B's capacity over A's; `None` (null) when nothing was found to hold in A.
    pub capacity_ratio: Option<f64>,
    pub usd_per_day: [f64; 2],
    pub cost_ratio: f64,
    pub usd_per_user_per_month: [f64; 2],
}

/// Compares `a` with `b`, analysing both on `threads` threads; `progress(done, 2)`.
pub fn diff(
    a: Arc<Architecture>,
    b: Arc<Architecture>,
    seed: u64,
    threads: usize,
    progress: impl Fn(usize, usize),
) -> Diff {
    let ra = analyze(a.clone(), seed, threads, |_, _| {});
    progress(1, 2);
    let rb = analyze(b.clone(), seed, threads, |_, _| {});
    progress(2, 2);
    compare(&a, &b, &ra, &rb)
}

/// The diff of two presets already analysed.
pub fn compare(a: &Architecture, b: &Architecture, ra: &Report, rb: &Report) -> Diff {
    let ids =
        |arch: &Architecture| -> Vec<String> { arch.nodes().map(|(_, c)| c.id.clone()).collect() };
    let (ida, idb) = (ids(a), ids(b));
    let label = |arch: &Architecture, id: &str| {
        let n = arch.find(id).expect("listed from it");
        format!("{id} ({})", arch.graph[n].kind_name())
    };
    let mut changed = Vec::new();
    for id in ida.iter().filter(|id| idb.contains(id)) {
        let (ca, cb) = (component(a, id), component(b, id));
        let (fa, fb) = (facts(a, ca), facts(b, cb));
        for ((field, from), (_, to)) in fa.iter().zip(&fb) {
            if from != to {
                changed.push(Changed {
                    component: id.clone(),
                    field,
                    from: from.clone(),
                    to: to.clone(),
                });
            }
        }
    }
    let (better, worse) = moved(ra, rb);
    let cap = [ra.capacity.users, rb.capacity.users];
    let cost = [ra.capacity.cost.usd_per_day, rb.capacity.cost.usd_per_day];
    Diff {
        a: a.name.clone(),
        b: b.name.clone(),
        added: idb
            .iter()
            .filter(|id| !ida.contains(id))
            .map(|id| label(b, id))
            .collect(),
        removed: ida
            .iter()
            .filter(|id| !idb.contains(id))
            .map(|id| label(a, id))
            .collect(),
        changed,
        better,
        worse,
        capacity_users: cap,
        capacity_ratio: (cap[0] > 0.0).then(|| cap[1] / cap[0]),
        usd_per_day: cost,
        cost_ratio: cost[1] / cost[0],
        usd_per_user_per_month: [
            ra.capacity.cost.usd_per_user_per_month,
            rb.capacity.cost.usd_per_user_per_month,
        ],
    }
}

fn component<'a>(arch: &'a Architecture, id: &str) -> &'a Component {
    &arch.graph[arch.find(id).expect("listed from it")]
}

/// Domains in both reports whose verdict moved: better first, then worse.
fn moved(a: &Report, b: &Report) -> (Vec<Moved>, Vec<Moved>) {
    let (mut better, mut worse) = (Vec::new(), Vec::new());
    for da in &a.domains {
        let Some(db) = b.domains.iter().find(|d| d.name == da.name) else {
            continue;
        };
        let m = Moved {
            domain: da.name.clone(),
            from: da.verdict,
            to: db.verdict,
        };
        // Verdicts order from the worst (down) to the best (absorbed).
        if db.verdict > da.verdict {
            better.push(m);
        } else if db.verdict < da.verdict {
            worse.push(m);
        }
    }
    (better, worse)
}

/// The figures of a component worth comparing, in a fixed order for its kind.
fn facts(arch: &Architecture, c: &Component) -> Vec<(&'static str, String)> {
    let azs: Vec<String> = c.azs.iter().map(|&az| arch.az_name(az)).collect();
    let mut out = vec![
        ("kind", c.kind_name().to_string()),
        (
            "region",
            c.region
                .map_or("global".into(), |r| arch.regions[r].id.clone()),
        ),
        ("AZs", azs.join(" ")),
    ];
    match &c.kind {
        Kind::Pool(p) => {
            out.push(("instances", p.instances.to_string()));
            out.push(("vCPUs", p.vcpus.to_string()));
            out.push((
                "scaling",
                p.scaling.as_ref().map_or("fixed".into(), |s| {
                    let (min, max) = s.bounds();
                    format!("{min}–{max}")
                }),
            ));
        }
        Kind::Database(db) => {
            out.push(("engine", format!("{:?}", db.engine).to_lowercase()));
            out.push(("vCPUs", db.vcpus.to_string()));
            out.push((
                "standby",
                db.standby_az.map_or("none".into(), |az| arch.az_name(az)),
            ));
            out.push((
                "replicas",
                db.replicas.as_ref().map_or("none".into(), |r| {
                    format!("{} ({}–{})", r.count, r.min, r.max)
                }),
            ));
        }
        Kind::LoadBalancer(lb) => {
            out.push(("algorithm", format!("{:?}", lb.algorithm)));
        }
        Kind::Dns(d) => out.push(("routing", format!("{:?}", d.routing).to_lowercase())),
        Kind::Cdn(cdn) => out.push(("hit ratio", format!("{}", cdn.hit_ratio))),
        _ => {}
    }
    out
}
