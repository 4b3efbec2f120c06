//! A progress bar on stderr for long headless runs, drawn only when stderr is a terminal (a
//! log file or a pipe gets nothing) and at most ten times a second.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const WIDTH: usize = 30;
const EVERY: Duration = Duration::from_millis(100);

pub struct Progress {
    total: u64,
    /// What is counted, when it is not simulated time.
    counting: Option<&'static str>,
    last: Option<Instant>,
    shown: bool,
}

impl Progress {
    /// A bar for a run of `total` simulated seconds; silent unless stderr is a terminal.
    pub fn new(total: u64) -> Option<Self> {
        std::io::stderr().is_terminal().then_some(Self {
            total: total.max(1),
            counting: None,
            last: None,
            shown: false,
        })
    }

    /// A bar for `total` things of a kind (`what`), e.g. failure domains.
    pub fn counting(total: u64, what: &'static str) -> Option<Self> {
        Self::new(total).map(|p| Self {
            counting: Some(what),
            ..p
        })
    }

    /// Notes that `done` simulated seconds are over.
    pub fn update(&mut self, done: u64) {
        let now = Instant::now();
        // The first draw waits too: a run that is over in a blink shows no bar.
        let Some(last) = self.last else {
            self.last = Some(now);
            return;
        };
        if now.duration_since(last) < EVERY {
            return;
        }
        self.last = Some(now);
        let filled = (done.min(self.total) as usize * WIDTH) / self.total as usize;
        let of = match self.counting {
            Some(what) => format!("{} {what}", self.total),
            None => format!(
                "{} simulated",
                archtui::units::Duration::from_secs(self.total)
            ),
        };
        let line = format!(
            "\r[{}{}] {:>3}% of {of}",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            done * 100 / self.total,
        );
        // A terminal that cannot be written to costs the bar, never the run.
        let _ = std::io::stderr().write_all(line.as_bytes());
        self.shown = true;
    }
}

impl Drop for Progress {
    /// Clears the bar, so the summary starts on a clean line.
    fn drop(&mut self) {
        if self.shown {
            let _ = std::io::stderr().write_all(b"\r\x1b[2K");
        }
    }
}
