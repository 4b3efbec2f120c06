//! `archtui story`: the seeds' narrative computed over the six built-in tiers — each holds its
//! own users with room to spare, and each removes a single point of failure of the one before,
//! or the bottleneck, or turns an outage without end into one that recovers, at a price.
//!
//! Every tier is analysed as `archtui analyze` does it; a tier's step over the one before
//! compares failure domains by name (`AZ seoul/a`, `database primary db`).

pub mod render;

use super::{DomainResult, Report, Verdict, analyze_here};
use crate::preset;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One tier's line of the story.
#[derive(Debug, Clone, Serialize)]
pub struct Tier {
    pub preset: String,
    pub users: f64,
    /// The most users it holds over a day, and that over its own.
    pub capacity_users: f64,
    pub capacity_multiple: f64,
    /// What breaks first beyond its capacity.
    pub bottleneck: Option<String>,
    /// Failure domains whose loss takes it down.
    pub single_points: Vec<String>,
    /// The worst an AZ's loss does, and the worst a region's.
    pub az_loss: Verdict,
    pub region_loss: Verdict,
    /// How long after a region's loss users are served again (`None`: not within the hour).
    pub region_recovered_after_s: Option<u64>,
    pub peak_usd_per_hour: f64,
    pub usd_per_user_per_month: f64,
}

/// What a tier buys over the one before.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub from: String,
    pub to: String,
    /// Domains that took the tier before down and no longer do (and what they do now).
    pub removed_single_points: Vec<(String, Verdict)>,
    /// Domains that took both down, but now recover within the hour.
    pub now_recovers: Vec<String>,
    /// The bottleneck before, when this tier's is another component.
    pub bottleneck_moved: Option<(String, Option<String>)>,
    pub users_ratio: f64,
    pub cost_per_user_ratio: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Story {
    pub seed: u64,
    pub tiers: Vec<Tier>,
    pub steps: Vec<Step>,
    /// The narrative's two claims, checked: every tier holds between its users and ten times
    /// them, and every step removes something.
    pub capacity_within_1_to_10x: bool,
    pub every_step_removes_something: bool,
}

/// Analyses every built-in preset on `threads` threads; `progress(tiers done, tiers)`. The
/// tiers' runs share one pool, so one tier's stretches that cannot use every core (its
/// warm-up, its capacity search, one simulated day at a time) leave them to the others.
pub fn story(seed: u64, threads: usize, progress: impl Fn(usize, usize) + Sync) -> Story {
    let names: Vec<&str> = preset::BUILTIN.iter().map(|b| b.name).collect();
    let done = AtomicUsize::new(0);
    let reports: Vec<Report> = crate::analysis::pool(threads).install(|| {
        names
            .par_iter()
            .map(|name| {
                let arch = Arc::new(preset::load(name).expect("built-in presets load"));
                let report = analyze_here(arch, seed, &|_, _| {});
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, names.len());
                report
            })
            .collect()
    });
    tell(seed, &reports)
}

/// The story of tiers already analysed, smallest first.
pub fn tell(seed: u64, reports: &[Report]) -> Story {
    let tiers: Vec<Tier> = reports.iter().map(|r| tier(r, &r.preset)).collect();
    let steps: Vec<Step> = reports
        .windows(2)
        .zip(tiers.windows(2))
        .map(|(r, t)| step(&r[0], &r[1], &t[0], &t[1]))
        .collect();
    Story {
        seed,
        capacity_within_1_to_10x: tiers
            .iter()
            .all(|t| t.capacity_multiple >= 1.0 && t.capacity_multiple <= 10.0),
        every_step_removes_something: steps.iter().all(|s| {
            !s.removed_single_points.is_empty()
                || !s.now_recovers.is_empty()
                || s.bottleneck_moved.is_some()
        }),
        tiers,
        steps,
    }
}

fn tier(r: &Report, name: &str) -> Tier {
    let worst = |prefix: &str| {
        r.domains
            .iter()
            .filter(|d| d.action.starts_with(prefix))
            .map(|d| d.verdict)
            .min()
            .unwrap_or(Verdict::Absorbed)
    };
    let region_recovered_after_s = r
        .domains
        .iter()
        .filter(|d| d.action.starts_with("kill-region:"))
        .map(|d| d.recovered_after_s)
        .max_by_key(|after| after.unwrap_or(u64::MAX));
    let c = &r.capacity;
    Tier {
        preset: name.to_string(),
        users: r.users,
        capacity_users: c.users,
        capacity_multiple: c.multiple,
        bottleneck: c.bottleneck.clone(),
        single_points: r
            .domains
            .iter()
            .filter(|d| part_down(d))
            .map(|d| d.name.clone())
            .collect(),
        az_loss: worst("kill-az:"),
        region_loss: worst("kill-region:"),
        region_recovered_after_s: region_recovered_after_s.flatten(),
        peak_usd_per_hour: c.cost.peak_usd_per_hour,
        usd_per_user_per_month: c.cost.usd_per_user_per_month,
    }
}

/// A domain that loses part of something (not a whole component) and takes users down: a
/// single point the next tier may remove.
fn part_down(d: &DomainResult) -> bool {
    d.verdict == Verdict::Down && !d.is_whole_component()
}

fn step(before: &Report, after: &Report, a: &Tier, b: &Tier) -> Step {
    let find = |r: &Report, name: &str| r.domains.iter().find(|d| d.name == name).cloned();
    let mut removed = Vec::new();
    let mut now_recovers = Vec::new();
    for d in before.domains.iter().filter(|d| part_down(d)) {
        match find(after, &d.name) {
            Some(now) if now.verdict != Verdict::Down => {
                removed.push((d.name.clone(), now.verdict))
            }
            Some(now) if d.recovered_after_s.is_none() && now.recovered_after_s.is_some() => {
                now_recovers.push(d.name.clone())
            }
            _ => {}
        }
    }
    Step {
        from: a.preset.clone(),
        to: b.preset.clone(),
        removed_single_points: removed,
        now_recovers,
        bottleneck_moved: (a.bottleneck != b.bottleneck).then(|| {
            (
                a.bottleneck.clone().unwrap_or_default(),
                b.bottleneck.clone(),
            )
        }),
        users_ratio: b.users / a.users,
        cost_per_user_ratio: b.usd_per_user_per_month / a.usd_per_user_per_month,
    }
}
