//! The dashboard: a thin shell over the simulation. `app` holds the state and turns keys into
//! actions, `ui` draws it, and this file runs the loop that joins the terminal's events, the
//! simulation clock and the render clock, and puts the terminal back however the loop ends.

pub mod app;
pub mod command_line;
pub mod history;
pub mod keys;
pub mod layout;
pub mod recorder;
pub mod stage;
pub mod theme;
pub mod ui;
pub mod view;

pub use app::{App, Options};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
pub use recorder::Recorder;
use std::io::stdout;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep_until};

/// At most this many frames a second: smooth enough for moving markers, cheap when busy.
const FRAME: Duration = Duration::from_millis(33);

/// Runs the dashboard until the user quits, keeping the recording (if any) on disk up to date.
/// The terminal is restored on every way out: return, error, panic, Ctrl-C, SIGTERM.
pub fn run(mut app: App, mut recorder: Option<Recorder>) -> color_eyre::Result<App> {
    install_hooks()?;
    let mut terminal = ratatui::init();
    let _restore = Restore;
    execute!(stdout(), EnableMouseCapture)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(event_loop(&mut terminal, &mut app, &mut recorder));
    // However the loop ended, the recording gets the session's whole length.
    if let Some(r) = recorder {
        r.finish(&app)?;
    }
    result.map(|()| app)
}

/// Puts the terminal back when dropped (also while unwinding from a panic).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
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

async fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    recorder: &mut Option<Recorder>,
) -> color_eyre::Result<()> {
    let mut events = EventStream::new();
    let mut speed = app.speed();
    let mut sim_clock = sim_interval(speed);
    let mut last_draw = Instant::now() - FRAME;
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    loop {
        if let Some(r) = recorder
            && let Err(e) = r.update(app)
        {
            app.note = Some(app::Note::Error(e.to_string()));
        }
        if app.quit {
            break;
        }
        if speed != app.speed() {
            speed = app.speed();
            sim_clock = sim_interval(speed);
        }
        #[cfg(unix)]
        let signalled = async {
            tokio::select! {
                _ = term.recv() => {},
                _ = hangup.recv() => {},
                _ = tokio::signal::ctrl_c() => {},
            }
        };
        #[cfg(not(unix))]
        let signalled = tokio::signal::ctrl_c();
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => app.handle_key(key),
                Some(Ok(Event::Mouse(mouse))) => app.handle_mouse(mouse),
                Some(Ok(Event::Resize(..))) => app.dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            _ = sim_clock.tick(), if !app.paused => {
                app.step();
            }
            _ = sleep_until(last_draw + FRAME), if app.dirty => {
                draw(terminal, app)?;
                last_draw = Instant::now();
            }
            _ = signalled => break,
        }
    }
    Ok(())
}

/// One simulated second per tick: `speed` ticks per wall-clock second.
fn sim_interval(speed: u32) -> tokio::time::Interval {
    let period = Duration::from_secs(1) / speed.max(1);
    let mut clock = interval(period);
    clock.set_missed_tick_behavior(MissedTickBehavior::Skip);
    clock.reset();
    clock
}

/// Draws one frame inside a synchronized update, so a projector never shows half of it.
fn draw(terminal: &mut DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    execute!(stdout(), BeginSynchronizedUpdate)?;
    let result = terminal.draw(|frame| ui::draw(frame, app));
    execute!(stdout(), EndSynchronizedUpdate)?;
    app.dirty = false;
    result.map(|_| ())
}
