//! The signals the dashboard answers: the ones that end it (so the terminal is restored on the
//! way out), the one that suspends it and the one that continues it.

use tokio::signal::unix::{SignalKind, signal};

pub enum Signal {
    /// SIGINT, SIGTERM, SIGHUP or SIGQUIT (its number): restore the terminal and exit.
    Quit(i32),
    /// SIGTSTP: restore the terminal, stop, and take it back when continued.
    Suspend,
    /// SIGCONT: continued after a stop (ours or anyone's): set the terminal up again, as a
    /// shell puts its own modes back while a job is stopped.
    Continue,
}

pub struct Signals {
    quit: [tokio::signal::unix::Signal; 4],
    suspend: tokio::signal::unix::Signal,
    resume: tokio::signal::unix::Signal,
}

impl Signals {
    /// Takes over the signals' default actions, which would kill or stop the process with
    /// the terminal still in raw mode on the alternate screen. Needs a tokio runtime.
    pub fn new() -> std::io::Result<Self> {
        Ok(Self {
            quit: [
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
                signal(SignalKind::hangup())?,
                signal(SignalKind::quit())?,
            ],
            suspend: signal(SignalKind::from_raw(libc::SIGTSTP))?,
            resume: signal(SignalKind::from_raw(libc::SIGCONT))?,
        })
    }

    /// The next signal to arrive.
    pub async fn next(&mut self) -> Signal {
        let [int, term, hup, quit] = &mut self.quit;
        tokio::select! {
            _ = int.recv() => Signal::Quit(libc::SIGINT),
            _ = term.recv() => Signal::Quit(libc::SIGTERM),
            _ = hup.recv() => Signal::Quit(libc::SIGHUP),
            _ = quit.recv() => Signal::Quit(libc::SIGQUIT),
            _ = self.suspend.recv() => Signal::Suspend,
            _ = self.resume.recv() => Signal::Continue,
        }
    }
}

/// Stops the process group as the terminal's Ctrl-Z would, returning once continued. SIGSTOP
/// rather than SIGTSTP: SIGTSTP's default action is gone once it is listened for.
pub fn stop() {
    // SAFETY: kill has no memory-safety preconditions; 0 is this process's group.
    unsafe {
        libc::kill(0, libc::SIGSTOP);
    }
}
