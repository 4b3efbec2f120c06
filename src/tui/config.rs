//! The dashboard's config file: a default preset, speed and theme, custom colours and key
//! bindings. It lives in the platform's config folder (`$XDG_CONFIG_HOME/archtui/config.toml`
//! on Linux, `~/.config/archtui/config.toml` when that is unset), or wherever `--config`
//! says. Flags given on the command line win over it; headless runs and drills never read
//! it, so scripts give the same output on every machine.
//!
//! A bad file is refused like every input archtui reads: its path, line and column, what is
//! wrong, and exit status 2 (read through [`crate::input_file`], so only a regular text file
//! of at most 1 MiB, with control characters escaped in every message).

use super::app::{AS_FAST_AS_IT_GOES, SPEEDS};
use super::keys::Keymap;
use super::theme::{Theme, ThemeName};
use crate::input_error::InputError;
use ratatui::style::{Color, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::Spanned;

/// What a config file sets. Every field is optional; [`Config::default`] is no file at all.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    pub preset: Option<String>,
    /// Simulated seconds per second at the start (one of [`SPEEDS`]).
    pub speed: Option<u32>,
    pub high_contrast: bool,
    pub palette: Palette,
    pub keymap: Keymap,
    /// Where the screenshot key saves its files (default: the current folder).
    pub screenshot_dir: Option<PathBuf>,
}

/// Colours put in place of a theme's own: (part of the theme, colour).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette(pub Vec<(String, Color)>);

/// The parts of a theme a config file may colour, and what each colours.
pub const COLOR_PARTS: [(&str, &str); 14] = [
    ("text", "ordinary text"),
    ("dim", "frames, quiet edges and secondary text"),
    ("title", "titles and component names"),
    ("accent", "traffic marks and notes"),
    ("ok", "calm: under 70 % busy"),
    ("busy", "busy: 70–90 %, a failover under way"),
    ("hot", "overloaded or failing"),
    ("down", "down"),
    ("idle", "a dormant standby"),
    ("region", "region frames"),
    ("az", "the lines between AZs"),
    ("edge", "edges carrying traffic"),
    ("key", "keys in the hint bar and help"),
    ("bar", "the status and hint bars' background"),
];

impl Palette {
    /// `theme` with these colours in place (monochrome stays monochrome: `NO_COLOR` wins).
    pub fn apply(&self, mut theme: Theme) -> Theme {
        if theme.name == ThemeName::Monochrome {
            return theme;
        }
        for (part, color) in &self.0 {
            let fg = |s: Style| s.fg(*color);
            match part.as_str() {
                "text" => theme.text = fg(theme.text),
                "dim" => theme.dim = fg(theme.dim),
                "title" => theme.title = fg(theme.title),
                "accent" => theme.accent = fg(theme.accent),
                "ok" => theme.ok = fg(theme.ok),
                "busy" => theme.busy = fg(theme.busy),
                "hot" => theme.hot = fg(theme.hot),
                "down" => theme.down = fg(theme.down),
                "idle" => theme.idle = fg(theme.idle),
                "region" => theme.region_frame = fg(theme.region_frame),
                "az" => theme.az_frame = fg(theme.az_frame),
                "edge" => theme.edge = fg(theme.edge),
                "key" => theme.key = fg(theme.key),
                "bar" => theme.bar = theme.bar.bg(*color),
                _ => {}
            }
        }
        theme
    }
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    preset: Option<Spanned<String>>,
    /// A number of simulated seconds a second, or `"max"`.
    speed: Option<Spanned<toml::Value>>,
    theme: Option<Spanned<String>>,
    screenshot_dir: Option<Spanned<String>>,
    #[serde(default)]
    colors: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<Keys>>,
}

/// A command's keys: one, or a list. Read by hand so that anything else is named in the
/// config's own terms, not serde's ("did not match any variant of untagged enum").
enum Keys {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Expect;
        impl<'de> serde::de::Visitor<'de> for Expect {
            type Value = Keys;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"a key such as "q", or a list of keys such as ["q", "Ctrl-C"]"#)
            }

            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Keys, E> {
                Ok(Keys::One(key.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<KeyName>()? {
                    keys.push(key.0);
                }
                Ok(Keys::Many(keys))
            }
        }
        d.deserialize_any(Expect)
    }
}

/// One key of a list: a string, or an error that says so.
struct KeyName(String);

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Keys::deserialize(d)? {
            Keys::One(key) => Ok(KeyName(key)),
            Keys::Many(_) => Err(serde::de::Error::custom(
                r#"a list of keys holds keys such as "q", not lists"#,
            )),
        }
    }
}

