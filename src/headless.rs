//! Runs a simulation at full speed with timed injections, for scripts, CI and drills.

use crate::action::Action;
use crate::arch::Architecture;
use crate::report::{Injected, Summary};
use crate::sim::Simulation;
use crate::units::Duration;
use std::fmt::Write as _;
use std::sync::Arc;

/// An action to apply at a simulated time (`--inject 5m=kill-az:a`).
#[derive(Debug, Clone, PartialEq)]
pub struct Injection {
    pub at: Duration,
    pub action: Action,
}

impl Injection {
    /// Parses `<at>=<action>` and checks the action against the architecture.
    pub fn parse(text: &str, arch: &Architecture) -> Result<Self, String> {
        let (at, action) = text.split_once('=').ok_or_else(|| {
            format!("`{text}`: write an injection as <time>=<action>, e.g. 5m=kill-az:a")
        })?;
        let at = Duration::parse(at).map_err(|e| format!("`{text}`: {e}"))?;
        let action = Action::parse_checked(action, arch).map_err(|e| format!("`{text}`: {e}"))?;
        Ok(Self { at, action })
    }
}

/// Simulates `duration` seconds, applying each injection at the start of its second (in the
/// order given, for equal times) and calling `each_second` after every step.
pub fn run<E>(
    arch: Arc<Architecture>,
    seed: u64,
    duration: Duration,
    injections: &[Injection],
    mut each_second: impl FnMut(&Simulation) -> Result<(), E>,
) -> Result<Summary, E> {
    let mut sim = Simulation::new(arch, seed);
    let mut pending: Vec<&Injection> = injections.iter().collect();
    pending.sort_by_key(|i| i.at); // stable: equal times keep their order
    let mut pending = pending.into_iter().peekable();
    let mut applied = Vec::new();
    for _ in 0..duration.secs() {
        while let Some(injection) = pending.next_if(|i| i.at.secs() <= sim.time()) {
            sim.apply(&injection.action)
                .expect("injections are checked when parsed");
            applied.push(Injected {
                t: sim.time(),
                action: injection.action.to_string(),
            });
        }
        sim.step();
        each_second(&sim)?;
    }
    Ok(Summary::of(&sim, applied))
}

/// `h:mm:ss` of simulated time.
pub fn clock(t: u64) -> String {
    format!("{}:{:02}:{:02}", t / 3_600, t / 60 % 60, t % 60)
}

/// Thousands separators for counts.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number of users for people: `1,000,000`, or `1.5` when `--users` gave a fraction (an
/// average population), which rounding would misstate.
/// `1 user`, `1.5 users`, `1,000 users`.
pub fn people(n: f64) -> String {
    match users(n).as_str() {
        "1" => "1 user".into(),
        u => format!("{u} users"),
    }
}

pub fn users(n: f64) -> String {
    let whole = n.trunc();
    let fraction = format!("{:.2}", n - whole);
    match fraction.trim_end_matches('0').trim_end_matches('.') {
        "0" | "1" => count(n.round() as u64),
        f => format!("{}{}", count(whole as u64), &f[1..]),
    }
}

/// US dollars for people: `$3.42`, `$1,234`.
pub fn dollars(usd: f64) -> String {
    if usd < 100.0 {
        format!("${usd:.2}")
    } else {
        format!("${}", count(usd.round() as u64))
    }
}

/// Milliseconds for people: `850 ms`, `2.4 s`.
pub fn millis(ms: Option<f64>) -> String {
    match ms {
        None => "—".into(),
        Some(ms) if ms >= 1_000.0 => format!("{:.1} s", ms / 1e3),
        Some(ms) if ms >= 10.0 => format!("{ms:.0} ms"),
        // A target of microseconds is not "0.0 ms".
        Some(ms) if ms > 0.0 && ms < 0.05 => format!("{:.0} µs", ms * 1e3),
        Some(ms) => format!("{ms:.1} ms"),
    }
}

/// The readable summary printed without `--json`.
pub fn render(summary: &Summary) -> String {
    let mut out = String::new();
    let mark = |ok: bool| if ok { "ok" } else { "MISSED" };
    let r = &summary.requests;
    let l = &summary.latency_ms;
    let _ = writeln!(
        out,
        "preset {} · seed {} · {} simulated · {}",
        summary.preset,
        summary.seed,
        Duration::from_secs(summary.duration_s).spoken(),
        people(summary.users)
    );
    let _ = writeln!(
        out,
        "requests      {} offered · {} served · {} failed · {} in flight",
        count(r.offered),
        count(r.served),
        count(r.failed),
        count(r.in_flight)
    );
    let _ = writeln!(
        out,
        "availability  {:.3}%   target {:.3}%   {}",
        summary.availability * 100.0,
        summary.slo.availability * 100.0,
        mark(summary.availability >= summary.slo.availability)
    );
    let _ = writeln!(
        out,
        "latency       p50 {} · p95 {} · p99 {} · mean {} · max {}   p99 target {}   {}",
        millis(l.p50),
        millis(l.p95),
        millis(l.p99),
        millis(l.mean),
        millis(l.max),
        millis(Some(summary.slo.p99_ms)),
        mark(l.p99.is_some_and(|p| p <= summary.slo.p99_ms) || l.p99.is_none())
    );
    // Met is judged over the whole run; the breaches are one-minute windows that missed it.
    let breached = Duration::from_secs(summary.slo_breached_s);
    let slo = match (summary.slo_met, summary.slo_breached_s > 0) {
        (true, false) => "met".to_string(),
        (true, true) => format!(
            "met over the whole run, though one-minute windows missed it for {breached} in total"
        ),
        (false, false) => "NOT met".to_string(),
        (false, true) => {
            format!("NOT met (one-minute windows missed it for {breached} in total)")
        }
    };
    let _ = writeln!(out, "SLO           {slo}");
    let c = &summary.cost;
    let _ = writeln!(
        out,
        "cost          {}/h on average ({}/day) · peak {}/h · {} per million requests · On-Demand",
        dollars(c.usd_per_hour),
        dollars(c.usd_per_day),
        dollars(c.peak_usd_per_hour),
        c.usd_per_million_requests.map_or("—".into(), dollars)
    );
    if !summary.events.is_empty() {
        let _ = writeln!(out, "\nevents ({}):", summary.events.len());
        for e in &summary.events {
            let who = e
                .component
                .as_deref()
                .map_or(String::new(), |c| format!("{c}: "));
            let _ = writeln!(
                out,
                "  {}  {:<17} {who}{}",
                clock(e.t),
                e.kind.as_str(),
                e.message
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_read_well() {
        assert_eq!(clock(3_725), "1:02:05");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(millis(Some(850.0)), "850 ms");
        assert_eq!(millis(Some(2_400.0)), "2.4 s");
        assert_eq!(millis(Some(3.21)), "3.2 ms");
    }

    #[test]
    fn a_fraction_of_a_user_is_not_rounded_away() {
        assert_eq!(users(1.5), "1.5");
        assert_eq!(people(1.0), "1 user");
        assert_eq!(millis(Some(0.001)), "1 µs");
        assert_eq!(millis(Some(0.0)), "0.0 ms");
        assert_eq!(millis(Some(0.25)), "0.2 ms");
        assert_eq!(people(1.5), "1.5 users");
        assert_eq!(users(1_000_000.0), "1,000,000");
        assert_eq!(users(2_500.25), "2,500.25");
        assert_eq!(users(2.999), "3");
        assert_eq!(users(7.001), "7");
    }
}
