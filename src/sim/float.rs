//! The smaller or larger of two floats, for hot paths whose first operand is never NaN.
//!
//! `f64::min` and `f64::max` must return the other operand when one is NaN, which baseline
//! x86-64 (SSE2) has no single instruction for: each is a compare, a min and a blend. A plain
//! comparison is one compare and a select. With a first operand that is not NaN the result is
//! the same value, and a NaN second operand is ignored as `f64::min` ignores it.

/// `a.min(b)` for an `a` that is not NaN.
#[inline(always)]
pub fn lesser(a: f64, b: f64) -> f64 {
    debug_assert!(!a.is_nan());
    if b < a { b } else { a }
}

/// `a.max(b)` for an `a` that is not NaN.
#[inline(always)]
pub fn greater(a: f64, b: f64) -> f64 {
    debug_assert!(!a.is_nan());
    if b > a { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn they_agree_with_min_and_max_when_the_first_operand_is_a_number() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1e-300,
            f64::MIN_POSITIVE / 4.0,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for &a in &values {
            for &b in values.iter().chain([f64::NAN].iter()) {
                // Equal values of opposite sign (±0) may come back either way from `min`.
                let same = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
                assert!(same(lesser(a, b), a.min(b)), "lesser({a}, {b})");
                assert!(same(greater(a, b), a.max(b)), "greater({a}, {b})");
            }
        }
    }
}
