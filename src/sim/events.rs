//! The event log: what happened, when (simulated seconds), to which component.

use crate::arch::{Architecture, AzRef};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An injected fault (kill, spike, flush, added latency).
    Fault,
    /// An operator restored something, or a timed fault ended.
    Restore,
    ScaleOut,
    ScaleIn,
    /// Instances launched (replacements, scale-out, rebalancing).
    Launch,
    HealthCheckFail,
    HealthCheckOk,
    /// DNS changed where it sends users.
    Reroute,
    FailoverStart,
    FailoverDone,
    /// A cache lost its contents and starts cold.
    CacheCold,
    /// A cold cache is warm again.
    CacheWarm,
    /// The SLO is being missed over the last minute.
    SloBreach,
    /// The service (or a component) is back to normal.
    Recovered,
    /// An operator changed a setting (a retry policy).
    Change,
    /// A pool's threads or pooled connections are all taken: requests queue for one.
    Saturated,
    /// Retries are a large share of the traffic: failures feeding more load.
    RetryStorm,
    /// A circuit breaker opened: calls fail at once in the caller.
    CircuitOpen,
    /// A circuit breaker closed again after good probes.
    CircuitClose,
    /// A pool refuses requests at once rather than queueing them (load shedding).
    Shed,
    /// Users' requests fail: where most of them fail, and how.
    Failing,
    /// Acknowledged writes that no surviving copy holds (asynchronous replication).
    WritesLost,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Fault => "fault",
            EventKind::Restore => "restore",
            EventKind::ScaleOut => "scale_out",
            EventKind::ScaleIn => "scale_in",
            EventKind::Launch => "launch",
            EventKind::HealthCheckFail => "health_check_fail",
            EventKind::HealthCheckOk => "health_check_ok",
            EventKind::Reroute => "reroute",
            EventKind::FailoverStart => "failover_start",
            EventKind::FailoverDone => "failover_done",
            EventKind::CacheCold => "cache_cold",
            EventKind::CacheWarm => "cache_warm",
            EventKind::SloBreach => "slo_breach",
            EventKind::Recovered => "recovered",
            EventKind::Change => "change",
            EventKind::Saturated => "saturated",
            EventKind::RetryStorm => "retry_storm",
            EventKind::CircuitOpen => "circuit_open",
            EventKind::CircuitClose => "circuit_close",
            EventKind::Shed => "shed",
            EventKind::Failing => "failing",
            EventKind::WritesLost => "writes_lost",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub const ALL: [EventKind; 22] = [
        EventKind::Fault,
        EventKind::Restore,
        EventKind::ScaleOut,
        EventKind::ScaleIn,
        EventKind::Launch,
        EventKind::HealthCheckFail,
        EventKind::HealthCheckOk,
        EventKind::Reroute,
        EventKind::FailoverStart,
        EventKind::FailoverDone,
        EventKind::CacheCold,
        EventKind::CacheWarm,
        EventKind::SloBreach,
        EventKind::Recovered,
        EventKind::Change,
        EventKind::Saturated,
        EventKind::RetryStorm,
        EventKind::CircuitOpen,
        EventKind::CircuitClose,
        EventKind::Shed,
        EventKind::Failing,
        EventKind::WritesLost,
    ];

    pub fn severity(self) -> Severity {
        match self {
            EventKind::Fault
            | EventKind::SloBreach
            | EventKind::HealthCheckFail
            | EventKind::Saturated
            | EventKind::RetryStorm
            | EventKind::Failing
            | EventKind::WritesLost => Severity::Bad,
            EventKind::FailoverStart
            | EventKind::CacheCold
            | EventKind::CircuitOpen
            | EventKind::Shed => Severity::Warning,
            EventKind::ScaleOut
            | EventKind::ScaleIn
            | EventKind::Launch
            | EventKind::Reroute
            | EventKind::Change => Severity::Info,
            EventKind::Restore
            | EventKind::HealthCheckOk
            | EventKind::FailoverDone
            | EventKind::CacheWarm
            | EventKind::Recovered
            | EventKind::CircuitClose => Severity::Good,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Good,
    Warning,
    Bad,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Simulated seconds since the start of the run.
    pub t: u64,
    pub kind: EventKind,
    pub component: Option<String>,
    pub message: String,
}

/// Collects events as the simulation steps.
#[derive(Debug, Clone)]
pub struct Events {
    list: Vec<Event>,
    now: u64,
    az_names: Vec<Vec<String>>,
}

impl Events {
    pub fn new(arch: &Architecture) -> Self {
        let az_names = arch
            .regions
            .iter()
            .enumerate()
            .map(|(r, region)| {
                (0..region.azs.len())
                    .map(|az| arch.az_name(AzRef { region: r, az }))
                    .collect()
            })
            .collect();
        Self {
            list: Vec::new(),
            now: 0,
            az_names,
        }
    }

    pub fn set_time(&mut self, t: u64) {
        self.now = t;
    }

    pub fn push(&mut self, kind: EventKind, component: Option<&str>, message: String) {
        self.list.push(Event {
            t: self.now,
            kind,
            component: component.map(str::to_string),
            message,
        });
    }

    pub fn az_name(&self, az: AzRef) -> &str {
        &self.az_names[az.region][az.az]
    }

    pub fn all(&self) -> &[Event] {
        &self.list
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
