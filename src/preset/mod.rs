//! Presets: architectures written in TOML. Six are built into the binary (one per user tier);
//! any other file can be loaded by path. See the README for the format.

mod build;
mod call_order;
pub mod defaults;
pub mod overrides;
pub mod prices;
pub mod spec;

use crate::arch::Architecture;
use crate::input_error::InputError;
use std::path::Path;

pub use build::MAX_PEAK_RPS;

/// A preset or a drill compiled into the binary, so it works from any directory after
/// `cargo install`.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    pub name: &'static str,
    pub source: &'static str,
}

macro_rules! builtin {
    ($name:literal) => {
        Builtin {
            name: $name,
            source: include_str!(concat!("../../presets/", $name, ".toml")),
        }
    };
}

/// The six user tiers, smallest first.
pub const BUILTIN: [Builtin; 6] = [
    builtin!("100"),
    builtin!("1k"),
    builtin!("10k"),
    builtin!("100k"),
    builtin!("1m"),
    builtin!("10m"),
];

/// The preset the dashboard opens when none is given.
pub const DEFAULT: &str = "1m";

pub fn builtin(name: &str) -> Option<Builtin> {
    BUILTIN.iter().copied().find(|b| b.name == name)
}

/// Loads a built-in preset by name, or a preset file by path.
pub fn load(name_or_path: &str) -> Result<Architecture, InputError> {
    if let Some(b) = builtin(name_or_path) {
        return parse(b.name, &format!("presets/{}.toml", b.name), b.source);
    }
    let path = Path::new(name_or_path);
    let looks_like_path = name_or_path.contains(['/', '\\']) || name_or_path.ends_with(".toml");
    if !looks_like_path && !path.exists() {
        let names: Vec<&str> = BUILTIN.iter().map(|b| b.name).collect();
        return Err(InputError::new(
            "--preset",
            format!(
                "unknown preset `{name_or_path}`: built-in presets are {}, or give the path to a .toml file",
                names.join(", ")
            ),
        ));
    }
    let source = read_text(name_or_path)?;
    let name = path.file_stem().map_or_else(
        || name_or_path.to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    parse(&name, name_or_path, &source).map_err(|e| {
        if crate::input_file::quotable(name_or_path) {
            e
        } else {
            crate::input_file::redact(e, "preset")
        }
    })
}

/// Loads a preset as [`load`] does, with `--set` overrides applied to its text before it is
/// checked. The preset itself must load first, so its own mistakes still point into its file.
pub fn load_with(
    name_or_path: &str,
    sets: &[overrides::Override],
) -> Result<Architecture, InputError> {
    let arch = load(name_or_path)?;
    if sets.is_empty() {
        return Ok(arch);
    }
    let source = match builtin(name_or_path) {
        Some(b) => b.source.to_string(),
        None => read_text(name_or_path)?,
    };
    let flags = || {
        sets.iter()
            .map(|o| o.text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = overrides::apply(&source, sets).map_err(|e| InputError::new("--set", e))?;
    parse(&arch.name, "--set", &text)
        .map_err(|e| InputError::new("--set", format!("`{}`: {}", flags(), e.message)))
}

/// How a file that may be read from another folder (a recording) should name this preset: a
/// built-in name as it is, a preset file (relative to `base`) by its absolute path.
pub fn locator(name_or_path: &str, base: Option<&Path>) -> String {
    if builtin(name_or_path).is_some() {
        return name_or_path.to_string();
    }
    let path = base.map_or_else(
        || Path::new(name_or_path).to_path_buf(),
        |b| b.join(name_or_path),
    );
    std::fs::canonicalize(&path)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Reads a file people wrote (see [`crate::input_file::read`]).
pub fn read_text(path: &str) -> Result<String, InputError> {
    crate::input_file::read(path)
}

/// Parses and checks preset text. `origin` names the file in error messages.
pub fn parse(name: &str, origin: &str, source: &str) -> Result<Architecture, InputError> {
    let spec: spec::PresetSpec =
        toml::from_str(source).map_err(|e| InputError::from_toml(origin, source, &e))?;
    build::build(name, origin, source, spec)
}

/// Replaces the preset's number of users (`--users`).
pub fn set_users(arch: &mut Architecture, users: f64) -> Result<(), String> {
    let users = crate::units::Users::new(users)?.get();
    let peak = users * arch.traffic.rps_per_user;
    if peak > MAX_PEAK_RPS {
        return Err(format!(
            "{users} users would send {peak:.3e} requests per second; the model accepts at most {MAX_PEAK_RPS:e}"
        ));
    }
    arch.traffic.users = users;
    Ok(())
}
