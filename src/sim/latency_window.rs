//! Which synthetic requests a second's percentiles are read from.
//!
//! Drawing 256 walks every second was most of a step's cost, and in a steady second it only
//! re-measured what the last second had measured. So the percentiles are read from a window
//! of the last `WINDOW` walks: each second adds `FRESH` new ones, and the whole window is
//! redrawn at once whenever what a walk meets changed materially since the last full draw — a
//! fault, a failover, a queue building, a scaling step, a shift in the traffic mix — so a
//! strike shows in the second it happens, with every walk drawn after it.
//!
//! Approximation: in a steady stretch a second's percentiles cover the last eight seconds
//! (`WINDOW / FRESH`) of walks drawn under conditions within the tolerances below of each
//! other. The run-wide histogram takes only each second's new walks, weighted by the requests
//! they stand for, so it stays unbiased; its accuracy against exact M/M/c results is checked
//! in `tests/queueing.rs`.

use super::latency::{Outcome, Retries, Sampler, Step};
use super::order_statistics::{percentiles, quantiles, sort_key};
use super::rng::SimRng;
use super::station::Delay;
use super::wait::Wait;
use crate::arch::{NodeId, PerClass};

/// Walks the per-second percentiles are read from.
pub const WINDOW: usize = 256;
/// New walks in a second where nothing material changed.
pub const FRESH: usize = 32;

/// Relative change of a time (delay, timeout, backoff) that calls for a full redraw.
const TIME_TOLERANCE: f64 = 0.02;
/// Absolute change of a probability (failing, answering here, taking a branch) that does.
const SHARE_TOLERANCE: f64 = 0.002;
/// A queue's wait moves with every second's traffic noise: on a small pool near its capacity
/// the probability of waiting and the wait's rate swing by several percent from one second to
/// the next, and redrawing on that re-measured noise in one second in ten. The window cannot
/// resolve it anyway: over 256 walks the tail mass above a p99 has a sampling error of 0.6
/// points, its p99 one of about a fifth. So a wait calls for a redraw only when its
/// probability moves by more than `WAIT_SHARE_TOLERANCE` (absolute) and `WAIT_TOLERANCE` of
/// itself, or its rate by more than `WAIT_TOLERANCE`.
const WAIT_SHARE_TOLERANCE: f64 = 0.005;
const WAIT_TOLERANCE: f64 = 0.05;

/// The window of walks, and the conditions of its last full draw.
#[derive(Debug, Clone, Default)]
pub struct LatencyWindow {
    ring: Ring,
    /// What the walks met at the last full draw, and which classes reached each component then.
    reference: Vec<PerClass<Step>>,
    reference_reached: Vec<u8>,
    reference_mix: [f64; 3],
    reference_retry: [f64; 2],
    /// This second's new walks.
    pub fresh: Sampler,
    /// Seconds in which the whole window was redrawn.
    pub full_draws: u64,
}

impl LatencyWindow {
    /// Draws this second's walks: `FRESH` of them, or the whole window when the conditions
    /// changed. `steps` are what each component does to each class, with the classes that
    /// reached it (bit `k` for class `k`). Returns how many were drawn.
    pub fn draw(
        &mut self,
        entry: NodeId,
        mix: [f64; 3],
        (steps, reached): (&[PerClass<Step>], &[u8]),
        retries: &Retries,
        rng: &mut SimRng,
    ) -> usize {
        // A window's worth, and the failure `push_failure` may add to it.
        self.fresh.reserve(WINDOW + 1);
        let shares = normalised(mix);
        let retry = [retries.share, retries.blocked];
        let full = self.ring.items.len() < WINDOW
            || shares
                .iter()
                .zip(self.reference_mix)
                .chain(retry.iter().zip(self.reference_retry))
                .any(|(&a, b)| (a - b).abs() > SHARE_TOLERANCE)
            || changed((&self.reference, &self.reference_reached), (steps, reached));
        let count = if full { WINDOW } else { FRESH };
        self.fresh.run(entry, mix, steps, retries, rng, count);
        if full {
            self.ring.clear();
            copy_steps(&mut self.reference, steps);
            self.reference_reached.clear();
            self.reference_reached.extend_from_slice(reached);
            self.reference_mix = shares;
            self.reference_retry = retry;
            self.full_draws += 1;
        }
        for &outcome in &self.fresh.outcomes {
            self.ring.push(outcome);
        }
        count
    }

