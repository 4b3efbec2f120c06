//! archtui: feel how a cloud architecture behaves under load and failure.
//!
//! The library is the simulation core (presets, the architecture graph, the traffic and
//! queueing model, faults, the headless runner) and the drill engine. It has no terminal, no
//! wall clock and no global randomness: the same preset, seed and actions give the same
//! numbers, bit for bit.

pub mod action;
pub mod analysis;
pub mod arch;
pub mod drill;
pub mod escape;
pub mod headless;
pub mod input_error;
pub mod input_file;
pub mod panic_text;
pub mod preset;
pub mod report;
pub mod retry_policy;
pub mod sim;
#[cfg(feature = "tui")]
pub mod tui;
pub mod units;
