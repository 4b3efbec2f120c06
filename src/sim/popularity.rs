//! How much of a cache's traffic its cached keys carry, when some keys are far hotter than
//! others.
//!
//! Key popularity follows a Zipf law: the key of rank `i` among the `n` hot keys is read with
//! probability `∝ i^−s`. After a flush a key is back in the cache once one read of it missed and
//! the database answered it, so after `r` reads of hot keys the cached keys carry the share
//! `m(r) = Σᵢ pᵢ (1 − e^{−r·pᵢ})` of the hot traffic (each key's first read is a Poisson
//! arrival; the approximation behind Che's cache model). The hottest keys come back first: the
//! hit ratio climbs fast, then slowly as the long tail fills in. With `s = 0` every key is
//! equally hot and `m(r) = 1 − e^{−r/n}`: one new key per miss.
//!
//! The sum is computed once per cache on a grid of `r` (ranks grouped in logarithmic bands) and
//! interpolated, so a second costs the same for a hundred keys or a billion.

/// Grid of reads-since-flush (as multiples of the key count) the curve is tabulated on.
const POINTS: usize = 96;
const LOWEST: f64 = 1e-6;
const HIGHEST: f64 = 1e4;
/// Ranks taken one by one before they are grouped in bands, and bands per factor of ten.
const SINGLE_RANKS: f64 = 256.0;
const BANDS_PER_DECADE: f64 = 24.0;

#[derive(Debug, Clone)]
pub struct Popularity {
    keys: f64,
    /// `m` at `r = keys · 10^(log10(LOWEST) + j·step)`.
    curve: Vec<f64>,
    step: f64,
}

impl Popularity {
    pub fn new(keys: f64, exponent: f64) -> Self {
        let keys = keys.max(1.0);
        // The hottest ranks one by one, then bands [a, b) of ranks counted as equally hot (the
        // band's mass by the midpoint rule: ∫ from a − ½ to b − ½ of x^−s).
        let mut bands: Vec<(f64, f64)> = Vec::new(); // (keys in band, popularity of each)
        let mut total = 0.0;
        let mut a = 1.0f64;
        while a <= keys {
            let b = if a < SINGLE_RANKS {
                a + 1.0
            } else {
                (a * libm::pow(10.0, 1.0 / BANDS_PER_DECADE))
                    .ceil()
                    .min(keys + 1.0)
            };
            let count = b - a;
            let weight = if count == 1.0 {
                libm::pow(a, -exponent)
            } else {
                mass(a - 0.5, b - 0.5, exponent) / count
            };
            bands.push((count, weight));
            total += count * weight;
            a = b;
        }
        for band in &mut bands {
            band.1 /= total;
        }
        let step = libm::log10(HIGHEST / LOWEST) / (POINTS - 1) as f64;
        let curve = (0..POINTS)
            .map(|j| {
                let r = keys * libm::pow(10.0, libm::log10(LOWEST) + j as f64 * step);
                bands
                    .iter()
                    .map(|&(count, p)| count * p * -libm::expm1(-r * p))
                    .sum::<f64>()
                    .min(1.0)
            })
            .collect();
        Self { keys, curve, step }
    }

    /// Share of the hot traffic the cache holds after `reads` reads of hot keys since it was
    /// empty.
    pub fn cached_share(&self, reads: f64) -> f64 {
        if reads <= 0.0 {
            return 0.0;
        }
        let x = (libm::log10(reads / self.keys) - libm::log10(LOWEST)) / self.step;
        if x.is_nan() || x >= (POINTS - 1) as f64 {
            return *self.curve.last().expect("a curve");
        }
        if x <= 0.0 {
            // Below the grid every read still finds a new key: m grows like r.
            return self.curve[0] * reads / (self.keys * LOWEST);
        }
        let j = x.floor() as usize;
        let f = x - j as f64;
        self.curve[j] * (1.0 - f) + self.curve[j + 1] * f
    }
}

/// `∫ₐᵇ x^−s dx`: the popularity mass of ranks a to b (continuous ranks).
fn mass(a: f64, b: f64, s: f64) -> f64 {
    if (s - 1.0).abs() < 1e-9 {
        libm::log(b / a)
    } else {
        (libm::pow(b, 1.0 - s) - libm::pow(a, 1.0 - s)) / (1.0 - s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sum over every key, for checking the banded table.
    fn exact(keys: usize, s: f64, reads: f64) -> f64 {
        let weights: Vec<f64> = (1..=keys).map(|i| libm::pow(i as f64, -s)).collect();
        let total: f64 = weights.iter().sum();
        weights
            .iter()
            .map(|w| {
                let p = w / total;
                p * -libm::expm1(-reads * p)
            })
            .sum()
    }

    #[test]
    fn uniform_keys_fill_one_per_read() {
        let p = Popularity::new(10_000.0, 0.0);
        for r in [100.0, 5_000.0, 30_000.0] {
            let want = -libm::expm1(-r / 10_000.0);
            assert!(
                (p.cached_share(r) - want).abs() < 0.005,
                "{r}: {} vs {want}",
                p.cached_share(r)
            );
        }
    }

    #[test]
    fn the_table_matches_the_sum_over_every_key() {
        for s in [0.6, 0.99, 1.2] {
            let p = Popularity::new(20_000.0, s);
            for r in [10.0, 1_000.0, 50_000.0, 1e6] {
                let (got, want) = (p.cached_share(r), exact(20_000, s, r));
                assert!((got - want).abs() < 0.02, "s {s} r {r}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn hot_keys_come_back_first() {
        let (zipf, uniform) = (
            Popularity::new(100_000.0, 0.99),
            Popularity::new(100_000.0, 0.0),
        );
        // After a hundredth of the keys' worth of reads, the hottest keys carry a good share of
        // the traffic; evenly popular keys, about a hundredth.
        assert!(
            zipf.cached_share(1_000.0) > 0.3,
            "{}",
            zipf.cached_share(1_000.0)
        );
        assert!(uniform.cached_share(1_000.0) < 0.011);
        // The long tail takes longer than evenly popular keys to fill in completely.
        assert!(zipf.cached_share(300_000.0) < uniform.cached_share(300_000.0));
    }
}