    /// Adds a failure the walks could not meet (see `Simulation::measure`) to this second's
    /// walks and the window.
    pub fn push_failure(&mut self, latency_s: f64) {
        self.fresh.failures.push(latency_s);
        self.ring.push(Outcome::Failed(latency_s));
    }

    /// Share of the window's walks, answered or failed, that took longer than `target_s`.
    pub fn slower_than(&self, target_s: f64) -> f64 {
        let walks = &self.ring.items;
        if walks.is_empty() {
            return 0.0;
        }
        let slow = walks.iter().filter(|o| o.seconds() > target_s).count();
        slow as f64 / walks.len() as f64
    }

    /// The window's `qs`-quantiles (ascending) of every walk (seconds), the same as
    /// `percentiles` gives, for a caller that reads only these (`analyze`'s hours, the status
    /// bar and drill checks read the p99; the dashboard's history the p50 and p99).
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [Option<f64>; N] {
        let mut every = [0; WINDOW];
        let walks = &self.ring.items;
        for (slot, outcome) in every.iter_mut().zip(walks) {
            *slot = sort_key(outcome.seconds());
        }
        quantiles(&mut every[..walks.len()], qs)
    }

    /// The window's walks, in no particular order: nothing read from them depends on it.
    pub fn walks(&self) -> &[Outcome] {
        &self.ring.items
    }

    /// Puts in `out` what a copy standing at `mark` needs to catch up, and moves `mark` on:
    /// the walks added since, oldest first. Returns true when the copy must start afresh first
    /// (the window was redrawn or is empty, as many walks came as it holds, or `mark` is not
    /// this window's); `out` is then the whole window, oldest first.
    pub fn changes_since(&self, mark: &mut WindowMark, out: &mut Vec<Outcome>) -> bool {
        self.ring.changes_since(mark, out)
    }
}

/// Where a copy of a window stands: the redraws and walks it has taken in.
#[derive(Debug, Clone, Copy, Default)]
pub struct WindowMark {
    clears: u64,
    pushes: u64,
}

/// A copy of a window kept up to date from its changes ([`LatencyWindow::changes_since`]):
/// `--metrics` works out its percentiles on another thread from a second's new walks, not
/// from a copy of all 256.
#[derive(Debug, Clone, Default)]
pub struct WindowCopy(Ring);

impl WindowCopy {
    /// Takes in what `changes_since` said.
    pub fn apply(&mut self, restart: bool, walks: &[Outcome]) {
        if restart {
            self.0.clear();
        }
        for &walk in walks {
            self.0.push(walk);
        }
    }

    /// The same walks as the window's, though not in the same places.
    pub fn walks(&self) -> &[Outcome] {
        &self.0.items
    }
}

/// The 50th, 95th and 99th percentiles (seconds) of a window's walks: of every walk,
/// failures at the time they took, and of the answered ones.
pub fn percentiles_of(walks: &[Outcome]) -> [[Option<f64>; 3]; 2] {
    debug_assert!(walks.len() <= WINDOW, "{} walks", walks.len());
    let (mut every, mut answered) = ([0; WINDOW], [0; WINDOW]);
    let walks = &walks[..walks.len().min(WINDOW)];
    let (n, mut m) = (walks.len(), 0);
    // Without a branch on the outcome: which walks fail is a coin toss the predictor loses.
    for (slot, outcome) in every.iter_mut().zip(walks) {
        let (s, ok) = match *outcome {
            Outcome::Answered(s) => (s, true),
            Outcome::Failed(s) => (s, false),
        };
        *slot = sort_key(s);
        answered[m] = *slot;
        m += usize::from(ok);
    }
    let all = percentiles(&mut every[..n]);
    let ok = if m == n {
        all
    } else {
        percentiles(&mut answered[..m])
    };
    [all, ok]
}

