//! The one grammar for faults and restores, shared by `--inject`, the dashboard's command line
//! and drill files:
//!
//! ```text
//! kill-az:<az>               restore-az:<az>           (<az> is `b` or `<region>/b`)
//! kill-region:<region>       restore-region:<region>
//! spike:<factor>x[:<duration>]                          (spike:3x, spike:5x:10m)
//! drop-cache[:<cache>]       kill-db-primary[:<database>]
//! kill-instance:<group>      kill-instances:<group>:<az>   (every instance of it in the AZ)
//! kill-component:<component>[:<duration>]              (the whole component stops answering)
//! add-latency:<component>:<ms>[:<duration>]
//! degrade-instance:<group>:<factor>x[:<duration>]      (one instance runs slow)
//! hot-shard:<database>:<factor>x[:<duration>]          restore-all
//! set-retry:<caller>:<policy>                           (set-retry:users:budget)
//! ```

use crate::arch::{Architecture, Kind};
use crate::retry_policy::RetryPolicy;
use crate::units::Duration;
use serde::{Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    KillAz(String),
    RestoreAz(String),
    KillRegion(String),
    RestoreRegion(String),
    /// Multiply traffic by `factor` for `duration` (until restored when `None`).
    Spike {
        factor: f64,
        duration: Option<Duration>,
    },
    /// Flush one cache, or every cache.
    DropCache(Option<String>),
    /// Crash the writer of one database, or of the main one.
    KillDbPrimary(Option<String>),
    KillInstance(String),
    /// Every instance of a server pool in one AZ crashes (a bad deploy there, say); the rest
    /// of the AZ goes on.
    KillInstancesIn {
        group: String,
        az: String,
    },
    /// A whole component stops answering for `duration` (until restored when `None`): every
    /// request sent to it fails as to a dead target.
    KillComponent {
        component: String,
        duration: Option<Duration>,
    },
    /// One instance of a server pool runs `factor` times slower (a gray failure).
    DegradeInstance {
        group: String,
        factor: f64,
        duration: Option<Duration>,
    },
    AddLatency {
        component: String,
        ms: f64,
        duration: Option<Duration>,
    },
    /// Send `factor` times a database shard's fair share of traffic to it (a hot key range).
    HotShard {
        database: String,
        factor: f64,
        duration: Option<Duration>,
    },
    /// Undo every fault: AZs, regions, instances, spikes, latency, hot shards.
    RestoreAll,
    /// Switch a caller (`users`, or a server pool for its calls) to a named retry policy:
    /// deploy the fix mid-incident.
    SetRetry {
        caller: String,
        policy: String,
    },
}

/// The caller that stands for the users' clients in `set-retry`.
pub const USERS: &str = "users";

/// Every action's name and argument shape, for help and completion.
pub const FORMS: [(&str, &str); 15] = [
    ("kill-az", "kill-az:<az>"),
    ("restore-az", "restore-az:<az>"),
    ("kill-region", "kill-region:<region>"),
    ("restore-region", "restore-region:<region>"),
    ("spike", "spike:<factor>x[:<duration>]"),
    ("drop-cache", "drop-cache[:<cache>]"),
    ("kill-db-primary", "kill-db-primary[:<database>]"),
    ("kill-instance", "kill-instance:<group>"),
    ("kill-instances", "kill-instances:<group>:<az>"),
    ("kill-component", "kill-component:<component>[:<duration>]"),
    (
        "degrade-instance",
        "degrade-instance:<group>:<factor>x[:<duration>]",
    ),
    ("add-latency", "add-latency:<component>:<ms>[:<duration>]"),
    ("hot-shard", "hot-shard:<database>:<factor>x[:<duration>]"),
    ("restore-all", "restore-all"),
    ("set-retry", "set-retry:<caller>:<policy>"),
];

