//! The event log: newest on top, stamped with simulated time, coloured by severity.

use super::super::app::App;
use super::pane;
use crate::headless::clock;
use crate::sim::events::Severity;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let events = app.sim.events();
    let block = pane(format!(" events ({}) ", events.len()), app);
    let inner = block.inner(area);
    let items: Vec<ListItem> = events
        .iter()
        .rev()
        .take(usize::from(inner.height))
        .map(|e| {
            let style = match e.kind.severity() {
                Severity::Bad => t.hot,
                Severity::Warning => t.busy,
                Severity::Good => t.ok,
                Severity::Info => t.text,
            };
            let who = e
                .component
                .as_deref()
                .map_or(String::new(), |c| format!("{c}: "));
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:>8} ", clock(e.t)), t.dim),
                Span::styled(format!("{:<17} ", e.kind.as_str()), style),
                Span::styled(format!("{who}{}", e.message), t.text),
            ]))
        })
        .collect();
    let list = if items.is_empty() {
        List::new([ListItem::new(Line::styled(
            "quiet so far: inject a fault (a, d, s, c, or :)",
            t.dim,
        ))])
    } else {
        List::new(items)
    };
    frame.render_widget(list.block(block), area);
}
