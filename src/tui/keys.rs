//! The one key table. The dispatcher, the hint bar and the help overlay all read it, so they
//! cannot disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks the dashboard to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Quit,
    Help,
    Pause,
    Step,
    Faster,
    Slower,
    Reset,
    Next,
    Previous,
    Left,
    Right,
    Up,
    Down,
    Open,
    Close,
    CommandLine,
    KillAz,
    RestoreAz,
    KillRegion,
    RestoreRegion,
    Spike,
    DropCache,
    KillDb,
    KillInstance,
    RestoreAll,
    Preset(usize),
    Theme,
    Drills,
    NextStep,
    Report,
}

/// Groups in the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Run,
    Look,
    Faults,
    Drills,
    Presets,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Run,
        Group::Look,
        Group::Faults,
        Group::Drills,
        Group::Presets,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Run => "Run",
            Group::Look => "Look around",
            Group::Faults => "Faults",
            Group::Drills => "Drills",
            Group::Presets => "Presets",
        }
    }
}

/// When a binding belongs in the hint bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Never,
    Always,
    WhenPaused,
    WhenRunning,
    /// While a drill is in progress.
    InDrill,
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys, as shown to people (`space`, `Tab`, `Ctrl-C`, `h`).
    pub keys: &'static [&'static str],
    /// A word or two for the hint bar.
    pub short: &'static str,
    /// A sentence for the help overlay.
    pub help: &'static str,
    pub cmd: Cmd,
    pub group: Group,
    pub hint: Hint,
}

const fn bind(
    keys: &'static [&'static str],
    short: &'static str,
    help: &'static str,
    cmd: Cmd,
    group: Group,
    hint: Hint,
) -> Binding {
    Binding {
        keys,
        short,
        help,
        cmd,
        group,
        hint,
    }
}

pub const BINDINGS: &[Binding] = &[
    bind(
        &["space"],
        "pause",
        "pause or resume the simulation",
        Cmd::Pause,
        Group::Run,
        Hint::Always,
    ),
    // Before the others, so a drill's one key survives a narrow hint bar.
    bind(
        &["n"],
        "next step",
        "skip ahead to the drill's next step (a presenter still strikes it)",
        Cmd::NextStep,
        Group::Drills,
        Hint::InDrill,
    ),
    bind(
        &["."],
        "step",
        "advance one simulated second (while paused)",
        Cmd::Step,
        Group::Run,
        Hint::WhenPaused,
    ),
    bind(
        &["+", "="],
        "faster",
        "run faster: 1×, 2×, 5×, 10×, 60×",
        Cmd::Faster,
        Group::Run,
        Hint::WhenRunning,
    ),
    bind(
        &["-"],
        "slower",
        "run slower",
        Cmd::Slower,
        Group::Run,
        Hint::Never,
    ),
    bind(
        &["r"],
        "reset",
        "start the run again from second zero, same seed",
        Cmd::Reset,
        Group::Run,
        Hint::Never,
    ),
    bind(
        &["t"],
        "theme",
        "switch to or from the high-contrast theme (projectors)",
        Cmd::Theme,
        Group::Run,
        Hint::Never,
    ),
    bind(
        &["q", "Ctrl-C"],
        "quit",
        "quit",
        Cmd::Quit,
        Group::Run,
        Hint::Always,
    ),
    bind(
        &["Tab", "Shift-Tab"],
        "select",
        "select the next or previous component",
        Cmd::Next,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["←", "h"],
        "left",
        "select the component to the left",
        Cmd::Left,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["→", "l"],
        "right",
        "select the component to the right",
        Cmd::Right,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["↑", "k"],
        "up",
        "select the component above",
        Cmd::Up,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["↓", "j"],
        "down",
        "select the component below",
        Cmd::Down,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["Enter"],
        "detail",
        "open the selected component's detail",
        Cmd::Open,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["Esc"],
        "close",
        "close a panel or cancel a prompt",
        Cmd::Close,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["?"],
        "help",
        "show or hide this help",
        Cmd::Help,
        Group::Look,
        Hint::Always,
    ),
    bind(
        &[":"],
        "command",
        "type any action: kill-az:b, spike:3x:10m, add-latency:dns:50 …",
        Cmd::CommandLine,
        Group::Faults,
        Hint::Always,
    ),
    bind(
        &["a"],
        "kill AZ",
        "kill an AZ, then press its letter",
        Cmd::KillAz,
        Group::Faults,
        Hint::Always,
    ),
    bind(
        &["A"],
        "restore AZ",
        "restore an AZ, then press its letter",
        Cmd::RestoreAz,
        Group::Faults,
        Hint::Never,
    ),
    bind(
        &["g"],
        "kill region",
        "kill a region, then press its number",
        Cmd::KillRegion,
        Group::Faults,
        Hint::Never,
    ),
    bind(
        &["G"],
        "restore region",
        "restore a region, then press its number",
        Cmd::RestoreRegion,
        Group::Faults,
        Hint::Never,
    ),
    bind(
        &["s"],
        "spike",
        "traffic spike: five times the traffic for ten minutes",
        Cmd::Spike,
        Group::Faults,
        Hint::Always,
    ),
    bind(
        &["c"],
        "drop cache",
        "flush every cache",
        Cmd::DropCache,
        Group::Faults,
        Hint::Never,
    ),
    bind(
        &["d"],
        "crash DB",
        "crash the database primary (the selected database, or the main one)",
        Cmd::KillDb,
        Group::Faults,
        Hint::Always,
    ),
    bind(
        &["x"],
        "kill instance",
        "crash one instance of the selected group (or the first group)",
        Cmd::KillInstance,
        Group::Faults,
        Hint::Never,
    ),
    bind(
        &["u"],
        "restore all",
        "undo every fault",
        Cmd::RestoreAll,
        Group::Faults,
        Hint::Always,
    ),
    bind(
        &["D"],
        "drills",
        "choose a built-in drill and run it",
        Cmd::Drills,
        Group::Drills,
        Hint::Never,
    ),
    bind(
        &["R"],
        "report",
        "show or hide the drill's report",
        Cmd::Report,
        Group::Drills,
        Hint::Never,
    ),
    bind(
        &["1"],
        "100",
        "switch to the 100-user preset",
        Cmd::Preset(0),
        Group::Presets,
        Hint::Never,
    ),
    bind(
        &["2"],
        "1k",
        "switch to the 1k preset",
        Cmd::Preset(1),
        Group::Presets,
        Hint::Never,
    ),
    bind(
        &["3"],
        "10k",
        "switch to the 10k preset",
        Cmd::Preset(2),
        Group::Presets,
        Hint::Never,
    ),
    bind(
        &["4"],
        "100k",
        "switch to the 100k preset",
        Cmd::Preset(3),
        Group::Presets,
        Hint::Never,
    ),
    bind(
        &["5"],
        "1m",
        "switch to the 1m preset",
        Cmd::Preset(4),
        Group::Presets,
        Hint::Never,
    ),
    bind(
        &["6"],
        "10m",
        "switch to the 10m preset",
        Cmd::Preset(5),
        Group::Presets,
        Hint::Never,
    ),
];