/// The last `WINDOW` walks; once full, each new one replaces the oldest (at `head`).
#[derive(Debug, Clone, Default)]
struct Ring {
    items: Vec<Outcome>,
    head: usize,
    /// How often it was emptied, and how many walks it took in all.
    mark: WindowMark,
}

impl Ring {
    fn push(&mut self, outcome: Outcome) {
        if self.items.len() < WINDOW {
            self.items.push(outcome);
        } else {
            self.items[self.head] = outcome;
            self.head = (self.head + 1) % WINDOW;
        }
        self.mark.pushes += 1;
    }

    fn clear(&mut self) {
        self.items.clear();
        self.head = 0;
        self.mark.clears += 1;
    }

    fn changes_since(&self, mark: &mut WindowMark, out: &mut Vec<Outcome>) -> bool {
        // The walks since `mark`, unless the window was emptied since, or they replaced all of
        // it, or the mark is ahead of this window (another window's).
        let new = self
            .mark
            .pushes
            .checked_sub(mark.pushes)
            .filter(|&new| mark.clears == self.mark.clears && new < self.items.len() as u64);
        let restart = new.is_none();
        let take = new.map_or(self.items.len(), |new| new as usize);
        // Oldest first: from `head` on, then what wrapped round to the start; the last `take`.
        let (newer, older) = self.items.split_at(self.head);
        let from_older = take.saturating_sub(newer.len());
        out.clear();
        out.extend_from_slice(&older[older.len() - from_older..]);
        out.extend_from_slice(&newer[newer.len() - (take - from_older)..]);
        *mark = self.mark;
        restart
    }
}

/// Class shares of a mix (zeros when there is no traffic).
fn normalised(mix: [f64; 3]) -> [f64; 3] {
    let total: f64 = mix.iter().sum();
    if total > 0.0 {
        mix.map(|m| m / total)
    } else {
        [0.0; 3]
    }
}

/// Whether what a walk meets anywhere changed beyond the tolerances: a component's steps and
/// the classes that reached it, then (at the last full draw) and now. A class that reached it
/// neither then nor now is met by no walk either time, whatever its step says, so only the
/// classes in either mask are compared (and a component neither reached is not looked at).
fn changed(
    (then, then_reached): (&[PerClass<Step>], &[u8]),
    (now, now_reached): (&[PerClass<Step>], &[u8]),
) -> bool {
    then.len() != now.len()
        || then_reached.len() != now_reached.len()
        || then
            .iter()
            .zip(now)
            .zip(then_reached.iter().zip(now_reached))
            .any(|((a, b), (&x, &y))| {
                let classes = x | y;
                classes != 0
                    && (0..4).any(|k| classes & (1 << k) != 0 && step_changed(&a[k], &b[k]))
            })
}

fn step_changed(a: &Step, b: &Step) -> bool {
    let share = |x: f64, y: f64| (x - y).abs() > SHARE_TOLERANCE;
    share(a.fail, b.fail)
        || share(a.done, b.done)
        || share(a.retry_share, b.retry_share)
        || a.retries != b.retries
        || time(a.fail_s, b.fail_s)
        || time(a.retry_backoff_s, b.retry_backoff_s)
        || time(a.timeout_s, b.timeout_s)
        || delay_changed(&a.delay, &b.delay)
        || a.hops.len() != b.hops.len()
        || a.hops
            .iter()
            .zip(&b.hops)
            .any(|(x, y)| x.0 != y.0 || share(x.1, y.1))
}

fn delay_changed(a: &Delay, b: &Delay) -> bool {
    time(a.fixed_s, b.fixed_s)
        || branch_changed((&a.wait, a.service_s), (&b.wait, b.service_s))
        || (a.slow.share - b.slow.share).abs() > SHARE_TOLERANCE
        || ((a.slow.share > 0.0 || b.slow.share > 0.0)
            && branch_changed(
                (&a.slow.wait, a.slow.service_s),
                (&b.slow.wait, b.slow.service_s),
            ))
}

