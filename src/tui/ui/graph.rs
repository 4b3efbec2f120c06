//! The architecture: region frames with AZ lanes, component boxes coloured by health, and
//! call edges with markers that move with the traffic.

use super::super::app::App;
use super::super::clock::marker_step;
use super::super::layout::{BoxStyle, Detail, NodeBox, RegionFrame, Scene};
use super::super::theme::{Health, Theme};
use super::super::view::{self, Status};
use super::{boxes, pane, print};
use crate::analysis::Verdict;
use crate::arch::AzRef;
use crate::sim::Simulation;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols;

use ratatui::symbols::merge::MergeStrategy;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, app: &mut App, area: Rect) {
    let block = pane(" architecture ", app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    app.graph_area = inner;
    let scene = app.scene(inner.width, inner.height);

    // Draw the whole scene off screen, then copy the visible window: the scene is small.
    let mut canvas = std::mem::take(&mut app.canvas);
    canvas.resize(Rect::new(0, 0, scene.width, scene.height));
    canvas.reset();
    let arch = app.sim.arch();
    let explorer = &app.explorer;
    let marks = |n: crate::arch::NodeId| explorer.verdict_of(&arch.graph[n].id);
    paint(
        &mut canvas,
        &scene,
        &app.sim,
        &app.theme,
        app.selected,
        // Stepped by hand while paused, a second at a time: one cell a step.
        marker_step(if app.paused { 1 } else { app.speed() }),
        marks,
    );

    app.scroll = if app.wheeled == Some(app.selected) {
        clamp(app.scroll, &scene, inner)
    } else {
        app.wheeled = None;
        follow(app.scroll, &scene, app.selected, inner)
    };
    let (sx, sy) = app.scroll;
    let buf = frame.buffer_mut();
    let off_x = inner.x + inner.width.saturating_sub(scene.width) / 2;
    // Row by row, moving the cells rather than copying them: the canvas is reset before use.
    let visible = usize::from(inner.width.min(scene.width));
    // Scrolling keeps the window inside the scene (`clamp`, `follow`).
    debug_assert!(usize::from(sx) + visible <= usize::from(scene.width));
    for y in (0..inner.height.min(scene.height)).filter(|_| visible > 0) {
        let from = canvas.index_of(sx, y + sy);
        let to = buf.index_of(off_x, inner.y + y);
        buf.content[to..to + visible].swap_with_slice(&mut canvas.content[from..from + visible]);
    }
    app.canvas = canvas;
    // Clicks land in scene coordinates: account for centring.
    app.graph_area = Rect::new(
        off_x,
        inner.y,
        inner.width.min(scene.width),
        inner.height.min(scene.height),
    );
    if scene.width > inner.width || scene.height > inner.height {
        let hint = format!(
            " showing {}×{} of {}×{} · the view follows the selection ",
            inner.width.min(scene.width),
            inner.height.min(scene.height),
            scene.width,
            scene.height
        );
        let w = hint.chars().count() as u16;
        if w + 2 < area.width {
            buf.set_string(area.right() - w - 1, area.bottom() - 1, hint, app.theme.dim);
        }
    }
}

/// Keeps a scroll offset inside the scene.
fn clamp(scroll: (u16, u16), scene: &Scene, view: Rect) -> (u16, u16) {
    (
        scroll.0.min(scene.width.saturating_sub(view.width)),
        scroll.1.min(scene.height.saturating_sub(view.height)),
    )
}

/// Scrolls as little as needed to keep the selected component in view.
fn follow(
    scroll: (u16, u16),
    scene: &Scene,
    selected: crate::arch::NodeId,
    view: Rect,
) -> (u16, u16) {
    let max = (
        scene.width.saturating_sub(view.width),
        scene.height.saturating_sub(view.height),
    );
    let (mut x, mut y) = (scroll.0.min(max.0), scroll.1.min(max.1));
    if let Some(b) = scene.boxes_of(selected).next() {
        let r = b.rect;
        if r.x < x {
            x = r.x;
        } else if r.right() > x + view.width {
            x = (r.right() - view.width).min(max.0);
        }
        // Keep a line above for the edges coming in.
        let top = r.y.saturating_sub(1);
        if top < y {
            y = top;
        } else if r.bottom() > y + view.height {
            y = (r.bottom() - view.height).min(max.1);
        }
    }
    (x, y)
}

/// Draws the scene into `buf` (whose area is the scene's).
/// `marks` says what losing a component does, once the explorer knows.
pub fn paint(
    buf: &mut Buffer,
    scene: &Scene,
    sim: &Simulation,
    theme: &Theme,
    selected: crate::arch::NodeId,
    marker_step: u64,
    marks: impl Fn(crate::arch::NodeId) -> Option<Verdict>,
) {
    for f in &scene.frames {
        let style = frame_style(sim, theme, f.region);
        boxes::outline(buf, f.rect, &symbols::border::ROUNDED, style);
        for (i, &(az, x0, x1)) in f.lanes.iter().enumerate() {
            let down = view::az_health(sim, az) == Health::Down;
            // A dotted line between lanes; a hatched dead one.
            if i + 1 < f.lanes.len() || f.regional.is_some() {
                for y in f.rect.y + 1..f.rect.bottom() - 1 {
                    buf[(x1, y)].set_symbol("┊").set_style(theme.az_frame);
                }
            }
            if down {
                for y in f.rect.y + 2..f.rect.bottom() - 1 {
                    for x in x0..x1 {
                        buf[(x, y)].set_symbol("╱").set_style(theme.down);
                    }
                }
            }
        }
    }
    // While retries are a noticeable share of the traffic, the markers on the edges carrying
    // users' requests turn into retry marks: the load failures are adding.
    let retrying = sim.last().retry_share() > RETRY_MARK_SHARE;
    let flows: Vec<(f64, Health)> = scene
        .edges
        .iter()
        .map(|e| {
            // Between parts in one AZ: those parts' health (nothing flows to or from an AZ's
            // part with no instance left, though the rest of the component takes traffic).
            let health = |n, az: Option<AzRef>| match az {
                Some(az) => view::part_status(sim, n, az).health,
                None => view::status(sim, n).health,
            };
            let rate = match health(e.from, e.from_az) {
                Health::Down => 0.0,
                _ => view::edge_rate(sim, e.from, e.to),
            };
            (rate, health(e.to, e.to_az))
        })
        .collect();
    for (e, &(rate, to)) in scene.edges.iter().zip(&flows) {
        let style = match to {
            Health::Down => theme.down,
            _ if rate <= 0.0 => theme.dim,
            _ => theme.edge,
        };
        for &(x, y, d) in &e.cells {
            buf[(x, y)]
                .merge_symbol(d.symbol(), MergeStrategy::Fuzzy)
                .set_style(style);
        }
    }
    // Marks once every line is drawn, and only on straight runs: a corner or a junction
    // under a mark would hide where the edges turn and meet.
    let mut marked = Marked::new(buf.area);
    for (e, &(rate, to)) in scene.edges.iter().zip(&flows) {
        if rate <= 0.0 || to == Health::Down {
            continue;
        }
        let (marker, marker_style) = if retrying && view::carries_users(sim, e.from, e.to) {
            ("↻", theme.hot)
        } else {
            ("•", theme.accent)
        };
        // Markers flow down the edge one cell per `marker_step` simulated seconds (a turn of
        // the clock); denser with more traffic.
        let spacing = match rate {
            r if r >= 10_000.0 => 3,
            r if r >= 1_000.0 => 4,
            r if r >= 100.0 => 6,
            _ => 9,
        };
        let phase = (sim.time() / marker_step % spacing) as usize;
        for (i, &(x, y, _)) in e.cells.iter().enumerate() {
            if i % spacing as usize != phase || !matches!(buf[(x, y)].symbol(), "─" | "│") {
                continue;
            }
            // Where edges share a line, their marks would run into a dotted blur.
            if marked.room_at(x, y) {
                buf[(x, y)].set_symbol(marker).set_style(marker_style);
            }
        }
    }
    // Lane labels after the edges, so no traffic mark lands inside a word ("regi•nal").
    for f in &scene.frames {
        lane_labels(buf, f, sim, theme);
    }
    for b in &scene.boxes {
        let status = match b.az {
            Some(az) => view::part_status(sim, b.node, az),
            None => view::status(sim, b.node),
        };
        draw_box(buf, b, &status, scene.style, theme, b.node == selected);
        // Nothing of it here is nothing to lose here.
        if status.figures != view::NOTHING_HERE {
            mark(buf, b, marks(b.node), theme);
        }
    }
    // Titles last, so no edge runs through a region's name or its AZ states.
    for f in &scene.frames {
        frame_titles(buf, f, scene.detail, sim, theme);
    }
}

/// Cells holding a traffic mark, so that marks of edges sharing a line keep a cell apart.
struct Marked {
    area: Rect,
    cells: Vec<bool>,
}

impl Marked {
    fn new(area: Rect) -> Self {
        Self {
            area,
            cells: vec![false; usize::from(area.width) * usize::from(area.height)],
        }
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        let a = self.area;
        (x >= a.x && x < a.right() && y >= a.y && y < a.bottom())
            .then(|| usize::from(y - a.y) * usize::from(a.width) + usize::from(x - a.x))
    }

    /// Whether a mark fits at (x, y) with none on it or beside it; if so, it is taken.
    fn room_at(&mut self, x: u16, y: u16) -> bool {
        let Some(here) = self.index(x, y) else {
            return false;
        };
        let near = [
            (x.wrapping_sub(1), y),
            (x.saturating_add(1), y),
            (x, y.wrapping_sub(1)),
            (x, y.saturating_add(1)),
        ];
        let taken = self.cells[here]
            || near
                .iter()
                .filter_map(|&(nx, ny)| self.index(nx, ny))
                .any(|i| self.cells[i]);
        if !taken {
            self.cells[here] = true;
        }
        !taken
    }
}

/// The AZ names (and states) over their lanes, and `regional` over the regional column.
fn lane_labels(buf: &mut Buffer, f: &RegionFrame, sim: &Simulation, theme: &Theme) {
    let region = &sim.arch().regions[f.region];
    for &(az, x0, x1) in &f.lanes {
        let down = view::az_health(sim, az) == Health::Down;
        let name = &region.azs[az.az];
        let label = if down {
            format!("AZ {name} ✕ down")
        } else {
            format!("AZ {name}")
        };
        let w = x1 - x0;
        let lx = x0 + w.saturating_sub(label.chars().count() as u16) / 2;
        buf.set_stringn(
            lx,
            f.rect.y + 1,
            &label,
            usize::from(w),
            if down { theme.down } else { theme.dim },
        );
    }
    if let Some((x0, x1)) = f.regional {
        let label = "regional";
        let lx = x0 + (x1 - x0).saturating_sub(label.len() as u16) / 2;
        buf.set_stringn(lx, f.rect.y + 1, label, usize::from(x1 - x0), theme.dim);
    }
}

fn frame_style(sim: &Simulation, theme: &Theme, region: usize) -> Style {
    match view::region_health(sim, region) {
        Health::Ok => theme.region_frame,
        h => theme.health(h),
    }
}

fn frame_titles(
    buf: &mut Buffer,
    f: &RegionFrame,
    detail: Detail,
    sim: &Simulation,
    theme: &Theme,
) {
    let region = &sim.arch().regions[f.region];
    let style = frame_style(sim, theme, f.region);
    let mut title = vec![Span::styled(format!(" {} ", region.id), style)];
    // A region that is not a standby waits or comes up only to fail back: it has its data to
    // copy back from the copies that took its writes.
    let failing_back = region.standby.is_none();
    match view::region_health(sim, f.region) {
        Health::Down => title.push(Span::styled("✕ REGION DOWN ", theme.down)),
        Health::Idle if failing_back => title.push(Span::styled("waiting ", theme.idle)),
        Health::Idle => title.push(Span::styled("standby ", theme.idle)),
        Health::Busy if failing_back => title.push(Span::styled("resyncing… ", theme.busy)),
        Health::Busy => title.push(Span::styled("coming up… ", theme.busy)),
        _ => {}
    }
    buf.set_line(
        f.rect.x + 1,
        f.rect.y,
        &Line::from(title),
        f.rect.width.saturating_sub(2),
    );
    if detail == Detail::Collapsed {
        // No lanes: the AZs and their state go on the frame's top border, right.
        let azs: Vec<Span> = (0..region.azs.len())
            .flat_map(|i| {
                let az = crate::arch::AzRef {
                    region: f.region,
                    az: i,
                };
                let h = view::az_health(sim, az);
                let mark = if h == Health::Down { "✕" } else { "●" };
                [
                    Span::styled(format!("{}{mark}", region.azs[i]), theme.health(h)),
                    Span::raw(" "),
                ]
            })
            .collect();
        let line = Line::from(azs);
        let w = line.width() as u16;
        if w + 4 < f.rect.width {
            buf.set_line(f.rect.right() - w - 2, f.rect.y, &line, w);
        }
    }
}

fn draw_box(
    buf: &mut Buffer,
    b: &NodeBox,
    status: &Status,
    style: BoxStyle,
    theme: &Theme,
    selected: bool,
) {
    let health = theme.health(status.health);
    let name_style = if selected {
        theme.selected
    } else {
        theme.title
    };
    let r = b.rect.intersection(buf.area);
    // Clear what lies under the box (lane shading, dotted lines).
    for y in r.top()..r.bottom() {
        let row = buf.index_of(r.x, y);
        for cell in &mut buf.content[row..row + usize::from(r.width)] {
            cell.reset();
        }
    }
    match style {
        BoxStyle::Boxed | BoxStyle::Roomy { .. } => {
            let border = if selected {
                theme.selected.patch(health)
            } else {
                health
            };
            let set = if selected {
                symbols::border::THICK
            } else {
                symbols::border::PLAIN
            };
            boxes::outline(buf, r, &set, border);
            // The name on the top border, where a block's title goes.
            print::string(buf, r.x + 1, r.y, &b.name, r.width - 2, name_style);
            let figures = truncate(&status.figures, r.width.saturating_sub(2));
            let x = r.x + 1 + (r.width - 2).saturating_sub(figures.chars().count() as u16) / 2;
            print::string(buf, x, r.y + 1, &figures, u16::MAX, health);
        }
        BoxStyle::Compact => {
            print::string(buf, r.x, r.y, &b.name, r.width, name_style);
            let used = b.name.chars().count() as u16 + 1;
            let figures = truncate(&status.figures, r.width.saturating_sub(used));
            print::string(buf, r.x + used, r.y, &figures, u16::MAX, health);
        }
    }
    // The selected box is marked beyond colour too (NO_COLOR, colour-blind viewers).
    if selected && r.x > 0 {
        buf[(r.x - 1, r.y + r.height / 2)]
            .set_symbol("▶")
            .set_style(theme.accent);
    }
}

/// The explorer's verdict on a box's top right: `‼` losing part of it takes the service down,
/// `!` it breaks the SLO.
fn mark(buf: &mut Buffer, b: &NodeBox, verdict: Option<Verdict>, theme: &Theme) {
    let (symbol, style) = match verdict {
        Some(Verdict::Down) => ("‼", theme.down),
        Some(Verdict::Breach) => ("!", theme.busy),
        _ => return,
    };
    let r = b.rect;
    if r.width >= 4 {
        buf[(r.right() - 2, r.y)]
            .set_symbol(symbol)
            .set_style(style);
    }
}

/// Figures cut to a box's width, with an ellipsis when they do not fit (`1000/1744…`).
fn truncate(s: &str, width: u16) -> String {
    super::text::fit(s, usize::from(width))
}

/// Retries above this share of the attempts show on the edges.
const RETRY_MARK_SHARE: f64 = 0.05;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::layout::{Layering, Sugiyama};
    use crate::tui::theme::ThemeName;
    use std::collections::HashMap;
    use std::sync::Arc;

    /// Wherever a traffic mark lands, every edge through that cell runs straight the same way:
    /// no corner or junction is hidden under one.
    #[test]
    fn traffic_marks_sit_on_straight_runs_only() {
        let arch = Arc::new(crate::preset::load("1m").unwrap());
        let places = Sugiyama.places(&arch);
        let mut sim = Simulation::new(arch.clone(), 1);
        let theme = Theme::new(ThemeName::Default);
        for (w, h) in [(78, 27), (158, 43)] {
            let scene = Scene::fit(&arch, &places, w, h);
            let mut ways: HashMap<(u16, u16), Vec<&str>> = HashMap::new();
            for e in &scene.edges {
                for &(x, y, d) in &e.cells {
                    ways.entry((x, y)).or_default().push(d.symbol());
                }
            }
            let mut marks = 0;
            for _ in 0..12 {
                sim.step();
                let mut buf = Buffer::empty(Rect::new(0, 0, scene.width, scene.height));
                paint(&mut buf, &scene, &sim, &theme, arch.entry, 1, |_| None);
                for ((x, y), symbols) in &ways {
                    if matches!(buf[(*x, *y)].symbol(), "•" | "↻") {
                        marks += 1;
                        let first = symbols[0];
                        assert!(
                            matches!(first, "─" | "│") && symbols.iter().all(|s| *s == first),
                            "a mark at ({x}, {y}) over {symbols:?}"
                        );
                    }
                }
            }
            assert!(marks > 100, "{marks} marks at {w}×{h}");
        }
    }

    #[test]
    fn traffic_marks_keep_a_cell_apart_and_inside_the_area() {
        let mut m = Marked::new(Rect::new(2, 3, 10, 5));
        assert!(m.room_at(2, 3));
        assert!(!m.room_at(2, 3), "taken");
        assert!(!m.room_at(3, 3), "beside one");
        assert!(!m.room_at(2, 4), "below one");
        assert!(m.room_at(4, 3));
        assert!(m.room_at(3, 4), "diagonal is room");
        assert!(
            !m.room_at(1, 3) && !m.room_at(12, 3) && !m.room_at(5, 8),
            "outside"
        );
    }

    /// The canvas is kept from frame to frame: whatever an earlier scene left in it, of any
    /// size, shows nowhere.
    #[test]
    fn a_kept_canvas_leaves_nothing_of_an_earlier_scene() {
        use crate::tui::{App, Options};
        use ratatui::{Terminal, backend::TestBackend, buffer::Cell};
        let mut app = App::new(Options::new("1m")).unwrap();
        for _ in 0..60 {
            app.step();
        }
        let frame_at = |w, h, app: &mut App| {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal.draw(|f| super::super::draw(f, app)).unwrap();
            terminal.backend().buffer().clone()
        };
        let first = frame_at(120, 40, &mut app);
        for (w, h) in [(200, 60), (80, 24)] {
            frame_at(w, h, &mut app);
        }
        assert_eq!(frame_at(120, 40, &mut app), first, "after other sizes");
        for (w, h) in [(20, 10), (72, 27), (300, 100)] {
            app.canvas = Buffer::filled(Rect::new(0, 0, w, h), Cell::new("X"));
            assert_eq!(
                frame_at(120, 40, &mut app),
                first,
                "after a {w}×{h} canvas of Xs"
            );
        }
    }
}
