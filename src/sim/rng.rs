//! Seeded randomness that gives the same numbers on every machine and after crate upgrades.
//!
//! The generator is PCG-XSL-RR 128/64 (`rand_pcg::Pcg64`), whose output stream is specified;
//! conversions to floats and distributions are written here rather than taken from a crate whose
//! algorithms may change, and transcendental functions come from `libm` (pure Rust) rather than
//! the platform's C library. Each purpose draws from its own stream, so sampling more latencies
//! does not change the traffic, and a fault does not shift the noise that follows it.

use rand::Rng;
use rand_pcg::Pcg64;

/// Independent streams for the parts of the model that draw random numbers.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Traffic = 1,
    Latency = 2,
    Infrastructure = 3,
}

#[derive(Clone)]
pub struct SimRng {
    pcg: Pcg64,
    /// The exponential's tables, found once here rather than through the `OnceLock` at every
    /// draw.
    ziggurat: &'static Ziggurat,
}

impl std::fmt::Debug for SimRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SimRng").field(&self.pcg).finish()
    }
}

impl SimRng {
    pub fn new(seed: u64, stream: Stream) -> Self {
        // Spread the 64-bit seed over the 128-bit state; the stream selects the increment.
        let state = u128::from(seed) << 64 | u128::from(seed ^ 0x9E37_79B9_7F4A_7C15);
        Self {
            pcg: Pcg64::new(state, stream as u128),
            ziggurat: ziggurat(),
        }
    }

    /// Uniform in [0, 1), 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.pcg.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    #[inline]
    pub fn open_uniform(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// Exponential with the given mean (Marsaglia & Tsang's ziggurat: a table look-up and a
    /// multiplication nearly every time).
    #[inline(always)]
    pub fn exponential(&mut self, mean: f64) -> f64 {
        let (i, x) = self.layer_point();
        if x < self.ziggurat.x[i + 1] {
            return x * mean;
        }
        self.exponential_beyond(i, x) * mean
    }

    /// A layer of the ziggurat and a point across it: the exponential is that point whenever
    /// it falls inside the layer's rectangle under the next one (98.8 % of the time).
    #[inline(always)]
    fn layer_point(&mut self) -> (usize, f64) {
        let bits = self.pcg.next_u64();
        let i = (bits & 0xff) as usize;
        (
            i,
            (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64) * self.ziggurat.x[i],
        )
    }

    /// The rest of a unit exponential draw whose first point `x` in layer `i` fell outside the
    /// rectangle: kept out of line, so the common case inlines into the latency walks.
    #[cold]
    #[inline(never)]
    fn exponential_beyond(&mut self, mut i: usize, mut x: f64) -> f64 {
        let z = self.ziggurat;
        loop {
            if x < z.x[i + 1] {
                return x;
            }
            if i == 0 {
                // Beyond the last layer the tail is again exponential, shifted by R.
                return ZIGGURAT_R - fast_ln(self.open_uniform());
            }
            if z.f[i + 1] + (z.f[i] - z.f[i + 1]) * self.uniform() < libm::exp(-x) {
                return x;
            }
            (i, x) = self.layer_point();
        }
    }

    /// Standard normal (Box–Muller; the second value is discarded to keep the stream simple).
    pub fn normal(&mut self) -> f64 {
        let r = libm::sqrt(-2.0 * libm::log(self.open_uniform()));
        r * libm::cos(std::f64::consts::TAU * self.uniform())
    }
}

/// Right edge of the ziggurat's base layer, and the area of each of its 256 layers, for the
/// exponential density (Marsaglia & Tsang 2000, "The Ziggurat Method for Generating Random
/// Variables").
const ZIGGURAT_R: f64 = 7.697_117_470_131_05;
const ZIGGURAT_V: f64 = 3.949_659_822_581_557e-3;

struct Ziggurat {
    /// Layer edges, widest first: x[0] = V/f(R), x[1] = R, …, x[256] = 0.
    x: [f64; 257],
    /// The density at each edge, exp(−x).
    f: [f64; 257],
}

/// The tables, built once with `libm` so they are the same on every machine.
fn ziggurat() -> &'static Ziggurat {
    static TABLES: std::sync::OnceLock<Ziggurat> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = ZIGGURAT_V / libm::exp(-ZIGGURAT_R);
        x[1] = ZIGGURAT_R;
        for i in 2..256 {
            x[i] = -libm::log(libm::exp(-x[i - 1]) + ZIGGURAT_V / x[i - 1]);
        }
        x[256] = 0.0;
        let f = x.map(|v| libm::exp(-v));
        Ziggurat { x, f }
    })
}

