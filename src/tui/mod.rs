//! The dashboard: a thin shell over the simulation. `app` holds the state and turns keys into
//! actions, `ui` draws it, and this file runs the loop that joins the terminal's events, the
//! simulation clock and the render clock, and puts the terminal back however the loop ends.

pub mod app;
pub mod command_line;
pub mod config;
pub mod event_log;
pub mod explorer;
pub mod history;
mod input;
pub mod keys;
pub mod layout;
mod modes;
pub mod pacing;
pub mod recorder;
pub mod rewind;
pub mod screenshot;
mod signals;
pub mod stage;
pub mod theme;
pub mod ui;
pub mod view;

pub use app::{App, Options};
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::Rect;
use ratatui::{DefaultTerminal, Terminal, TerminalOptions, Viewport, prelude::CrosstermBackend};
pub use recorder::Recorder;
use std::io::stdout;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior, sleep_until};

/// At most this many frames a second: smooth enough for moving markers, cheap when busy.
const FRAME: Duration = Duration::from_millis(33);
/// How often the explorer's background analysis is looked at while it runs.
const EXPLORER_POLL: Duration = Duration::from_millis(250);

/// The shortest wall-clock time between two turns of the simulation clock; faster speeds take
/// several simulated seconds a turn.
const SHORTEST_TICK: Duration = Duration::from_millis(10);

/// Runs the dashboard until the user quits, keeping the recording (if any) on disk up to date.
/// The terminal is restored on every way out: return, error, panic, and SIGINT, SIGTERM,
/// SIGHUP, SIGQUIT; Ctrl-Z and SIGTSTP restore it while the program is stopped.
pub fn run(mut app: App, mut recorder: Option<Recorder>) -> color_eyre::Result<App> {
    install_hooks()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        // Listening before the screen changes: a signal's default action would leave it broken.
        let mut signals = signals::Signals::new()?;
        let _restore = Restore;
        let mut terminal = enter()?;
        event_loop(&mut terminal, &mut app, &mut recorder, &mut signals).await
    });
    // However the loop ended, the recording gets the session's whole length.
    if let Some(r) = recorder {
        r.finish(&app)?;
    }
    result.map(|()| app)
}

/// Raw mode, the alternate screen and mouse reporting: what the dashboard runs in. The size is
/// asked once here; after that it comes from resize events, not from the terminal every frame.
fn enter() -> std::io::Result<DefaultTerminal> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let (width, height) = ratatui::crossterm::terminal::size()?;
    Terminal::with_options(
        CrosstermBackend::new(stdout()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        },
    )
}

/// Puts the terminal back when dropped (also while unwinding from a panic).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

/// Undoes [`enter`] and shows the cursor; harmless when the terminal is already restored.
fn restore() {
    let _ = execute!(stdout(), DisableMouseCapture);
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

/// Ctrl-Z or SIGTSTP: restores the terminal, stops like any full-screen program, and once
/// continued (`fg`, SIGCONT) takes the terminal back and redraws everything.
fn suspend(terminal: &mut DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    restore();
    signals::stop();
    resume(terminal, app)
}

/// Sets the terminal up again after a stop: raw mode (whatever the shell left), the alternate
/// screen, mouse reporting, and a blank screen redrawn in full by a terminal that knows its
/// size. (`Terminal::clear` would ask the terminal where its cursor is; not every one answers.)
fn resume(terminal: &mut DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    // Forget the raw mode crossterm thinks is on: the shell may have reset the modes.
    let _ = disable_raw_mode();
    *terminal = enter()?;
    execute!(stdout(), Clear(ClearType::All))?;
    app.dirty = true;
    Ok(())
}

/// color-eyre's reports, with the terminal restored before they print.
fn install_hooks() -> color_eyre::Result<()> {
    let (panic, error) = color_eyre::config::HookBuilder::default().into_hooks();
    let panic = panic.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        panic(info);
    }));
    let error = error.into_eyre_hook();
    color_eyre::eyre::set_hook(Box::new(move |e| {
        restore();
        error(e)
    }))?;
    Ok(())
}

