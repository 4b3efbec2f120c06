//! The event log's state: where it is scrolled, which event is chosen, the filter, and the
//! cause chain of an event.
//!
//! The simulation emits events one by one, each with a time, a kind, a component and a
//! message, but does not say which fault caused what. The cause chain is therefore inferred
//! here, from the order of the events: an event belongs to the latest fault before it (within
//! [`CHAIN_WINDOW`]) that touched the same component or the same AZ or region, or to the
//! chain of the same component's earlier event (a failover's end follows its start), or
//! failing both, to the latest fault before it. The log says the chain is inferred.

use crate::sim::events::{Event, EventKind};
use ratatui::layout::Rect;

/// How far back a consequence looks for its fault, and how long a chain runs after it.
pub const CHAIN_WINDOW: u64 = 3600;
/// The most events a chain shows.
pub const CHAIN_MAX: usize = 24;

#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// The event at the top of the pane (an index into the simulation's events); `None`
    /// follows the newest.
    pub top: Option<usize>,
    /// The chosen event, while the log has the keyboard.
    pub cursor: Option<usize>,
    /// The event whose cause chain the pane shows instead of the log.
    pub chain: Option<usize>,
    /// Words every shown event must contain (`kind:NAME` matches kinds by prefix).
    pub filter: String,
    /// Events that fit the pane, as last drawn: what a page is.
    pub page: usize,
    /// Where the pane was last drawn (for the mouse wheel).
    pub area: Rect,
}

impl EventLog {
    /// The indices of the events the pane lists, in the order it lists them: the cause chain
    /// (oldest first) when one is asked for, else every event that passes the filter, newest
    /// first. `places` (see [`places`]) are asked for only by a chain.
    pub fn shown(&self, events: &[Event], places: impl FnOnce() -> Vec<String>) -> Vec<usize> {
        if let Some(i) = self.chain.filter(|&i| i < events.len()) {
            return chain(events, i, &places());
        }
        // Lowercased once for every event of the run, not once for each.
        let words: Vec<String> = self
            .filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        (0..events.len())
            .rev()
            .filter(|&i| matches(&words, &events[i]))
            .collect()
    }

    /// Scrolls `by` events towards older (positive) or newer (negative) ones.
    pub fn scroll(&mut self, shown: &[usize], by: isize) {
        if shown.is_empty() {
            self.top = None;
            return;
        }
        let at = self
            .top
            .and_then(|t| shown.iter().position(|&i| i == t))
            .unwrap_or(0);
        let to = at.saturating_add_signed(by).min(shown.len() - 1);
        // Back at the first line of the log, it follows new events again.
        self.top = (to > 0 || self.chain.is_some()).then(|| shown[to]);
    }

    /// Moves the chosen event `by` places in the list (positive: down).
    pub fn move_cursor(&mut self, shown: &[usize], by: isize) {
        if shown.is_empty() {
            self.cursor = None;
            return;
        }
        let at = self
            .cursor
            .and_then(|c| shown.iter().position(|&i| i == c))
            .unwrap_or(0);
        let to = at.saturating_add_signed(by).min(shown.len() - 1);
        self.cursor = Some(shown[to]);
    }
}

/// Whether `e` contains every one of a filter's `words`, lowercased (case ignored);
/// `kind:NAME` matches the kind's name by prefix (`kind:failover` takes both failover kinds).
fn matches(words: &[String], e: &Event) -> bool {
    // Written out only for a word to look for: the pane asks about every event every frame,
    // and with no filter, or only `kind:` ones, there is none.
    let mut text = None;
    words.iter().all(|word| match word.strip_prefix("kind:") {
        Some(kind) => e.kind.as_str().starts_with(kind),
        None => text
            .get_or_insert_with(|| {
                format!(
                    "{} {} {}",
                    e.kind.as_str(),
                    e.component.as_deref().unwrap_or(""),
                    e.message
                )
                .to_lowercase()
            })
            .contains(word.as_str()),
    })
}

/// The first `kind:NAME` of a filter that names no kind, not even by prefix (a typo that
/// would hide every event without a word).
pub fn unknown_kind(filter: &str) -> Option<&str> {
    filter
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("kind:"))
        .find(|k| {
            let k = k.to_lowercase();
            !EventKind::ALL
                .iter()
                .any(|kind| kind.as_str().starts_with(&k))
        })
}

/// What the filter prompt completes: one `kind:NAME` per kind.
pub fn filter_candidates() -> Vec<String> {
    EventKind::ALL
        .iter()
        .map(|k| format!("kind:{}", k.as_str()))
        .collect()
}

/// Kinds that are never a fault's consequence: an operator's own change, and scaling in.
fn unrelated(kind: EventKind) -> bool {
    matches!(kind, EventKind::Change | EventKind::ScaleIn)
}

/// Whether event `e` names something fault `f` struck: the same component, or an AZ or
/// region (one of `places`) the fault's message names.
fn touches(f: &Event, e: &Event, places: &[String]) -> bool {
    if f.component.is_some() && f.component == e.component {
        return true;
    }
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_alphanumeric() || matches!(c, '/' | '-' | '_')))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let struck: Vec<String> = words(&f.message)
        .into_iter()
        .filter(|w| places.contains(w))
        .collect();
    let theirs = words(&e.message);
    struck.iter().any(|p| theirs.contains(p))
}

