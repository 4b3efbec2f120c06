//! Keys and the mouse wheel in the dashboard's newer states: the event log with the keyboard,
//! its filter prompt, the legend, the `:` line's editing and history, and the theme key's
//! feedback. Kept apart from `app.rs` so that file stays the core of the state.

use super::app::{App, Mode, Note};
use super::command_line::CommandLine;
use super::event_log;
use super::keys::Cmd;
use super::theme::ThemeName;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

/// Events (or lines) one notch of the mouse wheel scrolls.
const WHEEL: isize = 3;
/// Columns a chart of the metrics pane is assumed to have when choosing a window for a moment
/// (the pane at 120×40 and wider).
const CHART_COLUMNS: usize = 36;

impl App {
    /// The events the log lists now, in its order.
    pub fn shown_events(&self) -> Vec<usize> {
        self.log
            .shown(self.sim.events(), || event_log::places(self.sim.arch()))
    }

    fn page(&self) -> isize {
        self.log.page.max(1) as isize
    }

    /// The event log's commands from the normal state.
    pub(super) fn log_command(&mut self, cmd: Cmd) {
        let shown = self.shown_events();
        match cmd {
            Cmd::Events => {
                // The chosen event starts at the top of what the pane shows.
                self.log.cursor = self.log.top.or_else(|| shown.first().copied());
                self.mode = Mode::Events;
            }
            Cmd::Filter => self.open_filter(),
            // A drill on a narrow screen shows its narration in the event log's place.
            Cmd::OlderEvents | Cmd::NewerEvents if self.narration_shown_alone() => {
                let page = self.narration_area.height.saturating_sub(3).max(1);
                self.narration_scroll = if cmd == Cmd::OlderEvents {
                    self.narration_scroll.saturating_add(page)
                } else {
                    self.narration_scroll.saturating_sub(page)
                };
            }
            Cmd::OlderEvents => self.log.scroll(&shown, self.page()),
            Cmd::NewerEvents => self.log.scroll(&shown, -self.page()),
            _ => {}
        }
    }

    /// The narration is on screen and the event log is not (a drill, narrow).
    fn narration_shown_alone(&self) -> bool {
        self.log.area.is_empty() && !self.narration_area.is_empty()
    }

    fn open_filter(&mut self) {
        let line = CommandLine::with_candidates(event_log::filter_candidates())
            .starting_with(&self.log.filter);
        self.mode = Mode::Filter(line);
    }

    /// Keys while the event log has the keyboard.
    pub(super) fn events_key(&mut self, key: KeyEvent) {
        self.mode = Mode::Events;
        let shown = self.shown_events();
        match (key.code, self.keymap.command(&key)) {
            (KeyCode::Home, _) => {
                self.log.cursor = shown.first().copied();
            }
            (KeyCode::End, _) => {
                self.log.cursor = shown.last().copied();
            }
            (_, Some(Cmd::Up)) => self.log.move_cursor(&shown, -1),
            (_, Some(Cmd::Down)) => self.log.move_cursor(&shown, 1),
            (_, Some(Cmd::NewerEvents)) => self.log.move_cursor(&shown, -self.page()),
            (_, Some(Cmd::OlderEvents)) => self.log.move_cursor(&shown, self.page()),
            (_, Some(Cmd::Open)) => {
                // Enter shows the chosen event's cause chain; again, the whole log.
                self.log.chain = match self.log.chain {
                    Some(_) => None,
                    None => self.log.cursor,
                };
                self.log.top = None;
                // The charts go to the event's moment, and mark it.
                if let Some(e) = self.log.chain.and_then(|i| self.sim.events().get(i)) {
                    let ago = self.sim.time().saturating_sub(e.t);
                    self.chart_mark = Some(e.t);
                    self.chart_window = super::history::Window::covering(ago, CHART_COLUMNS);
                    self.say_chart_window();
                }
            }
            (_, Some(Cmd::Filter)) => self.open_filter(),
            (_, Some(Cmd::Close | Cmd::Events)) => {
                if self.log.chain.take().is_none() {
                    self.log.cursor = None;
                    self.mode = Mode::Normal;
                }
                self.log.top = None;
            }
            (_, Some(Cmd::Quit)) => self.quit = true,
            // Running, pausing, faults: they work here too.
            (_, Some(cmd)) => {
                self.run(cmd);
                if matches!(self.mode, Mode::Normal) {
                    self.mode = Mode::Events;
                }
            }
            _ => {}
        }
    }

