//! The dashboard's state and everything that changes it. Keys and mouse clicks come in as
//! crossterm events, become commands (see `keys.rs`) and then actions on the simulation; the
//! drawing code only reads this state. No terminal and no wall clock here, so tests drive it.

use super::command_line::CommandLine;
use super::config::Config;
use super::event_log::EventLog;
use super::history::History;
use super::keys::{Cmd, Keymap};
use super::layout::{Layering, Place, Scene, Sugiyama};
use super::stage::Stage;
use super::theme::Theme;
use crate::action::Action;
use crate::arch::{Architecture, Kind, NodeId};
use crate::drill::{self, Drill, Recording};
use crate::input_error::InputError;
use crate::preset;
use crate::sim::Simulation;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;
use std::sync::Arc;

/// Simulated seconds per wall-clock second.
pub const SPEEDS: [u32; 8] = [1, 2, 5, 10, 60, 300, 1_000, AS_FAST_AS_IT_GOES];

/// A speed as the status bar says it: `60×`, or `max`.
pub fn speed_name(speed: u32) -> String {
    if speed == AS_FAST_AS_IT_GOES {
        "max".into()
    } else {
        format!("{speed}×")
    }
}

/// The last speed: as many simulated seconds as fit between two frames.
pub const AS_FAST_AS_IT_GOES: u32 = u32::MAX;

/// What the keyboard is talking to.
#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    Help,
    /// `:` prompt.
    Command(CommandLine),
    /// After `a`/`A`: the next letter names an AZ of `region`.
    PickAz {
        restore: bool,
        region: usize,
    },
    /// After `g`/`G`: the next digit names a region.
    PickRegion {
        restore: bool,
    },
    /// After `D`: choose a built-in drill (an index into [`drill::BUILTIN`]).
    PickDrill {
        index: usize,
    },
    /// The drill's report, over everything, scrolled down this many lines.
    Report {
        scroll: u16,
    },
    /// The event log has the keyboard: choose an event, see its cause chain.
    Events,
    /// Typing the event log's filter.
    Filter(CommandLine),
    /// What every symbol and colour means, scrolled down this many lines.
    Legend {
        scroll: u16,
    },
    /// The explorer: the analysis of the architecture on screen, scrolled down this many lines.
    Explorer {
        scroll: u16,
    },
}

/// A line of feedback under the graph: what the last action did, or why it could not.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    Info(String),
    Error(String),
}

/// How the dashboard was started.
#[derive(Debug, Clone)]
pub struct Options {
    pub preset: String,
    pub seed: u64,
    pub users: Option<f64>,
    pub high_contrast: bool,
    /// A drill (or a recording) to run instead of the bare preset; it brings its own preset,
    /// seed and users.
    pub drill: Option<Drill>,
    /// Hold before each drill step until `space`.
    pub presenter: bool,
    /// Open paused (`--paused`).
    pub paused: bool,
    /// Whether the session is being recorded (the shell writes the file; see [`App::recording`]).
    pub recording: bool,
    /// `--duration`: the clock stops at this simulated second (a drill stops at its own end).
    pub end: Option<u64>,
    /// The config file's settings: speed, colours, keys, where screenshots go.
    pub config: Config,
    /// `--set` overrides of the preset given on the command line (another preset or drill
    /// opened from the dashboard runs as it is).
    pub sets: Vec<preset::overrides::Override>,
}

impl Options {
    /// A bare preset with seed 1, as `archtui --preset NAME` starts.
    pub fn new(preset: impl Into<String>) -> Self {
        Self {
            preset: preset.into(),
            seed: 1,
            users: None,
            high_contrast: false,
            drill: None,
            presenter: false,
            paused: false,
            recording: false,
            end: None,
            config: Config::default(),
            sets: Vec::new(),
        }
    }
}

