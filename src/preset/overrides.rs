//! `--set <component>.<field>=<value>`: what-if questions in one flag. An override names a
//! component by its id (or a top-level section: `traffic`, `slo`, `network`) and a field inside
//! it, dotted for nested tables (`app.hpa.max=800`); the value is TOML (`2000`, `0.5`,
//! `"aurora"`), or a bare word taken as a string. Overrides are applied to the preset's text
//! before it is checked, so an override is held to every rule a preset file is.

use toml::{Table, Value};

/// One `--set`.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The flag as given, for messages.
    pub text: String,
    /// Component id (or section), then the field's path.
    path: Vec<String>,
    value: Value,
}

impl Override {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (key, raw) = text.split_once('=').ok_or_else(|| {
            format!("`{text}`: write <component>.<field>=<value>, e.g. db.write_ms=20")
        })?;
        let path: Vec<String> = key.trim().split('.').map(str::to_string).collect();
        if path.len() < 2 || path.iter().any(|p| p.is_empty()) {
            return Err(format!(
                "`{text}`: name a component and a field, e.g. app.pods=2000 or traffic.users=3000000"
            ));
        }
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(format!("`{text}`: the value is missing"));
        }
        // A line break would let the value carry more TOML (`1\nread_ms=500`), which would be
        // dropped without a word.
        if raw.contains(['\n', '\r']) {
            return Err(format!("`{text}`: the value must be on one line"));
        }
        // TOML if it reads as TOML, else a bare word is a string.
        let value = format!("v = {raw}")
            .parse::<Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| Value::String(raw.to_string()));
        Ok(Self {
            text: text.to_string(),
            path,
            value,
        })
    }
}

/// Fields that describe the same thing another way: setting one drops the others, which a
/// preset may not give with it (`--set traffic.hourly=[...]` on a preset with a peak hour).
const REPLACES: [(&str, &str, &[&str]); 3] = [
    ("traffic", "hourly", &["peak_hour", "peak_to_trough"]),
    ("traffic", "peak_hour", &["hourly"]),
    ("traffic", "peak_to_trough", &["hourly"]),
];

/// Top-level sections a preset may leave out, all of whose fields have defaults.
const OPTIONAL_SECTIONS: [&str; 1] = ["network"];

/// Applies `overrides` to preset text, in order. Returns the new text.
pub fn apply(source: &str, overrides: &[Override]) -> Result<String, String> {
    if overrides.is_empty() {
        return Ok(source.to_string());
    }
    let mut doc: Table = source.parse().map_err(|e| format!("{e}"))?;
    for o in overrides {
        // A section every preset has, written or not (its fields default): `network` is left
        // out of most presets' files, and is still there to set.
        if OPTIONAL_SECTIONS.contains(&o.path[0].as_str()) && !doc.contains_key(&o.path[0]) {
            doc.insert(o.path[0].clone(), Value::Table(Table::new()));
        }
        let target = find(&mut doc, &o.path[0]).ok_or_else(|| {
            format!(
                "`{}`: no component or section `{}` in this preset",
                o.text, o.path[0]
            )
        })?;
        if let [section, field] = o.path.as_slice()
            && let Some((_, _, others)) =
                REPLACES.iter().find(|(s, f, _)| s == section && f == field)
        {
            for other in *others {
                target.remove(*other);
            }
        }
        set(target, &o.path[1..], o.value.clone()).map_err(|e| format!("`{}`: {e}", o.text))?;
    }
    toml::to_string(&doc).map_err(|e| format!("{e}"))
}

/// The component with `id` (in any array of tables), or the top-level section of that name.
fn find<'a>(doc: &'a mut Table, id: &str) -> Option<&'a mut Table> {
    let mut section = false;
    let mut index = None;
    for (key, value) in doc.iter() {
        match value {
            Value::Table(_) if key == id => section = true,
            Value::Array(items) => {
                if let Some(i) = items.iter().position(|item| {
                    item.as_table()
                        .and_then(|t| t.get("id"))
                        .and_then(Value::as_str)
                        == Some(id)
                }) {
                    index = Some((key.clone(), i));
                }
            }
            _ => {}
        }
    }
    if section {
        return doc.get_mut(id).and_then(Value::as_table_mut);
    }
    let (key, i) = index?;
    doc.get_mut(&key)?
        .as_array_mut()?
        .get_mut(i)?
        .as_table_mut()
}

fn set(table: &mut Table, path: &[String], value: Value) -> Result<(), String> {
    let (last, inner) = path.split_last().expect("at least one field");
    if last == "id" {
        return Err("a component's id cannot be changed".into());
    }
    let mut here = table;
    for key in inner {
        here = here
            .entry(key.clone())
            .or_insert_with(|| Value::Table(Table::new()))
            .as_table_mut()
            .ok_or_else(|| format!("`{key}` is not a table"))?;
    }
    here.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_all(texts: &[&str]) -> Result<String, String> {
        let source = crate::preset::builtin("1k").unwrap().source;
        let overrides: Vec<Override> = texts
            .iter()
            .map(|t| Override::parse(t))
            .collect::<Result<_, _>>()?;
        apply(source, &overrides)
    }

    #[test]
    fn components_sections_and_nested_fields_are_set() {
        let hourly = format!("traffic.hourly=[{}]", ["1.0"; 24].join(","));
        // A preset with a peak hour takes an hourly shape instead, and back.
        let flat = crate::preset::parse("1k", "1k", &set_all(&[&hourly]).unwrap()).unwrap();
        assert!(matches!(flat.traffic.shape, crate::arch::DailyShape::Hourly(h) if h == [1.0; 24]));
        let back = set_all(&[&hourly, "traffic.peak_hour=20"]).unwrap();
        let smooth = crate::preset::parse("1k", "1k", &back).unwrap();
        assert!(
            matches!(smooth.traffic.shape, crate::arch::DailyShape::Smooth { peak_hour, .. } if peak_hour == 20.0)
        );
        let text = set_all(&["db.write_ms=40", "traffic.users=2000", "web.label=front"]).unwrap();
        let arch = crate::preset::parse("1k", "1k.toml", &text).unwrap();
        assert_eq!(arch.traffic.users, 2000.0);
        assert!(text.contains("write_ms = 40"), "{text}");
        assert!(text.contains("label = \"front\""), "{text}");
        // `1k` has no [network] table: its defaults are still there to set.
        let text = set_all(&["network.hop_ms=2"]).unwrap();
        let arch = crate::preset::parse("1k", "1k.toml", &text).unwrap();
        assert_eq!(arch.network.hop_ms, 2.0);
    }

    #[test]
    fn bad_overrides_say_which_and_why() {
        for (text, want) in [
            ("nosuch.pods=3", "no component or section `nosuch`"),
            ("web=3", "name a component and a field"),
            ("web.instances", "write <component>.<field>=<value>"),
            ("web.id=other", "cannot be changed"),
            ("web.instances=", "the value is missing"),
            (
                "db.write_ms=1\nread_ms=500",
                "the value must be on one line",
            ),
            ("db.write_ms=1\rread_ms=5", "the value must be on one line"),
        ] {
            let e = set_all(&[text]).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}
