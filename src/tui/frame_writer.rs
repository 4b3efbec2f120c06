//! Where the dashboard's frames are written: each one is kept whole and handed to the terminal
//! in one write when ratatui flushes it.

use std::io::{self, Write};

/// A whole 160×48 screen is tens of kilobytes of escape sequences; stdout's own buffer (a
/// kilobyte) would hand a frame to the terminal in several writes, each a system call here and
/// a wake-up in the terminal.
const FRAME_BYTES: usize = 1 << 16;

/// Buffers everything until `flush`. Unlike a `BufWriter` it drops what it holds when dropped:
/// a frame cut short by a panic is never written after the terminal has been restored.
pub struct FrameWriter<W: Write> {
    out: W,
    frame: Vec<u8>,
}

impl<W: Write> FrameWriter<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            frame: Vec::with_capacity(FRAME_BYTES),
        }
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.frame.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self
            .out
            .write_all(&self.frame)
            .and_then(|()| self.out.flush());
        self.frame.clear();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_goes_out_whole_at_the_flush_and_a_cut_one_never() {
        let mut written = Vec::new();
        {
            let mut w = FrameWriter::new(&mut written);
            w.write_all(b"\x1b[?2026h").unwrap();
            w.write_all(b"frame").unwrap();
            assert!(w.out.is_empty(), "nothing before the flush");
            w.flush().unwrap();
            w.write_all(b"cut short").unwrap();
        }
        assert_eq!(written, b"\x1b[?2026hframe");
    }
}
