//! The root of an increasing function, by the Illinois variant of false position: a secant
//! between the ends of a bracket, halving the weight of an end that stays put, so that a steep
//! curve (a queue near ρ = 1) cannot stall it the way plain false position or an unguarded
//! secant does.

/// Finds x in (`lo`, `hi`) with `f(x) = 0`, given `f(lo) < 0 < f(hi)` (passed in to spare
/// evaluations). Stops within `tolerance` of zero or when the bracket is down to rounding.
/// Returns the last point evaluated (or `hi` if none was), so a closure that keeps what it
/// computed along the way holds the answer's.
pub fn increasing_root(
    mut f: impl FnMut(f64) -> f64,
    (mut lo, mut f_lo): (f64, f64),
    (mut hi, mut f_hi): (f64, f64),
    tolerance: f64,
) -> f64 {
    let (mut x, mut fx) = (hi, f_hi);
    // Which end stayed put last time: −1 the low one, 1 the high one.
    let mut kept = 0i8;
    for _ in 0..100 {
        if fx.abs() <= tolerance || hi - lo <= 1e-13 * hi.abs().max(1e-300) {
            break;
        }
        x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
        if !(x > lo && x < hi) {
            x = 0.5 * (lo + hi);
        }
        fx = f(x);
        if fx < 0.0 {
            (lo, f_lo) = (x, fx);
            if kept == -1 {
                f_hi *= 0.5;
            }
            kept = -1;
        } else {
            (hi, f_hi) = (x, fx);
            if kept == 1 {
                f_lo *= 0.5;
            }
            kept = 1;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_roots_of_smooth_and_of_nearly_vertical_curves() {
        let cube = |x: f64| x * x * x - 2.0;
        let r = increasing_root(cube, (0.0, -2.0), (2.0, 6.0), 1e-12);
        assert!((r - libm::cbrt(2.0)).abs() < 1e-9, "{r}");
        // A wall at 1 (like a queue's wait near capacity): flat, then almost vertical.
        let wall = |x: f64| x + 1e-3 / (1.0 - x).max(1e-12) - 5.0;
        let mut calls = 0;
        let r = increasing_root(
            |x| {
                calls += 1;
                wall(x)
            },
            (0.0, wall(0.0)),
            (1.0 - 1e-12, wall(1.0 - 1e-12)),
            1e-9,
        );
        assert!(wall(r).abs() < 1e-6, "{r}: {}", wall(r));
        assert!(calls < 100, "{calls} evaluations");
    }
}