/// Whether a wait and service time changed materially.
fn branch_changed(a: (&Wait, f64), b: (&Wait, f64)) -> bool {
    let ((aw, a_s), (bw, b_s)) = (a, b);
    let p = aw.p.max(bw.p);
    // A wait that no more than `WAIT_SHARE_TOLERANCE` of requests meet is immaterial in its
    // shape as in its probability.
    time(a_s, b_s)
        || (aw.p - bw.p).abs() > WAIT_SHARE_TOLERANCE.max(WAIT_TOLERANCE * p)
        || (p > WAIT_SHARE_TOLERANCE
            && (relative(aw.rate, bw.rate, WAIT_TOLERANCE) || time(aw.max_s, bw.max_s)))
}

/// Whether two times (or rates) differ by more than `TIME_TOLERANCE` of the larger.
fn time(x: f64, y: f64) -> bool {
    relative(x, y, TIME_TOLERANCE)
}

/// Whether two numbers differ by more than `tolerance` of the larger. A time that becomes
/// infinite (nobody times out any more) or finite again differs by all of it.
fn relative(x: f64, y: f64, tolerance: f64) -> bool {
    if x == y {
        return false; // infinities included
    }
    if x.is_infinite() || y.is_infinite() {
        return true; // where the difference over the larger would be ∞/∞
    }
    (x - y).abs() > tolerance * x.abs().max(y.abs())
}