/// How a key event is written in the table.
fn name(key: &KeyEvent) -> Option<String> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char(c) if ctrl => format!("Ctrl-{}", c.to_ascii_uppercase()),
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        _ => return None,
    })
}

/// The command a key press asks for in the dashboard's normal state.
pub fn command(key: &KeyEvent) -> Option<Cmd> {
    let name = name(key)?;
    let binding = BINDINGS.iter().find(|b| b.keys.contains(&name.as_str()))?;
    // One binding covers both directions of Tab.
    Some(match (binding.cmd, name.as_str()) {
        (Cmd::Next, "Shift-Tab") => Cmd::Previous,
        (cmd, _) => cmd,
    })
}

/// The bindings for the hint bar right now.
pub fn hints(paused: bool, in_drill: bool) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| match b.hint {
        Hint::Never => false,
        Hint::Always => true,
        Hint::WhenPaused => paused,
        Hint::WhenRunning => !paused,
        Hint::InDrill => in_drill,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn every_key_is_bound_once() {
        let mut seen = std::collections::HashSet::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(seen.insert(*k), "`{k}` is bound twice");
            }
        }
    }

    #[test]
    fn keys_map_to_their_commands() {
        assert_eq!(command(&key(KeyCode::Char('q'))), Some(Cmd::Quit));
        assert_eq!(
            command(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Cmd::Quit)
        );
        assert_eq!(command(&key(KeyCode::Char('c'))), Some(Cmd::DropCache));
        assert_eq!(command(&key(KeyCode::Char(' '))), Some(Cmd::Pause));
        assert_eq!(command(&key(KeyCode::BackTab)), Some(Cmd::Previous));
        assert_eq!(command(&key(KeyCode::Char('j'))), Some(Cmd::Down));
        assert_eq!(command(&key(KeyCode::Down)), Some(Cmd::Down));
        assert_eq!(command(&key(KeyCode::Char('4'))), Some(Cmd::Preset(3)));
        assert_eq!(command(&key(KeyCode::Char('Z'))), None);
    }
}
