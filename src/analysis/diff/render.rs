//! A diff as text for the terminal and as Markdown for handouts.

use super::{Diff, Moved};
use crate::analysis::render::per_user;
use crate::headless::{count, dollars};
use std::fmt::Write;

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn moves(m: &[Moved]) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter()
        .map(|m| format!("{} ({} → {})", m.domain, m.from.as_str(), m.to.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The lines both layouts share, as (label, text).
fn lines(d: &Diff) -> Vec<(&'static str, String)> {
    let changed: Vec<String> = d
        .changed
        .iter()
        .map(|c| format!("{} {}: {} → {}", c.component, c.field, c.from, c.to))
        .collect();
    vec![
        ("added", list(&d.added)),
        ("removed", list(&d.removed)),
        ("changed", list(&changed)),
        ("losses that hurt less", moves(&d.better)),
        ("losses that hurt more", moves(&d.worse)),
        (
            "capacity",
            format!(
                "{} → {} users over a day ({})",
                count(d.capacity_users[0].round() as u64),
                count(d.capacity_users[1].round() as u64),
                d.capacity_ratio
                    .map_or_else(|| "none held in the first".into(), |r| format!("{r:.2}×"))
            ),
        ),
        (
            "cost",
            format!(
                "{} → {} a day at their own users ({:.2}×); {} → {} per user a month",
                dollars(d.usd_per_day[0]),
                dollars(d.usd_per_day[1]),
                d.cost_ratio,
                per_user(d.usd_per_user_per_month[0]),
                per_user(d.usd_per_user_per_month[1])
            ),
        ),
    ]
}

pub fn text(d: &Diff) -> String {
    let mut out = format!("{} → {}\n", d.a, d.b);
    for (label, text) in lines(d) {
        let _ = writeln!(out, "  {label:<22} {text}");
    }
    out
}

pub fn markdown(d: &Diff) -> String {
    let mut out = format!(
        "# `{}` → `{}`\n\n",
        crate::escape::line(&d.a),
        crate::escape::line(&d.b)
    );
    for (label, text) in lines(d) {
        let _ = writeln!(out, "- **{label}**: {text}");
    }
    out
}
