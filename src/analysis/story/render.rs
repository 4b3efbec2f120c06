//! The story as a table for the terminal and as Markdown for handouts.

use super::{Step, Story, Tier};
use crate::analysis::Verdict;
use crate::analysis::render::per_user;
use crate::headless::{clock, count, dollars};
use std::fmt::Write;

fn users(n: f64) -> String {
    count(n.round() as u64)
}

fn capacity(t: &Tier) -> String {
    format!("{} ({:.1}×)", users(t.capacity_users), t.capacity_multiple)
}

fn region(t: &Tier) -> String {
    match (t.region_loss, t.region_recovered_after_s) {
        (Verdict::Down, Some(s)) => format!("down, back after {}", clock(s)),
        (Verdict::Down, None) => "down".into(),
        (v, _) => v.as_str().into(),
    }
}

/// One tier's cells: tier, users, capacity, bottleneck, single points, AZ loss, region loss,
/// peak cost, cost per user and month.
fn cells(t: &Tier) -> [String; 9] {
    [
        t.preset.clone(),
        users(t.users),
        capacity(t),
        t.bottleneck.clone().unwrap_or_else(|| "—".into()),
        if t.single_points.is_empty() {
            "none".into()
        } else {
            t.single_points.join(", ")
        },
        t.az_loss.as_str().into(),
        region(t),
        format!("{}/h", dollars(t.peak_usd_per_hour)),
        per_user(t.usd_per_user_per_month),
    ]
}

const HEAD: [&str; 9] = [
    "tier",
    "users",
    "capacity",
    "bottleneck",
    "single points of failure",
    "AZ loss",
    "region loss",
    "peak cost",
    "per user a month",
];

/// What a tier buys over the one before, in a sentence.
fn bought(s: &Step) -> String {
    let mut parts: Vec<String> = s
        .removed_single_points
        .iter()
        .map(|(name, now)| {
            format!(
                "losing {name} no longer takes it down ({} now)",
                now.as_str()
            )
        })
        .collect();
    parts.extend(
        s.now_recovers
            .iter()
            .map(|name| format!("after losing {name} users are served again within the hour")),
    );
    if let Some((before, after)) = &s.bottleneck_moved {
        parts.push(format!(
            "the bottleneck moves from {before} to {}",
            after.as_deref().unwrap_or("nothing in particular")
        ));
    }
    if parts.is_empty() {
        parts.push("nothing the analysis can see".into());
    }
    format!(
        "{} over {}: {}; {:.0}× the users at {:.2}× the cost per user.",
        s.to,
        s.from,
        parts.join("; "),
        s.users_ratio,
        s.cost_per_user_ratio
    )
}

fn checks(st: &Story) -> [String; 2] {
    let mark = |ok: bool| if ok { "yes" } else { "NO" };
    [
        format!(
            "Every tier holds between its own users and ten times them: {}.",
            mark(st.capacity_within_1_to_10x)
        ),
        format!(
            "Every tier removes a single point of failure or the bottleneck of the one before, \
             or makes an outage recover: {}.",
            mark(st.every_step_removes_something)
        ),
    ]
}

/// A plain table, smallest tier first, then what each tier buys.
pub fn text(st: &Story) -> String {
    let rows: Vec<[String; 9]> = st.tiers.iter().map(cells).collect();
    let widths: Vec<usize> = (0..9)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([HEAD[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let head: Vec<String> = HEAD.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(out, "{}", line(&head));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    let _ = writeln!(out);
    for s in &st.steps {
        let _ = writeln!(out, "{}", bought(s));
    }
    let _ = writeln!(out);
    for c in checks(st) {
        let _ = writeln!(out, "{c}");
    }
    out
}

/// The same as Markdown.
pub fn markdown(st: &Story) -> String {
    let mut out = String::from("# What each tier buys\n\n");
    let _ = writeln!(out, "| {} |", HEAD.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(HEAD.len()));
    for t in &st.tiers {
        let mut c = cells(t);
        c[0] = format!("`{}`", c[0]);
        let _ = writeln!(out, "| {} |", c.join(" | "));
    }
    let _ = writeln!(out);
    for s in &st.steps {
        let _ = writeln!(out, "- {}", bought(s));
    }
    let _ = writeln!(out);
    for c in checks(st) {
        let _ = writeln!(out, "{c}  ");
    }
    out
}
