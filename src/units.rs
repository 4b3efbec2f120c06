//! The numbers a preset or drill file may hold, each with the range that makes sense for it.
//!
//! Ranges are checked while the TOML is read, so an error points at the offending value's own
//! line and column. NaN, infinities, negatives and absurd magnitudes never reach the model.

use serde::{Deserialize, Deserializer, de};
use std::fmt;

/// `value` within `[min, max]`, or `(min, max]` when `above`.
fn check(value: f64, (min, max): (f64, f64), above: bool, what: &str) -> Result<f64, String> {
    if value.is_nan() {
        return Err(format!("{what} must be a number, not NaN"));
    }
    let low = if above { value <= min } else { value < min };
    if low || value > max {
        let range = if above {
            format!("above {min} and at most {max}")
        } else {
            format!("between {min} and {max}")
        };
        return Err(format!("{what} must be {range}, got {}", Shown(value)));
    }
    Ok(value)
}

/// A number as an error quotes it: as written for everyday sizes, in scientific notation
/// beyond them (`1e300`, not three hundred digits).
struct Shown(f64);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v != 0.0 && v.is_finite() && !(1e-6..1e15).contains(&v.abs()) {
            write!(f, "{v:e}")
        } else {
            write!(f, "{v}")
        }
    }
}

/// Declares a real number type that only holds values in `[min, max]`, or in `(min, max]`
/// written `above min`.
macro_rules! bounded_real {
    ($(#[$doc:meta])* $name:ident, above $min:expr, $max:expr, $what:literal) => {
        bounded_real!(@type $(#[$doc])* $name, $min, $max, true, $what);
    };
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $what:literal) => {
        bounded_real!(@type $(#[$doc])* $name, $min, $max, false, $what);
    };
    (@type $(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $above:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(f64);

        impl $name {
            pub const MIN: f64 = $min;
            pub const MAX: f64 = $max;

            pub fn new(value: f64) -> Result<Self, String> {
                check(value, ($min, $max), $above, $what).map(Self)
            }

            pub fn get(self) -> f64 {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Self::new(f64::deserialize(d)?).map_err(de::Error::custom)
            }
        }
    };
}

/// Declares a whole-number type that only holds values in `[min, max]`.
macro_rules! bounded_count {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            pub const MIN: u32 = $min;
            pub const MAX: u32 = $max;

            pub fn new(value: u32) -> Result<Self, String> {
                if (Self::MIN..=Self::MAX).contains(&value) {
                    Ok(Self(value))
                } else {
                    Err(format!("{} must be between {} and {}, got {value}", $what, Self::MIN, Self::MAX))
                }
            }

            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = i64::deserialize(d)?;
                let value = u32::try_from(value).map_err(|_| {
                    de::Error::custom(format!("{} must be between {} and {}, got {value}", $what, Self::MIN, Self::MAX))
                })?;
                Self::new(value).map_err(de::Error::custom)
            }
        }
    };
}

bounded_real!(
    /// A share of something: a hit ratio, a traffic mix, a fraction of users.
    Fraction, 0.0, 1.0, "a fraction"
);
bounded_real!(
    /// A share that must be more than nothing: a target utilisation, a circuit breaker's
    /// failure ratio or probe share, where 0 would mean scaling without end, a breaker always
    /// open, or one never probing.
    Share, above 0.0, 1.0, "a share"
);
bounded_real!(
    /// An availability objective such as 0.999 ("three nines").
    Availability, 0.5, 0.999_999, "an availability target"
);
bounded_real!(
    /// A duration in milliseconds (latency, service time, timeout): up to ten minutes.
    Millis, 0.001, 600_000.0, "a time in milliseconds"
);
bounded_real!(
    /// A duration in seconds (health-check interval, warm-up, failover): up to a week.
    Seconds, 0.0, 604_800.0, "a time in seconds"
);
bounded_real!(
    /// How long a failover takes, in seconds: detecting the loss and moving a DNS name take
    /// time (RDS Multi-AZ 60–120 s, Aurora under 30–60 s); one of no time would make a
    /// crash harmless.
    FailoverSeconds, 1.0, 604_800.0, "a failover time in seconds"
);
bounded_real!(
    /// A multiplier such as a peak-to-trough ratio or a traffic spike.
    Factor, 1.0, 1_000.0, "a factor"
);
bounded_real!(
    /// Active users of the service: one to ten billion.
    Users, 1.0, 1e10, "a number of users"
);
bounded_real!(
    /// Requests per second sent by one active user at the daily peak.
    PerUserRate, 1e-6, 100.0, "requests per second per user"
);
bounded_real!(
    /// An hour of the day, 0 to 24.
    HourOfDay, 0.0, 24.0, "an hour of the day"
);
bounded_real!(
    /// A relative weight (a share of traffic between siblings), any positive size.
    Weight, 1e-6, 1e6, "a weight"
);
bounded_real!(
    /// A per-node request capacity, such as a cache node's operations per second.
    OpsPerSecond, 1.0, 1e9, "operations per second"
);

bounded_real!(
    /// The exponent of a Zipf law: 0 is evenly popular, about 1 a few keys take most reads.
    ZipfExponent, 0.0, 3.0, "a Zipf exponent"
);

bounded_real!(
    /// A bound in a drill check: a rate, a latency, a count, a ratio (never negative).
    Threshold, 0.0, 1e12, "a bound"
);

bounded_count!(
    /// A number of instances, pods, nodes or replicas (zero allowed: a pool can be empty).
    Count, 0, 100_000, "a count"
);
bounded_count!(
    /// Concurrent servers inside one instance (vCPUs or worker threads).
    Cpus, 1, 1_024, "a number of vCPUs"
);
bounded_count!(
    /// A connection limit or pool size.
    Connections, 1, 1_000_000, "a number of connections"
);
bounded_count!(
    /// Requests one instance works on at once (worker threads).
    Threads, 1, 1_000_000, "a number of threads"
);
bounded_count!(
    /// Attempts a caller makes at one request, the first included.
    Attempts, 1, 8, "a number of attempts"
);
bounded_count!(
    /// A number of consecutive checks, such as a health-check threshold.
    Checks, 1, 10, "a number of checks"
);
bounded_count!(
    /// A number of distinct keys a cache must hold to be warm.
    Keys, 1, 4_000_000_000u32, "a number of keys"
);

/// A simulated span of time in whole seconds, written `90`, `"90s"`, `"15m"`, `"1.5h"`, `"2d"`
/// or `"5m30s"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Duration(u64);

/// The longest span a run may cover: a year of simulated time.
const MAX_DURATION_S: f64 = 366.0 * 86_400.0;

impl Duration {
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs)
    }

    pub fn secs(self) -> u64 {
        self.0
    }

    /// Parses `90`, `90s`, `15m`, `24h`, `2d` (decimals allowed: `1.5h`) into whole seconds,
    /// and spans of several units largest first, as `spoken` writes them: `5m30s`, `8m 2s`,
    /// `1h 30m`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.starts_with('-') {
            return Err(format!("`{text}`: a duration must be zero or more"));
        }
        let not_a_duration = || format!("`{text}` is not a duration (try 90, 90s, 15m or 24h)");
        let units = [("d", 86_400.0), ("h", 3_600.0), ("m", 60.0), ("s", 1.0)];
        let mut rest = text;
        let mut total = 0.0;
        // Each term's unit comes after the one before it in `units`.
        let mut next_unit = 0;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let (number, after) = rest.split_at(digits);
            let after = after.trim_start();
            let letters = after
                .find(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace())
                .unwrap_or(after.len());
            let (unit, after) = after.split_at(letters);
            rest = after.trim_start();
            let scale = match units.iter().position(|&(u, _)| u == unit) {
                // A bare number is seconds, on its own.
                None if unit.is_empty() && total == 0.0 && rest.is_empty() && next_unit == 0 => 1.0,
                Some(i) if i >= next_unit => {
                    next_unit = i + 1;
                    units[i].1
                }
                Some(_) => {
                    return Err(format!(
                        "`{text}`: write its units largest first, each once (as in 1h 30m)"
                    ));
                }
                None if unit.is_empty() => return Err(not_a_duration()),
                None => {
                    return Err(format!(
                        "unknown time unit `{unit}` in `{text}` (use s, m, h or d, as in 90s, 15m, 24h)"
                    ));
                }
            };
            let value: f64 = number.parse().map_err(|_| not_a_duration())?;
            total += value * scale;
        }
        if text.is_empty() {
            return Err(not_a_duration());
        }
        Self::from_f64_secs(total).map_err(|e| format!("`{text}`: {e}"))
    }

    fn from_f64_secs(secs: f64) -> Result<Self, String> {
        if !secs.is_finite() || secs < 0.0 {
            return Err("a duration must be zero or more".into());
        }
        if secs > MAX_DURATION_S {
            return Err("a duration may be at most 366 days".into());
        }
        if secs.fract() != 0.0 {
            return Err("the simulation steps in whole seconds".into());
        }
        Ok(Self(secs as u64))
    }
}