/// Copies `from` into `into`, reusing the hops' allocations.
fn copy_steps(into: &mut Vec<PerClass<Step>>, from: &[PerClass<Step>]) {
    into.truncate(from.len());
    for (mine, theirs) in into.iter_mut().zip(from) {
        for (m, t) in mine.iter_mut().zip(theirs) {
            m.copy_from(t);
        }
    }
    let have = into.len();
    into.extend_from_slice(&from[have..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::retry::{Retrier, RetryPolicy};
    use crate::sim::rng::Stream;
    use petgraph::graph::NodeIndex;

    /// One component that answers every request after a fixed 10 ms.
    fn steps(fixed_s: f64, fail: f64) -> Vec<PerClass<Step>> {
        let step = Step {
            delay: Delay::fixed(fixed_s),
            fail,
            fail_s: 1.0,
            done: 1.0,
            ..Step::default()
        };
        vec![std::array::from_fn(|_| step.clone())]
    }

    /// Draws with every class reaching every component.
    fn draw(window: &mut LatencyWindow, steps: &[PerClass<Step>], rng: &mut SimRng) -> usize {
        draw_reaching(window, steps, 0b1111, rng)
    }

    /// Draws with the classes in `reached` (bit `k` for class `k`) reaching every component.
    fn draw_reaching(
        window: &mut LatencyWindow,
        steps: &[PerClass<Step>],
        reached: u8,
        rng: &mut SimRng,
    ) -> usize {
        let retrier = Retrier::new(RetryPolicy::named("none").unwrap());
        let retries = Retries {
            share: 0.0,
            blocked: 0.0,
            retrier: &retrier,
        };
        let reached = vec![reached; steps.len()];
        window.draw(
            NodeIndex::new(0),
            [1.0, 1.0, 0.0],
            (steps, &reached),
            &retries,
            rng,
        )
    }

    #[test]
    fn a_steady_second_adds_a_few_walks_and_a_change_redraws_them_all() {
        let mut rng = SimRng::new(1, Stream::Latency);
        let mut w = LatencyWindow::default();
        assert_eq!(draw(&mut w, &steps(0.010, 0.0), &mut rng), WINDOW);
        for _ in 0..20 {
            // 1 % slower: within the tolerance.
            assert_eq!(draw(&mut w, &steps(0.0101, 0.0), &mut rng), FRESH);
            assert_eq!(w.ring.items.len(), WINDOW);
        }
        // Half a percent of requests now fail after a second: every walk is redrawn.
        assert_eq!(draw(&mut w, &steps(0.0101, 0.005), &mut rng), WINDOW);
        assert_eq!(w.full_draws, 2);
        // 10 % slower: redrawn too, and the window holds only walks drawn since.
        assert_eq!(draw(&mut w, &steps(0.0111, 0.005), &mut rng), WINDOW);
        let fastest = w
            .ring
            .items
            .iter()
            .map(|o| o.seconds())
            .fold(f64::INFINITY, f64::min);
        assert!(fastest > 0.0111 * (1.0 - crate::preset::defaults::DELAY_VARIABLE_SHARE) - 1e-12);
    }

    /// A pool whose requests wait with probability `p` (rate 9/s, as on `100` at its peak).
    fn queued(p: f64, rate: f64) -> Vec<PerClass<Step>> {
        let mut steps = steps(0.0155, 0.0);
        for step in &mut steps[0] {
            step.delay.wait = Wait::new(p, rate, 60.0);
            step.delay.service_s = 0.005;
        }
        steps
    }

    #[test]
    fn a_wait_swinging_with_the_traffic_noise_is_not_redrawn_but_a_queue_building_is() {
        let mut rng = SimRng::new(3, Stream::Latency);
        let mut w = LatencyWindow::default();
        assert_eq!(draw(&mut w, &queued(0.160, 9.0), &mut rng), WINDOW);
        // ±3 % in the wait's probability and ±2.5 % in its rate: what a second's noise does.
        for (p, rate) in [(0.155, 9.2), (0.165, 8.8), (0.158, 9.1)] {
            assert_eq!(draw(&mut w, &queued(p, rate), &mut rng), FRESH);
        }
        // A tenth more requests waiting is a queue building: every walk is redrawn.
        assert_eq!(draw(&mut w, &queued(0.176, 9.0), &mut rng), WINDOW);
        // So is a tail a tenth longer.
        assert_eq!(draw(&mut w, &queued(0.176, 8.1), &mut rng), WINDOW);
        // A wait almost nobody meets is immaterial, whatever its shape.
        assert_eq!(draw(&mut w, &queued(0.001, 9.0), &mut rng), WINDOW);
        assert_eq!(draw(&mut w, &queued(0.004, 1.0), &mut rng), FRESH);
    }

    #[test]
    fn a_timeout_that_comes_or_goes_redraws_the_window() {
        let mut rng = SimRng::new(4, Stream::Latency);
        let mut w = LatencyWindow::default();
        let with_timeout = |timeout_s: f64| {
            let mut steps = steps(0.010, 0.0);
            for step in &mut steps[0] {
                step.timeout_s = timeout_s;
            }
            steps
        };
        assert_eq!(draw(&mut w, &with_timeout(f64::INFINITY), &mut rng), WINDOW);
        assert_eq!(draw(&mut w, &with_timeout(f64::INFINITY), &mut rng), FRESH);
        assert_eq!(draw(&mut w, &with_timeout(0.015), &mut rng), WINDOW);
        assert_eq!(draw(&mut w, &with_timeout(0.0151), &mut rng), FRESH);
        assert_eq!(draw(&mut w, &with_timeout(f64::INFINITY), &mut rng), WINDOW);
    }

    #[test]
    fn a_class_no_request_reached_does_not_redraw_the_window() {
        let mut rng = SimRng::new(6, Stream::Latency);
        let mut w = LatencyWindow::default();
        // The walks' mix has no writes (class 2), and none reach the component.
        let writes = |fixed_s: f64| {
            let mut steps = steps(0.010, 0.0);
            steps[0][2].delay = Delay::fixed(fixed_s);
            steps
        };
        let (without, with) = (0b1011, 0b1111);
        for (fixed_s, reached, drawn, why) in [
            (0.010, without, WINDOW, "the first draw"),
            (0.020, without, FRESH, "no walk meets the doubled delay"),
            (0.030, with, WINDOW, "writes come: a change"),
            (0.010, without, WINDOW, "and so it is when they stop again"),
            // A class that reached it at one of the two is compared as ever (how it came to
            // be met shows at its callers).
            (0.0101, with, FRESH, "it says what it said"),
            (0.020, with, WINDOW, "it takes twice as long"),
        ] {
            let n = draw_reaching(&mut w, &writes(fixed_s), reached, &mut rng);
            assert_eq!(n, drawn, "{why}");
        }
    }

    #[test]
    fn a_failure_the_walks_missed_joins_the_window() {
        let mut rng = SimRng::new(2, Stream::Latency);
        let mut w = LatencyWindow::default();
        draw(&mut w, &steps(0.010, 0.0), &mut rng);
        let before = percentiles_of(w.walks());
        w.push_failure(5.0);
        let failed = |o: &&Outcome| matches!(o, Outcome::Failed(_));
        assert_eq!(w.ring.items.iter().filter(failed).count(), 1);
        assert_eq!(w.ring.items.len(), WINDOW);
        assert_eq!(w.fresh.failures, vec![5.0]);
        // It took the oldest walk's place: the answered walks' percentiles are theirs, and
        // every walk's count the failure among them.
        let [all, ok] = percentiles_of(w.walks());
        // The p99 alone, or with the p50, is the same pick.
        assert_eq!(w.quantiles([0.99]), [all[2]]);
        assert_eq!(w.quantiles([0.50, 0.99]), [all[0], all[2]]);
        assert_eq!(LatencyWindow::default().quantiles([0.99]), [None]);
        let mut answered: Vec<f64> = w
            .ring
            .items
            .iter()
            .filter(|o| !failed(o))
            .map(|o| o.seconds())
            .collect();
        answered.sort_by(f64::total_cmp);
        assert_eq!(answered.len(), WINDOW - 1);
        assert_eq!(ok[0], Some(answered[(0.5 * 255.0f64).ceil() as usize - 1]));
        assert_eq!(ok[2], Some(answered[(0.99 * 255.0f64).ceil() as usize - 1]));
        assert!(all[2] >= before[0][2]);
        assert!(ok != before[1] || all != before[0]);
        assert_eq!(w.slower_than(4.0), 1.0 / WINDOW as f64);
    }

    /// A copy fed only each catch-up's walks holds the window's walks, oldest first alike,
    /// through steady seconds, redraws, failures pushed, and catch-ups that come every
    /// second, every few seconds, or after more walks than the window holds.
    #[test]
    fn a_copy_fed_the_changes_keeps_the_same_walks() {
        let mut rng = SimRng::new(5, Stream::Latency);
        let mut w = LatencyWindow::default();
        let (mut mark, mut copy, mut changes) =
            (WindowMark::default(), WindowCopy::default(), Vec::new());
        let mut restarts = 0;
        for second in 0..3_000 {
            // Now and then 20 % slower, which redraws the whole window.
            let slow = if second % 97 < 3 { 0.012 } else { 0.010 };
            draw(&mut w, &steps(slow, 0.001), &mut rng);
            if second % 13 == 0 {
                w.push_failure(2.0);
            }
            let gap = [1, 1, 3, 9, 40][second % 5];
            if second % gap == 0 {
                let restart = w.changes_since(&mut mark, &mut changes);
                restarts += usize::from(restart);
                assert!(restart || changes.len() <= 9 * (FRESH + 1));
                copy.apply(restart, &changes);
                let oldest_first = |ring: &Ring| {
                    let mut walks = Vec::new();
                    ring.changes_since(&mut WindowMark::default(), &mut walks);
                    walks
                };
                assert_eq!(
                    oldest_first(&copy.0),
                    oldest_first(&w.ring),
                    "second {second}"
                );
                assert_eq!(percentiles_of(copy.walks()), percentiles_of(w.walks()));
            }
        }
        // The redraws and the long gaps restarted the copy; the rest only caught it up.
        assert!((20..1_000).contains(&restarts), "{restarts}");
        // A mark ahead of a window (another window's, redrawn as often) starts the copy
        // afresh, whole.
        let (mut older, mut young) = (LatencyWindow::default(), LatencyWindow::default());
        for _ in 0..10 {
            draw(&mut older, &steps(0.010, 0.001), &mut rng);
        }
        draw(&mut young, &steps(0.010, 0.001), &mut rng);
        let mut mark = WindowMark::default();
        older.changes_since(&mut mark, &mut changes);
        assert_eq!((older.full_draws, young.full_draws), (1, 1));
        assert!(young.changes_since(&mut mark, &mut changes));
        assert_eq!(changes.len(), WINDOW);
    }
}
