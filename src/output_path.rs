//! Output files — `--record`, `--metrics`, a drill's `--report` — must not be one of the
//! files the run reads, however the two paths are spelled (`./x.toml`, `../d/x.toml`, a
//! symbolic or hard link): writing one would destroy an input without a word.

use crate::cli::Cli;
use archtui::drill::{self, Drill};
use archtui::input_error::InputError;
use archtui::preset;
use std::path::{Path, PathBuf};

/// Every file the session reads: the preset, the drill or recording, and a drill's preset.
pub fn inputs(cli: &Cli, drill: Option<&Drill>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = cli.replay.iter().cloned().collect();
    if preset::builtin(&cli.preset).is_none() {
        files.push(PathBuf::from(&cli.preset));
    }
    if let Some(name) = &cli.drill {
        files.extend(drill_file(name));
    }
    if let Some(d) = drill {
        files.extend(preset_of(d));
    }
    files
}

/// The files `archtui drill NAME` reads: the drill's and its preset's.
pub fn drill_inputs(name: &str, drill: &Drill) -> Vec<PathBuf> {
    drill_file(name)
        .into_iter()
        .chain(preset_of(drill))
        .collect()
}

fn drill_file(name: &str) -> Option<PathBuf> {
    drill::builtin(name).is_none().then(|| PathBuf::from(name))
}

fn preset_of(drill: &Drill) -> Option<PathBuf> {
    preset::builtin(&drill.preset)
        .is_none()
        .then(|| PathBuf::from(drill.preset_locator()))
}

/// `output` (given by `flag`) must not be one of the files the run reads. Standard output
/// (`-`) is no file.
pub fn check(flag: &str, output: &Path, inputs: &[PathBuf]) -> Result<(), InputError> {
    if output == Path::new("-") {
        return Ok(());
    }
    match inputs.iter().find(|i| same_file(output, i)) {
        Some(input) => Err(InputError::new(
            flag,
            format!(
                "{} would overwrite {}, an input of this run: write to another file",
                output.display(),
                input.display()
            ),
        )),
        None => Ok(()),
    }
}

/// Whether two paths name the same file. `output` may not exist yet; `input` does (it has
/// been read).
fn same_file(output: &Path, input: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(a), Ok(b)) = (std::fs::metadata(output), std::fs::metadata(input)) {
        use std::os::unix::fs::MetadataExt;
        return (a.dev(), a.ino()) == (b.dev(), b.ino());
    }
    match (canonical(output), std::fs::canonicalize(input)) {
        (Some(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The canonical form of a path whose last part may not exist yet.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(path.file_name()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_links_of_one_file_are_the_same() {
        let dir = std::env::temp_dir().join(format!("archtui-same-file-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let file = dir.join("in.toml");
        std::fs::write(&file, "x = 1").unwrap();
        assert!(same_file(&dir.join("sub/../in.toml"), &file));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&file, dir.join("link.toml")).unwrap();
            std::fs::hard_link(&file, dir.join("hard.toml")).unwrap();
            assert!(same_file(&dir.join("link.toml"), &file));
            assert!(same_file(&dir.join("hard.toml"), &file));
        }
        assert!(!same_file(&dir.join("new.toml"), &file));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
