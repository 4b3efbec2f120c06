//! Capacity: the most users an architecture holds over a whole simulated day within its SLO,
//! what breaks first beyond it, and how much room each component has at the preset's own
//! users.
//!
//! Each candidate is a 24-hour run from the preset's start hour (the SLO judged over the day,
//! as `--headless` judges it; a day that has already failed more than its SLO allows stops
//! early). The search assumes more users never hold when fewer did not, and bisects on a
//! logarithmic scale — one candidate at a time, the bracket's geometric middle — until its
//! ends are within 2 % of each other. One at a time is the least work: a day that holds runs
//! all 86,400 seconds, and of several candidates tried at once only the highest that holds and
//! the lowest that does not count. The cores are kept busy by what runs beside the search (the
//! day at the preset's own users, the failure domains, the other tiers of `story`).

use crate::arch::{Architecture, Kind, NodeId};
use crate::preset::MAX_PEAK_RPS;
use crate::report::Summary;
use crate::sim::{NodeState, Simulation};
use crate::units::Users;
use serde::Serialize;
use std::sync::Arc;

/// The bracket's ends are this close when the search stops (ratio).
const PRECISION: f64 = 1.02;
/// The search looks this far above and below the preset's own users.
pub(crate) const MOST: f64 = 10.0;
const LEAST: f64 = 0.1;
/// How many more requests than the traffic curve's a day may count (drift, retries).
const DAY_COUNT_MARGIN: f64 = 1.25;

/// How much more a component could take at the preset's own users.
#[derive(Debug, Clone, Serialize)]
pub struct Headroom {
    pub component: String,
    /// Its highest utilisation over the day (offered work over capacity).
    pub peak_utilization: f64,
    /// 1 / peak utilisation: how many times the load it could take as it is sized at the peak.
    pub headroom: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Capacity {
    /// The most users found to hold (a lower bound, within 2 % of the first that does not).
    pub users: f64,
    /// `users` over the preset's own users.
    pub multiple: f64,
    /// Whether even the most users searched hold — `MOST` times the preset's, or fewer at the
    /// model's limits — (then `users` is that, not a limit).
    pub beyond_search: bool,
    /// Whether even the fewest users searched fail — a tenth of the preset's, or one user —
    /// (then `users` and `multiple` are 0: nothing was found to hold).
    pub below_search: bool,
    /// The component most loaded at the peak of the first day that does not hold.
    pub bottleneck: Option<String>,
    /// Every component with capacity, least room first, at the preset's own users.
    pub headroom: Vec<Headroom>,
    /// What a day at the preset's own users costs.
    pub cost: DayCost,
}

/// What the architecture costs over a day at the preset's own users (On-Demand US dollars; a
/// day that stopped early is priced at the rate it ran at).
#[derive(Debug, Clone, Serialize)]
pub struct DayCost {
    pub usd_per_day: f64,
    /// The most expensive second's rate: the peak hour, scaled out.
    pub peak_usd_per_hour: f64,
    pub usd_per_million_requests: Option<f64>,
    pub usd_per_user_per_month: f64,
}

impl DayCost {
    fn of(sim: &Simulation, users: f64) -> Self {
        let totals = sim.totals();
        let seconds = sim.time().max(1) as f64;
        let per_day = totals.cost_usd / seconds * 86_400.0;
        DayCost {
            usd_per_day: per_day,
            peak_usd_per_hour: totals.peak_cost_per_hour,
            usd_per_million_requests: totals.cost_per_million_requests(),
            // A month of 365.25 / 12 days.
            usd_per_user_per_month: per_day * 365.25 / 12.0 / users.max(1.0),
        }
    }
}

/// What a day at some number of users showed.
struct Day {
    holds: bool,
    /// Each component's highest utilisation (None for those without capacity).
    peak: Vec<Option<f64>>,
    cost: DayCost,
}

/// Whether `arch` holds `users` over a day within its SLO.
pub fn holds(arch: &Architecture, users: f64, seed: u64) -> bool {
    day(arch, users, seed, None).holds
}

/// A copy of the day at the preset's own users, handed over once it has run `at_s` seconds:
/// the state the failure domains start from (see `analyze`), so it is simulated once.
pub struct WarmUp<'a> {
    pub at_s: u64,
    pub hand_over: &'a (dyn Fn(Simulation) + Sync),
}

impl WarmUp<'_> {
    /// Hands `sim` over if it is at the moment asked for; true once it has been.
    fn offer(&self, sim: &Simulation) -> bool {
        if sim.time() == self.at_s {
            (self.hand_over)(sim.clone());
            return true;
        }
        false
    }

    /// Runs `sim` on to the moment asked for and hands it over (a day that stopped first).
    fn finish(&self, mut sim: Simulation) {
        while sim.time() < self.at_s {
            sim.step();
        }
        (self.hand_over)(sim);
    }
}