pub struct App {
    pub options: Options,
    pub sim: Simulation,
    pub history: History,
    pub speed: usize,
    pub paused: bool,
    pub selected: NodeId,
    pub mode: Mode,
    pub detail_open: bool,
    pub theme: Theme,
    pub note: Option<Note>,
    /// Every action taken since the run started, with its simulated second (for `--record`).
    pub taken: Vec<(u64, Action)>,
    /// Counts restarts and preset or drill switches: each starts a new run, and a new
    /// recording (the recorder keeps the old one in its own file).
    pub run_number: u32,
    /// The drill being run, if any.
    pub stage: Option<Stage>,
    pub quit: bool,
    /// The signal that ended the dashboard, if one did (its exit status says so).
    pub ended_by_signal: Option<i32>,
    /// Something on screen changed since the last draw.
    pub dirty: bool,
    /// The last frame was too small for the dashboard: it showed only how to fix that, so
    /// only the quit key acts (a key that struck a region unseen would be a trap).
    pub too_small: bool,
    places: Vec<Place>,
    /// The graph's layout for a pane size; rebuilt when either changes.
    scene: Option<(u16, u16, Arc<Scene>)>,
    /// The graph's off-screen canvas, kept from frame to frame rather than allocated for each.
    pub(crate) canvas: ratatui::buffer::Buffer,
    /// Where the graph pane was last drawn, and its scroll offset, for mouse clicks.
    pub graph_area: Rect,
    pub scroll: (u16, u16),
    /// The keys in force (the table's, or the config file's).
    pub keymap: Keymap,
    /// The event log's scroll, filter, chosen event and cause chain.
    pub log: EventLog,
    /// The analysis of the architecture on screen (`X`), run in the background.
    pub explorer: super::explorer::Explorer,
    /// A presenter's strike is playing out: the clock runs slower meanwhile.
    pub pacing: Option<super::pacing::Pacing>,
    /// Copies of the run to go back to, and the operator's actions to take again.
    pub rewind: super::rewind::Rewind,
    /// What the charts cover (`w` cycles), and a moment marked on them (the event chosen).
    pub chart_window: super::history::Window,
    pub chart_mark: Option<u64>,
    /// Commands run from the `:` line, oldest first (↑ brings them back).
    pub command_history: Vec<String>,
    /// When the note on screen first showed (set by `ui::draw`): notes fade (`ui::note_deadline`).
    pub note_shown: Option<(Note, std::time::Instant)>,
    /// A screenshot is wanted: the next frame drawn is saved.
    pub screenshot: bool,
    /// The graph was scrolled by the mouse wheel while this component was selected: the view
    /// stays where the wheel put it until the selection moves.
    pub wheeled: Option<NodeId>,
    /// The drill narration's pane as last drawn (empty when it is not on screen), how far
    /// it is scrolled, and the step it narrated then (another step starts at its top).
    pub narration_area: Rect,
    pub narration_scroll: u16,
    pub narration_of: Option<Option<usize>>,
    /// The command line's seed: a drill runs on its own, and the presets opened after it
    /// go back to this one, so the same keys give the same runs as before the drill.
    session_seed: u64,
}

impl App {
    pub fn new(mut options: Options) -> Result<Self, InputError> {
        let session_seed = options.seed;
        let arch = match &options.drill {
            Some(d) => {
                options.preset = d.preset_locator();
                options.seed = d.seed;
                options.users = d.users;
                d.architecture()
            }
            None => {
                let arch = load(&options.preset, options.users, &options.sets)?;
                options.preset = preset::locator(&options.preset, None);
                arch
            }
        };
        let theme = options.config.theme(options.high_contrast);
        let speed = (options.config.speed)
            .and_then(|s| SPEEDS.iter().position(|&x| x == s))
            .unwrap_or(0);
        let stage = options
            .drill
            .as_ref()
            .map(|d| Stage::new(d, options.presenter));
        let mut app = App {
            sim: Simulation::new(arch.clone(), options.seed),
            history: History::new(&arch),
            keymap: options.config.keymap.clone(),
            log: EventLog::default(),
            explorer: Default::default(),
            pacing: None,
            rewind: Default::default(),
            chart_window: Default::default(),
            chart_mark: None,
            command_history: Vec::new(),
            note_shown: None,
            screenshot: false,
            wheeled: None,
            session_seed,
            narration_area: Rect::default(),
            narration_scroll: 0,
            narration_of: None,
            options,
            speed,
            paused: false,
            selected: arch.entry,
            mode: Mode::Normal,
            detail_open: false,
            theme,
            note: None,
            taken: Vec::new(),
            run_number: 1,
            stage,
            quit: false,
            ended_by_signal: None,
            dirty: true,
            too_small: false,
            places: Sugiyama.places(&arch),
            scene: None,
            canvas: ratatui::buffer::Buffer::default(),
            graph_area: Rect::default(),
            scroll: (0, 0),
        };
        app.history.record(&app.sim);
        app.keep_checkpoint();
        if app.options.paused {
            // As a paused restart does: the first second's figures rather than zeros.
            app.paused = true;
            app.step();
        }
        Ok(app)
    }

