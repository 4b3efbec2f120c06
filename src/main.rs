//! The `archtui` binary: parses the command line and hands over to the headless runner or the
//! dashboard. All simulation lives in the library.

mod cli;
mod drill_cmd;

use archtui::arch::Architecture;
use archtui::headless::{self, Injection};
use archtui::input_error::InputError;
use archtui::preset;
use archtui::report::MetricsLine;
use archtui::tui;

use clap::Parser;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::sync::Arc;

/// Exit status for input a person got wrong: presets, drills, flags.
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Some(code) = drill_cmd::dispatch(&cli) {
        return code;
    }
    match run(cli) {
        Ok(code) => code,
        Err(Failure::Input(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(BAD_INPUT)
        }
        Err(Failure::Io(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Input(InputError),
    Io(std::io::Error),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e)
    }
}

fn run(cli: cli::Cli) -> Result<ExitCode, Failure> {
    if cli.list_presets {
        list_presets();
        return Ok(ExitCode::SUCCESS);
    }
    if !cli.headless {
        return run_dashboard(&cli);
    }
    let arch = load(&cli)?;
    let injections = cli
        .inject
        .iter()
        .map(|text| Injection::parse(text, &arch).map_err(|e| InputError::new("--inject", e)))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(late) = injections.iter().find(|i| i.at >= cli.duration) {
        return Err(InputError::new(
            "--inject",
            format!(
                "`{}` comes at or after the end of the run ({})",
                late.action, cli.duration
            ),
        )
        .into());
    }
    run_headless(&cli, Arc::new(arch), &injections).map_err(Failure::Io)?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the dashboard. Flags that only make sense headless are refused rather than ignored.
fn run_dashboard(cli: &cli::Cli) -> Result<ExitCode, Failure> {
    let headless_only = [
        (!cli.inject.is_empty(), "--inject"),
        (cli.metrics.is_some(), "--metrics"),
        (cli.json, "--json"),
    ];
    if let Some((_, flag)) = headless_only.iter().find(|(given, _)| *given) {
        return Err(InputError::new(*flag, "only works with --headless").into());
    }
    let app = tui::App::new(tui::Options {
        preset: cli.preset.clone(),
        seed: cli.seed,
        users: cli.users,
        high_contrast: cli.high_contrast,
    })?;
    match tui::run(app) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("error: {e:?}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn load(cli: &cli::Cli) -> Result<Architecture, InputError> {
    let mut arch = preset::load(&cli.preset)?;
    if let Some(users) = cli.users {
        preset::set_users(&mut arch, users).map_err(|e| InputError::new("--users", e))?;
    }
    Ok(arch)
}

fn run_headless(
    cli: &cli::Cli,
    arch: Arc<Architecture>,
    injections: &[Injection],
) -> std::io::Result<()> {
    let mut metrics = match &cli.metrics {
        Some(path) => Some(BufWriter::new(std::fs::File::create(path).map_err(
            |e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot write metrics to {}: {e}", path.display()),
                )
            },
        )?)),
        None => None,
    };
    let summary = headless::run(arch, cli.seed, cli.duration, injections, |sim| {
        if let Some(out) = &mut metrics {
            serde_json::to_writer(&mut *out, &MetricsLine::of(sim))?;
            out.write_all(b"\n")?;
        }
        Ok::<_, std::io::Error>(())
    })?;
    if let Some(mut out) = metrics {
        out.flush()?;
    }
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    if cli.json {
        serde_json::to_writer(&mut stdout, &summary)?;
        writeln!(stdout)?;
    } else {
        write!(stdout, "{}", headless::render(&summary))?;
    }
    Ok(())
}

fn list_presets() {
    for b in preset::BUILTIN {
        match preset::parse(b.name, b.name, b.source) {
            Ok(arch) => println!(
                "{:<5} {:>11} users  {} region(s), {:>2} components  {}",
                b.name,
                headless::count(arch.traffic.users.round() as u64),
                arch.regions.len(),
                arch.node_count(),
                arch.title
            ),
            Err(e) => println!("{:<5} (broken: {e})", b.name),
        }
    }
}
