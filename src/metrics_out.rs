//! `--metrics FILE`: one JSON object per simulated second, to a file or to stdout.

use archtui::report::MetricsLine;
use std::io::{BufWriter, Write};
use std::path::Path;

/// `--metrics`: JSON Lines to a file, or to stdout for `-`. Every failure names where.
pub struct Metrics {
    out: BufWriter<Box<dyn Write>>,
    name: String,
}

impl Metrics {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let (out, name): (Box<dyn Write>, String) = if path == Path::new("-") {
            (Box::new(std::io::stdout()), "stdout".into())
        } else {
            (
                Box::new(crate::create(path, "metrics")?),
                path.display().to_string(),
            )
        };
        Ok(Self {
            out: BufWriter::new(out),
            name,
        })
    }

    pub fn line(&mut self, line: &MetricsLine) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, line)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|e| self.failed(e))
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.out.flush().map_err(|e| self.failed(e))
    }

    fn failed(&self, e: std::io::Error) -> std::io::Error {
        std::io::Error::new(
            e.kind(),
            format!("cannot write metrics to {}: {e}", self.name),
        )
    }
}