    pub fn arch(&self) -> &Arc<Architecture> {
        self.sim.arch()
    }

    /// Simulated seconds per wall-clock second now: the chosen speed, slowed while a
    /// presenter's strike plays out.
    pub fn speed(&self) -> u32 {
        let chosen = SPEEDS[self.speed];
        match self.pacing {
            Some(_) => chosen.min(super::pacing::PACED_SPEED),
            None => chosen,
        }
    }

    /// Advances one simulated second, applying what a drill has due first. Returns false when
    /// a presenter's hold stopped it (the dashboard is then paused).
    pub fn step(&mut self) -> bool {
        self.dirty = true;
        if self.at_end() {
            self.paused = true;
            self.note = Some(Note::Info(self.end_words()));
            return false;
        }
        // After a rewind, the operator's actions come back at their seconds.
        let now = self.sim.time();
        for action in self.rewind.due(now) {
            if self.sim.apply(&action).is_ok() {
                self.taken.push((now, action));
            }
        }
        let in_drill = self.stage.as_ref().is_some_and(|s| !s.run.finished());
        if let Some(stage) = &mut self.stage {
            // Checked again after applying: a second step may share the struck one's second.
            // The hint bar says what waits and that space strikes it.
            if stage.holding(self.sim.time()).is_some() {
                self.paused = true;
                return false;
            }
            for applied in stage.before_step(&mut self.sim) {
                match applied.error {
                    Some(e) => self.note = Some(Note::Error(e)),
                    None => self.taken.push((applied.t, applied.action)),
                }
            }
            if stage.holding(self.sim.time()).is_some() {
                self.paused = true;
                return false;
            }
        }
        self.sim.step();
        self.history.record(&self.sim);
        self.keep_checkpoint();
        if self.pacing.is_some_and(|p| p.over(&self.sim)) {
            self.pacing = None;
            self.note = Some(Note::Info(format!(
                "the reactions have played out: back to {}",
                speed_name(SPEEDS[self.speed])
            )));
        }
        if let Some(stage) = &mut self.stage {
            stage.after_step(&self.sim);
            // Over: at its end, or aborted because the steady state did not hold.
            if in_drill && stage.run.finished() {
                // The report comes up by itself, unless the operator is typing or choosing.
                if matches!(self.mode, Mode::Normal | Mode::Help) {
                    self.mode = Mode::Report { scroll: 0 };
                }
                self.paused |= stage.presenter;
            }
        }
        true
    }

    fn keep_checkpoint(&mut self) {
        if self.rewind.due_copy(self.sim.time()) {
            self.rewind.keep(super::rewind::Checkpoint {
                sim: self.sim.clone(),
                history: self.history.clone(),
                stage: self.stage.clone(),
            });
        }
    }

    /// Goes back `by` simulated seconds (to the start at most) and plays on from there; the
    /// operator's actions are taken again as the clock passes their seconds.
    pub fn rewind_by(&mut self, by: u64) {
        let target = self.sim.time().saturating_sub(by);
        let Some(copy) = self.rewind.back_to(target) else {
            self.note = Some(Note::Error("nothing to go back to".into()));
            return;
        };
        self.sim = copy.sim;
        self.history = copy.history;
        self.stage = copy.stage;
        let from = self.sim.time();
        self.taken.retain(|(t, _)| *t < from);
        self.pacing = None;
        self.log = EventLog::default();
        // Played forward to the second asked for (a presenter's hold may stop it earlier).
        while self.sim.time() < target && self.step() {}
        let queued = self.rewind.queued();
        self.note = Some(Note::Info(format!(
            "back to {}{}",
            crate::headless::clock(self.sim.time()),
            match queued {
                0 => String::new(),
                1 => ": 1 action will be taken again at its second".into(),
                n => format!(": {n} actions will be taken again at their seconds"),
            }
        )));
        self.dirty = true;
    }

