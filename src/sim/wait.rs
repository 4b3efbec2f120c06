//! The wait of a served request before its service starts, as a distribution to sample from
//! and to take tails of.

use super::float::{greater, lesser};
use super::queueing::truncated_mean;

/// How long a served request waits before its service starts: not at all with probability
/// `1 − p`, else drawn from the density ∝ `exp(−rate·w)` on (0, `max_s`) — exponential when the
/// rate is positive, piled up near `max_s` when it is negative (overload).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Wait {
    pub p: f64,
    pub rate: f64,
    pub max_s: f64,
    /// `1 − exp(−|rate|·max_s)`: the share of an untruncated exponential below `max_s`.
    span: f64,
    /// The mean wait of those who wait, worked out once (it is asked for per class, by the
    /// station and by the holding times, every second). 0 when nobody waits.
    waited_mean_s: f64,
}

impl Wait {
    pub fn new(p: f64, rate: f64, max_s: f64) -> Self {
        Self::with_waited_mean(p, rate, max_s, || truncated_mean(rate, max_s))
    }

    /// `new`, given how to get the mean wait of those who wait (a queue that has it already
    /// passes it on instead of working it out again).
    pub fn with_waited_mean(
        p: f64,
        rate: f64,
        max_s: f64,
        waited_mean_s: impl FnOnce() -> f64,
    ) -> Self {
        if max_s <= 0.0 {
            // No patience, no wait: whoever would wait is refused (rounding may leave a trace
            // of `p`, which has no distribution to be drawn from).
            return Self::default();
        }
        let span = if rate == 0.0 {
            1.0
        } else {
            -libm::expm1(-rate.abs() * max_s)
        };
        Self {
            p,
            rate,
            max_s,
            span,
            waited_mean_s: if p > 0.0 { waited_mean_s() } else { 0.0 },
        }
    }

    pub fn mean_s(&self) -> f64 {
        if self.p > 0.0 {
            self.p * self.waited_mean_s
        } else {
            0.0
        }
    }

    /// The wait for a uniform `u` in [0, 1) (inverse CDF).
    #[inline]
    pub fn at(&self, u: f64) -> f64 {
        if u >= self.p {
            return 0.0;
        }
        // Conditioned on u < p, u/p is uniform on [0, 1).
        let v = u / self.p;
        if self.rate == 0.0 {
            return v * self.max_s;
        }
        let w = -super::rng::fast_ln(1.0 - v * self.span) / self.rate.abs();
        if self.rate > 0.0 {
            lesser(w, self.max_s)
        } else {
            greater(self.max_s - w, 0.0)
        }
    }

    /// P(wait > d), waits of zero included.
    pub fn tail(&self, d: f64) -> f64 {
        if d < 0.0 {
            return 1.0;
        }
        self.p * self.waited_tail(d)
    }

    /// P(wait > d | it waits).
    fn waited_tail(&self, d: f64) -> f64 {
        if d >= self.max_s || self.p <= 0.0 {
            return 0.0;
        }
        let r = self.rate;
        let t = if r == 0.0 {
            (self.max_s - d) / self.max_s
        } else if r > 0.0 {
            // (e^{−rd} − e^{−r·max}) / (1 − e^{−r·max})
            (libm::exp(-r * d) - (1.0 - self.span)) / self.span
        } else {
            // Mirrored: max − W has the decaying density.
            -libm::expm1(r * (self.max_s - d)) / self.span
        };
        t.clamp(0.0, 1.0)
    }

    /// P(wait + service > `d`) for an exponential service of mean `service_s`.
    pub fn response_tail(&self, service_s: f64, d: f64) -> f64 {
        if d <= 0.0 {
            return 1.0;
        }
        if !d.is_finite() {
            return 0.0; // nobody gives up
        }
        if service_s <= 0.0 {
            return self.tail(d);
        }
        let mu = 1.0 / service_s;
        let served_late = libm::exp(-mu * d);
        if self.p <= 0.0 {
            return served_late;
        }
        // Waits of w ≤ m = min(d, max) are late when the service outlasts d − w.
        let m = d.min(self.max_s);
        let r = self.rate;
        let within = if r == 0.0 {
            (libm::exp(-mu * (d - m)) - served_late) / (mu * self.max_s)
        } else if r > 0.0 {
            // (r/span)·e^{−μd}·(e^{δm} − 1)/δ with δ = μ − r; every exponent kept ≤ 0.
            let delta = mu - r;
            let integral = if (delta * m).abs() < 1e-9 {
                served_late * m
            } else if delta * m < 1.0 {
                served_late * libm::expm1(delta * m) / delta
            } else {
                (libm::exp(-mu * (d - m) - r * m) - served_late) / delta
            };
            r / self.span * integral
        } else {
            let a = -r;
            let hi = libm::exp(-a * (self.max_s - m) - mu * (d - m));
            let lo = libm::exp(-a * self.max_s - mu * d);
            a / self.span * (hi - lo) / (a + mu)
        };
        let waited_late = self.waited_tail(d) + within;
        ((1.0 - self.p) * served_late + self.p * waited_late).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampled(w: &Wait, n: usize) -> Vec<f64> {
        (0..n).map(|i| w.at((i as f64 + 0.5) / n as f64)).collect()
    }

    #[test]
    fn waits_drawn_match_their_mean_and_tail() {
        for (p, rate) in [
            (0.4, 20.0),
            (0.9, 0.0),
            (0.95, -3.0),
            (1.0, -500.0),
            (0.3, 1e-9),
        ] {
            let w = Wait::new(p, rate, 2.0);
            let draws = sampled(&w, 200_000);
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            assert!(
                (mean - w.mean_s()).abs() < 1e-3,
                "{w:?}: {mean} vs {}",
                w.mean_s()
            );
            for d in [0.01, 0.5, 0.8, 1.5] {
                let share = draws.iter().filter(|&&x| x > d).count() as f64 / draws.len() as f64;
                assert!((share - w.tail(d)).abs() < 1e-3, "{w:?} d={d}: {share}");
            }
        }
    }

    /// P(W + S > d) by numerical integration over the wait's draws.
    fn response_tail_numeric(w: &Wait, service_s: f64, d: f64) -> f64 {
        let draws = sampled(w, 200_000);
        draws
            .iter()
            .map(|&x| {
                if x >= d {
                    1.0
                } else {
                    libm::exp(-(d - x) / service_s)
                }
            })
            .sum::<f64>()
            / draws.len() as f64
    }

    #[test]
    fn response_tail_matches_integration_for_every_shape_of_wait() {
        for rate in [30.0, 10.0, 0.0, -2.0, -400.0] {
            let w = Wait::new(0.7, rate, 1.0);
            for (service_s, d) in [
                (0.1, 0.05),
                (0.1, 0.3),
                (0.1, 0.99),
                (0.05, 1.5),
                (1.0, 2.0),
            ] {
                let (got, want) = (
                    w.response_tail(service_s, d),
                    response_tail_numeric(&w, service_s, d),
                );
                assert!(
                    (got - want).abs() < 2e-3,
                    "rate {rate} s {service_s} d {d}: {got} vs {want}"
                );
            }
        }
        let w = Wait::new(0.5, 3.0, 1.0);
        assert_eq!(w.response_tail(0.1, 0.0), 1.0);
        assert_eq!(w.response_tail(0.1, f64::INFINITY), 0.0);
    }
}
