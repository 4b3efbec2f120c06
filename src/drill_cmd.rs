//! `archtui drill` and `archtui --replay FILE --headless`: drills and recordings from the
//! command line. Errors print as main's do (`error: file:line:col: ...`), with the same codes.

use crate::cli::{Cli, Command, DrillArgs};
use archtui::drill::{self, DrillReport};
use archtui::headless::{self, Injection};
use archtui::input_error::InputError;
use archtui::report::MetricsLine;
use archtui::units::Duration;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status for input a person got wrong.
const BAD_INPUT: u8 = 2;
/// Exit status when a drill's verdict is not the one it expects.
const NOT_AS_EXPECTED: u8 = 1;

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

/// Runs the command line if it asks for a drill or a headless replay; `None` leaves it to the
/// rest of main.
pub fn dispatch(cli: &Cli) -> Option<ExitCode> {
    let result = match (&cli.command, &cli.replay) {
        (Some(Command::Drill(args)), _) => drill_command(args),
        (None, Some(path)) if cli.headless => replay(cli, path),
        _ => return None,
    };
    Some(result.unwrap_or_else(|failure| match failure {
        Failure::Input(e) => {
            eprintln!("error: {e}");
            ExitCode::from(BAD_INPUT)
        }
        Failure::Io(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }))
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Json,
    Markdown,
}

fn format_of(path: &Path) -> Result<Format, InputError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Ok(Format::Json),
        Some("md") => Ok(Format::Markdown),
        _ => Err(InputError::new(
            "--report",
            format!(
                "`{}`: the report file must end in .json or .md",
                path.display()
            ),
        )),
    }
}

fn drill_command(args: &DrillArgs) -> Result<ExitCode, Failure> {
    if args.list {
        list();
        return Ok(ExitCode::SUCCESS);
    }
    let Some(name) = &args.drill else {
        return Err(InputError::new("drill", "name a drill, or use --list").into());
    };
    let outputs: Vec<(&PathBuf, Format)> = args
        .report
        .iter()
        .map(|p| format_of(p).map(|f| (p, f)))
        .collect::<Result<_, _>>()?;
    let drill = drill::load(name)?;
    let report = drill::run(&drill);
    for (path, format) in outputs {
        write_report(path, format, &report)?;
    }
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    if args.json {
        serde_json::to_writer(&mut stdout, &report).map_err(std::io::Error::from)?;
        writeln!(stdout)?;
    } else {
        write!(stdout, "{}", drill::report::render(&report))?;
    }
    Ok(if report.as_expected {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(NOT_AS_EXPECTED)
    })
}

fn write_report(path: &Path, format: Format, report: &DrillReport) -> std::io::Result<()> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
        Format::Markdown => drill::report::markdown(report),
    };
    std::fs::write(path, text).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot write the report to {}: {e}", path.display()),
        )
    })
}

fn list() {
    for b in drill::BUILTIN {
        match drill::load(b.name) {
            Ok(d) => println!(
                "{:<18} {:<5} expects {:<5} {}",
                b.name,
                d.preset,
                d.expect.as_str(),
                d.title
            ),
            Err(e) => println!("{:<18} (broken: {e})", b.name),
        }
    }
}

/// Plays a recording back headless: the same run as `--inject` with its steps.
fn replay(cli: &Cli, path: &Path) -> Result<ExitCode, Failure> {
    let drill = drill::load(&path.to_string_lossy())?;
    let injections: Vec<Injection> = drill
        .steps
        .iter()
        .map(|s| Injection {
            at: Duration::from_secs(s.t),
            action: s.action.clone(),
        })
        .collect();
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
    let summary = headless::run(
        drill.architecture(),
        drill.seed,
        drill.duration,
        &injections,
        |sim| {
            if let Some(out) = &mut metrics {
                serde_json::to_writer(&mut *out, &MetricsLine::of(sim))?;
                out.write_all(b"\n")?;
            }
            Ok::<_, std::io::Error>(())
        },
    )?;
    if let Some(mut out) = metrics {
        out.flush()?;
    }
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    if cli.json {
        serde_json::to_writer(&mut stdout, &summary).map_err(std::io::Error::from)?;
        writeln!(stdout)?;
    } else {
        write!(stdout, "{}", headless::render(&summary))?;
    }
    Ok(ExitCode::SUCCESS)
}
