//! The terminal's input, read on a thread of its own that blocks until something arrives and
//! hands it to the event loop through a channel. (crossterm's async `EventStream` polls its
//! reader's lock in a loop and yields about a thousand times a second even when nothing
//! happens; a blocking read costs nothing while the user does nothing.)

use ratatui::crossterm::event::{self, Event};
use tokio::sync::mpsc;

/// Starts the reader. The channel closes if reading fails for good (after sending the error)
/// or the loop is gone.
pub fn spawn() -> mpsc::UnboundedReceiver<std::io::Result<Event>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("archtui-input".into())
        .spawn(move || {
            loop {
                let event = event::read();
                let failed = event.is_err();
                if tx.send(event).is_err() || failed {
                    break;
                }
            }
        })
        .expect("a thread for the terminal's input");
    rx
}