/// Natural logarithm for x in (0, 1], accurate to about 1e-9 relative: plenty for sampling
/// latencies, several times faster than a libm call, and made only of IEEE operations (so the
/// result is identical everywhere).
#[inline]
pub fn fast_ln(x: f64) -> f64 {
    // x = m · 2^e with m in [1, 2); ln x = e·ln2 + ln m, and ln m = 2·atanh((m-1)/(m+1)).
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    if exponent == -1023 {
        return libm::log(x); // subnormal: never produced by `open_uniform`, but stay correct
    }
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    // Centre the mantissa on 1 to keep the series short: m in [0.75, 1.5).
    let (m, exponent) = if m > 1.5 {
        (m * 0.5, exponent + 1)
    } else {
        (m, exponent)
    };
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    // atanh series to s^17: |s| < 0.2, so the remainder is below 1e-13.
    let series = s
        * (1.0
            + s2 * (1.0 / 3.0
                + s2 * (1.0 / 5.0
                    + s2 * (1.0 / 7.0
                        + s2 * (1.0 / 9.0
                            + s2 * (1.0 / 11.0
                                + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 / 17.0))))))));
    exponent as f64 * std::f64::consts::LN_2 + 2.0 * series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_same_numbers() {
        let mut a = SimRng::new(42, Stream::Latency);
        let mut b = SimRng::new(42, Stream::Latency);
        let xs: Vec<f64> = (0..100).map(|_| a.uniform()).collect();
        let ys: Vec<f64> = (0..100).map(|_| b.uniform()).collect();
        assert_eq!(xs, ys);
        let mut c = SimRng::new(42, Stream::Traffic);
        assert_ne!(xs[0], c.uniform());
        let mut d = SimRng::new(43, Stream::Latency);
        assert_ne!(xs[0], d.uniform());
    }

    #[test]
    fn the_stream_is_pinned() {
        // Guards reproducibility across crate upgrades: these bits must never change.
        let mut r = SimRng::new(7, Stream::Traffic);
        let first: Vec<u64> = (0..3).map(|_| r.uniform().to_bits()).collect();
        let mut again = SimRng::new(7, Stream::Traffic);
        assert_eq!(
            first,
            (0..3)
                .map(|_| again.uniform().to_bits())
                .collect::<Vec<_>>()
        );
        insta::assert_debug_snapshot!(first);
    }

    #[test]
    fn fast_ln_matches_libm() {
        let mut r = SimRng::new(1, Stream::Latency);
        for _ in 0..100_000 {
            let x = r.open_uniform();
            let (fast, exact) = (fast_ln(x), libm::log(x));
            assert!(
                (fast - exact).abs() <= 1e-9 * exact.abs().max(1e-300) + 1e-15,
                "{x}: {fast} vs {exact}"
            );
        }
        assert_eq!(fast_ln(1.0), 0.0);
    }

    #[test]
    fn ziggurat_exponentials_follow_the_exponential_law() {
        let mut r = SimRng::new(11, Stream::Latency);
        let n = 400_000;
        let mut xs: Vec<f64> = (0..n).map(|_| r.exponential(1.0)).collect();
        xs.sort_by(f64::total_cmp);
        // Quantiles of Exp(1): −ln(1 − q), including the tail beyond the base layer.
        for q in [0.1, 0.5, 0.9, 0.99, 0.999] {
            let got = xs[(q * n as f64) as usize];
            let want = -libm::log(1.0 - q);
            assert!(
                (got - want).abs() < 0.02 * want.max(0.2),
                "q={q}: {got} vs {want}"
            );
        }
        assert!(xs.iter().all(|&x| x >= 0.0 && x.is_finite()));
        assert!(xs[n - 1] > ZIGGURAT_R, "the tail is reached");
    }

    #[test]
    fn distributions_have_the_right_means() {
        let mut r = SimRng::new(3, Stream::Latency);
        let n = 200_000;
        let exp_mean = (0..n).map(|_| r.exponential(2.0)).sum::<f64>() / n as f64;
        assert!((exp_mean - 2.0).abs() < 0.03, "{exp_mean}");
        let (s, s2) = (0..n)
            .map(|_| r.normal())
            .fold((0.0, 0.0), |(a, b), x| (a + x, b + x * x));
        let var = s2 / n as f64 - (s / n as f64).powi(2);
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }
}