impl Action {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (name, rest) = text.split_once(':').unwrap_or((text, ""));
        let args: Vec<&str> = if rest.is_empty() {
            vec![]
        } else {
            split_args(rest)
        };
        let form = FORMS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = FORMS.iter().map(|(n, _)| *n).collect();
                format!("unknown action `{name}` (actions: {})", names.join(", "))
            })?;
        let bad = |why: &str| format!("{why}: expected `{form}`, got `{text}`");
        let one = |args: &[&str]| match args {
            [a] if !a.is_empty() => Ok(a.to_string()),
            _ => Err(bad("wrong arguments")),
        };
        let optional = |args: &[&str]| match args {
            [] => Ok(None),
            [a] if !a.is_empty() => Ok(Some(a.to_string())),
            _ => Err(bad("wrong arguments")),
        };
        // A slower instance, a hotter shard: a factor of 1 or less would be no fault.
        let above_one = |text: &str, why: &str| match factor(text).map_err(|e| bad(&e))? {
            f if f > 1.0 => Ok(f),
            _ => Err(bad(why)),
        };
        // A fault for no time at all would do nothing: leave the duration out to keep it.
        let duration = |d: Option<&&str>| -> Result<Option<Duration>, String> {
            match d
                .map(|d| Duration::parse(d).map_err(|e| bad(&e)))
                .transpose()?
            {
                Some(d) if d.secs() == 0 => Err(bad(
                    "a duration of 0 does nothing: give at least 1s, or none to last until restored",
                )),
                d => Ok(d),
            }
        };
        Ok(match name {
            "kill-az" => Action::KillAz(one(&args)?),
            "restore-az" => Action::RestoreAz(one(&args)?),
            "kill-region" => Action::KillRegion(one(&args)?),
            "restore-region" => Action::RestoreRegion(one(&args)?),
            "drop-cache" => Action::DropCache(optional(&args)?),
            "kill-db-primary" => Action::KillDbPrimary(optional(&args)?),
            "kill-instance" => Action::KillInstance(one(&args)?),
            "restore-all" if args.is_empty() => Action::RestoreAll,
            "spike" if (1..=2).contains(&args.len()) => Action::Spike {
                factor: factor(args[0]).map_err(|e| bad(&e))?,
                duration: duration(args.get(1))?,
            },
            "kill-instances" if args.len() == 2 => Action::KillInstancesIn {
                group: non_empty(args[0]).map_err(|e| bad(&e))?,
                az: non_empty(args[1]).map_err(|e| bad(&e))?,
            },
            "kill-component" if (1..=2).contains(&args.len()) => Action::KillComponent {
                component: non_empty(args[0]).map_err(|e| bad(&e))?,
                duration: duration(args.get(1))?,
            },
            "degrade-instance" if (2..=3).contains(&args.len()) => Action::DegradeInstance {
                group: non_empty(args[0]).map_err(|e| bad(&e))?,
                factor: above_one(
                    args[1],
                    "a degraded instance is slower: give a factor above 1",
                )?,
                duration: duration(args.get(2))?,
            },
            "add-latency" if (2..=3).contains(&args.len()) => Action::AddLatency {
                component: non_empty(args[0]).map_err(|e| bad(&e))?,
                ms: millis(args[1]).map_err(|e| bad(&e))?,
                duration: duration(args.get(2))?,
            },
            "set-retry" if args.len() == 2 => {
                let policy = non_empty(args[1]).map_err(|e| bad(&e))?;
                if RetryPolicy::named(&policy).is_none() {
                    let names: Vec<&str> = RetryPolicy::NAMED.iter().map(|(n, _, _)| *n).collect();
                    return Err(bad(&format!(
                        "unknown retry policy `{}` (policies: {})",
                        policy.escape_debug(),
                        names.join(", ")
                    )));
                }
                Action::SetRetry {
                    caller: non_empty(args[0]).map_err(|e| bad(&e))?,
                    policy,
                }
            }
            "hot-shard" if (2..=3).contains(&args.len()) => Action::HotShard {
                database: non_empty(args[0]).map_err(|e| bad(&e))?,
                factor: above_one(
                    args[1],
                    "a hot shard takes more than its share: give a factor above 1",
                )?,
                duration: duration(args.get(2))?,
            },
            _ => return Err(bad("wrong arguments")),
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Action::KillAz(_) => "kill-az",
            Action::RestoreAz(_) => "restore-az",
            Action::KillRegion(_) => "kill-region",
            Action::RestoreRegion(_) => "restore-region",
            Action::Spike { .. } => "spike",
            Action::DropCache(_) => "drop-cache",
            Action::KillDbPrimary(_) => "kill-db-primary",
            Action::KillInstance(_) => "kill-instance",
            Action::KillInstancesIn { .. } => "kill-instances",
            Action::KillComponent { .. } => "kill-component",
            Action::DegradeInstance { .. } => "degrade-instance",
            Action::AddLatency { .. } => "add-latency",
            Action::HotShard { .. } => "hot-shard",
            Action::RestoreAll => "restore-all",
            Action::SetRetry { .. } => "set-retry",
        }
    }

    /// Whether the action undoes damage rather than doing it.
    pub fn is_restore(&self) -> bool {
        matches!(
            self,
            Action::RestoreAz(_) | Action::RestoreRegion(_) | Action::RestoreAll
        )
    }

    /// Parses `text` and checks it against `arch`: the one grammar of `--inject`, drill files
    /// and the dashboard's command line. Case does not matter: `KILL-AZ:B` is `kill-az:b` (ids
    /// keep their case when they match as typed). The error is that of the text as typed.
    pub fn parse_checked(text: &str, arch: &Architecture) -> Result<Self, String> {
        let parse = |text: &str| -> Result<Self, String> {
            let action = Self::parse(text)?;
            action.check(arch)?;
            Ok(action)
        };
        let typed = text.trim();
        // The verb in lower case, ids as typed; then everything in lower case.
        let verb_lowered = match typed.split_once(':') {
            Some((verb, rest)) => format!("{}:{rest}", verb.to_lowercase()),
            None => typed.to_lowercase(),
        };
        parse(&verb_lowered).or_else(|e| parse(&typed.to_lowercase()).map_err(|_| e))
    }

    /// Checks that everything the action names exists in `arch`.
    pub fn check(&self, arch: &Architecture) -> Result<(), String> {
        let az = |name: &str| {
            arch.find_az(name).map(|_| ()).ok_or_else(|| {
                let names: Vec<String> = arch.all_azs().map(|a| arch.az_name(a)).collect();
                format!(
                    "no AZ `{name}` in preset {} (AZs: {})",
                    arch.name,
                    names.join(", ")
                )
            })
        };
        let region = |name: &str| {
            arch.find_region(name).map(|_| ()).ok_or_else(|| {
                let names: Vec<&str> = arch.regions.iter().map(|r| r.id.as_str()).collect();
                format!(
                    "no region `{name}` in preset {} (regions: {})",
                    arch.name,
                    names.join(", ")
                )
            })
        };
        let ids_of = |pred: &dyn Fn(&Kind) -> bool| -> Vec<String> {
            arch.nodes()
                .filter(|(_, c)| pred(&c.kind))
                .map(|(_, c)| c.id.clone())
                .collect()
        };
        let one_of = |what: &str, name: Option<&String>, ids: Vec<String>| {
            if ids.is_empty() {
                return Err(format!("preset {} has no {what}", arch.name));
            }
            match name {
                Some(n) if !ids.contains(n) => Err(format!(
                    "no {what} `{n}` in preset {} ({})",
                    arch.name,
                    ids.join(", ")
                )),
                _ => Ok(()),
            }
        };
        match self {
            Action::KillAz(a) | Action::RestoreAz(a) => az(a),
            Action::KillRegion(r) | Action::RestoreRegion(r) => region(r),
            Action::Spike { .. } | Action::RestoreAll => Ok(()),
            Action::DropCache(c) => one_of(
                "cache",
                c.as_ref(),
                ids_of(&|k| matches!(k, Kind::Cache(_))),
            ),
            // A cross-region copy too: once promoted it has a writer of its own.
            Action::KillDbPrimary(d) => one_of(
                "database",
                d.as_ref(),
                ids_of(&|k| matches!(k, Kind::Database(_))),
            ),
            Action::HotShard { database, .. } => {
                one_of(
                    "database or DynamoDB table",
                    Some(database),
                    ids_of(&|k| matches!(k, Kind::Database(_) | Kind::KvStore(_))),
                )?;
                let id = arch.find(database).expect("checked above");
                if matches!(arch.graph[id].kind, Kind::KvStore(_)) {
                    return Ok(()); // a hot key heats one of the table's own partitions
                }
                let siblings = arch.routes.iter().any(|r| {
                    r.next
                        .iter()
                        .any(|hops| hops.len() > 1 && hops.iter().any(|h| h.to == id))
                });
                if siblings {
                    Ok(())
                } else {
                    Err(format!(
                        "`{database}` is not one of several shards: nothing to skew toward it"
                    ))
                }
            }
            Action::KillInstance(g) => {
                let groups: Vec<String> = arch.groups().map(|(_, id)| id).collect();
                one_of("scaling group", Some(g), groups)
            }
            Action::AddLatency { component, .. } | Action::KillComponent { component, .. } => {
                one_of("component", Some(component), ids_of(&|_| true))
            }
            Action::DegradeInstance { group, .. } => one_of(
                "server pool",
                Some(group),
                ids_of(&|k| matches!(k, Kind::Pool(_))),
            ),
            Action::KillInstancesIn { group, az: name } => {
                one_of(
                    "server pool",
                    Some(group),
                    ids_of(&|k| matches!(k, Kind::Pool(_))),
                )?;
                az(name)?;
                let c = &arch.graph[arch.find(group).expect("checked above")];
                let wanted = arch.find_az(name).expect("checked above");
                if c.azs.contains(&wanted) {
                    Ok(())
                } else {
                    let names: Vec<String> = c.azs.iter().map(|&a| arch.az_name(a)).collect();
                    Err(format!(
                        "`{group}` has no instances in AZ {} (it runs in {})",
                        arch.az_name(wanted),
                        names.join(", ")
                    ))
                }
            }
            Action::SetRetry { caller, .. } => {
                let mut callers = vec![USERS.to_string()];
                callers.extend(ids_of(&|k| matches!(k, Kind::Pool(_))));
                if callers.contains(caller) {
                    Ok(())
                } else {
                    Err(format!(
                        "no caller `{}` with a retry policy (callers: {})",
                        caller.escape_debug(),
                        callers.join(", ")
                    ))
                }
            }
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        let until = |d: &Option<Duration>| d.map_or(String::new(), |d| format!(":{d}"));
        match self {
            Action::KillAz(x)
            | Action::RestoreAz(x)
            | Action::KillRegion(x)
            | Action::RestoreRegion(x)
            | Action::KillInstance(x) => {
                write!(f, "{name}:{x}")
            }
            Action::DropCache(x) | Action::KillDbPrimary(x) => match x {
                Some(x) => write!(f, "{name}:{x}"),
                None => write!(f, "{name}"),
            },
            Action::Spike { factor, duration } => write!(f, "spike:{factor}x{}", until(duration)),
            Action::AddLatency {
                component,
                ms,
                duration,
            } => {
                write!(f, "add-latency:{component}:{ms}{}", until(duration))
            }
            Action::HotShard {
                database,
                factor,
                duration,
            } => {
                write!(f, "hot-shard:{database}:{factor}x{}", until(duration))
            }
            Action::DegradeInstance {
                group,
                factor,
                duration,
            } => {
                write!(f, "degrade-instance:{group}:{factor}x{}", until(duration))
            }
            Action::KillInstancesIn { group, az } => write!(f, "kill-instances:{group}:{az}"),
            Action::KillComponent {
                component,
                duration,
            } => write!(f, "kill-component:{component}{}", until(duration)),
            Action::RestoreAll => write!(f, "restore-all"),
            Action::SetRetry { caller, policy } => write!(f, "set-retry:{caller}:{policy}"),
        }
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// Splits arguments on `:`, keeping `region/az` (which holds no colon) intact.
fn split_args(rest: &str) -> Vec<&str> {
    rest.split(':').map(str::trim).collect()
}

fn non_empty(s: &str) -> Result<String, String> {
    if s.is_empty() {
        Err("an argument is empty".into())
    } else {
        Ok(s.to_string())
    }
}

fn factor(s: &str) -> Result<f64, String> {
    let number = s.strip_suffix('x').unwrap_or(s);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a factor like 3x"))?;
    if !(value.is_finite() && value > 0.0 && value <= 1_000.0) {
        return Err(format!(
            "the factor must be above 0 and at most 1000, got `{s}`"
        ));
    }
    Ok(value)
}

fn millis(s: &str) -> Result<f64, String> {
    let number = s.strip_suffix("ms").unwrap_or(s);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a number of milliseconds"))?;
    if !(0.0..=600_000.0).contains(&value) {
        return Err(format!(
            "added latency must be between 0 and 600000 ms, got `{s}`"
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_parses_and_prints_back_the_same() {
        for text in [
            "kill-az:a",
            "kill-az:seoul/b",
            "restore-az:a",
            "kill-region:tokyo",
            "restore-region:tokyo",
            "spike:3x",
            "spike:5x:10m",
            "spike:1.5x:90s",
            "drop-cache",
            "drop-cache:sessions",
            "kill-db-primary",
            "kill-db-primary:shard2",
            "kill-instance:web",
            "kill-instances:web:seoul/b",
            "degrade-instance:web:4x",
            "degrade-instance:api:2.5x:10m",
            "add-latency:cache:50",
            "add-latency:db:250:5m",
            "hot-shard:shard1:4x:10m",
            "restore-all",
            "set-retry:users:budget",
        ] {
            let action = Action::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(action.to_string(), text);
        }
    }

    #[test]
    fn mistakes_say_what_was_expected() {
        for (text, expect) in [
            ("kil-az:a", "unknown action"),
            ("kill-az", "expected `kill-az:<az>`"),
            ("kill-az:a:b", "expected `kill-az:<az>`"),
            ("spike:fast", "not a factor"),
            ("spike:0x", "above 0"),
            ("spike:nanx", "above 0"),
            ("spike:3x:10y", "unknown time unit"),
            ("spike:5x:0", "a duration of 0 does nothing"),
            ("add-latency:dns:50:0s", "a duration of 0 does nothing"),
            ("add-latency:cache", "expected `add-latency"),
            ("add-latency:cache:-5", "between 0 and"),
            ("restore-all:now", "expected `restore-all`"),
            ("degrade-instance:web", "expected `degrade-instance"),
            ("degrade-instance:web:0.5x", "factor above 1"),
            ("hot-shard:shard1:0.5x", "factor above 1"),
            ("hot-shard:shard1:1x", "factor above 1"),
            ("set-retry:users:often", "unknown retry policy"),
            ("set-retry:users", "expected `set-retry"),
            ("", "unknown action"),
        ] {
            let err = Action::parse(text).expect_err(text);
            assert!(err.contains(expect), "{text}: {err}");
        }
    }

    /// `--inject`, drill files and the command line read actions alike, in any case; an error
    /// quotes the text as typed.
    #[test]
    fn case_does_not_matter_where_actions_are_checked() {
        let arch = crate::preset::load("1m").unwrap();
        for (typed, canonical) in [
            ("KILL-AZ:A", "kill-az:a"),
            ("Kill-Region:Seoul", "kill-region:seoul"),
            ("  SPIKE:3X:5M ", "spike:3x:5m"),
            ("restore-all", "restore-all"),
        ] {
            assert_eq!(
                Action::parse_checked(typed, &arch),
                Action::parse(canonical),
                "{typed}"
            );
        }
        let err = Action::parse_checked("KILL-AZ:Q", &arch).unwrap_err();
        assert!(err.contains('q') || err.contains('Q'), "{err}");
        assert!(Action::parse_checked("kill-az:nowhere", &arch).is_err());
    }
}
