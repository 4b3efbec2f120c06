//! The dashboard: a thin shell over the simulation. `app` holds the state and turns keys into
//! actions, `ui` draws it, and this file runs the loop that joins the terminal's events, the
//! simulation clock and the render clock, and puts the terminal back however the loop ends.

pub mod app;
mod clock;
pub mod command_line;
pub mod config;
pub mod event_log;
pub mod explorer;
mod frame_writer;
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
use clock::SimClock;
use frame_writer::FrameWriter;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{execute, queue};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport, prelude::CrosstermBackend};
pub use recorder::Recorder;
use std::io::{Stdout, Write, stdout};
use std::time::Duration;
use tokio::time::{Instant, sleep_until};

/// The shortest time between two frames drawn for what keys and the mouse change; while the
/// simulation runs, its clock sets the pace (`clock`).
const FRAME: Duration = Duration::from_millis(33);
/// How often the explorer's background analysis is looked at while it runs.
const EXPLORER_POLL: Duration = Duration::from_millis(250);

/// The dashboard's terminal: each frame is written at once.
type Screen = Terminal<CrosstermBackend<FrameWriter<Stdout>>>;

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
fn enter() -> std::io::Result<Screen> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let (width, height) = ratatui::crossterm::terminal::size()?;
    Terminal::with_options(
        CrosstermBackend::new(FrameWriter::new(stdout())),
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
    // A frame a panic cut short is never written (`FrameWriter`), but say so anyway: a terminal
    // left inside a synchronized update would show nothing more until it gave up waiting.
    let _ = execute!(stdout(), EndSynchronizedUpdate, DisableMouseCapture);
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

/// Ctrl-Z or SIGTSTP: restores the terminal, stops like any full-screen program, and once
/// continued (`fg`, SIGCONT) takes the terminal back and redraws everything.
fn suspend(terminal: &mut Screen, app: &mut App) -> std::io::Result<()> {
    restore();
    signals::stop();
    resume(terminal, app)
}

/// Sets the terminal up again after a stop: raw mode (whatever the shell left), the alternate
/// screen, mouse reporting, and a blank screen redrawn in full by a terminal that knows its
/// size. (`Terminal::clear` would ask the terminal where its cursor is; not every one answers.)
fn resume(terminal: &mut Screen, app: &mut App) -> std::io::Result<()> {
    // Forget the raw mode crossterm thinks is on: the shell may have reset the modes.
    let _ = disable_raw_mode();
    *terminal = enter()?;
    execute!(stdout(), Clear(ClearType::All))?;
    app.dirty = true;
    Ok(())
}

/// color-eyre's reports, with the terminal restored before they print. Only a panic of the
/// dashboard's own thread ends the dashboard: one on a background thread (the explorer's
/// analysis) is handed to whoever joins that thread, and must neither take the terminal out
/// of raw mode under the running dashboard nor print over its screen.
fn install_hooks() -> color_eyre::Result<()> {
    let (panic, error) = color_eyre::config::HookBuilder::default().into_hooks();
    let panic = panic.into_panic_hook();
    let dashboard = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == dashboard {
            restore();
            panic(info);
        }
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
    terminal: &mut Screen,
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
            _ = sim_clock.interval.tick(), if !app.paused => {
                sim_clock.turn(app);
                // A turn is drawn in the same wake-up when a frame is due, not in another
                // one a moment later.
                if app.dirty && Instant::now() >= last_draw + FRAME {
                    draw(terminal, app)?;
                    last_draw = Instant::now();
                }
            }
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
                signals::Signal::Quit(signal) => {
                    app.ended_by_signal = Some(signal);
                    break;
                }
            },
        }
    }
    Ok(())
}

/// Draws one frame inside a synchronized update, so a projector never shows half of it.
fn draw(terminal: &mut Screen, app: &mut App) -> std::io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    // Cleared first: drawing may ask for another frame (a screenshot's note, paused or not).
    app.dirty = false;
    let result = terminal.draw(|frame| ui::draw(frame, app)).map(|_| ());
    // Ended even when drawing failed, so the terminal does not wait for the rest of a frame.
    queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    terminal.backend_mut().flush()?;
    result
}
