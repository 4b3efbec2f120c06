//! The selected component up close: what it is, where it runs, how busy it is, its own
//! history.

use super::super::app::App;
use super::super::view::{self, percent, rate, short_age};
use super::text::fit;
use super::{pane, spark};
use crate::headless::millis;
use crate::sim::NodeState;
use crate::sim::database::{Standby, Writer};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let sim = &app.sim;
    let arch = sim.arch();
    let n = app.selected;
    let c = &arch.graph[n];
    let status = view::status(sim, n);
    let block = pane(
        Line::from(vec![
            Span::raw(" "),
            Span::styled(c.id.clone(), t.title),
            Span::raw(" "),
        ]),
        app,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width);
    let flow = sim.node_flow(n);
    let arrived: f64 = flow.arrived.iter().sum();
    // A value too long for the pane ends in an ellipsis, not mid-word.
    let room = w.saturating_sub(11);
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<11}"), t.dim),
            Span::styled(fit(&v, room), t.text),
        ])
    };
    let mut lines = vec![
        kv("kind", view::kind_words(&c.kind).to_string()),
        kv("where", view::placement(arch, n)),
        Line::from(vec![
            Span::styled(format!("{:<11}", "state"), t.dim),
            Span::styled(fit(&status.figures, room), t.health(status.health)),
        ]),
        kv(
            "traffic",
            format!(
                "{} in, {} failing",
                rate(arrived),
                percent(view::failing_share(sim, n))
            ),
        ),
    ];
    match sim.node(n) {
        NodeState::Pool(p) => {
            lines.push(kv(
                "instances",
                format!(
                    "{} serving, {} launching, {} wanted ({}–{})",
                    p.serving(),
                    p.launching(),
                    p.desired,
                    p.min,
                    p.max
                ),
            ));
            lines.push(kv(
                "busy",
                format!(
                    "{} of {} vCPUs ({})",
                    percent(p.utilization),
                    p.servers(),
                    p.metric_name
                ),
            ));
            let h = &p.holding;
            if h.threads.limit > 0.0 {
                lines.push(kv(
                    "threads",
                    format!(
                        "{:.0}/{:.0}, {:.0} waiting",
                        h.threads.in_use,
                        h.threads.limit,
                        h.threads.station.queued()
                    ),
                ));
                lines.push(kv(
                    "db pool",
                    format!(
                        "{:.0}/{:.0}, {:.0} waiting",
                        h.connections.in_use,
                        h.connections.limit,
                        h.connections.station.queued()
                    ),
                ));
            }
            let slow = p.sick.as_ref().map_or(0.0, |s| s.station().queued());
            lines.push(kv(
                "queue",
                format!("{:.0} waiting", p.station.queued() + slow),
            ));
            lines.push(kv("latency", millis(Some(p.response_s * 1000.0))));
        }
        NodeState::Database(db) => {
            // A copy of another region's database takes no writes until it is promoted.
            let copy_of = match &c.kind {
                crate::arch::Kind::Database(spec) if !db.owns_writes() => {
                    spec.replicates_from.map(|o| arch.graph[o].id.as_str())
                }
                _ => None,
            };
            let writer = match (db.writer, copy_of) {
                (Writer::Up, Some(owner)) => format!(
                    "none: a copy of {owner}, promoted if its region is lost (node in {})",
                    arch.az_name(db.writer_az)
                ),
                (Writer::Up, None) => format!("up in {}", arch.az_name(db.writer_az)),
                (Writer::FailingOver { done_at, .. }, _) => format!(
                    "failing over, {:.0} s left",
                    (done_at - sim.time() as f64).max(0.0)
                ),
                (Writer::Down { .. }, _) => "down".to_string(),
            };
            lines.push(kv("writer", writer));
            let standby = match db.standby {
                Standby::None => "none".to_string(),
                Standby::Ready(az) => format!("ready in {}", arch.az_name(az)),
                Standby::Lost(az) => format!("lost with {}", arch.az_name(az)),
                Standby::Rebuilding { az, .. } => format!("rebuilding in {}", arch.az_name(az)),
            };
            lines.push(kv("standby", standby));
            if let Some(r) = &db.replicas {
                lines.push(kv(
                    "replicas",
                    format!(
                        "{} serving of {} ({})",
                        r.serving(),
                        r.desired,
                        percent(r.utilization)
                    ),
                ));
            }
            lines.push(kv(
                "busy",
                format!(
                    "{} {}",
                    if copy_of.is_some() {
                        "primary node"
                    } else {
                        "writer"
                    },
                    percent(db.writer_utilization)
                ),
            ));
            lines.push(kv(
                "conns",
                format!(
                    "{:.0}/{:.0} writer, {:.0}/{:.0} readers",
                    db.connections[0],
                    db.connection_limit[0],
                    db.connections[1],
                    db.connection_limit[1]
                ),
            ));
            lines.push(kv("latency", millis(Some(db.writer_response_s * 1000.0))));
        }
        NodeState::Cache(cache) => {
            let hit = if cache.reads > 0.0 {
                cache.hits / cache.reads
            } else {
                0.0
            };
            lines.push(kv(
                "hit ratio",
                format!("{} (warmth {})", percent(hit), percent(cache.warmth)),
            ));
            lines.push(kv(
                "nodes",
                format!("{} of {} up", cache.nodes_up(), cache.up.len()),
            ));
            lines.push(kv("busy", percent(cache.utilization)));
        }
        NodeState::Queue(q) => {
            lines.push(kv("backlog", format!("{:.0} messages", q.backlog)));
            lines.push(kv("oldest", short_age(q.oldest_age(sim.time() as f64))));
        }
        NodeState::Dns(_) | NodeState::Managed => {}
    }
    if n == arch.entry {
        // Where users come in: what they get out of it.
        let last = sim.last();
        lines.push(kv(
            "users",
            format!(
                "{} ok, ↻{}, {} wasted",
                rate(last.served),
                rate(last.retries_total()),
                rate(last.wasted)
            ),
        ));
    }
    let extra = sim.added_latency_ms(n);
    if extra > 0.0 {
        lines.push(kv("injected", format!("+{extra:.0} ms latency")));
    }
    // The component's history, as many charts as there is room for (two rows each).
    let history = &app.history;
    let charts = [
        (
            format!("requests/s, {}", window_words(app.chart_window)),
            &history.arrivals[n.index()],
            None,
            t.accent,
        ),
        (
            "utilisation".to_string(),
            &history.utilization[n.index()],
            Some(1.0),
            t.accent,
        ),
        (
            "failing here".to_string(),
            &history.failing[n.index()],
            Some(1.0),
            t.hot,
        ),
    ];
    let spare = usize::from(inner.height).saturating_sub(lines.len());
    for (title, series, ceiling, style) in charts.into_iter().take(spare / 2) {
        lines.push(Line::styled(title, t.dim));
        lines.push(Line::styled(
            spark::inline(&series.view(app.chart_window, w), w, ceiling),
            style,
        ));
    }
    frame.render_widget(super::print::Lines::new(&lines), inner);
}

/// What a detail chart covers, in words.
fn window_words(w: crate::tui::history::Window) -> &'static str {
    use crate::tui::history::Window;
    match w {
        Window::Live => "last minutes",
        Window::TenMinutes => "last 10 min",
        Window::Hour => "last hour",
        Window::Run => "whole run",
    }
}