/// Where the config file is looked for when `--config` is not given.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "archtui").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Reads `explicit` (from `--config`; it must exist) or else the file at
    /// [`default_path`] (which need not).
    pub fn load(explicit: Option<&Path>) -> Result<Self, InputError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match default_path() {
                Some(p) if p.exists() => p,
                _ => return Ok(Self::default()),
            },
        };
        let name = path.to_string_lossy().into_owned();
        let source = crate::input_file::read(&name)?;
        Self::parse(&name, &source).map_err(|e| {
            if crate::input_file::quotable(&name) {
                e
            } else {
                crate::input_file::redact(e, "config file")
            }
        })
    }

    /// Reads config text; `origin` names it in errors.
    pub fn parse(origin: &str, source: &str) -> Result<Self, InputError> {
        let file: File =
            toml::from_str(source).map_err(|e| InputError::from_toml(origin, source, &e))?;
        let at = |span: std::ops::Range<usize>, message: String| {
            InputError::at(origin, source, span, message)
        };
        let mut config = Config {
            path: Some(PathBuf::from(origin)),
            ..Config::default()
        };
        // Checked now, not when `S` is first pressed in front of an audience.
        if let Some(dir) = file.screenshot_dir {
            // Relative to the config file, as its preset is: not to wherever the dashboard
            // starts from.
            let path = Path::new(origin)
                .parent()
                .unwrap_or(Path::new(""))
                .join(dir.get_ref());
            if !path.is_dir() {
                let why = if path.exists() {
                    "is not a folder"
                } else {
                    "does not exist"
                };
                return Err(at(
                    dir.span(),
                    format!("screenshot_dir `{}` {why}", dir.get_ref()),
                ));
            }
            config.screenshot_dir = Some(path);
        }
        if let Some(p) = file.preset {
            // A preset file named in the config is next to it, as a drill's is next to the
            // drill: the config is read from wherever the dashboard starts.
            let name = p.get_ref();
            let preset = crate::preset::locator(name, Path::new(origin).parent());
            crate::preset::load(&preset).map_err(|e| {
                at(
                    p.span(),
                    format!("preset `{name}` does not load: {}", e.message),
                )
            })?;
            config.preset = Some(preset);
        }
        if let Some(s) = file.speed {
            config.speed = Some(speed(s.get_ref()).map_err(|e| at(s.span(), e))?);
        }
        if let Some(t) = file.theme {
            config.high_contrast = match t.get_ref().as_str() {
                "default" => false,
                "high-contrast" => true,
                other => {
                    return Err(at(
                        t.span(),
                        format!("unknown theme `{other}`: `default` or `high-contrast`"),
                    ));
                }
            };
        }
        for (part, color) in file.colors {
            if !COLOR_PARTS.iter().any(|(p, _)| p == part.get_ref()) {
                let parts: Vec<&str> = COLOR_PARTS.iter().map(|(p, _)| *p).collect();
                return Err(at(
                    part.span(),
                    format!(
                        "no colour `{}` in a theme: one of {}",
                        part.get_ref(),
                        parts.join(", ")
                    ),
                ));
            }
            // A palette number may be written bare (`ok = 200`) or quoted.
            let c = match color.get_ref() {
                toml::Value::Integer(n) => u8::try_from(*n).ok().map(Color::Indexed),
                toml::Value::String(text) => Color::from_str(text).ok(),
                _ => None,
            }
            .ok_or_else(|| {
                at(
                    color.span(),
                    format!(
                        "{} is not a colour: a name (red, lightcyan, darkgray), #rrggbb or 0–255",
                        match color.get_ref() {
                            toml::Value::String(text) => format!("`{text}`"),
                            other => format!("`{other}`"),
                        }
                    ),
                )
            })?;
            config.palette.0.push((part.into_inner(), c));
        }
        for (name, keys) in &file.keys {
            let list: Vec<&str> = match keys.get_ref() {
                Keys::One(k) => vec![k.as_str()],
                Keys::Many(ks) => ks.iter().map(String::as_str).collect(),
            };
            config
                .keymap
                .rebind(name.get_ref(), &list)
                .map_err(|e| at(name.span(), e))?;
        }
        if let Some((key, a, b)) = config.keymap.clash() {
            // Point at the binding the file changed (either of the two).
            let span = [b, a]
                .iter()
                .find_map(|x| file.keys.keys().find(|k| *k.get_ref() == x.name()))
                .map_or(0..0, |k| k.span());
            return Err(at(
                span,
                format!(
                    "`{key}` would be bound twice: to `{}` and to `{}`",
                    a.name(),
                    b.name()
                ),
            ));
        }
        Ok(config)
    }

    /// The theme to start in: `--high-contrast` or the file's, custom colours applied.
    pub fn theme(&self, high_contrast_flag: bool) -> Theme {
        self.palette
            .apply(Theme::from_env(high_contrast_flag || self.high_contrast))
    }
}