fn is_ctrl_z(key: &KeyEvent) -> bool {
    key.kind == KeyEventKind::Press
        && key.code == KeyCode::Char('z')
        && key.modifiers.contains(KeyModifiers::CONTROL)
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    recorder: &mut Option<Recorder>,
    signals: &mut signals::Signals,
) -> color_eyre::Result<()> {
    let mut events = input::spawn();
    let mut speed = app.speed();
    let mut sim_clock = SimClock::new(speed);
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if let Some(r) = recorder {
            let before = r.path().to_path_buf();
            match r.update(app) {
                Err(e) => app.note = Some(app::Note::Error(e.to_string())),
                Ok(()) if r.path() != before => {
                    let note = format!("new run: recording to {}", r.path().display());
                    app.note = Some(app::Note::Info(note));
                }
                Ok(()) => {}
            }
        }
        if app.quit {
            break;
        }
        if speed != app.speed() {
            speed = app.speed();
            sim_clock = SimClock::new(speed);
        }
        let note_fades = ui::note_deadline(app).map(Instant::from_std);
        tokio::select! {
            event = events.recv() => match event {
                // Raw mode turns Ctrl-Z into a key: it suspends as the terminal's would.
                Some(Ok(Event::Key(key))) if is_ctrl_z(&key) => suspend(terminal, app)?,
                Some(Ok(Event::Key(key))) => app.handle_key(key),
                Some(Ok(Event::Mouse(mouse))) => app.handle_mouse(mouse),
                Some(Ok(Event::Resize(width, height))) => {
                    terminal.resize(Rect::new(0, 0, width, height))?;
                    app.dirty = true;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            _ = sim_clock.interval.tick(), if !app.paused => sim_clock.turn(app),
            // The explorer's analysis runs on its own thread: its progress, then its report.
            _ = tokio::time::sleep(EXPLORER_POLL), if app.explorer.running() => {
                let arrived = app.explorer.poll();
                if arrived || matches!(app.mode, app::Mode::Explorer { .. }) {
                    app.dirty = true;
                }
            }
            // A note fades on its own: one more frame without it.
            _ = sleep_until(note_fades.unwrap_or(last_draw)), if note_fades.is_some() && !app.dirty => {
                app.dirty = true;
            }
            _ = sleep_until(last_draw + FRAME), if app.dirty => {
                draw(terminal, app)?;
                last_draw = Instant::now();
            }
            signal = signals.next() => match signal {
                signals::Signal::Suspend => suspend(terminal, app)?,
                signals::Signal::Continue => resume(terminal, app)?,
                signals::Signal::Quit => break,
            },
        }
    }
    Ok(())
}

/// The simulation's clock at one speed: `speed` simulated seconds per wall-clock second, in
/// turns no closer than `SHORTEST_TICK` (several seconds a turn above 100×); as fast as it goes,
/// it steps for most of a turn.
struct SimClock {
    interval: tokio::time::Interval,
    seconds_per_turn: u32,
}

impl SimClock {
    fn new(speed: u32) -> Self {
        let (period, seconds_per_turn) = turns(speed);
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        interval.reset();
        Self {
            interval,
            seconds_per_turn,
        }
    }

    fn turn(&self, app: &mut App) {
        let budget = std::time::Instant::now() + SHORTEST_TICK.mul_f64(0.8);
        let mut done = 0;
        // Stop early when a presenter's hold or the end of the run pauses it.
        while !app.paused && app.step() {
            done += 1;
            let enough = if self.seconds_per_turn == 0 {
                std::time::Instant::now() >= budget
            } else {
                done >= self.seconds_per_turn
            };
            if enough {
                break;
            }
        }
    }
}

/// How often the clock turns at `speed`, and how many simulated seconds a turn takes (0: as
/// many as fit in the turn).
fn turns(speed: u32) -> (Duration, u32) {
    let period = (Duration::from_secs(1) / speed.max(1)).max(SHORTEST_TICK);
    let seconds = if speed == app::AS_FAST_AS_IT_GOES {
        0
    } else {
        (f64::from(speed) * period.as_secs_f64()).round().max(1.0) as u32
    };
    (period, seconds)
}

/// Draws one frame inside a synchronized update, so a projector never shows half of it.
fn draw(terminal: &mut DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    execute!(stdout(), BeginSynchronizedUpdate)?;
    let result = terminal.draw(|frame| ui::draw(frame, app));
    execute!(stdout(), EndSynchronizedUpdate)?;
    app.dirty = false;
    result.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_speed_keeps_its_rate_in_turns_no_closer_than_ten_milliseconds() {
        for &speed in &app::SPEEDS[..app::SPEEDS.len() - 1] {
            let (period, seconds) = turns(speed);
            assert!(period >= SHORTEST_TICK, "{speed}×: {period:?}");
            let rate = f64::from(seconds) / period.as_secs_f64();
            assert!(
                (rate / f64::from(speed) - 1.0).abs() < 0.01,
                "{speed}×: {rate}/s"
            );
        }
        assert_eq!(turns(app::AS_FAST_AS_IT_GOES), (SHORTEST_TICK, 0));
    }
}