    /// Paused, the status bar shows no speed: a note says what `+` or `-` chose.
    fn speed_chosen_while_paused(&mut self) {
        if self.paused {
            self.note = Some(Note::Info(format!(
                "{} when resumed",
                speed_name(self.speed())
            )));
        }
    }

    /// What the clock stopped at `--duration` says, and what runs it again.
    fn end_words(&self) -> String {
        format!(
            "--duration {} is over: {} runs it again",
            crate::units::Duration::from_secs(self.sim.time()),
            self.keymap.first(Cmd::Reset)
        )
    }

    /// Whether the clock has reached `--duration` and stays there.
    pub fn at_end(&self) -> bool {
        self.options.end.is_some_and(|end| self.sim.time() >= end)
    }

    /// Runs at full speed through the second the drill's next step strikes (after the last
    /// step: through the drill's end), stopping at a presenter's hold instead.
    pub fn skip_to_next_step(&mut self) {
        let Some(stage) = &self.stage else {
            self.note = Some(Note::Error("no drill is running: D picks one".into()));
            return;
        };
        if stage.run.finished() {
            self.note = Some(Note::Info("the drill is over".into()));
            return;
        }
        let target = stage.run.next_step().map_or(stage.run.end(), |(at, _)| at);
        let over = |app: &App| app.stage.as_ref().is_none_or(|s| s.run.finished());
        while self.sim.time() <= target && !over(self) && self.step() {}
    }

    /// The session so far as a recording: the actions taken, at their simulated seconds.
    pub fn recording(&self) -> Recording {
        let mut rec = Recording::new(&self.options.preset, self.options.seed, self.options.users);
        for (t, action) in &self.taken {
            rec.record(*t, action.clone());
        }
        rec
    }

