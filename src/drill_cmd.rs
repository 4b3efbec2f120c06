//! `archtui drill`: runs a drill headless and reports. Errors go back to main, which prints
//! them (`error: file:line:col: ...`) and picks the exit code.

use crate::Failure;
use crate::cli::DrillArgs;
use archtui::drill::{self, DrillReport};
use archtui::input_error::InputError;
use archtui::preset::overrides::Override;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status when a drill's verdict is not the one it expects.
const NOT_AS_EXPECTED: u8 = 1;

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

/// `archtui drill`: runs one at full speed, prints and writes its report.
pub fn run(args: &DrillArgs, sets: &[Override]) -> Result<ExitCode, Failure> {
    if args.list {
        list(args.json)?;
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
    let drill = drill::load(name)?.with_overrides(sets)?;
    let inputs = crate::output_path::drill_inputs(name, &drill);
    for (path, _) in &outputs {
        crate::output_path::check("--report", path, &inputs)?;
    }
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
        // Titles, narration and ids come from the drill file: escaped, never sent raw.
        write!(
            stdout,
            "{}",
            archtui::escape::text(&drill::report::render(&report))
        )?;
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
        // Someone will `cat` it: the drill file's text goes in escaped, as on the terminal.
        Format::Markdown => archtui::escape::text(&drill::report::markdown(report)).into_owned(),
    };
    crate::create(path, "the report")?.write_all(text.as_bytes())
}

/// `--list`: the built-in drills, a line each, or with `--json` one array of {`name`,
/// `preset`, `expect`, `title`}.
fn list(json: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let drills: Vec<serde_json::Value> = drill::BUILTIN
            .iter()
            .filter_map(|b| drill::load(b.name).ok().map(|d| (b, d)))
            .map(|(b, d)| {
                serde_json::json!({
                    "name": b.name,
                    "preset": d.preset,
                    "expect": d.expect.as_str(),
                    "title": d.title,
                })
            })
            .collect();
        serde_json::to_writer(&mut out, &drills)?;
        return writeln!(out);
    }
    for b in drill::BUILTIN {
        match drill::load(b.name) {
            Ok(d) => writeln!(
                out,
                "{:<18} {:<5} expects {:<5} {}",
                b.name,
                d.preset,
                d.expect.as_str(),
                d.title
            )?,
            Err(e) => writeln!(out, "{:<18} (broken: {e})", b.name)?,
        }
    }
    Ok(())
}
