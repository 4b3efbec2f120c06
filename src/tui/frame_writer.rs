//! Where the dashboard's frames are written: each one is kept whole and handed to the terminal
//! in one write when it is complete, that is when it closes its synchronized update.

use std::io::{self, Write};

/// A whole 160×48 screen is tens of kilobytes of escape sequences; stdout's own buffer (a
/// kilobyte) would hand a frame to the terminal in several writes, each a system call here and
/// a wake-up in the terminal.
const FRAME_BYTES: usize = 1 << 16;

/// Ends a synchronized update (DEC private mode 2026 reset), the last thing a frame writes.
const END_OF_FRAME: &[u8] = b"\x1b[?2026l";

/// Buffers everything until a flush finds it ending a frame ([`END_OF_FRAME`]). ratatui flushes
/// its writer several times a frame (hiding the cursor flushes, and so does dropping the
/// terminal); those flushes do nothing here, so a frame goes out in one write, and one cut
/// short by a panic, its synchronized update opened and never closed, is dropped rather than
/// written after the terminal has been restored. What comes between frames (a resize's clear)
/// goes out with the next one.
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

    /// Writes out the frame if it is complete; otherwise nothing yet.
    fn flush(&mut self) -> io::Result<()> {
        if !self.frame.ends_with(END_OF_FRAME) {
            return Ok(());
        }
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
    fn a_frame_goes_out_whole_when_it_ends_and_a_cut_one_never() {
        let mut written = Vec::new();
        {
            let mut w = FrameWriter::new(&mut written);
            w.write_all(b"\x1b[2J").unwrap(); // a resize's clear, between frames
            w.flush().unwrap();
            w.write_all(b"\x1b[?2026h").unwrap();
            w.write_all(b"frame").unwrap();
            w.flush().unwrap();
            assert!(w.out.is_empty(), "nothing before the frame ends");
            w.write_all(b"\x1b[?2026l").unwrap();
            w.flush().unwrap();
            w.write_all(b"\x1b[?2026hcut short").unwrap();
            w.flush().unwrap();
        }
        assert_eq!(written, b"\x1b[2J\x1b[?2026hframe\x1b[?2026l");
    }

    #[test]
    fn the_end_of_a_frame_is_what_crossterm_writes_for_it() {
        use ratatui::crossterm::{queue, terminal::EndSynchronizedUpdate};
        let mut bytes = Vec::new();
        queue!(bytes, EndSynchronizedUpdate).unwrap();
        assert_eq!(bytes, END_OF_FRAME);
    }
}
