//! The numbers that matter, over the last minutes: traffic, latency, errors, instances per
//! scaling group, and gauges for utilisation, cache, database connections and the SLO.

use super::super::app::App;
use super::super::history::{self, View};
use super::super::theme::{Health, Theme};
use super::super::view::{percent, rate};
use super::{pane, spark};
use crate::arch::{Kind, NodeId};
use crate::headless::millis;
use crate::sim::NodeState;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Sparkline;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let title = match app.chart_window {
        history::Window::Live => " metrics ".to_string(),
        w => format!(" metrics · {} ", w.label()),
    };
    let block = pane(title.as_str(), app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let t = &app.theme;
    let h = &app.history;
    let sim = &app.sim;
    let arch = sim.arch();
    let w = usize::from(inner.width);
    let label_w = label_width(arch, w);
    let win = app.chart_window;
    let mut rows = Rows {
        area: inner,
        y: inner.y,
    };

    // Traffic: served bars against the offered line's scale, so a gap shows as a drop.
    let offered = h.offered.last().unwrap_or(0.0);
    let served = h.served.last().unwrap_or(0.0);
    rows.line(
        frame,
        Line::from(vec![
            Span::styled("requests ", t.title),
            Span::styled(format!("offered {} ", rate(offered)), t.text),
            Span::styled(
                format!("served {}", rate(served)),
                if served + 0.5 < offered * 0.99 {
                    t.hot
                } else {
                    t.ok
                },
            ),
            match sim.last().retries_total() {
                r if r >= 0.5 => Span::styled(format!(" ↻{}", rate(r)), t.hot),
                _ => Span::raw(""),
            },
        ]),
    );
    let tall = inner.height >= 20;
    let (served, offered_top) = (h.served.view(win, w), h.offered.view(win, w).max());
    if tall {
        let area = rows.take(2);
        sparkline(frame, &served, offered_top.max(1.0), area, t.ok);
        marks(frame, app, &served, area);
    } else {
        rows.line(
            frame,
            Line::styled(spark::inline(&served, w, Some(offered_top)), t.ok),
        );
    }

    let slo = arch.slo.p99_ms;
    // The figures as the status bar reads them: none ("—") before any request came back.
    let [p50_now, p99_now] = sim.p50_p99_ms();
    let p99 = p99_now.unwrap_or(0.0);
    let p99_style = if p99 > slo { t.hot } else { t.ok };
    let [p50_text, p99_text, slo_text] = latency_words(p50_now, p99_now, slo, w);
    rows.line(
        frame,
        Line::from(vec![
            Span::styled("latency ", t.title),
            Span::styled(p50_text, t.text),
            Span::styled(p99_text, p99_style),
            Span::styled(slo_text, t.dim),
        ]),
    );
    if tall {
        let p99s = h.p99.view(win, w);
        let ceiling = p99s.max().max(slo);
        let area = rows.take(2);
        sparkline(frame, &p99s, ceiling, area, p99_style);
        marks(frame, app, &p99s, area);
    } else {
        rows.line(
            frame,
            Line::styled(spark::inline(&h.p99.view(win, w), w, None), p99_style),
        );
    }

    let err = h.error_rate.last().unwrap_or(0.0);
    let err_style = if err > 1.0 - arch.slo.availability {
        t.hot
    } else {
        t.ok
    };
    let label = format!("errors {:<7}", format!("{:.2}%", err * 100.0));
    let spark_w = w.saturating_sub(label.chars().count());
    rows.line(
        frame,
        Line::from(vec![
            Span::styled(label, t.title),
            // Scaled to at least the error budget's rate, so rounding noise stays flat.
            Span::styled(
                {
                    let errors = h.error_rate.view(win, spark_w);
                    let top = errors.max().max(1.0 - arch.slo.availability);
                    spark::inline(&errors, spark_w, Some(top))
                },
                err_style,
            ),
        ]),
    );

    // SLO: availability over the last minute, and the run's error budget left.
    let (availability, _) = sim.slo_window().state();
    let budget = error_budget_left(app);
    rows.line(
        frame,
        gauge_line(
            "avail 1m",
            availability,
            availability >= arch.slo.availability,
            (w, label_w),
            t,
            &format!("{:.3}%", availability * 100.0),
        ),
    );
    rows.line(
        frame,
        gauge_line(
            "err budget",
            budget,
            budget > 0.25,
            (w, label_w),
            t,
            &percent(budget),
        ),
    );
    // What it costs to run right now, against the most it has cost in this run.
    let cost = sim.last().cost_per_hour;
    let peak = sim.totals().peak_cost_per_hour.max(cost);
    rows.line(
        frame,
        gauge_line(
            "cost",
            if peak > 0.0 { cost / peak } else { 0.0 },
            true,
            (w, label_w),
            t,
            &format!("{}/h", crate::headless::dollars(cost)),
        ),
    );

    // Cache hit ratio and database connections, for the main cache and database.
    if let Some((hit, name)) = cache_hit(app) {
        rows.line(
            frame,
            gauge_line(
                &fit(&format!("{name} hit"), label_w),
                hit,
                hit > 0.5,
                (w, label_w),
                t,
                &percent(hit),
            ),
        );
    }
    if let Some((used, limit, name)) = db_connections(app) {
        let share = if limit > 0.0 { used / limit } else { 0.0 };
        rows.line(
            frame,
            gauge_line(
                &fit(&format!("{name} conns"), label_w),
                share,
                share < 0.9,
                (w, label_w),
                t,
                &format!("{used:.0}/{limit:.0}"),
            ),
        );
    }

    // Instances per scaling group: a small history and in service / desired.
    rows.line(frame, Line::styled("instances", t.title));
    for (n, id, series) in h.groups.iter().filter(|g| serving(app, g.0)) {
        let (serving, desired) = group_counts(app, *n, id);
        let name = fit(id, label_w);
        let figures = format!(" {serving}/{desired}");
        let spark_w = w.saturating_sub(label_w + 1 + figures.len());
        let style = if serving < desired { t.busy } else { t.ok };
        rows.line(
            frame,
            Line::from(vec![
                Span::styled(format!("{name:<label_w$} "), t.text),
                Span::styled(
                    spark::inline(&series.view(win, spark_w), spark_w, None),
                    t.accent,
                ),
                Span::styled(figures, style),
            ]),
        );
    }

    // Utilisation of each tier, busiest first.
    rows.line(frame, Line::styled("utilisation", t.title));
    let mut tiers: Vec<(NodeId, f64)> = arch
        .nodes()
        .filter(|&(n, c)| {
            matches!(c.kind, Kind::Pool(_) | Kind::Database(_) | Kind::Cache(_)) && serving(app, n)
        })
        .map(|(n, _)| (n, history::utilization(sim, n)))
        .collect();
    tiers.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.index().cmp(&b.0.index())));
    for (n, u) in tiers {
        let id = fit(&arch.graph[n].id, label_w);
        rows.line(
            frame,
            gauge_line(&id, u, u < 0.9, (w, label_w), t, &percent(u)),
        );
    }
}

