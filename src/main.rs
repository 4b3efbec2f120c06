//! The `archtui` binary: parses the command line and hands over to the headless runner, the
//! drill runner or the dashboard. All simulation lives in the library.

mod cli;
mod drill_cmd;
mod metrics_out;
mod output_path;
mod progress;

use archtui::arch::Architecture;
use archtui::drill::{self, Drill};
use archtui::headless::{self, Injection};
use archtui::input_error::InputError;
use archtui::preset;
use archtui::tui;
use archtui::units::Duration;

use clap::{CommandFactory, FromArgMatches};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Exit status for input a person got wrong: presets, drills, flags.
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let matches = cli::Cli::command().get_matches();
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // The dashboard runs forever unless --duration is given; headless, 24h is the default.
    let given = |id: &str| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
    let duration_given = given("duration");
    let preset_given = given("preset");
    match run(cli, duration_given, preset_given) {
        Ok(code) => code,
        Err(Failure::Input(e)) => {
            say(&format!("error: {e}"));
            ExitCode::from(BAD_INPUT)
        }
        // `archtui drill --list | head -3`: the reader has all it wanted.
        Err(Failure::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            say(&format!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Prints a line on stderr. `2>/dev/full` loses the message but keeps the exit status
/// (`eprintln!` would panic).
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Why a command could not do its job: the input was wrong (exit 2), or the machine said no
/// (a file could not be written; exit 1).
enum Failure {
    Input(InputError),
    Io(std::io::Error),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(e)
    }
}

fn run(cli: cli::Cli, duration_given: bool, preset_given: bool) -> Result<ExitCode, Failure> {
    match &cli.command {
        Some(cli::Command::Drill(args)) => return drill_cmd::run(args, &overrides(&cli)?),
        Some(cli::Command::Analyze(args)) => return analyze(&cli, args),
        Some(cli::Command::Story(_)) if !cli.set.is_empty() => {
            return Err(InputError::new(
                "--set",
                "story tells the built-in tiers as they are: use it with analyze or diff",
            )
            .into());
        }
        Some(cli::Command::Story(args)) => return story(&args.output),
        Some(cli::Command::Diff(args)) => return diff(&cli, args),
        Some(cli::Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut cli::Cli::command(), "archtui", &mut out);
            std::io::stdout().write_all(&out)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(cli::Command::Man { command }) => {
            let mut out = Vec::new();
            man_page(command.as_deref())?.render(&mut out)?;
            std::io::stdout().write_all(&out)?;
            return Ok(ExitCode::SUCCESS);
        }
        None => {}
    }
    if cli.list_presets {
        list_presets(cli.json)?;
        return Ok(ExitCode::SUCCESS);
    }
    if !cli.set.is_empty() && (cli.replay.is_some() || cli.record.is_some()) {
        // A recording names its preset, not the overrides: played back it would be another run.
        return Err(InputError::new(
            "--set",
            "a recording cannot carry overrides yet: leave out --set, or --record/--replay",
        )
        .into());
    }
    if !cli.headless {
        return run_dashboard(&cli, duration_given.then_some(cli.duration), preset_given);
    }
    if cli.presenter {
        return Err(InputError::new("--presenter", "only works in the dashboard").into());
    }
    if cli.paused {
        return Err(InputError::new("--paused", "only works in the dashboard").into());
    }
    let ((arch, seed, duration, injections), recording) = match &cli.replay {
        Some(path) => {
            let recording = drill::load(&path.to_string_lossy())?;
            (replay_plan(&recording), Some(recording))
        }
        None => {
            let arch = load(&cli)?;
            let injections = injections(&cli, &arch)?;
            ((Arc::new(arch), cli.seed, cli.duration, injections), None)
        }
    };
    if let Some(metrics) = &cli.metrics {
        let inputs = output_path::inputs(&cli, recording.as_ref());
        output_path::check("--metrics", metrics, &inputs)?;
    }
    run_headless(&cli, arch, seed, duration, &injections)?;
    Ok(ExitCode::SUCCESS)
}

/// `archtui analyze`: every failure domain of a preset, worst first.
fn analyze(cli: &cli::Cli, args: &cli::AnalyzeArgs) -> Result<ExitCode, Failure> {
    let arch = preset_of("analyze", &args.preset, &overrides(cli)?)?;
    let out = &args.output;
    let bar = Bar::new("runs");
    let report = archtui::analysis::analyze(arch, out.seed, threads(out.threads), |done, total| {
        bar.update(done, total)
    });
    drop(bar);
    use archtui::analysis::render;
    print(&report, out.json, out.md, render::text, render::markdown)
}

/// A preset a subcommand names: an unknown name is that subcommand's mistake, not `--preset`'s.
fn preset_of(
    command: &str,
    name: &str,
    sets: &[preset::overrides::Override],
) -> Result<Arc<Architecture>, InputError> {
    preset::load_with(name, sets)
        .map(Arc::new)
        .map_err(|mut e| {
            if e.origin == "--preset" {
                e.origin = command.to_string();
            }
            e
        })
}

/// The manual page of archtui, or of one of its commands (`archtui-drill(1)`, which the main
/// page's list of commands refers to).
fn man_page(command: Option<&str>) -> Result<clap_mangen::Man, InputError> {
    let mut main = cli::Cli::command();
    let Some(name) = command else {
        return Ok(clap_mangen::Man::new(main));
    };
    // Built, it has the `help` command the main page lists too.
    main.build();
    let names: Vec<String> = main
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let sub = main.find_subcommand(name).ok_or_else(|| {
        InputError::new(
            "man",
            format!(
                "no command `{name}`: pages are archtui's own and {}",
                names.join(", ")
            ),
        )
    })?;
    let page = format!("archtui-{name}");
    Ok(clap_mangen::Man::new(
        sub.clone()
            .bin_name(format!("archtui {name}"))
            .display_name(page.clone()),
    )
    .title(page)
    .source(format!("archtui {}", env!("CARGO_PKG_VERSION"))))
}

/// `archtui story`: the six built-in tiers side by side.
fn story(out: &cli::AnalysisOutput) -> Result<ExitCode, Failure> {
    let bar = Bar::new("tiers");
    let story = archtui::analysis::story::story(out.seed, threads(out.threads), |done, total| {
        bar.update(done, total)
    });
    drop(bar);
    use archtui::analysis::story::render;
    print(&story, out.json, out.md, render::text, render::markdown)
}

/// `archtui diff <a> <b>`: what changed, and what it changed for users. `--set` applies to B.
fn diff(cli: &cli::Cli, args: &cli::DiffArgs) -> Result<ExitCode, Failure> {
    let a = preset_of("diff", &args.a, &[])?;
    let b = preset_of("diff", &args.b, &overrides(cli)?)?;
    let out = &args.output;
    let bar = Bar::new("presets");
    let d = archtui::analysis::diff::diff(a, b, out.seed, threads(out.threads), |done, total| {
        bar.update(done, total)
    });
    drop(bar);
    use archtui::analysis::diff::render;
    print(&d, out.json, out.md, render::text, render::markdown)
}

/// Threads to run on: as asked, or every core.
fn threads(asked: Option<u32>) -> usize {
    asked.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    )
}

/// A progress bar on stderr, made at the first report of progress (which says the total).
struct Bar {
    what: &'static str,
    bar: std::sync::Mutex<Option<Option<progress::Progress>>>,
}

impl Bar {
    fn new(what: &'static str) -> Self {
        Bar {
            what,
            bar: std::sync::Mutex::new(None),
        }
    }

    fn update(&self, done: usize, total: usize) {
        let mut bar = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        let bar = bar.get_or_insert_with(|| progress::Progress::counting(total as u64, self.what));
        if let Some(bar) = bar.as_mut() {
            bar.update(done as u64);
        }
    }
}

/// Prints a result as JSON, Markdown or text.
fn print<T: serde::Serialize>(
    value: &T,
    json: bool,
    md: bool,
    text: fn(&T) -> String,
    markdown: fn(&T) -> String,
) -> Result<ExitCode, Failure> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, value).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        // Preset titles and ids come from files: escaped, never sent raw.
        let shown = if md { markdown(value) } else { text(value) };
        write!(out, "{}", archtui::escape::text(&shown))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `--inject` flags, checked against the preset and the run's length.