    /// The layout for a graph pane of this size (cached).
    pub fn scene(&mut self, width: u16, height: u16) -> Arc<Scene> {
        match &self.scene {
            Some((w, h, s)) if (*w, *h) == (width, height) => s.clone(),
            _ => {
                let s = Arc::new(Scene::fit(self.sim.arch(), &self.places, width, height));
                self.scene = Some((width, height, s.clone()));
                s
            }
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        // Some terminals also report releases and repeats; only a press is a keystroke.
        if key.kind != KeyEventKind::Press {
            return;
        }
        self.dirty = true;
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c {
            self.quit = true;
            return;
        }
        if self.too_small {
            self.quit = self.keymap.command(&key) == Some(Cmd::Quit);
            return;
        }
        // A screenshot takes the screen as it is, an overlay (help, legend, explorer, report,
        // drill picker) included, and leaves it open; not where a key is text or a choice.
        let typing = matches!(
            self.mode,
            Mode::Command(_) | Mode::Filter(_) | Mode::PickAz { .. } | Mode::PickRegion { .. }
        );
        if !typing && self.keymap.command(&key) == Some(Cmd::Screenshot) {
            self.screenshot = true;
            return;
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {
                if let Some(cmd) = self.keymap.command(&key) {
                    self.run(cmd);
                }
            }
            Mode::Events => self.events_key(key),
            Mode::Filter(line) => self.filter_key(line, key),
            Mode::Legend { scroll } => self.legend_key(scroll, key),
            Mode::Explorer { scroll } => self.explorer_key(scroll, key),
            Mode::Help => match self.keymap.command(&key) {
                Some(Cmd::Quit) => self.quit = true,
                Some(Cmd::Help | Cmd::Close) | None => {}
                Some(cmd) => self.run(cmd),
            },
            Mode::Report { scroll } => match self.keymap.command(&key) {
                Some(Cmd::Quit) => self.quit = true,
                Some(Cmd::Report | Cmd::Close | Cmd::Open) => {}
                // The drawing clamps it to what the report hides.
                Some(Cmd::Down) => {
                    self.mode = Mode::Report {
                        scroll: scroll.saturating_add(1),
                    }
                }
                Some(Cmd::Up) => {
                    self.mode = Mode::Report {
                        scroll: scroll.saturating_sub(1),
                    }
                }
                None => self.mode = Mode::Report { scroll },
                Some(cmd) => self.run(cmd),
            },
            Mode::PickDrill { index } => {
                let last = drill::BUILTIN.len() - 1;
                let index = match (key.code, self.keymap.command(&key)) {
                    (KeyCode::Enter, _) => return self.start_drill(drill::BUILTIN[index].name),
                    (KeyCode::Esc, _) | (_, Some(Cmd::Drills)) => return,
                    (_, Some(Cmd::Quit)) => return self.quit = true,
                    (_, Some(Cmd::Down | Cmd::Next)) => (index + 1).min(last),
                    (_, Some(Cmd::Up | Cmd::Previous)) => index.saturating_sub(1),
                    _ => index,
                };
                self.mode = Mode::PickDrill { index };
            }
            Mode::Command(line) => self.command_key(line, key),
            Mode::PickAz { restore, region } => {
                if let KeyCode::Char(c) = key.code {
                    let r = &self.sim.arch().regions[region];
                    match r.azs.iter().find(|az| az.starts_with(c)) {
                        Some(az) => {
                            let name = format!("{}/{az}", r.id);
                            self.act(if restore {
                                Action::RestoreAz(name)
                            } else {
                                Action::KillAz(name)
                            });
                        }
                        // The quit key still quits, unless an AZ is named by it.
                        None if self.keymap.command(&key) == Some(Cmd::Quit) => self.quit = true,
                        None => self.note = Some(Note::Error(format!("{} has no AZ `{c}`", r.id))),
                    }
                }
            }
            Mode::PickRegion { restore } => {
                if let KeyCode::Char(c) = key.code {
                    let regions = &self.sim.arch().regions;
                    match c
                        .to_digit(10)
                        .and_then(|d| regions.get((d as usize).wrapping_sub(1)))
                    {
                        Some(r) => {
                            let id = r.id.clone();
                            self.act(if restore {
                                Action::RestoreRegion(id)
                            } else {
                                Action::KillRegion(id)
                            });
                        }
                        None if self.keymap.command(&key) == Some(Cmd::Quit) => self.quit = true,
                        None => {
                            let range = match regions.len() {
                                1 => "1".to_string(),
                                n => format!("1–{n}"),
                            };
                            self.note = Some(Note::Error(format!("no region {c}: press {range}")))
                        }
                    }
                }
            }
        }
    }

    pub fn handle_mouse(&mut self, mouse: MouseEvent) {
        if self.too_small {
            return;
        }
        if matches!(
            mouse.kind,
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown
        ) {
            return self.wheel(mouse);
        }
        if mouse.kind != MouseEventKind::Down(MouseButton::Left)
            || !matches!(self.mode, Mode::Normal)
        {
            return;
        }
        let area = self.graph_area;
        if !area.contains((mouse.column, mouse.row).into()) {
            return;
        }
        let (x, y) = (
            mouse.column - area.x + self.scroll.0,
            mouse.row - area.y + self.scroll.1,
        );
        if let Some((_, _, scene)) = &self.scene
            && let Some(n) = scene.hit(x, y)
        {
            self.selected = n;
            self.dirty = true;
        }
    }

    /// Carries out one command of the key table.
    pub fn run(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Quit => self.quit = true,
            Cmd::Help => self.mode = Mode::Help,
            Cmd::Pause => {
                self.paused = !self.paused;
                if !self.paused {
                    self.strike();
                }
            }
            Cmd::Step => {
                self.paused = true;
                self.strike();
                self.step();
            }
            // Choosing a speed ends a presenter's pacing: the presenter knows best.
            Cmd::Faster => {
                self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
                self.pacing = None;
                self.speed_chosen_while_paused();
            }
            Cmd::Slower => {
                self.speed = self.speed.saturating_sub(1);
                self.pacing = None;
                self.speed_chosen_while_paused();
            }
            Cmd::Reset => self.restart(self.sim.arch().clone()),
            Cmd::Drills => self.mode = Mode::PickDrill { index: 0 },
            Cmd::NextStep => self.skip_to_next_step(),
            Cmd::Report => match &self.stage {
                Some(_) => self.mode = Mode::Report { scroll: 0 },
                None => self.note = Some(Note::Error("no drill is running: D picks one".into())),
            },
            Cmd::Theme => self.toggle_theme(),
            Cmd::Events | Cmd::Filter | Cmd::OlderEvents | Cmd::NewerEvents => {
                self.log_command(cmd)
            }
            Cmd::Legend => self.mode = Mode::Legend { scroll: 0 },
            Cmd::ChartWindow => {
                self.chart_window = self.chart_window.next();
                self.say_chart_window();
            }
            Cmd::BackMinute => self.rewind_by(60),
            Cmd::BackTenMinutes => self.rewind_by(600),
            Cmd::Explore => {
                // The run's architecture (a drill's users included) and seed.
                let arch = self.sim.arch().clone();
                self.explorer.start(arch, self.options.seed);
                self.mode = Mode::Explorer { scroll: 0 };
            }
            Cmd::Screenshot => self.screenshot = true,
            Cmd::Next | Cmd::Previous => self.cycle(cmd == Cmd::Next),
            Cmd::Left => self.go(-1, 0),
            Cmd::Right => self.go(1, 0),
            Cmd::Up => self.go(0, -1),
            Cmd::Down => self.go(0, 1),
            Cmd::Open => self.detail_open = !self.detail_open,
            Cmd::Close => self.detail_open = false,
            Cmd::CommandLine => self.mode = Mode::Command(CommandLine::new(self.sim.arch())),
            // Asking which AZ or region would be in vain once the clock has stopped.
            Cmd::KillAz | Cmd::RestoreAz | Cmd::KillRegion | Cmd::RestoreRegion
                if self.at_end() =>
            {
                self.note = Some(Note::Error(self.end_words()));
            }
            Cmd::KillAz | Cmd::RestoreAz => {
                let region = self.sim.arch().graph[self.selected].region.unwrap_or(0);
                self.mode = Mode::PickAz {
                    restore: cmd == Cmd::RestoreAz,
                    region,
                };
            }
            Cmd::KillRegion | Cmd::RestoreRegion => {
                self.mode = Mode::PickRegion {
                    restore: cmd == Cmd::RestoreRegion,
                }
            }
            Cmd::Spike => self.act(Action::Spike {
                factor: 5.0,
                duration: Some(crate::units::Duration::from_secs(600)),
            }),
            Cmd::DropCache => self.act(Action::DropCache(None)),
            Cmd::KillDb => {
                let selected = &self.sim.arch().graph[self.selected];
                let db = matches!(&selected.kind, Kind::Database(_)).then(|| selected.id.clone());
                self.act(Action::KillDbPrimary(db));
            }
            Cmd::KillInstance => {
                let arch = self.sim.arch();
                let group = arch
                    .groups()
                    .find(|(n, _)| *n == self.selected)
                    .or_else(|| arch.groups().next())
                    .map(|(_, g)| g);
                match group {
                    Some(g) => self.act(Action::KillInstance(g)),
                    None => {
                        self.note = Some(Note::Error("this preset has no instance group".into()))
                    }
                }
            }
            Cmd::RestoreAll => self.act(Action::RestoreAll),
            Cmd::Preset(i) => self.switch(preset::BUILTIN[i].name),
        }
    }

