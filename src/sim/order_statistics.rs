//! Percentiles of a window of latencies: the values at given ranks, found without sorting.
//!
//! A `--metrics` line reads six of them every second. They are selected among integers that
//! order as the latencies do: a comparison of two floats in `total_cmp`'s order converts both
//! first, and over a window's selections that was a fifth of their cost. The answers are the
//! very values a sort would put at those ranks.

/// A latency (seconds) as an integer that orders as `f64::total_cmp` orders the float, so
/// a selection compares integers.
pub fn sort_key(seconds: f64) -> i64 {
    flip(seconds.to_bits() as i64)
}

/// The latency a [`sort_key`] stands for.
fn from_sort_key(key: i64) -> f64 {
    f64::from_bits(flip(key) as u64)
}

/// Flips the magnitude bits of negative values (the sign bit stays, so this is its own
/// inverse): the IEEE order of floats becomes the order of signed integers.
fn flip(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// Where the `q`-quantile of `n` values lies in ascending order: rank ⌈q·n⌉, from zero.
fn rank(q: f64, n: usize) -> usize {
    ((q * n as f64).ceil() as usize).clamp(1, n) - 1
}

/// Ranks this close to the top are read off one pass that keeps the largest keys rather than
/// selected: a p99 of 256 is the third largest, and finding it by a selection cost several
/// times that pass (`analyze` reads one every simulated second).
const TOP: usize = 8;

/// The `qs`-quantiles (ascending) of the latencies whose [`sort_key`]s are `keys`: each the
/// value at rank ⌈q·n⌉ in ascending order. Reorders the keys.
pub fn quantiles<const N: usize>(keys: &mut [i64], qs: [f64; N]) -> [Option<f64>; N] {
    let n = keys.len();
    if n == 0 {
        return [None; N];
    }
    debug_assert!(qs.windows(2).all(|w| w[0] <= w[1]), "ascending: {qs:?}");
    // Each selection leaves everything above its rank to the right: the next one searches
    // there. Once a rank is among the top few, it and every later one come from those.
    let mut from = 0;
    let mut top = None;
    qs.map(|q| {
        let i = rank(q, n).max(from);
        if top.is_none() && n - i <= TOP {
            top = Some(largest(&keys[from..], n - i));
        }
        let key = match &top {
            Some(largest) => largest[n - 1 - i],
            None => {
                let (_, v, _) = keys[from..].select_nth_unstable(i - from);
                from = i;
                *v
            }
        };
        Some(from_sort_key(key))
    })
}

/// The `k` (at most `TOP`) largest of `keys`, largest first.
fn largest(keys: &[i64], k: usize) -> [i64; TOP] {
    let mut best = [i64::MIN; TOP];
    for &key in keys {
        if key > best[k - 1] {
            let mut j = k - 1;
            while j > 0 && best[j - 1] < key {
                best[j] = best[j - 1];
                j -= 1;
            }
            best[j] = key;
        }
    }
    best
}

/// The 50th, 95th and 99th percentiles, as [`quantiles`] gives them. Reorders the keys.
pub fn percentiles(keys: &mut [i64]) -> [Option<f64>; 3] {
    quantiles(keys, [0.50, 0.95, 0.99])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sort keys order as `total_cmp` orders the floats, and give the floats back bit for bit.
    #[test]
    fn sort_keys_order_as_total_cmp_does() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            1e-9,
            0.25,
            0.5,
            3.0,
            1e300,
            f64::INFINITY,
        ];
        for a in values {
            assert_eq!(from_sort_key(sort_key(a)).to_bits(), a.to_bits());
            for b in values {
                assert_eq!(sort_key(a).cmp(&sort_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    /// The value a full sort puts at each rank, for windows of every size and shape: spread
    /// over decades, all equal, a few far outliers, ties and zeros.
    #[test]
    fn every_rank_is_what_a_sort_gives() {
        let mut rng = crate::sim::rng::SimRng::new(11, crate::sim::rng::Stream::Latency);
        let mut uniform = || rng.uniform();
        let mut windows: Vec<Vec<f64>> = vec![vec![0.0], vec![0.02; 256], vec![0.0, 0.0, 1.0]];
        for n in [1, 2, 3, 7, 100, 255, 256] {
            windows.push(
                (0..n)
                    .map(|_| libm::pow(10.0, uniform() * 5.0 - 4.0))
                    .collect(),
            );
            // Mostly fast, a few at a 10 s timeout, some failing at once.
            windows.push(
                (0..n)
                    .map(|_| match uniform() {
                        u if u < 0.03 => 10.0,
                        u if u < 0.06 => 0.0,
                        u => 0.01 + u * 0.002,
                    })
                    .collect(),
            );
            windows.push((0..n).map(|_| (uniform() * 4.0).floor() / 8.0).collect());
        }
        for window in windows {
            let mut sorted = window.clone();
            sorted.sort_by(f64::total_cmp);
            let mut keys: Vec<i64> = window.iter().map(|&s| sort_key(s)).collect();
            let n = window.len();
            let want = [0.5, 0.95, 0.99].map(|q| Some(sorted[rank(q, n)]));
            assert_eq!(percentiles(&mut keys), want, "{n} latencies");
            for q in [0.0, 0.01, 0.5, 0.999, 1.0] {
                assert_eq!(
                    quantiles(&mut keys, [q]),
                    [Some(sorted[rank(q, n)])],
                    "q {q} of {n}"
                );
            }
            // Selected, read off the largest few (up to `TOP` of them), or both in one call.
            for qs in [[0.0, 0.5, 0.99], [0.5, 0.99, 1.0], [0.97, 0.99, 1.0]] {
                assert_eq!(
                    quantiles(&mut keys, qs),
                    qs.map(|q| Some(sorted[rank(q, n)])),
                    "{qs:?} of {n}"
                );
            }
        }
        assert_eq!(percentiles(&mut []), [None; 3]);
        assert_eq!(quantiles(&mut [], [0.5, 0.99]), [None; 2]);
    }
}
