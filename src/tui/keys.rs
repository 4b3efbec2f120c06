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
    /// Move into the event log: choose an event, see its cause chain.
    Events,
    /// Filter the event log by text or kind.
    Filter,
    /// Scroll the event log towards older / newer events.
    OlderEvents,
    NewerEvents,
    /// Show or hide the legend: what every symbol and colour means.
    Legend,
    /// Show or hide the explorer: what losing each failure domain does, capacity, cost.
    Explore,
    /// What the charts cover: live, 10 min, 1 h, the whole run.
    ChartWindow,
    /// Rewind: go back a simulated minute, or ten, and play on from there.
    BackMinute,
    BackTenMinutes,
    /// Save the screen as text and SVG.
    Screenshot,
}

/// Groups in the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Run,
    Look,
    Events,
    Faults,
    Drills,
    Presets,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Run,
        Group::Look,
        Group::Events,
        Group::Faults,
        Group::Drills,
        Group::Presets,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Run => "Run",
            Group::Look => "Look around",
            Group::Events => "Event log",
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
    /// Where there is room left after all the others (wide terminals).
    IfRoom,
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
        "skip to the drill's next step",
        Cmd::NextStep,
        Group::Drills,
        Hint::InDrill,
    ),
    bind(
        &["."],
        "step",
        "step one simulated second (when paused)",
        Cmd::Step,
        Group::Run,
        Hint::WhenPaused,
    ),
    bind(
        &["+", "="],
        "faster",
        "run faster, up to 1000× and max",
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
        "start the run again, same seed",
        Cmd::Reset,
        Group::Run,
        Hint::Never,
    ),
    bind(
        &["w"],
        "window",
        "charts: live, 10 min, 1 h, whole run",
        Cmd::ChartWindow,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["["],
        "back 1m",
        "rewind a simulated minute, replay on",
        Cmd::BackMinute,
        Group::Run,
        Hint::Never,
    ),
    bind(
        &["{"],
        "back 10m",
        "rewind ten simulated minutes",
        Cmd::BackTenMinutes,
        Group::Run,
        Hint::Never,
    ),
    bind(
        &["t"],
        "theme",
        "high-contrast theme on/off (projectors)",
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
        &["L"],
        "legend",
        "what every symbol and colour means",
        Cmd::Legend,
        Group::Look,
        Hint::IfRoom,
    ),
    bind(
        &["S"],
        "screenshot",
        "save the screen as text and SVG",
        Cmd::Screenshot,
        Group::Look,
        Hint::Never,
    ),
    bind(
        &["e"],
        "events",
        "choose an event: Enter shows its causes",
        Cmd::Events,
        Group::Events,
        Hint::IfRoom,
    ),
    bind(
        &["/"],
        "filter",
        "filter events by text or kind:NAME",
        Cmd::Filter,
        Group::Events,
        Hint::IfRoom,
    ),
    bind(
        &["X"],
        "explore",
        "what losing each part does, capacity, cost",
        Cmd::Explore,
        Group::Look,
        Hint::IfRoom,
    ),
    bind(
        &["PgDn"],
        "older",
        "scroll the event log to older events",
        Cmd::OlderEvents,
        Group::Events,
        Hint::Never,
    ),
    bind(
        &["PgUp"],
        "newer",
        "scroll the event log to newer events",
        Cmd::NewerEvents,
        Group::Events,
        Hint::Never,
    ),
    bind(
        &[":"],
        "command",
        "type an action: kill-az:b, spike:3x:10m…",
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
        "spike: 5× the traffic for ten minutes",
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
        "crash the selected or main DB's primary",
        Cmd::KillDb,
        Group::Faults,
        Hint::Always,
    ),
    bind(
        &["x"],
        "kill instance",
        "crash one instance of the selected group",
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
pub fn name(key: &KeyEvent) -> Option<String> {
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
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Delete => "Delete".into(),
        KeyCode::Backspace => "Backspace".into(),
        _ => return None,
    })
}

/// The command a key press asks for in the dashboard's normal state, with the default keys.
pub fn command(key: &KeyEvent) -> Option<Cmd> {
    Keymap::default().command(key)
}