    /// Keys while typing the filter: Enter keeps it, Esc leaves it as it was.
    pub(super) fn filter_key(&mut self, mut line: CommandLine, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                self.log.filter = line.input.trim().to_string();
                self.log.top = None;
                self.log.chain = None;
                self.log.cursor = None;
                let n = self.shown_events().len();
                self.note = Some(Note::Info(if self.log.filter.is_empty() {
                    "every event shown".to_string()
                } else {
                    let events = if n == 1 {
                        "event matches"
                    } else {
                        "events match"
                    };
                    format!("{n} {events} `{}`", self.log.filter)
                }));
            }
            _ => {
                edit(&mut line, key, &[]);
                self.mode = Mode::Filter(line);
            }
        }
    }

    pub(super) fn legend_key(&mut self, scroll: u16, key: KeyEvent) {
        self.overlay_key(scroll, key, Cmd::Legend, |scroll| Mode::Legend { scroll });
    }

    pub(super) fn explorer_key(&mut self, scroll: u16, key: KeyEvent) {
        self.overlay_key(scroll, key, Cmd::Explore, |scroll| Mode::Explorer {
            scroll,
        });
    }

    /// Keys on a scrolling overlay: its own key, `Esc` or `?` close it, ↑↓ scroll it.
    fn overlay_key(&mut self, scroll: u16, key: KeyEvent, own: Cmd, mode: fn(u16) -> Mode) {
        self.mode = match self.keymap.command(&key) {
            Some(Cmd::Quit) => return self.quit = true,
            Some(cmd) if cmd == own || matches!(cmd, Cmd::Close | Cmd::Help) => Mode::Normal,
            Some(Cmd::Down) => mode(scroll.saturating_add(1)),
            Some(Cmd::Up) => mode(scroll.saturating_sub(1)),
            _ => mode(scroll),
        };
    }

    /// Keys on the `:` line: editing, history, completion, and Enter to act.
    pub(super) fn command_key(&mut self, mut line: CommandLine, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {}
            // Nothing typed: nothing to do, and nothing wrong either.
            KeyCode::Enter if line.input.trim().is_empty() => {}
            KeyCode::Enter => {
                // Kept for ↑ whether it works or not: a mistyped command is the likeliest to be
                // wanted again.
                let typed = line.input.trim().to_string();
                if self.command_history.last() != Some(&typed) {
                    self.command_history.push(typed);
                }
                match line.submit(self.sim.arch()) {
                    Ok(action) => self.act(action),
                    Err(e) => {
                        self.note = Some(Note::Error(e));
                        self.mode = Mode::Command(line);
                    }
                }
            }
            _ => {
                if let KeyCode::Char(_) = key.code {
                    self.note = None;
                }
                let history = std::mem::take(&mut self.command_history);
                edit(&mut line, key, &history);
                self.command_history = history;
                self.mode = Mode::Command(line);
            }
        }
    }

    /// `t`: the other theme, or why it stays (under `NO_COLOR`).
    pub(super) fn toggle_theme(&mut self) {
        if self.theme.name == ThemeName::Monochrome {
            self.note = Some(Note::Info(
                "NO_COLOR is set: the theme stays monochrome".into(),
            ));
            return;
        }
        self.theme = self.options.config.palette.apply(self.theme.toggled());
        let name = match self.theme.name {
            ThemeName::HighContrast => "high contrast",
            _ => "default",
        };
        self.note = Some(Note::Info(format!("theme: {name}")));
    }

    /// The mouse wheel scrolls what is under it: the event log, the graph (when it is larger
    /// than its pane), or the overlay on top (report, legend, drill picker).
    pub(super) fn wheel(&mut self, mouse: MouseEvent) {
        let down = mouse.kind == MouseEventKind::ScrollDown;
        let by = if down { WHEEL } else { -WHEEL };
        let notch = |scroll: u16| {
            if down {
                scroll.saturating_add(WHEEL as u16)
            } else {
                scroll.saturating_sub(WHEEL as u16)
            }
        };
        let at = Position::new(mouse.column, mouse.row);
        self.dirty = true;
        match &mut self.mode {
            Mode::Report { scroll } | Mode::Legend { scroll } | Mode::Explorer { scroll } => {
                *scroll = notch(*scroll)
            }
            Mode::PickDrill { index } => {
                let last = crate::drill::BUILTIN.len() - 1;
                *index = if down {
                    (*index + 1).min(last)
                } else {
                    index.saturating_sub(1)
                };
            }
            _ if self.narration_area.contains(at) => {
                self.narration_scroll = notch(self.narration_scroll);
            }
            _ if self.log.area.contains(at) => {
                let shown = self.shown_events();
                match self.mode {
                    Mode::Events => self.log.move_cursor(&shown, by),
                    _ => self.log.scroll(&shown, by),
                }
            }
            _ if self.graph_area.contains(at) => {
                // Up and down through a graph taller than its pane; the selection no longer
                // pulls the view back until it moves.
                let y = self.scroll.1 as isize + by;
                self.scroll.1 = y.max(0) as u16;
                self.wheeled = Some(self.selected);
            }
            _ => {}
        }
    }
}

/// Editing keys shared by the `:` line and the filter prompt.
fn edit(line: &mut CommandLine, key: KeyEvent, history: &[String]) {
    match key.code {
        KeyCode::Tab => line.complete(),
        KeyCode::Backspace => line.backspace(),
        KeyCode::Delete => line.delete(),
        KeyCode::Left => line.left(),
        KeyCode::Right => line.right(),
        KeyCode::Home => line.home(),
        KeyCode::End => line.end(),
        KeyCode::Up if !history.is_empty() => line.browse(history, true),
        KeyCode::Down if !history.is_empty() => line.browse(history, false),
        // The readline keys a shell user's fingers know; other control keys type nothing.
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => match c {
            'a' => line.home(),
            'e' => line.end(),
            'u' => line.delete_to_start(),
            'w' => line.delete_word(),
            _ => {}
        },
        KeyCode::Char(c) => line.push(c),
        _ => {}
    }
}