    /// Says what the charts now cover (also when an event's cause chain moved them).
    pub(super) fn say_chart_window(&mut self) {
        use super::history::Window;
        self.note = Some(Note::Info(format!(
            "charts: {}",
            match self.chart_window {
                Window::Live => "one simulated second a column".to_string(),
                Window::Run => "the whole run".to_string(),
                w => format!("the last {}", w.label()),
            }
        )));
    }

    /// Applies an action to the simulation now, and remembers it for `--record`.
    pub fn act(&mut self, action: Action) {
        let t = self.sim.time();
        self.dirty = true;
        // The clock stays at --duration's end: an action there would never play out, and a
        // recording would outlast the session.
        if self.at_end() {
            self.note = Some(Note::Error(self.end_words()));
            return;
        }
        // Said, not recorded: a recording of it would replay nothing.
        if let Some(why) = self.sim.already(&action) {
            self.note = Some(Note::Info(format!("{why}: nothing to do")));
            return;
        }
        match self.sim.apply(&action) {
            Ok(()) => {
                let branched = self.rewind.acted(t, action.clone());
                self.note = Some(Note::Info(format!(
                    "{} {action}{}",
                    crate::headless::clock(t),
                    if branched {
                        " (a new timeline: the rewound run's later actions are dropped)"
                    } else {
                        ""
                    }
                )));
                self.taken.push((t, action));
            }
            Err(e) => self.note = Some(Note::Error(e)),
        }
    }