impl Binding {
    /// What the hint bar says for this binding now (`space resume` while paused).
    pub fn short_now(&self, paused: bool) -> &'static str {
        match self.cmd {
            Cmd::Pause if paused => "resume",
            _ => self.short,
        }
    }

    /// The binding's name in the config file's `[keys]` table: `pause`, `kill-az`, `preset-1k`.
    pub fn name(&self) -> String {
        if let Cmd::Preset(_) = self.cmd {
            return format!("preset-{}", self.short);
        }
        let debug = format!("{:?}", self.cmd);
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }
}

/// The keys in force: the table's, with a config file's `[keys]` put in place of some.
/// Dispatch, the hint bar and the help all read it.
#[derive(Debug, Clone)]
pub struct Keymap {
    /// The keys of each binding, in the order of [`BINDINGS`].
    keys: Vec<Vec<String>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            keys: BINDINGS
                .iter()
                .map(|b| b.keys.iter().map(|k| k.to_string()).collect())
                .collect(),
        }
    }
}

/// Keys no binding may take: they suspend or quit whatever the table says.
pub const RESERVED: [&str; 2] = ["Ctrl-C", "Ctrl-Z"];

/// Control keys a terminal sends as the same byte as another key: Ctrl-I is Tab, Ctrl-M
/// Enter. Bound, they would never arrive.
const ALIASES: [(&str, &str); 2] = [("Ctrl-I", "Tab"), ("Ctrl-M", "Enter")];

impl Keymap {
    /// Gives the binding named `name` (see [`Binding::name`]) these keys instead of its own.
    pub fn rebind(&mut self, name: &str, keys: &[&str]) -> Result<(), String> {
        let Some(i) = BINDINGS.iter().position(|b| b.name() == name) else {
            return Err(format!(
                "no action `{name}` to bind: one of {}",
                BINDINGS
                    .iter()
                    .map(Binding::name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        if keys.is_empty() {
            return Err(format!("`{name}` needs at least one key"));
        }
        let mut named = Vec::new();
        for k in keys {
            let Some(key) = normalize(k) else {
                return Err(format!(
                    "`{k}` is not a key: a single character, or one of space, Tab, Enter, Esc, \
                     Left, Right, Up, Down, PgUp, PgDn, Home, End, Ctrl-<letter>"
                ));
            };
            // Ctrl-C quits whatever the table says, so quit may name it; Ctrl-Z suspends.
            let quits_anyway = key == "Ctrl-C" && BINDINGS[i].cmd == Cmd::Quit;
            if RESERVED.contains(&key.as_str()) && !quits_anyway {
                return Err(format!("`{key}` is kept for quitting and suspending"));
            }
            // Terminals send these as the keys they are the control codes of.
            if let Some((_, as_key)) = ALIASES.iter().find(|(k, _)| *k == key) {
                return Err(format!(
                    "`{key}` reaches the dashboard as {as_key}: the terminal sends one for the other"
                ));
            }
            if named.contains(&key) {
                return Err(format!("`{key}` is listed twice for `{name}`"));
            }
            named.push(key);
        }
        self.keys[i] = named;
        Ok(())
    }

    /// The first binding that has a key twice, with the key: two actions cannot share one.
    pub fn clash(&self) -> Option<(String, &'static Binding, &'static Binding)> {
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for (i, keys) in self.keys.iter().enumerate() {
            for k in keys {
                if let Some(&(_, j)) = seen.iter().find(|(s, _)| s == k) {
                    return Some((k.clone(), &BINDINGS[j], &BINDINGS[i]));
                }
                seen.push((k, i));
            }
        }
        None
    }

    /// The command a key press asks for in the dashboard's normal state.
    pub fn command(&self, key: &KeyEvent) -> Option<Cmd> {
        let name = name(key)?;
        let i = self.keys.iter().position(|ks| ks.contains(&name))?;
        // One binding covers both directions of Tab.
        Some(match (BINDINGS[i].cmd, name.as_str()) {
            (Cmd::Next, "Shift-Tab") => Cmd::Previous,
            (cmd, _) => cmd,
        })
    }

    /// The keys of a binding of the table.
    pub fn keys(&self, b: &Binding) -> &[String] {
        let i = BINDINGS.iter().position(|x| x.cmd == b.cmd).unwrap_or(0);
        &self.keys[i]
    }

    /// The first key of the binding for `cmd`, as shown in hints.
    pub fn first(&self, cmd: Cmd) -> &str {
        BINDINGS
            .iter()
            .position(|b| b.cmd == cmd)
            .and_then(|i| self.keys[i].first())
            .map_or("?", String::as_str)
    }

    /// The bindings for the hint bar right now, the ones shown only if there is room last.
    pub fn hints(&self, paused: bool, in_drill: bool) -> impl Iterator<Item = &'static Binding> {
        let now = move |b: &&Binding| match b.hint {
            Hint::Never | Hint::IfRoom => false,
            Hint::Always => true,
            Hint::WhenPaused => paused,
            Hint::WhenRunning => !paused,
            Hint::InDrill => in_drill,
        };
        let if_room = BINDINGS.iter().filter(|b| b.hint == Hint::IfRoom);
        BINDINGS.iter().filter(now).chain(if_room)
    }
}

/// A key as a person writes it in the config file, in the table's spelling: `p`, `space`,
/// `Left` or `←`, `pgdn`, `ctrl-x`.
pub fn normalize(key: &str) -> Option<String> {
    let mut chars = key.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control() && c != ' ').then(|| c.to_string());
    }
    let lower = key.to_ascii_lowercase();
    Some(
        match lower.as_str() {
            "space" => "space",
            "tab" => "Tab",
            "shift-tab" | "backtab" => "Shift-Tab",
            "enter" | "return" => "Enter",
            "esc" | "escape" => "Esc",
            "left" => "←",
            "right" => "→",
            "up" => "↑",
            "down" => "↓",
            "pgup" | "pageup" => "PgUp",
            "pgdn" | "pagedown" => "PgDn",
            "home" => "Home",
            "end" => "End",
            _ => {
                let letter = lower.strip_prefix("ctrl-")?;
                let mut l = letter.chars();
                return match (l.next(), l.next()) {
                    (Some(c), None) if c.is_ascii_alphabetic() => {
                        Some(format!("Ctrl-{}", c.to_ascii_uppercase()))
                    }
                    _ => None,
                };
            }
        }
        .to_string(),
    )
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
        assert_eq!(command(&key(KeyCode::PageDown)), Some(Cmd::OlderEvents));
    }