/// Hands out the pane's lines from the top; what does not fit is left out.
struct Rows {
    area: Rect,
    y: u16,
}

impl Rows {
    fn take(&mut self, height: u16) -> Rect {
        let h = height.min(self.area.bottom() - self.y);
        let r = Rect::new(self.area.x, self.y, self.area.width, h);
        self.y += h;
        r
    }

    fn line(&mut self, frame: &mut Frame, line: Line) {
        let r = self.take(1);
        if r.height > 0 {
            frame.render_widget(super::print::Lines::new(&[line]), r);
        }
    }
}

fn sparkline(frame: &mut Frame, view: &View, ceiling: f64, area: Rect, style: Style) {
    let w = usize::from(area.width);
    // The widget draws integers; scale so the ceiling is a round 1000.
    let skip = view.values.len().saturating_sub(w);
    let data: Vec<u64> = view.values[skip..]
        .iter()
        .map(|v| (v / ceiling * 1000.0).round().max(0.0) as u64)
        .collect();
    let pad = w.saturating_sub(data.len());
    let data: Vec<u64> = std::iter::repeat_n(0, pad).chain(data).collect();
    frame.render_widget(
        Sparkline::default().data(&data).max(1000).style(style),
        area,
    );
}

/// Marks the chart's columns where an action was taken (a fault, a restore, a drill step) and
/// the moment of the event chosen in the log: reversed, so they show without colour too.
fn marks(frame: &mut Frame, app: &App, view: &View, area: Rect) {
    let now = app.sim.time();
    let w = usize::from(area.width);
    let moments = app.taken.iter().map(|(t, _)| *t).chain(app.chart_mark);
    for t in moments {
        if let Some(col) = view.column(now.saturating_sub(t), w) {
            for y in area.top()..area.bottom() {
                let cell = &mut frame.buffer_mut()[(area.x + col as u16, y)];
                cell.set_style(
                    app.theme
                        .hot
                        .add_modifier(ratatui::style::Modifier::REVERSED),
                );
            }
        }
    }
}

/// `label ━━━━━━──── 63%` in one line: a gauge that fits anywhere.
/// A labelled bar filling `width` columns, the label `label_w` of them.
fn gauge_line(
    label: &str,
    ratio: f64,
    fine: bool,
    (width, label_w): (usize, usize),
    t: &Theme,
    figure: &str,
) -> Line<'static> {
    let bar_w = width.saturating_sub(label_w + 2 + figure.len());
    let filled = ((ratio.clamp(0.0, 1.0) * bar_w as f64).round() as usize).min(bar_w);
    let style = if fine { t.ok } else { t.health(Health::Hot) };
    Line::from(vec![
        Span::styled(format!("{label:<label_w$} "), t.text),
        Span::styled("━".repeat(filled), style),
        Span::styled("─".repeat(bar_w - filled), t.dim),
        Span::styled(format!(" {figure}"), style),
    ])
}

