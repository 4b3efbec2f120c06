//! The drill file format, exactly as written in TOML.
//!
//! Every table refuses unknown fields, and every value a later check may reject is kept with
//! its place in the file ([`Spanned`]) so the error points at it. Nothing here is validated
//! beyond single values; [`super::build`] checks the whole against the preset.

use crate::units::{Duration, Threshold, Users};
use serde::{Deserialize, Deserializer, de};
use std::fmt;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillSpec {
    pub title: Spanned<String>,
    #[serde(default)]
    pub description: String,
    /// A built-in preset name, or a preset file relative to the drill file.
    pub preset: Spanned<String>,
    pub seed: Option<u64>,
    pub users: Option<Spanned<Users>>,
    pub duration: Spanned<Duration>,
    #[serde(default)]
    pub expect: Expect,
    /// Actions applied when the drill ends, so a live session can carry on.
    #[serde(default)]
    pub rollback: Vec<Spanned<String>>,
    #[serde(default)]
    pub steady_state: Vec<Spanned<ConditionSpec>>,
    #[serde(default)]
    pub step: Vec<Spanned<StepSpec>>,
    #[serde(default)]
    pub check: Vec<Spanned<CheckSpec>>,
}

/// The verdict a drill is written to reach: most show a design coping, some show it failing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    #[default]
    Pass,
    Fail,
}

/// A `[[steady_state]]` condition: must hold over the time before the first step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionSpec {
    pub name: Option<String>,
    pub metric: Spanned<String>,
    pub component: Option<Spanned<String>>,
    pub of: Option<Aggregate>,
    pub max: Option<Spanned<Threshold>>,
    pub min: Option<Spanned<Threshold>>,
    /// How long before the first step the window starts (default: from the start).
    pub over: Option<Spanned<Duration>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// A name checks can refer to (`step = "kill"`).
    pub id: Option<Spanned<String>>,
    /// Simulated time since the start of the drill.
    pub at: Option<Spanned<Duration>>,
    /// Simulated time since the previous step (or the start, for the first).
    pub after: Option<Spanned<Duration>>,
    pub action: Spanned<String>,
    pub narration: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    /// A metric over a window against a bound.
    Metric,
    /// An event that must (or must not) happen within a time.
    Event,
    /// How long until a metric is back within a bound, and stays there.
    Recover,
}

/// A `[[check]]`. Which fields apply depends on `kind`; the others are refused by the builder.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub name: Option<String>,
    pub kind: Spanned<CheckKind>,
    /// The step times are counted from: its id or its number (1 is the first step). Without
    /// it, times count from the start of the drill.
    pub step: Option<Spanned<StepRef>>,
    pub metric: Option<Spanned<String>>,
    pub component: Option<Spanned<String>>,
    pub of: Option<Spanned<Aggregate>>,
    pub max: Option<Spanned<Threshold>>,
    pub min: Option<Spanned<Threshold>>,
    pub from: Option<Spanned<Duration>>,
    pub to: Option<Spanned<Duration>>,
    pub event: Option<Spanned<String>>,
    pub must: Option<Spanned<bool>>,
    pub within: Option<Spanned<Duration>>,
    pub hold: Option<Spanned<Duration>>,
}

/// How a window of per-second values becomes one number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    Max,
    Min,
    /// For error rate and availability: over every request in the window, not per second.
    #[default]
    Mean,
    /// The value in the window's last second.
    Last,
}

impl Aggregate {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregate::Max => "max",
            Aggregate::Min => "min",
            Aggregate::Mean => "mean",
            Aggregate::Last => "last",
        }
    }
}

/// A step named by its id (`"kill"`) or its number (`2`, counting from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRef {
    Number(i64),
    Id(String),
}

impl<'de> Deserialize<'de> for StepRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl de::Visitor<'_> for Visit {
            type Value = StepRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a step id like \"kill\" or a step number like 2")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StepRef, E> {
                Ok(StepRef::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StepRef, E> {
                Ok(StepRef::Number(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StepRef, E> {
                Ok(StepRef::Id(v.to_string()))
            }
        }
        d.deserialize_any(Visit)
    }
}