/// A day at `users`.
fn day(arch: &Architecture, users: f64, seed: u64, mut warm: Option<&WarmUp>) -> Day {
    let mut arch = arch.clone();
    crate::preset::set_users(&mut arch, users).expect("users within the model's range");
    let arch = Arc::new(arch);
    // A day that has failed more requests than its SLO allows of a whole day's (with room for
    // drift and spikes in the count) cannot hold any more: it stops there.
    let traffic = &arch.traffic;
    let day_requests: f64 = (0..1_440)
        .map(|m| traffic.peak_rps() * traffic.curve(f64::from(m) / 60.0) * 60.0)
        .sum();
    let allowed = |share: f64| share * day_requests * DAY_COUNT_MARGIN;
    let mut sim = Simulation::new(arch.clone(), seed);
    let mut peak: Vec<Option<f64>> = vec![None; arch.node_count()];
    let mut stopped = false;
    for _ in 0..86_400 {
        if warm.is_some_and(|w| w.offer(&sim)) {
            warm = None;
        }
        sim.step();
        peak = with(peak, &sim, &arch);
        let totals = sim.totals();
        if totals.failed > allowed(1.0 - arch.slo.availability) || totals.slow > allowed(0.01) {
            stopped = true;
            break;
        }
    }
    let day = Day {
        holds: !stopped && Summary::of(&sim, Vec::new()).slo_met,
        peak,
        cost: DayCost::of(&sim, users),
    };
    if let Some(w) = warm {
        w.finish(sim);
    }
    day
}

/// `peak` raised to this second's utilisations.
fn with(mut peak: Vec<Option<f64>>, sim: &Simulation, arch: &Architecture) -> Vec<Option<f64>> {
    for (n, _) in arch.nodes() {
        if let Some(u) = utilization(sim, n) {
            let p = peak[n.index()].get_or_insert(0.0);
            *p = p.max(u);
        }
    }
    peak
}

/// Offered work over capacity, for components that have a capacity.
fn utilization(sim: &Simulation, n: NodeId) -> Option<f64> {
    let u = match sim.node(n) {
        NodeState::Pool(p) => p.utilization,
        NodeState::Database(db) => db.writer_utilization,
        NodeState::Cache(c) => c.utilization,
        _ => return None,
    };
    Some(if u.is_finite() { u } else { 1e9 })
}

/// Searches the capacity of `arch` on the current rayon pool, handing the day at its own
/// users over to `warm` on the way.
///
/// The day at its own users is the longest wait at the start, and whether it holds sets the
/// bracket. Presets are sized to hold their users, so while it runs the search goes on beside
/// it as if it holds, and starts again below it only if it does not: the same search, the
/// same answer, with a core that would have waited put to work.
pub fn search(arch: &Architecture, seed: u64, warm: WarmUp) -> Capacity {
    let own = arch.traffic.users;
    let (least, most) = bracket(arch);
    let (at_own, (at_most, above)) = rayon::join(
        || day(arch, own, seed, Some(&warm)),
        || {
            let at_most = day(arch, most, seed, None);
            // Above the own users, if they hold; wasted work if they do not.
            let above = (!at_most.holds).then(|| narrow(arch, seed, own, most, &at_most));
            (at_most, above)
        },
    );
    let headroom = headroom(arch, &at_own);
    let cost = at_own.cost.clone();
    let (users, bottleneck) = match above {
        None => (most, None),
        Some(found) if at_own.holds => found,
        Some(_) => {
            // The bracket's low end has to hold for the narrowing to mean anything.
            let at_least = day(arch, least, seed, None);
            if at_least.holds {
                narrow(arch, seed, least, own, &at_own)
            } else {
                (0.0, most_loaded(arch, &at_least))
            }
        }
    };
    Capacity {
        users,
        // Exactly ten where the search went that far (`own * MOST / own` may round).
        multiple: if users == own * MOST {
            MOST
        } else {
            users / own
        },
        beyond_search: at_most.holds,
        below_search: users == 0.0,
        bottleneck,
        headroom,
        cost,
    }
}

/// The fewest and most users the search tries: a tenth and ten times the preset's own, within
/// what the model takes (a user at least, ten billion at most, and a peak of at most
/// `MAX_PEAK_RPS` requests a second), so a preset near those limits is searched up to them.
fn bracket(arch: &Architecture) -> (f64, f64) {
    let own = arch.traffic.users;
    let most_users = Users::MAX.min(MAX_PEAK_RPS / arch.traffic.rps_per_user);
    (least_searched(own), (own * MOST).min(most_users).max(own))
}

/// The fewest users the search tries for a preset built for `own`.
pub fn least_searched(own: f64) -> f64 {
    (own * LEAST).max(Users::MIN).min(own)
}

/// Narrows the bracket (`lo` holds, `hi` does not, `failing` is `hi`'s day) to within 2 %:
/// the most users found to hold, and the component most loaded on the first day that did not.
fn narrow(
    arch: &Architecture,
    seed: u64,
    mut lo: f64,
    mut hi: f64,
    failing: &Day,
) -> (f64, Option<String>) {
    let mut bottleneck = most_loaded(arch, failing);
    while hi / lo > PRECISION {
        let users = (lo * hi).sqrt();
        let d = day(arch, users, seed, None);
        if d.holds {
            lo = users;
        } else {
            hi = users;
            bottleneck = most_loaded(arch, &d);
        }
    }
    (lo, bottleneck)
}

