//! `--record FILE`: keeps a drill file of the session's actions up to date on disk, so a
//! session that ends badly (a closed laptop, a kill) still leaves its recording behind.

use super::app::App;
use crate::drill::Recording;
use std::path::{Path, PathBuf};

pub struct Recorder {
    path: PathBuf,
    /// What is on disk, less its duration (which grows every second and is only worth a write
    /// when something else changes, or at the end).
    written: Recording,
}

impl Recorder {
    /// Writes the (empty) recording at once, so a path that cannot be written fails before
    /// the dashboard opens.
    pub fn create(path: &Path, app: &App) -> std::io::Result<Self> {
        let mut recorder = Self {
            path: path.to_path_buf(),
            written: app.recording(),
        };
        recorder.write(app)?;
        Ok(recorder)
    }

    /// Rewrites the file if an action was taken (or the run restarted) since the last write.
    pub fn update(&mut self, app: &App) -> std::io::Result<()> {
        if app.recording() == self.written {
            return Ok(());
        }
        self.write(app)
    }

    /// The final write, with the session's whole length.
    pub fn finish(mut self, app: &App) -> std::io::Result<()> {
        self.write(app)
    }

    fn write(&mut self, app: &App) -> std::io::Result<()> {
        self.written = app.recording();
        std::fs::write(&self.path, self.written.to_toml(app.sim.time())).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot write the recording to {}: {e}", self.path.display()),
            )
        })
    }
}