/// Columns for a row's name: as many as the longest id of a pool, database, cache or scaling
/// group (`shard1-oregon-replicas`), at least 13, and at most 13 and half of what the pane has
/// beyond the narrowest's 38, so the bars keep their room.
fn label_width(arch: &crate::arch::Architecture, pane: usize) -> usize {
    let ids = arch
        .nodes()
        .filter(|(_, c)| matches!(c.kind, Kind::Pool(_) | Kind::Database(_) | Kind::Cache(_)))
        .map(|(_, c)| c.id.chars().count());
    // Scaling groups are named apart from their component (`shard1-replicas`).
    let groups = arch.groups().map(|(_, g)| g.chars().count());
    let longest = ids.chain(groups).max().unwrap_or(0);
    longest.clamp(13, (13 + pane.saturating_sub(38) / 2).min(24))
}

fn fit(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(w - 1).collect();
        out.push('…');
        out
    }
}

/// Dormant standby regions have nothing to show until they are brought up.
fn serving(app: &App, n: NodeId) -> bool {
    app.sim.arch().graph[n]
        .region
        .is_none_or(|r| app.sim.region_serving(r) || app.sim.region_down(r))
}

/// Share of the run's allowed failures (1 − availability target) not yet used.
fn error_budget_left(app: &App) -> f64 {
    let totals = app.sim.totals();
    let finished = totals.served + totals.failed;
    let allowed = (1.0 - app.sim.arch().slo.availability) * finished;
    if allowed <= 0.0 {
        return 1.0;
    }
    (1.0 - totals.failed / allowed).clamp(0.0, 1.0)
}

fn group_counts(app: &App, n: NodeId, _id: &str) -> (u32, u32) {
    match app.sim.node(n) {
        NodeState::Pool(p) => (p.serving(), p.desired),
        NodeState::Database(db) => db
            .replicas
            .as_ref()
            .map_or((0, 0), |r| (r.serving(), r.desired)),
        _ => (0, 0),
    }
}

fn cache_hit(app: &App) -> Option<(f64, String)> {
    let arch = app.sim.arch();
    arch.nodes().find_map(|(n, c)| match app.sim.node(n) {
        NodeState::Cache(cache)
            if app.sim.arch().graph[n]
                .region
                .is_some_and(|r| app.sim.region_serving(r)) =>
        {
            let hit = if cache.reads > 0.0 {
                cache.hits / cache.reads
            } else {
                0.0
            };
            Some((hit, c.id.clone()))
        }
        _ => None,
    })
}

fn db_connections(app: &App) -> Option<(f64, f64, String)> {
    let arch = app.sim.arch();
    let main = crate::sim::main_database(arch)?;
    match app.sim.node(main) {
        NodeState::Database(db) => Some((
            db.connections[0],
            db.connection_limit[0],
            arch.graph[main].id.clone(),
        )),
        _ => None,
    }
}

/// The latency line's p50, p99 and SLO (after its "latency " label), as roomy as `width`
/// allows: a narrow pane closes up the gaps, then writes each unit against its number
/// (`118ms`), rather than cut the SLO's unit off the end.
fn latency_words(p50: Option<f64>, p99: Option<f64>, slo_ms: f64, width: usize) -> [String; 3] {
    let forms = [("  ", " "), (" ", " "), (" ", "")];
    let mut words = [String::new(), String::new(), String::new()];
    for (before_slo, before_unit) in forms {
        let figure = |ms: Option<f64>| millis(ms).replacen(' ', before_unit, 1);
        words = [
            format!("p50 {} ", figure(p50)),
            format!("p99 {}", figure(p99)),
            format!("{before_slo}SLO {}", figure(Some(slo_ms))),
        ];
        if "latency ".len() + words.iter().map(|w| w.chars().count()).sum::<usize>() <= width {
            break;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::latency_words;

    fn line(width: usize, p99_ms: f64) -> String {
        format!(
            "latency {}",
            latency_words(Some(19.4), Some(p99_ms), 300.0, width).concat()
        )
    }

    #[test]
    fn the_latency_line_closes_up_before_it_loses_a_unit() {
        assert_eq!(line(60, 118.0), "latency p50 19 ms p99 118 ms  SLO 300 ms");
        assert_eq!(line(39, 118.0), "latency p50 19 ms p99 118 ms SLO 300 ms");
        // The metrics pane's width at 80×24, 120×40 and 160×48.
        assert_eq!(line(38, 118.0), "latency p50 19ms p99 118ms SLO 300ms");
        assert_eq!(line(38, 10_000.0), "latency p50 19ms p99 10.0s SLO 300ms");
        assert!(line(38, 10_000.0).chars().count() <= 38);
        // Narrower still, the tightest form is kept (and the line is cut at the pane's edge).
        assert_eq!(line(20, 118.0), line(38, 118.0));
        let unknown = latency_words(None, None, 300.0, 38).concat();
        assert_eq!(unknown, "p50 — p99 —  SLO 300 ms");
    }
}