fn injections(cli: &cli::Cli, arch: &Architecture) -> Result<Vec<Injection>, InputError> {
    let injections = cli
        .inject
        .iter()
        .map(|text| Injection::parse(text, arch).map_err(|e| InputError::new("--inject", e)))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(late) = injections.iter().find(|i| i.at >= cli.duration) {
        return Err(InputError::new(
            "--inject",
            format!(
                "`{}` comes at or after the end of the run ({})",
                late.action, cli.duration
            ),
        ));
    }
    Ok(injections)
}

/// A recording played back headless is the `--inject` run of its steps.
type Plan = (Arc<Architecture>, u64, Duration, Vec<Injection>);

fn replay_plan(recording: &Drill) -> Plan {
    (
        recording.architecture(),
        recording.seed,
        recording.duration,
        recording.injections(),
    )
}

/// Opens the dashboard. Flags that only make sense headless are refused rather than ignored.
fn run_dashboard(
    cli: &cli::Cli,
    end: Option<Duration>,
    preset_given: bool,
) -> Result<ExitCode, Failure> {
    let headless_only = [
        (!cli.inject.is_empty(), "--inject"),
        (cli.metrics.is_some(), "--metrics"),
        (cli.json, "--json"),
    ];
    if let Some((_, flag)) = headless_only.iter().find(|(given, _)| *given) {
        return Err(InputError::new(*flag, "only works with --headless").into());
    }
    let sets = overrides(cli)?;
    let drill: Option<Drill> = match (&cli.drill, &cli.replay) {
        (Some(name), _) => Some(drill::load(name)?.with_overrides(&sets)?),
        (None, Some(path)) => Some(drill::load(&path.to_string_lossy())?),
        (None, None) if cli.presenter => {
            return Err(InputError::new("--presenter", "needs --drill or --replay").into());
        }
        (None, None) => None,
    };
    // The config file (before anything else: a bad one is bad input, exit 2, even without a
    // terminal). A preset on the command line wins over the file's.
    let config = tui::config::Config::load(cli.config.as_deref())?;
    let preset = match (&config.preset, preset_given) {
        (Some(p), false) => p.clone(),
        _ => cli.preset.clone(),
    };
    // `--record` must overwrite neither the config file nor a preset file it names.
    let mut config_inputs: Vec<std::path::PathBuf> = config.path.iter().cloned().collect();
    if preset != cli.preset && preset::builtin(&preset).is_none() {
        config_inputs.push(preset.clone().into());
    }
    let mut app = tui::App::new(tui::Options {
        preset,
        seed: cli.seed,
        users: cli.users,
        high_contrast: cli.high_contrast,
        drill,
        presenter: cli.presenter,
        paused: cli.paused,
        recording: cli.record.is_some(),
        end: end.map(Duration::secs),
        config,
        sets,
    })?;
    if let Some(record) = &cli.record {
        let mut inputs = output_path::inputs(cli, app.options.drill.as_ref());
        inputs.extend(config_inputs);
        output_path::check("--record", record, &inputs)?;
    }
    check_terminal()?;
    // Fail before the screen changes if the recording cannot be written.
    let recorder = match &cli.record {
        Some(path) => Some(tui::Recorder::create(path, &app)?),
        None => None,
    };
    // An earlier session's recording is kept; say where this one goes, there and after.
    let moved = recorder
        .as_ref()
        .filter(|r| r.path() != r.asked())
        .map(|r| {
            format!(
                "{} exists, so the recording is in {}",
                r.asked().display(),
                r.path().display()
            )
        });
    if let Some(words) = &moved {
        app.note = Some(tui::app::Note::Info(words.clone()));
    }
    match tui::run(app, recorder) {
        // Ended by a signal: the shell's convention, 128 and its number.
        Ok(app) => {
            if let Some(words) = moved {
                say(&words);
            }
            Ok(app.ended_by_signal.map_or(ExitCode::SUCCESS, |signal| {
                ExitCode::from(128 + u8::try_from(signal).unwrap_or(0))
            }))
        }
        Err(e) => {
            say(&format!("error: {e:?}"));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The dashboard draws on stdout and reads keys from the terminal: without one (cron, CI,
/// `> file`) it would fail half-way or fill a file with escape codes.
fn check_terminal() -> Result<(), InputError> {
    let why = if !std::io::stdout().is_terminal() {
        "stdout is not a terminal"
    } else if !std::io::stdin().is_terminal() && std::fs::File::open("/dev/tty").is_err() {
        "there is no terminal to read keys from"
    } else {
        return Ok(());
    };
    Err(InputError::new(
        "dashboard",
        format!("{why}: the dashboard needs one; use --headless to run without it"),
    ))
}

/// `--set` flags, parsed.
fn overrides(cli: &cli::Cli) -> Result<Vec<preset::overrides::Override>, InputError> {
    cli.set
        .iter()
        .map(|text| {
            preset::overrides::Override::parse(text).map_err(|e| InputError::new("--set", e))
        })
        .collect()
}

fn load(cli: &cli::Cli) -> Result<Architecture, InputError> {
    let mut arch = preset::load_with(&cli.preset, &overrides(cli)?)?;
    if let Some(users) = cli.users {
        preset::set_users(&mut arch, users).map_err(|e| InputError::new("--users", e))?;
    }
    Ok(arch)
}

fn run_headless(
    cli: &cli::Cli,
    arch: Arc<Architecture>,
    seed: u64,
    duration: Duration,
    injections: &[Injection],
) -> std::io::Result<()> {
    let mut metrics = match &cli.metrics {
        Some(path) => Some(metrics_out::Metrics::open(path, &arch)?),
        None => None,
    };
    // Metrics on the terminal would run through the bar.
    let metrics_on_terminal =
        cli.metrics.as_deref() == Some(Path::new("-")) && std::io::stdout().is_terminal();
    let mut progress = progress::Progress::new(duration.secs()).filter(|_| !metrics_on_terminal);
    let summary = headless::run(arch, seed, duration, injections, |sim| {
        if let Some(out) = &mut metrics {
            out.line(sim)?;
        }
        if let Some(p) = &mut progress {
            p.update(sim.time());
        }
        Ok::<_, std::io::Error>(())
    })?;
    drop(progress);
    if let Some(out) = metrics {
        out.finish()?;
    }
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    if cli.json {
        serde_json::to_writer(&mut stdout, &summary)?;
        writeln!(stdout)?;
    } else {
        // The preset's title and ids come from a file: escaped like every echo of input.
        write!(
            stdout,
            "{}",
            archtui::escape::text(&headless::render(&summary))
        )?;
    }
    Ok(())
}

/// Creates an output file, saying which one when it cannot.
fn create(path: &Path, what: &str) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot write {what} to {}: {e}", path.display()),
        )
    })
}

/// `--list-presets`: the built-in presets, a line each, or with `--json` one array of
/// {`name`, `users`, `regions`, `components`, `title`}.
fn list_presets(json: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let presets: Vec<serde_json::Value> = preset::BUILTIN
            .iter()
            .filter_map(|b| preset::parse(b.name, b.name, b.source).ok().map(|a| (b, a)))
            .map(|(b, arch)| {
                serde_json::json!({
                    "name": b.name,
                    "users": arch.traffic.users,
                    "regions": arch.regions.len(),
                    "components": arch.node_count(),
                    "title": arch.title,
                })
            })
            .collect();
        serde_json::to_writer(&mut out, &presets)?;
        return writeln!(out);
    }
    for b in preset::BUILTIN {
        match preset::parse(b.name, b.name, b.source) {
            Ok(arch) => writeln!(
                out,
                "{:<5} {:>11} users  {} region(s), {:>2} components  {}",
                b.name,
                headless::users(arch.traffic.users),
                arch.regions.len(),
                arch.node_count(),
                arch.title
            )?,
            Err(e) => writeln!(out, "{:<5} (broken: {e})", b.name)?,
        }
    }
    Ok(())
}
