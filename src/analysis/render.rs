//! The analysis as a table for the terminal and as Markdown for handouts.

use super::{DomainResult, Report};
use crate::headless::clock;
use std::fmt::Write;

fn after(seconds: Option<u64>) -> String {
    match seconds {
        Some(0) => "-".into(),
        Some(s) => clock(s),
        None => "not within 1 h".into(),
    }
}

fn p99(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{:.1} s", ms / 1_000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

/// One domain's figures, as both layouts show them: verdict, availability, p99, error-minutes,
/// errors over after, SLO met again after.
pub fn cells(d: &DomainResult) -> [String; 6] {
    [
        d.verdict.as_str().to_string(),
        format!("{:.3}%", d.hour.availability * 100.0),
        p99(d.hour.worst_minute_p99_ms),
        format!("{:.1}", d.hour.error_minutes),
        after(d.errors_over_after_s),
        after(d.recovered_after_s),
    ]
}

fn heading(r: &Report) -> String {
    format!(
        "Each failure domain of `{}` lost at its peak hour ({} into the run, seed {}) and \
         watched for an hour beside the same hour without it: availability {:.3}%, worst \
         minute's p99 {}.",
        crate::escape::line(&r.preset),
        clock(r.fault_at_s),
        r.seed,
        r.baseline.availability * 100.0,
        p99(r.baseline.worst_minute_p99_ms)
    )
}

fn users(n: f64) -> String {
    crate::headless::count(n.round() as u64)
}

/// One line on capacity.
pub fn capacity(r: &Report) -> String {
    let c = &r.capacity;
    if c.below_search {
        return format!(
            "Capacity: does not hold even {} users over a day (the fewest searched); {} breaks first.",
            users(super::capacity::least_searched(r.users)),
            c.bottleneck.as_deref().unwrap_or("nothing in particular"),
        );
    }
    if c.beyond_search {
        return if c.multiple == super::capacity::MOST {
            format!(
                "Capacity: holds {} users over a day (ten times its own) and more: not searched further.",
                users(c.users)
            )
        } else {
            format!(
                "Capacity: holds {} users over a day ({:.1}× its own), the most the model takes.",
                users(c.users),
                c.multiple
            )
        };
    }
    let room: Vec<String> = c
        .headroom
        .iter()
        .take(3)
        .map(|h| format!("{} {:.0}%", h.component, h.peak_utilization * 100.0))
        .collect();
    format!(
        "Capacity: holds {} users over a day within its SLO ({:.1}× its own); beyond, {} breaks first. \
         Busiest at its own users' peak: {}.",
        users(c.users),
        c.multiple,
        c.bottleneck.as_deref().unwrap_or("nothing in particular"),
        room.join(", ")
    )
}

/// One line on cost.
pub fn cost(r: &Report) -> String {
    let c = &r.capacity.cost;
    let dollars = crate::headless::dollars;
    format!(
        "Cost (On-Demand): {}/day at its own users, {}/h at the peak; {} per million requests, \
         {} per user per month.",
        dollars(c.usd_per_day),
        dollars(c.peak_usd_per_hour),
        c.usd_per_million_requests.map_or("—".into(), dollars),
        dollars_fine(c.usd_per_user_per_month)
    )
}

/// A cost per user and month: `$0.722` under a dollar, `$2.16` above.
pub fn per_user(usd: f64) -> String {
    if usd < 1.0 {
        format!("${usd:.3}")
    } else {
        crate::headless::dollars(usd)
    }
}

/// Small amounts with the cents that matter: `$0.0042`.
fn dollars_fine(usd: f64) -> String {
    if usd < 1.0 {
        format!("${usd:.4}")
    } else {
        crate::headless::dollars(usd)
    }
}

/// A plain table, worst first.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", heading(r));
    let width = r
        .domains
        .iter()
        .map(|d| d.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "{:<width$}  {:<8}  {:>12}  {:>9}  {:>9}  {:>14}  {:>14}",
        "domain", "verdict", "availability", "p99", "error-min", "errors over", "SLO met again"
    );
    for d in &r.domains {
        let [verdict, availability, p99, errors, over, met] = cells(d);
        let _ = writeln!(
            out,
            "{:<width$}  {verdict:<8}  {availability:>12}  {p99:>9}  {errors:>9}  {over:>14}  {met:>14}",
            d.name,
        );
    }
    let _ = writeln!(
        out,
        "\nOn every path from the entry to some data (the graph alone): {}",
        r.graph_single_points.join(", ")
    );
    for g in &r.disagreements {
        let _ = writeln!(
            out,
            "  {}: the graph says a single point; {}",
            g.component, g.why
        );
    }
    let _ = writeln!(out, "\n{}", capacity(r));
    let _ = writeln!(out, "{}", cost(r));
    out
}

/// The same as Markdown.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Failure domains of `{}`\n\n{}\n",
        crate::escape::line(&r.preset),
        heading(r)
    );
    let _ = writeln!(
        out,
        "| domain | verdict | availability | worst minute's p99 | error-minutes | errors over after | SLO met again after |\n|---|---|---|---|---|---|---|"
    );
    for d in &r.domains {
        let [verdict, rest @ ..] = cells(d);
        let _ = writeln!(out, "| {} | **{verdict}** | {} |", d.name, rest.join(" | "));
    }
    let _ = writeln!(
        out,
        "\nOn every path from the entry to some data (the graph alone): {}.\n",
        r.graph_single_points
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for g in &r.disagreements {
        let _ = writeln!(
            out,
            "- `{}`: the graph says a single point; {}.",
            g.component, g.why
        );
    }
    let _ = writeln!(out, "\n{}", capacity(r));
    let _ = writeln!(out, "{}", cost(r));
    out
}
