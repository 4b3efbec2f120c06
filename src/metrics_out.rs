//! `--metrics FILE`: one JSON object per simulated second, to a file or to stdout.

use archtui::arch::Architecture;
use archtui::report::MetricsJson;
use archtui::sim::Simulation;
use std::io::{BufWriter, Write};
use std::path::Path;

/// `--metrics`: JSON Lines to a file, or to stdout for `-`. Every failure names where.
pub struct Metrics {
    out: BufWriter<Box<dyn Write>>,
    json: MetricsJson,
    name: String,
}

impl Metrics {
    pub fn open(path: &Path, arch: &Architecture) -> std::io::Result<Self> {
        let (out, name): (Box<dyn Write>, String) = if path == Path::new("-") {
            (Box::new(std::io::stdout()), "stdout".into())
        } else {
            (
                Box::new(crate::create(path, "metrics")?),
                path.display().to_string(),
            )
        };
        Ok(Self {
            // Lines are about a kilobyte each: one write per sixty of them, not per seven.
            out: BufWriter::with_capacity(1 << 16, out),
            json: MetricsJson::new(arch),
            name,
        })
    }

    /// Writes the last second's line.
    pub fn line(&mut self, sim: &Simulation) -> std::io::Result<()> {
        self.json
            .write(sim, &mut self.out)
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