/// A speed as the file gives it: one of the dashboard's numbers, or `"max"` (as fast as it
/// goes; its internal number is nobody's business).
fn speed(value: &toml::Value) -> Result<u32, String> {
    // The last of the speeds is "max".
    let numbered = &SPEEDS[..SPEEDS.len() - 1];
    match value {
        toml::Value::Integer(n) => {
            if let Some(&x) = numbered.iter().find(|&&x| i64::from(x) == *n) {
                return Ok(x);
            }
        }
        toml::Value::String(w) if w == "max" => return Ok(AS_FAST_AS_IT_GOES),
        _ => {}
    }
    let numbers: Vec<String> = numbered.iter().map(u32::to_string).collect();
    Err(format!(
        "speed {value} is not one of {} or \"max\" (simulated seconds a second)",
        numbers.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_sets_everything() {
        let c = Config::parse(
            "c.toml",
            "preset = \"1k\"\nspeed = 10\ntheme = \"high-contrast\"\n\
             [colors]\nok = \"#00ff00\"\nbar = \"black\"\nhot = 200\n[keys]\npause = \"p\"\nlegend = [\"F\", \"i\"]\n",
        )
        .unwrap();
        assert_eq!(c.preset.as_deref(), Some("1k"));
        assert_eq!(c.speed, Some(10));
        let max = Config::parse("c.toml", "speed = \"max\"\n").unwrap();
        assert_eq!(max.speed, Some(AS_FAST_AS_IT_GOES));
        assert!(c.high_contrast);
        assert_eq!(c.palette.0[2], ("ok".to_string(), Color::Rgb(0, 255, 0)));
        assert_eq!(c.palette.0[1], ("hot".to_string(), Color::Indexed(200)));
        assert_eq!(c.keymap.first(super::super::keys::Cmd::Legend), "F");
    }

    #[test]
    fn a_relative_screenshot_dir_is_next_to_the_config() {
        let dir = std::env::temp_dir().join(format!("archtui-shots-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("shots")).unwrap();
        let origin = dir.join("k.toml");
        let c = Config::parse(&origin.to_string_lossy(), "screenshot_dir = \"shots\"\n").unwrap();
        assert_eq!(c.screenshot_dir, Some(dir.join("shots")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bad_file_names_line_and_column() {
        let cases = [
            (
                "speed = 7\n",
                (1, 9),
                "speed 7 is not one of 1, 2, 5, 10, 60, 300, 1000 or \"max\"",
            ),
            (
                "speed = 4294967295\n",
                (1, 9),
                "speed 4294967295 is not one of",
            ),
            ("speed = \"fast\"\n", (1, 9), "speed \"fast\" is not one of"),
            ("speed = 1.5\n", (1, 9), "speed 1.5 is not one of"),
            ("theme = \"pink\"\n", (1, 9), "unknown theme `pink`"),
            (
                "[colors]\nok = \"reddish\"\n",
                (2, 6),
                "`reddish` is not a colour",
            ),
            ("[colors]\nok = 256\n", (2, 6), "`256` is not a colour"),
            (
                "[keys]\npause = [\"p\", \"p\"]\n",
                (2, 1),
                "`p` is listed twice for `pause`",
            ),
            ("[colors]\nok = 1.5\n", (2, 6), "`1.5` is not a colour"),
            ("[colors]\nsky = \"red\"\n", (2, 1), "no colour `sky`"),
            ("[keys]\nfly = \"f\"\n", (2, 1), "no action `fly`"),
            (
                "[keys]\npause = \"q\"\n",
                (2, 1),
                "`q` would be bound twice",
            ),
            ("[keys]\npause = \"F13\"\n", (2, 1), "`F13` is not a key"),
            (
                "preset = \"nope\"\n",
                (1, 10),
                "preset `nope` does not load",
            ),
            ("sped = 10\n", (1, 1), "unknown field `sped`"),
            (
                "screenshot_dir = \"/no/such/folder\"\n",
                (1, 18),
                "screenshot_dir `/no/such/folder` does not exist",
            ),
            (
                "screenshot_dir = \"Cargo.toml\"\n",
                (1, 18),
                "screenshot_dir `Cargo.toml` is not a folder",
            ),
            (
                "[keys]\nquit = 5\n",
                (2, 8),
                "expected a key such as \"q\", or a list of keys",
            ),
            (
                "[keys]\nquit = [\"q\", 3]\n",
                (2, 14),
                "invalid type: integer `3`, expected a key such as",
            ),
            (
                "[keys]\nquit = [[\"q\"]]\n",
                (2, 8),
                "a list of keys holds keys such as \"q\", not lists",
            ),
            (
                "speed = 99999999999999999999999\n",
                (1, 9),
                "`99999999999999999999999` is too large for a TOML integer",
            ),
        ];
        for (text, (line, column), message) in cases {
            let e = Config::parse("c.toml", text).unwrap_err();
            let loc = e.location.as_ref().expect(text);
            assert_eq!((loc.line, loc.column), (line, column), "{text}: {e}");
            assert!(e.to_string().contains(message), "{text}: {e}");
        }
    }
}