fn most_loaded(arch: &Architecture, d: &Day) -> Option<String> {
    arch.nodes()
        .filter_map(|(n, c)| d.peak[n.index()].map(|u| (u, c.id.clone())))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

fn headroom(arch: &Architecture, d: &Day) -> Vec<Headroom> {
    let mut out: Vec<Headroom> = arch
        .nodes()
        .filter(|(_, c)| !matches!(c.kind, Kind::Dns(_)))
        .filter_map(|(n, c)| {
            d.peak[n.index()].map(|u| Headroom {
                component: c.id.clone(),
                peak_utilization: u,
                headroom: if u > 0.0 { 1.0 / u } else { f64::INFINITY },
            })
        })
        .collect();
    out.sort_by(|a, b| b.peak_utilization.total_cmp(&a.peak_utilization));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// When the preset's own users do not hold, the search looks below them (the search run
    /// beside their day as if they held is dropped), and what it finds holds.
    #[test]
    fn a_preset_that_cannot_hold_its_users_is_searched_below_them() {
        let mut arch = crate::preset::load("100").unwrap();
        crate::preset::set_users(&mut arch, 1_000.0).unwrap();
        let hand_over = |_: Simulation| {};
        let warm = WarmUp {
            at_s: 3_600,
            hand_over: &hand_over,
        };
        let c = search(&arch, 1, warm);
        assert!(c.multiple > LEAST && c.multiple < 1.0, "{}", c.multiple);
        assert!(!c.beyond_search && c.bottleneck.is_some());
        assert!(holds(&arch, c.users, 1));
        assert!(!holds(&arch, c.users * PRECISION * PRECISION, 1));
    }

    /// A preset that fails even a tenth of its users says so, and names what breaks, instead
    /// of claiming that tenth holds.
    #[test]
    fn a_preset_that_holds_not_even_a_tenth_of_its_users_says_so() {
        let mut arch = crate::preset::load("100").unwrap();
        crate::preset::set_users(&mut arch, 1e7).unwrap();
        assert!(!holds(&arch, least_searched(1e7), 1));
        let hand_over = |_: Simulation| {};
        let warm = WarmUp {
            at_s: 60,
            hand_over: &hand_over,
        };
        let c = search(&arch, 1, warm);
        assert!(c.below_search && !c.beyond_search);
        assert_eq!((c.users, c.multiple), (0.0, 0.0));
        assert!(c.bottleneck.is_some());
    }

    /// Near the model's limits the search stops at them instead of asking for a day the model
    /// refuses: at most ten billion users and a peak of `MAX_PEAK_RPS`, at least one user.
    #[test]
    fn the_bracket_stays_within_what_the_model_takes() {
        let with = |users: f64, rps: f64| {
            let mut arch = crate::preset::load("100").unwrap();
            arch.traffic.rps_per_user = rps;
            crate::preset::set_users(&mut arch, users).unwrap();
            bracket(&arch)
        };
        assert_eq!(with(1_000.0, 0.1), (100.0, 10_000.0));
        assert_eq!(with(2e9, 0.1), (2e8, 1e10));
        assert_eq!(with(1e10, 0.1), (1e9, 1e10));
        assert_eq!(with(5e6, 100.0), (5e5, 1e7));
        assert_eq!(with(5.0, 0.1), (1.0, 50.0));
        assert_eq!(with(1.0, 0.1), (1.0, 10.0));
        for (users, rps) in [(2e9, 0.1), (5e6, 100.0), (5.0, 0.1), (1.0, 100.0)] {
            let (least, most) = with(users, rps);
            let mut arch = crate::preset::load("100").unwrap();
            arch.traffic.rps_per_user = rps;
            for end in [least, most] {
                assert!(crate::preset::set_users(&mut arch, end).is_ok(), "{end}");
            }
        }
    }

    /// A day that stops early still hands over the state the domains start from: the same as
    /// a run stepped there on its own.
    #[test]
    fn a_day_that_fails_early_runs_on_to_the_warm_up() {
        let arch = crate::preset::load("1k").unwrap();
        let users = arch.traffic.users * 30.0;
        let handed: Mutex<Option<Simulation>> = Mutex::new(None);
        let hand_over = |sim: Simulation| *handed.lock().unwrap() = Some(sim);
        let warm = WarmUp {
            at_s: 7_200,
            hand_over: &hand_over,
        };
        let d = day(&arch, users, 3, Some(&warm));
        assert!(!d.holds);
        let got = handed.into_inner().unwrap().expect("handed over");
        let mut alone = arch.clone();
        crate::preset::set_users(&mut alone, users).unwrap();
        let mut alone = Simulation::new(Arc::new(alone), 3);
        for _ in 0..7_200 {
            alone.step();
        }
        assert_eq!(got.time(), 7_200);
        let (a, b) = (got.totals(), alone.totals());
        assert_eq!(a.served.to_bits(), b.served.to_bits());
        assert_eq!(a.failed.to_bits(), b.failed.to_bits());
        assert!(a.failed > 0.0);
    }
}