/// The fault that event `i` follows from, if any: itself when it is a fault.
pub fn root(events: &[Event], i: usize, places: &[String]) -> Option<usize> {
    let e = &events[i];
    if e.kind == EventKind::Fault {
        return Some(i);
    }
    if unrelated(e.kind) {
        return None;
    }
    let mut nearest = None;
    let earlier = (0..i)
        .rev()
        .take_while(|&j| events[j].t + CHAIN_WINDOW >= e.t);
    for j in earlier {
        let before = &events[j];
        if before.kind == EventKind::Fault {
            if touches(before, e, places) {
                return Some(j);
            }
            nearest.get_or_insert(j);
        } else if e.component.is_some()
            && before.component == e.component
            && !unrelated(before.kind)
        {
            // The same component's earlier trouble: this goes on from it (a failover's end
            // follows its start).
            if let Some(r) = root(events, j, places) {
                return Some(r);
            }
        }
    }
    nearest
}

/// The cause chain of event `i`, oldest first: its fault, then everything that followed from
/// that fault (as [`root`] infers it), up to [`CHAIN_MAX`] events around `i`. An event with no
/// fault before it is a chain of one.
pub fn chain(events: &[Event], i: usize, places: &[String]) -> Vec<usize> {
    let Some(r) = root(events, i, places) else {
        return vec![i];
    };
    let end = events[r].t + CHAIN_WINDOW;
    let mut out: Vec<usize> = std::iter::once(r)
        .chain(
            (r + 1..events.len())
                .take_while(|&k| events[k].t <= end)
                .filter(|&k| events[k].kind != EventKind::Fault)
                .filter(|&k| root(events, k, places) == Some(r)),
        )
        .collect();
    if out.len() > CHAIN_MAX {
        // Keep the fault, and the events nearest the chosen one.
        let at = out.iter().position(|&k| k == i).unwrap_or(0);
        let from = at.saturating_sub(CHAIN_MAX / 2).max(1);
        let to = (from + CHAIN_MAX - 1).min(out.len());
        let mut kept = vec![out[0]];
        kept.extend_from_slice(&out[from..to]);
        out = kept;
    }
    out
}

/// The AZ and region names of an architecture, as events spell them.
pub fn places(arch: &crate::arch::Architecture) -> Vec<String> {
    let mut out: Vec<String> = arch.all_azs().map(|az| arch.az_name(az)).collect();
    out.extend(arch.regions.iter().map(|r| r.id.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: u64, kind: EventKind, component: Option<&str>, message: &str) -> Event {
        Event {
            t,
            kind,
            component: component.map(str::to_string),
            message: message.to_string(),
        }
    }

    fn log() -> Vec<Event> {
        use EventKind::*;
        vec![
            ev(10, ScaleOut, Some("web"), "2 instances over 70%"),
            ev(600, Fault, None, "AZ seoul/a lost: every instance in it"),
            ev(600, FailoverStart, Some("db"), "writer in seoul/a lost"),
            ev(620, Fault, Some("cache"), "cache flushed"),
            ev(621, CacheCold, Some("cache"), "starts cold"),
            ev(
                649,
                HealthCheckFail,
                Some("web"),
                "1 target failed in seoul/a",
            ),
            ev(708, FailoverDone, Some("db"), "writer is now in seoul/b"),
            ev(900, Recovered, None, "SLO met again"),
        ]
    }

    #[test]
    fn a_chain_runs_from_the_fault_through_its_consequences() {
        let places = vec!["seoul/a".to_string(), "seoul/b".into(), "seoul".into()];
        let events = log();
        // The health check names the AZ the first fault struck, not the later cache flush.
        assert_eq!(root(&events, 5, &places), Some(1));
        assert_eq!(root(&events, 4, &places), Some(3), "same component");
        assert_eq!(root(&events, 0, &places), None, "before any fault");
        assert_eq!(chain(&events, 5, &places), [1, 2, 5, 6]);
        assert_eq!(chain(&events, 4, &places), [3, 4, 7]);
        assert_eq!(chain(&events, 0, &places), [0]);
    }

    #[test]
    fn the_filter_takes_words_and_kinds() {
        let events = log();
        let shown = |f: &str| -> Vec<usize> {
            let l = EventLog {
                filter: f.into(),
                ..EventLog::default()
            };
            l.shown(&events, Vec::new)
        };
        assert_eq!(shown("kind:failover"), [6, 2]);
        assert_eq!(shown("SEOUL/A"), [5, 2, 1]);
        assert_eq!(shown("kind:fault cache"), [3]);
        assert_eq!(unknown_kind("cache kind:failvoer"), Some("failvoer"));
        assert_eq!(unknown_kind("kind:fail kind:FAULT x"), None);
        assert_eq!(shown("").len(), events.len());
        assert_eq!(shown("  ").len(), events.len(), "blanks filter nothing");
        assert!(shown("nothing-like-this").is_empty());
    }

    #[test]
    fn scrolling_stops_at_both_ends_and_follows_new_events_at_the_top() {
        let mut l = EventLog::default();
        let shown: Vec<usize> = (0..10).rev().collect();
        l.scroll(&shown, 3);
        assert_eq!(l.top, Some(6));
        l.scroll(&shown, 100);
        assert_eq!(l.top, Some(0));
        l.scroll(&shown, -100);
        assert_eq!(l.top, None);
    }
}
