//! `--metrics FILE`: one JSON object per simulated second, to a file or to stdout.
//!
//! Writing a line costs about a fifth of a step (its percentiles, its numbers' digits, the
//! kernel's copy), so the simulation only reads off what each line says and a thread of its
//! own formats and writes them, a batch at a time. The bytes are those of writing each line in
//! turn: the batches go through in order, and the writer's copy of the latency window catches
//! up sample by sample.

use archtui::arch::Architecture;
use archtui::report::{MetricsJson, MetricsSample};
use archtui::sim::Simulation;
use std::io::Write;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Seconds handed to the writer at once. Waking it costs the simulation a system call and
/// the kernel's signal to the other core, 10–15 µs on this project's machine: once every few
/// minutes of simulated time, not every second.
const BATCH: usize = 256;

/// Samples, the first `used` of them filled; kept and refilled so a run allocates only its
/// first few batches.
#[derive(Default)]
struct Batch {
    samples: Vec<MetricsSample>,
    used: usize,
}

/// `--metrics`: JSON Lines to a file, or to stdout for `-`. Every failure names where.
pub struct Metrics {
    json: MetricsJson,
    batch: Batch,
    full: Option<SyncSender<Batch>>,
    empty: Receiver<Batch>,
    writer: Option<JoinHandle<std::io::Result<()>>>,
    name: String,
}

impl Metrics {
    pub fn open(path: &Path, arch: &Architecture) -> std::io::Result<Self> {
        let (out, name): (Box<dyn Write + Send>, String) = if path == Path::new("-") {
            (Box::new(std::io::stdout()), "stdout".into())
        } else {
            (
                Box::new(crate::create(path, "metrics")?),
                path.display().to_string(),
            )
        };
        let json = MetricsJson::new(arch);
        // Two batches in flight at most: one being written, one waiting.
        let (full, full_rx) = sync_channel::<Batch>(1);
        let (empty_tx, empty) = sync_channel::<Batch>(3);
        let formatter = json.clone();
        let writer = std::thread::Builder::new()
            .name("metrics".into())
            .spawn(move || write_batches(formatter, full_rx, empty_tx, out))
            .map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot start the metrics writer: {e}"))
            })?;
        Ok(Self {
            json,
            batch: Batch::default(),
            full: Some(full),
            empty,
            writer: Some(writer),
            name,
        })
    }

    /// Records the last second's line.
    pub fn line(&mut self, sim: &Simulation) -> std::io::Result<()> {
        let b = &mut self.batch;
        if b.used == b.samples.len() {
            b.samples.push(MetricsSample::default());
        }
        self.json.capture(sim, &mut b.samples[b.used]);
        b.used += 1;
        if b.used == BATCH {
            self.send()?;
        }
        Ok(())
    }

    /// Hands the batch to the writer and takes an empty one back, or starts one.
    fn send(&mut self) -> std::io::Result<()> {
        let next = self.empty.try_recv().unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, next);
        if let Some(full) = &self.full
            && full.send(batch).is_ok()
        {
            return Ok(());
        }
        // The writer stopped on an error: it says which (once: if it is gone, it said so).
        self.join()
    }

    /// Writes what is left and waits for the writer to finish.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.flush()
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.batch.used > 0 {
            self.send()?;
        }
        self.join()
    }

    fn join(&mut self) -> std::io::Result<()> {
        self.full = None;
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let written = writer.join().unwrap_or_else(|panic| {
            let why = archtui::panic_text::of(&*panic);
            Err(std::io::Error::other(format!("the writer panicked: {why}")))
        });
        written.map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot write metrics to {}: {e}", self.name),
            )
        })
    }
}

/// A run that ends early (an error elsewhere, a panic) still writes the seconds it made.
impl Drop for Metrics {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// The writer thread: formats each batch's lines into one buffer and writes it, until the
/// simulation hangs up or a write fails.
fn write_batches(
    mut json: MetricsJson,
    full: Receiver<Batch>,
    empty: SyncSender<Batch>,
    mut out: Box<dyn Write + Send>,
) -> std::io::Result<()> {
    // Lines are about 1.3 kB each.
    let mut buf = Vec::with_capacity(BATCH * 2048);
    for mut batch in full {
        buf.clear();
        for sample in &batch.samples[..batch.used] {
            json.format(sample, &mut buf);
        }
        out.write_all(&buf)?;
        batch.used = 0;
        // The simulation may have finished and hung up: the batch is simply dropped then.
        let _ = empty.try_send(batch);
    }
    out.flush()
}
