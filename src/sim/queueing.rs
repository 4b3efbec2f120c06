//! M/M/c queueing formulas (Kleinrock, *Queueing Systems* vol. 1, §3.5).
//!
//! `c` identical servers each finish work at rate μ; requests arrive at rate λ; the offered
//! load is `a = λ/μ` Erlangs and utilisation `ρ = a/c`. An arriving request waits with the
//! Erlang C probability `C(c, a)`; if it waits, the wait is exponential with rate `cμ − λ`.

/// Servers above which the Erlang C probability switches from the exact recursion to a normal
/// approximation, keeping the cost per call bounded however large the pool.
const EXACT_UP_TO: f64 = 256.0;

/// Probability that an arrival has to wait in an M/M/c queue with `servers` servers and
/// offered load `load` Erlangs. 1 when `load ≥ servers`.
pub fn erlang_c(servers: f64, load: f64) -> f64 {
    let c = servers.floor();
    if load <= 0.0 || c < 1.0 {
        return if c < 1.0 { 1.0 } else { 0.0 };
    }
    if load >= c {
        return 1.0;
    }
    let rho = load / c;
    let b = if c <= EXACT_UP_TO {
        // Erlang B by the stable recursion B(k) = a·B(k−1) / (k + a·B(k−1)).
        let mut b = 1.0;
        let mut k = 1.0;
        while k <= c {
            b = load * b / (k + load * b);
            k += 1.0;
        }
        b
    } else {
        erlang_b_normal(c, load)
    };
    b / (1.0 - rho * (1.0 - b))
}

/// Erlang B is P(N = c) / P(N ≤ c) for N ~ Poisson(a). For many servers the Poisson terms are
/// close to a normal density: with x = (c + ½ − a)/√a (a continuity correction),
/// `B ≈ φ(x) / (√a · Φ(x))`. Across 257–4000 servers and ρ from 0.5 to 0.99 the Erlang C it
/// gives is within 0.004 (absolute) of the exact value.
fn erlang_b_normal(c: f64, load: f64) -> f64 {
    let x = (c + 0.5 - load) / load.sqrt();
    if x > 37.0 {
        return 0.0; // φ(x) underflows; the probability is far below anything observable
    }
    let phi = libm::exp(-x * x / 2.0) / (2.0 * std::f64::consts::PI).sqrt();
    let big_phi = 0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2));
    phi / (load.sqrt() * big_phi)
}

/// Mean waiting time in queue (seconds) for an M/M/c queue: `C / (cμ − λ)`.
pub fn mean_wait(servers: f64, load: f64, service_s: f64) -> f64 {
    let c = servers.floor();
    if load >= c {
        return f64::INFINITY;
    }
    erlang_c(servers, load) * service_s / (c - load)
}

/// Probability that waiting plus service exceeds `t` seconds, when a request waits with
/// probability `p_wait` for an Exp(`wait_rate`) time and is served for an Exp(1/`service_s`) time.
pub fn response_tail(p_wait: f64, wait_rate: f64, service_s: f64, t: f64) -> f64 {
    if t <= 0.0 {
        return 1.0;
    }
    if !t.is_finite() {
        return 0.0; // nobody gives up
    }
    if service_s <= 0.0 {
        // Nothing to serve (a slot held for no time): only the wait can run late.
        return if p_wait > 0.0 {
            (p_wait * libm::exp(-wait_rate * t)).clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
    let mu = 1.0 / service_s;
    let served_late = libm::exp(-mu * t);
    // Wait + service is hypoexponential: (θe^{−μt} − μe^{−θt}) / (θ − μ), or its limit θ → μ.
    let waited_late = if p_wait <= 0.0 {
        0.0
    } else if (wait_rate - mu).abs() < 1e-9 * mu {
        served_late * (1.0 + mu * t)
    } else {
        (wait_rate * served_late - mu * libm::exp(-wait_rate * t)) / (wait_rate - mu)
    };
    ((1.0 - p_wait) * served_late + p_wait * waited_late).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Erlang C computed directly from its definition, for checking.
    fn erlang_c_by_definition(c: u32, a: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 1.0; // k = 0
        for k in 1..c {
            term *= a / k as f64;
            sum += term;
        }
        let last = term * a / c as f64 * c as f64 / (c as f64 - a);
        last / (sum + last)
    }

    #[test]
    fn erlang_c_matches_its_definition() {
        for c in [1, 2, 5, 16, 50] {
            for rho in [0.1, 0.5, 0.8, 0.95] {
                let a = rho * c as f64;
                let (got, want) = (erlang_c(c as f64, a), erlang_c_by_definition(c, a));
                assert!((got - want).abs() < 1e-12, "c={c} ρ={rho}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn single_server_waits_with_probability_rho() {
        // M/M/1: C(1, ρ) = ρ, mean wait ρ/(μ−λ).
        assert!((erlang_c(1.0, 0.7) - 0.7).abs() < 1e-12);
        let w = mean_wait(1.0, 0.5, 0.1);
        assert!((w - 0.1).abs() < 1e-12, "{w}");
    }

    /// The exact recursion, at any size, for checking the approximation.
    fn erlang_c_exact(c: u32, a: f64) -> f64 {
        let mut b = 1.0;
        for k in 1..=c {
            b = a * b / (f64::from(k) + a * b);
        }
        b / (1.0 - a / f64::from(c) * (1.0 - b))
    }

    #[test]
    fn the_large_pool_approximation_is_within_half_a_percent_point() {
        for c in [257, 300, 500, 1_000, 4_000] {
            for rho in [0.5, 0.8, 0.9, 0.95, 0.98, 0.99] {
                let a = rho * f64::from(c);
                let (approx, exact) = (erlang_c(f64::from(c), a), erlang_c_exact(c, a));
                assert!(
                    (approx - exact).abs() < 0.005,
                    "c={c} ρ={rho}: {approx} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn tail_is_one_at_zero_and_falls_like_an_exponential_without_queueing() {
        assert_eq!(response_tail(0.5, 3.0, 0.1, 0.0), 1.0);
        let t = response_tail(0.0, 1.0, 0.1, 0.3);
        assert!((t - libm::exp(-3.0)).abs() < 1e-12);
        // With equal rates the limit formula is continuous with its neighbours.
        let at = response_tail(1.0, 10.0, 0.1, 0.2);
        let near = response_tail(1.0, 10.0 + 1e-6, 0.1, 0.2);
        assert!((at - near).abs() < 1e-6, "{at} vs {near}");
    }

    #[test]
    fn tail_is_finite_without_service_or_deadline() {
        assert_eq!(response_tail(0.5, 3.0, 0.1, f64::INFINITY), 0.0);
        let t = response_tail(0.5, 2.0, 0.0, 1.0);
        assert!((t - 0.5 * libm::exp(-2.0)).abs() < 1e-12, "{t}");
        assert_eq!(response_tail(1e-150, 30.0, 0.0, f64::INFINITY), 0.0);
    }
}