    #[test]
    fn a_keymap_takes_new_keys_and_refuses_clashes() {
        let mut map = Keymap::default();
        map.rebind("pause", &["p"]).unwrap();
        assert_eq!(map.command(&key(KeyCode::Char('p'))), Some(Cmd::Pause));
        assert_eq!(map.command(&key(KeyCode::Char(' '))), None);
        assert_eq!(map.first(Cmd::Pause), "p");
        map.rebind("kill-az", &["Left"]).unwrap();
        let (k, a, b) = map.clash().unwrap();
        assert_eq!((k.as_str(), a.cmd, b.cmd), ("←", Cmd::Left, Cmd::KillAz));
        assert!(
            map.rebind("explode", &["x"])
                .unwrap_err()
                .contains("no action")
        );
        assert!(
            map.rebind("pause", &["F13"])
                .unwrap_err()
                .contains("not a key")
        );
        assert!(map.rebind("pause", &["ctrl-c"]).is_err());
        assert!(map.rebind("quit", &["ctrl-z"]).is_err(), "Ctrl-Z suspends");
        assert!(
            map.rebind("quit", &["q", "ctrl-c"]).is_ok(),
            "Ctrl-C quits anyway"
        );
        for alias in ["ctrl-i", "Ctrl-M"] {
            let e = map.rebind("pause", &[alias]).unwrap_err();
            assert!(e.contains("reaches the dashboard as"), "{alias}: {e}");
        }
        assert!(map.rebind("pause", &["ctrl-j"]).is_ok());
        assert!(Keymap::default().clash().is_none());
    }

    #[test]
    fn binding_names_read_as_config_keys() {
        let names: Vec<String> = BINDINGS.iter().map(Binding::name).collect();
        for n in [
            "pause",
            "kill-az",
            "restore-all",
            "preset-1k",
            "command-line",
            "legend",
        ] {
            assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
        }
    }
}
