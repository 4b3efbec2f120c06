//! `--record FILE`: keeps a drill file of the session's actions up to date on disk, so a
//! session that ends badly (a closed laptop, a kill) still leaves its recording behind.
//!
//! A recording replays one run: one preset, one seed, from second zero. A restart (`r`), a
//! preset switch or a drill started from the dashboard begins a new run, so the recording so
//! far is left as it is and the new run goes to a new numbered file next to it: `session.toml`,
//! then `session-2.toml`, `session-3.toml`, ... (skipping names that already exist). The first
//! run skips a taken name too: an earlier session's recording is never overwritten.

use super::app::App;
use crate::drill::Recording;
use std::path::{Path, PathBuf};

pub struct Recorder {
    /// The file the first run was recorded to; later runs are numbered after it.
    first: PathBuf,
    path: PathBuf,
    /// Which of the app's runs this file holds.
    run_number: u32,
    /// What is on disk, less its duration (which grows every second and is only worth a write
    /// when something else changes, or at the end).
    written: Recording,
    /// The run's simulated length at the last update, for closing its file after a restart.
    seen_time: u64,
}

impl Recorder {
    /// Writes the (empty) recording at once, so a path that cannot be written fails before
    /// the dashboard opens. A file already at `path` is kept: the run goes to the next free
    /// numbered name instead.
    pub fn create(path: &Path, app: &App) -> std::io::Result<Self> {
        let mut recorder = Self {
            first: path.to_path_buf(),
            path: if path.exists() {
                next_free(path)
            } else {
                path.to_path_buf()
            },
            run_number: app.run_number,
            written: app.recording(),
            seen_time: app.sim.time(),
        };
        recorder.write(app)?;
        Ok(recorder)
    }

    /// The file being written now.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file `--record` named, which the first run is written to unless it already existed.
    pub fn asked(&self) -> &Path {
        &self.first
    }

    /// Rewrites the file if an action was taken since the last write; after a restart, closes
    /// the last run's file and starts the next one.
    pub fn update(&mut self, app: &App) -> std::io::Result<()> {
        if app.run_number != self.run_number {
            self.save(self.seen_time)?;
            self.run_number = app.run_number;
            self.path = next_free(&self.first);
            self.seen_time = app.sim.time();
            return self.write(app);
        }
        self.seen_time = app.sim.time();
        if app.recording() == self.written {
            return Ok(());
        }
        self.write(app)
    }

    /// The final write, with the session's whole length.
    pub fn finish(mut self, app: &App) -> std::io::Result<()> {
        self.update(app)?;
        self.write(app)
    }

    fn write(&mut self, app: &App) -> std::io::Result<()> {
        self.written = app.recording();
        self.save(app.sim.time())
    }

    fn save(&self, duration: u64) -> std::io::Result<()> {
        std::fs::write(&self.path, self.written.to_toml(duration)).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot write the recording to {}: {e}", self.path.display()),
            )
        })
    }
}

/// `dir/name-N.ext` for the smallest N from 2 that names no existing file.
fn next_free(first: &Path) -> PathBuf {
    let stem = first
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let ext = first
        .extension()
        .map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    (2u32..)
        .map(|n| first.with_file_name(format!("{stem}-{n}{ext}")))
        .find(|p| !p.exists())
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_keeps_the_first_recording_and_starts_a_numbered_one() {
        let dir = std::env::temp_dir().join(format!("archtui-recorder-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = dir.join("session.toml");
        std::fs::write(dir.join("session-2.toml"), "someone else's").unwrap();
        let mut app = App::new(super::super::Options::new("1k")).unwrap();
        let mut recorder = Recorder::create(&first, &app).unwrap();
        for _ in 0..30 {
            app.step();
        }
        app.act(crate::action::Action::parse("kill-az:a").unwrap());
        recorder.update(&app).unwrap();
        app.step();
        recorder.update(&app).unwrap();
        app.handle_key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::Char('r'),
        ));
        recorder.update(&app).unwrap();
        assert_eq!(recorder.path(), dir.join("session-3.toml"));
        recorder.finish(&app).unwrap();
        let kept = std::fs::read_to_string(&first).unwrap();
        assert!(kept.contains("action = \"kill-az:a\""), "{kept}");
        assert!(kept.contains("duration = 31"), "{kept}");
        assert_eq!(
            std::fs::read_to_string(dir.join("session-2.toml")).unwrap(),
            "someone else's"
        );
        let next = std::fs::read_to_string(dir.join("session-3.toml")).unwrap();
        assert!(!next.contains("[[step]]"), "{next}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_earlier_recording_is_kept_and_the_run_goes_to_the_next_free_name() {
        let dir =
            std::env::temp_dir().join(format!("archtui-recorder-kept-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = dir.join("session.toml");
        std::fs::write(&first, "last week's workshop").unwrap();
        let app = App::new(super::super::Options::new("1k")).unwrap();
        let recorder = Recorder::create(&first, &app).unwrap();
        assert_eq!(recorder.path(), dir.join("session-2.toml"));
        assert_eq!(recorder.asked(), first);
        recorder.finish(&app).unwrap();
        assert_eq!(
            std::fs::read_to_string(&first).unwrap(),
            "last week's workshop"
        );
        assert!(
            std::fs::read_to_string(dir.join("session-2.toml"))
                .unwrap()
                .contains("preset = \"1k\"")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