impl Duration {
    /// For people rather than parsers: every unit it spans, largest first (`8m 2s`, `36h`,
    /// `3d 6h`). Days start at two, as people count them: a day's run is "24h".
    pub fn spoken(self) -> String {
        let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
        let mut left = self.0;
        let units = if left >= 2 * 86_400 {
            &units[..]
        } else {
            &units[1..]
        };
        let mut parts = Vec::new();
        for &(size, unit) in units {
            if left >= size {
                parts.push(format!("{}{unit}", left / size));
                left %= size;
            }
        }
        if parts.is_empty() {
            return "0s".into();
        }
        parts.join(" ")
    }
}

/// One unit, so that it parses back: what `--record` writes and actions echo.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        match s {
            _ if s >= 2 * 86_400 && s.is_multiple_of(86_400) => write!(f, "{}d", s / 86_400),
            _ if s >= 3_600 && s.is_multiple_of(3_600) => write!(f, "{}h", s / 3_600),
            _ if s >= 60 && s.is_multiple_of(60) => write!(f, "{}m", s / 60),
            _ => write!(f, "{s}s"),
        }
    }
}

impl std::str::FromStr for Duration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl de::Visitor<'_> for Visit {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a duration: seconds as a number, or a string like \"90s\", \"15m\", \"2h\"",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
                Duration::from_f64_secs(v as f64).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
                Duration::from_f64_secs(v as f64).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
                Duration::from_f64_secs(v).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_documented_form() {
        let cases = [
            ("90", 90),
            ("90s", 90),
            ("15m", 900),
            ("24h", 86_400),
            ("1.5h", 5_400),
            ("2d", 172_800),
            ("0", 0),
            ("5m30s", 330),
            ("8m 2s", 482),
            ("1h 30m", 5_400),
            ("3d 6h", 280_800),
            ("1h0m5s", 3_605),
        ];
        for (text, secs) in cases {
            assert_eq!(Duration::parse(text), Ok(Duration(secs)), "{text}");
        }
        // What the dashboard writes for people parses back.
        for secs in [0, 59, 61, 482, 3_600, 90_061, 172_801, 280_800] {
            let spoken = Duration(secs).spoken();
            assert_eq!(Duration::parse(&spoken), Ok(Duration(secs)), "{spoken}");
        }
    }

    #[test]
    fn spans_of_several_units_go_largest_first_each_once() {
        for text in ["30s5m", "5m 5m", "90 5m", "5m 90", "1h 1d"] {
            let err = Duration::parse(text).expect_err(text);
            assert!(!err.is_empty(), "{text}");
        }
        assert!(
            Duration::parse("30s5m")
                .unwrap_err()
                .contains("largest first")
        );
    }

    #[test]
    fn bad_durations_are_refused_with_a_reason() {
        for text in ["", "s", "10x", "-5s", "1.5s", "1e9h", "nan", "ten"] {
            let err = Duration::parse(text).expect_err(text);
            assert!(!err.is_empty());
        }
        for text in ["-5m", "-0", " -1h"] {
            let err = Duration::parse(text).expect_err(text);
            assert!(
                err.ends_with("a duration must be zero or more"),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn durations_print_in_their_largest_whole_unit() {
        assert_eq!(Duration(5_400).to_string(), "90m");
        assert_eq!(Duration(7_200).to_string(), "2h");
        assert_eq!(Duration(61).to_string(), "61s");
        assert_eq!(Duration(8 * 86_400).to_string(), "8d");
        assert_eq!(Duration(36 * 3_600).to_string(), "36h");
        assert_eq!(Duration(86_400).to_string(), "24h");
        for s in [0, 59, 61, 5_400, 86_400, 8 * 86_400, 90_061] {
            let shown = Duration(s).to_string();
            assert_eq!(Duration::parse(&shown), Ok(Duration(s)), "{shown}");
        }
    }

    #[test]
    fn spoken_durations_name_every_unit_they_span() {
        assert_eq!(Duration(482).spoken(), "8m 2s");
        assert_eq!(Duration(0).spoken(), "0s");
        assert_eq!(Duration(3_600).spoken(), "1h");
        assert_eq!(Duration(90_061).spoken(), "25h 1m 1s");
        assert_eq!(Duration(86_400).spoken(), "24h");
        assert_eq!(Duration(2 * 86_400 + 1).spoken(), "2d 1s");
        assert_eq!(Duration(8 * 86_400).spoken(), "8d");
    }

    #[test]
    fn bounded_numbers_refuse_nan_and_out_of_range() {
        assert!(Fraction::new(f64::NAN).is_err());
        assert!(Fraction::new(1.01).is_err());
        assert!(Millis::new(0.0).is_err());
        assert!(Millis::new(f64::INFINITY).is_err());
        assert_eq!(Fraction::new(0.25).map(Fraction::get), Ok(0.25));
        assert!(Count::new(100_001).is_err());
    }

    #[test]
    fn a_share_is_more_than_nothing() {
        assert_eq!(
            Share::new(0.0).unwrap_err(),
            "a share must be above 0 and at most 1, got 0"
        );
        assert!(Share::new(1.5).is_err() && Share::new(f64::NAN).is_err());
        assert_eq!(Share::new(1.0).map(Share::get), Ok(1.0));
        assert_eq!(Share::new(1e-9).map(Share::get), Ok(1e-9));
    }

    /// An error quotes a number the way a person would write it, however large.
    #[test]
    fn errors_quote_huge_and_tiny_numbers_briefly() {
        let said = |v: f64| Users::new(v).unwrap_err();
        assert!(said(1e300).ends_with("got 1e300"), "{}", said(1e300));
        assert!(said(9.223372036854776e18).ends_with("got 9.223372036854776e18"));
        assert!(said(2e10).ends_with("got 20000000000"), "{}", said(2e10));
        assert!(said(0.5).ends_with("got 0.5"));
        assert!(said(1e-9).ends_with("got 1e-9"));
        assert!(said(-3.0).ends_with("got -3"));
        assert!(said(f64::INFINITY).ends_with("got inf"));
    }
}