    /// Opens another built-in preset, keeping the seed; a drill in progress is left.
    pub fn switch(&mut self, name: &str) {
        match load(name, None, &[]) {
            Ok(arch) => {
                self.options.preset = name.to_string();
                self.options.users = None;
                self.options.drill = None;
                self.options.seed = self.session_seed;
                let dropped = !self.options.sets.is_empty();
                self.options.sets.clear();
                self.open(arch);
                self.note = Some(Note::Info(if dropped {
                    format!("preset {name}, as it is (the --set overrides were for the first)")
                } else {
                    format!("preset {name}")
                }));
            }
            Err(e) => self.note = Some(Note::Error(e.to_string())),
        }
    }

    /// Starts a drill from second zero, on its own preset, seed and users.
    pub fn start_drill(&mut self, name: &str) {
        match drill::load(name) {
            Ok(d) => {
                self.options.preset = d.preset_locator();
                self.options.seed = d.seed;
                self.options.users = d.users;
                // The overrides were for what the command line opened.
                self.options.sets.clear();
                let (arch, note) = (d.architecture(), format!("drill {}", d.name));
                self.options.drill = Some(d);
                self.open(arch);
                self.note = Some(Note::Info(note));
            }
            Err(e) => self.note = Some(Note::Error(e.to_string())),
        }
    }

    /// Shows another architecture, from second zero.
    fn open(&mut self, arch: Arc<Architecture>) {
        self.places = Sugiyama.places(&arch);
        self.scene = None;
        self.explorer.forget();
        self.restart(arch);
    }

    /// Starts the run (and the drill, if any) again from second zero with the same seed.
    fn restart(&mut self, arch: Arc<Architecture>) {
        self.sim = Simulation::new(arch.clone(), self.options.seed);
        self.history = History::new(&arch);
        self.history.record(&self.sim);
        self.taken.clear();
        self.pacing = None;
        self.rewind = Default::default();
        self.chart_mark = None;
        self.keep_checkpoint();
        self.run_number += 1;
        self.stage = (self.options.drill.as_ref()).map(|d| Stage::new(d, self.options.presenter));
        self.selected = arch.entry;
        self.scroll = (0, 0);
        self.log = EventLog::default();
        self.note = Some(Note::Info("run restarted".into()));
        // Paused, the first second is played at once: the screen shows the new run's figures
        // rather than zeros until it is resumed.
        if self.paused {
            self.step();
        }
    }

    /// The presenter lets the step that is waiting strike.
    fn strike(&mut self) {
        if let Some(stage) = &mut self.stage
            && stage.holding(self.sim.time()).is_some()
        {
            stage.release();
            // The room watches what the strike sets off at a speed it can follow.
            self.pacing = Some(super::pacing::Pacing::new(self.sim.time()));
        }
    }

    fn cycle(&mut self, forward: bool) {
        let Some((_, _, scene)) = &self.scene else {
            return;
        };
        let order = scene.reading_order();
        let Some(i) = order.iter().position(|&n| n == self.selected) else {
            return;
        };
        let next = if forward { i + 1 } else { i + order.len() - 1 };
        self.selected = order[next % order.len()];
    }

    fn go(&mut self, dx: i32, dy: i32) {
        if let Some((_, _, scene)) = &self.scene
            && let Some(n) = scene.neighbour(self.selected, dx, dy)
        {
            self.selected = n;
        }
    }
}

fn load(
    preset: &str,
    users: Option<f64>,
    sets: &[preset::overrides::Override],
) -> Result<Arc<Architecture>, InputError> {
    let mut arch = preset::load_with(preset, sets)?;
    if let Some(users) = users {
        preset::set_users(&mut arch, users).map_err(|e| InputError::new("--users", e))?;
    }
    Ok(Arc::new(arch))
}
