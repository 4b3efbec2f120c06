//! Reading the files people hand to archtui: presets, drills and recordings. Only regular files
//! up to [`MAX_BYTES`] are read, so a FIFO, a device or a huge file gets a clear error instead of
//! a hang or an exhausted memory; and only TOML text is ever quoted back (see [`quotable`]).

use crate::input_error::{InputError, Location};
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// The largest input file read: far beyond any preset or drill (the largest built-in is 10 KiB).
pub const MAX_BYTES: u64 = 1 << 20;

/// Reads a text file a person wrote, refusing anything that is not a regular UTF-8 text file
/// of at most [`MAX_BYTES`]. Errors name the file, and the line and column where there is one.
pub fn read(path: &str) -> Result<String, InputError> {
    let cannot = |e: std::io::Error| InputError::new(path, format!("cannot read it: {e}"));
    // Looked at before opening: opening a FIFO would wait for a writer forever.
    check(path, &std::fs::metadata(path).map_err(cannot)?)?;
    let file = File::open(path).map_err(cannot)?;
    check(path, &file.metadata().map_err(cannot)?)?;
    let mut bytes = Vec::new();
    // Files under /proc say they are empty and are not: the cap holds while reading too.
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_big(path));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(&e.as_bytes()[..at]);
        not_text(path, &before, "this is not UTF-8 text")
    })?;
    // TOML allows no control characters but tabs and line ends, even in strings.
    if let Some(at) = text.find(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(not_text(
            path,
            &text[..at],
            "a control character: this is not TOML text",
        ));
    }
    Ok(text)
}

/// Whether errors may quote lines of this file: only files named `*.toml`. Any other file
/// (an `.env`, `/etc/shadow`, `/proc/self/environ`) may hold secrets that must not end up in a
/// terminal or a CI log.
pub fn quotable(path: &str) -> bool {
    let named_toml = |p: &Path| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    };
    // A link named `x.toml` to `/etc/passwd` is not a TOML file: the name that counts is
    // the one the links lead to.
    let path = Path::new(path);
    named_toml(path) && std::fs::canonicalize(path).is_ok_and(|real| named_toml(&real))
}

/// An error in a file that is not quotable: its place stays, its line and any text the parser
/// took from it go.
pub fn redact(err: InputError, what: &str) -> InputError {
    let Some(loc) = err.location else {
        return err;
    };
    InputError {
        message: format!(
            "not a valid {what} (its text is not shown: only files named *.toml are quoted)"
        ),
        location: Some(loc),
        origin: err.origin,
    }
    .unquoted()
}

fn check(path: &str, meta: &Metadata) -> Result<(), InputError> {
    if !meta.is_file() {
        return Err(InputError::new(
            path,
            format!("this is {}, not a regular file", kind(meta)),
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(too_big(path));
    }
    Ok(())
}

fn too_big(path: &str) -> InputError {
    InputError::new(
        path,
        format!(
            "the file is larger than {} KiB, the most archtui reads",
            MAX_BYTES / 1024
        ),
    )
}

/// An error at the end of `before` (the text up to the fault), without quoting the line.
fn not_text(path: &str, before: &str, message: &str) -> InputError {
    let end = before.len();
    InputError {
        origin: path.to_string(),
        location: Some(Location::of_span(before, end..end)),
        message: message.to_string(),
    }
    .unquoted()
}

fn kind(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "something else"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused_without_reading() {
        for path in ["/dev/zero", "/dev/null", "/"] {
            let err = read(path).unwrap_err().to_string();
            assert!(err.contains("not a regular file"), "{err}");
        }
    }

    /// Only a file really named `*.toml` is quoted: not one that a link so named leads to.
    #[cfg(unix)]
    #[test]
    fn a_link_named_toml_is_quoted_only_if_its_file_is() {
        let dir = std::env::temp_dir().join(format!("archtui-quotable-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (secret, real) = (dir.join("secret.env"), dir.join("real.toml"));
        std::fs::write(&secret, "KEY=1\n").unwrap();
        std::fs::write(&real, "a = 1\n").unwrap();
        let link = |name: &str, to: &Path| {
            let at = dir.join(name);
            let _ = std::fs::remove_file(&at);
            std::os::unix::fs::symlink(to, &at).unwrap();
            at.to_string_lossy().into_owned()
        };
        assert!(!quotable(&link("passwd.toml", &secret)));
        assert!(quotable(&link("alias.toml", &real)));
        assert!(quotable(&real.to_string_lossy()));
        assert!(
            !quotable(&link("real-link", &real)),
            "the name given counts too"
        );
        assert!(!quotable(&dir.join("missing.toml").to_string_lossy()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn binary_text_gets_a_place_and_no_quote() {
        let dir = std::env::temp_dir().join(format!("archtui-input-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("b.toml");
        std::fs::write(&path, b"title = \"x\"\nkey = \"secret\0\"\n").unwrap();
        let err = read(path.to_str().unwrap()).unwrap_err().to_string();
        assert!(
            err.ends_with(":2:14: a control character: this is not TOML text"),
            "{err}"
        );
        assert!(!err.contains("secret"), "{err}");
        std::fs::write(&path, b"a = 1\n\xff\xfe").unwrap();
        let err = read(path.to_str().unwrap()).unwrap_err().to_string();
        assert!(err.ends_with(":2:1: this is not UTF-8 text"), "{err}");
        std::fs::write(&path, vec![b'#'; MAX_BYTES as usize + 1]).unwrap();
        let err = read(path.to_str().unwrap()).unwrap_err().to_string();
        assert!(err.contains("larger than 1024 KiB"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
