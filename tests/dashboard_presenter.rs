//! A dashboard a presenter can teach from (issue 14): the event log scrolled, filtered and
//! explained, the legend, bars that fit 80×24 without cutting a word, the config file, shell
//! completions and the man page, screenshots, the `:` line's history, and the mouse wheel.

mod common;
use archtui::sim::events::EventKind;
use archtui::tui::app::{Mode, Note};
use archtui::tui::config::Config;
use archtui::tui::keys::{BINDINGS, Cmd};
use archtui::tui::theme::{Theme, ThemeName};
use archtui::tui::{App, Options, ui};
use common::{archtui, scratch, scratch_file, stderr, stdout};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn app(preset: &str) -> App {
    App::new(Options::new(preset)).unwrap()
}

fn steps(app: &mut App, n: u32) {
    for _ in 0..n {
        app.step();
    }
}

fn render(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(f, app)).unwrap();
    terminal
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    render(app, width, height).backend().to_string()
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// The text of one rectangle of a buffer, row by row.
fn rows(buf: &Buffer, r: Rect) -> Vec<String> {
    (r.top()..r.bottom())
        .map(|y| {
            (r.left()..r.right())
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

fn row(buf: &Buffer, y: u16) -> String {
    rows(buf, Rect::new(0, y, buf.area.width, 1)).remove(0)
}

/// The `1k` tier a few minutes after AZ a was lost: a log of a dozen events.
fn incident() -> App {
    let mut a = app("1k");
    steps(&mut a, 60);
    press(&mut a, "aa");
    steps(&mut a, 400);
    a
}

/// The same, and then a spike: more events than the tallest pane holds.
fn long_incident() -> App {
    let mut a = incident();
    press(&mut a, "s");
    steps(&mut a, 900);
    a
}

#[test]
fn the_event_log_scrolled_and_filtered_at_three_sizes() {
    for (w, h) in SIZES {
        let mut a = long_incident();
        render(&mut a, w, h);
        let newest = a.sim.events().len() - 1;
        key(&mut a, KeyCode::PageDown);
        let s = screen(&mut a, w, h);
        assert!(a.log.top.is_some_and(|t| t < newest), "{w}×{h}: scrolled");
        assert!(s.contains("scrolled"), "{w}×{h}: the title says so:\n{s}");
        insta::assert_snapshot!(format!("events_scrolled_{w}x{h}"), s);
        // Page by page back to the top, where it follows new events again.
        for _ in 0..newest {
            key(&mut a, KeyCode::PageUp);
            render(&mut a, w, h);
            if a.log.top.is_none() {
                break;
            }
        }
        assert_eq!(a.log.top, None, "{w}×{h}: back at the top");

        press(&mut a, "/kind:health");
        key(&mut a, KeyCode::Enter);
        let s = screen(&mut a, w, h);
        let matching = a
            .sim
            .events()
            .iter()
            .filter(|e| e.kind.as_str().starts_with("health"))
            .count();
        assert!(matching > 0);
        assert!(
            s.contains(&format!("({matching} of {})", a.sim.events().len())),
            "{w}×{h}:\n{s}"
        );
        assert!(!s.contains("failover_done "), "{w}×{h}: filtered out:\n{s}");
        insta::assert_snapshot!(format!("events_filtered_{w}x{h}"), s);
    }
}

#[test]
fn an_event_shows_its_cause_chain() {
    let mut a = incident();
    render(&mut a, 120, 40);
    let events = a.sim.events().to_vec();
    let health = events
        .iter()
        .position(|e| e.kind == EventKind::HealthCheckFail)
        .expect("the load balancer noticed");
    press(&mut a, "e");
    assert!(matches!(a.mode, Mode::Events));
    // Down the log (newest first) to the health check.
    for _ in 0..events.len() {
        if a.log.cursor == Some(health) {
            break;
        }
        key(&mut a, KeyCode::Down);
    }
    assert_eq!(a.log.cursor, Some(health));
    key(&mut a, KeyCode::Enter);
    let chain = a.shown_events();
    let kinds: Vec<EventKind> = chain.iter().map(|&i| events[i].kind).collect();
    assert_eq!(kinds[0], EventKind::Fault, "{kinds:?}");
    assert!(events[chain[0]].message.contains("seoul/a"));
    for k in [
        EventKind::HealthCheckFail,
        EventKind::FailoverDone,
        EventKind::Recovered,
    ] {
        assert!(kinds.contains(&k), "{k:?} in {kinds:?}");
    }
    assert!(chain.windows(2).all(|p| events[p[0]].t <= events[p[1]].t));
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("inferred from the log"), "{s}");
    assert!(s.contains("fault → "), "the chain's story:\n{s}");
    insta::assert_snapshot!("events_chain_120x40", s);
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.mode, Mode::Events), "Esc leaves the chain first");
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn the_legend_at_three_sizes() {
    for (w, h) in SIZES {
        let mut a = app("1m");
        steps(&mut a, 30);
        press(&mut a, "L");
        let s = screen(&mut a, w, h);
        for sample in [
            "P+2R 37%",
            "50+6 72%",
            "1 25%",
            "a●",
            "╱╱╱╱",
            "↻",
            "t+0:12:00",
        ] {
            if (w, h) != (80, 24) || sample != "t+0:12:00" {
                assert!(s.contains(sample), "{w}×{h}: legend misses {sample}:\n{s}");
            }
        }
        insta::assert_snapshot!(format!("legend_{w}x{h}"), s);
    }
    // Too tall for 80×24: it scrolls to what it hid.
    let mut a = app("1m");
    press(&mut a, "L");
    key(&mut a, KeyCode::Down);
    let s = screen(&mut a, 80, 24);
    assert!(matches!(a.mode, Mode::Legend { scroll: 1 }), "{s}");
    for _ in 0..60 {
        key(&mut a, KeyCode::Down);
    }
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("more text than fits"), "the last entry:\n{s}");
    // The help says where the legend is, and L opens it from there.
    press(&mut a, "L?");
    assert!(screen(&mut a, 120, 40).contains("L legend"));
    press(&mut a, "L");
    assert!(matches!(a.mode, Mode::Legend { .. }));
}

/// Words on screen that are neither whole words of `sources` nor marked cut with `…`.
fn cut_words(text: &str, sources: &[String]) -> Vec<String> {
    let whole: std::collections::HashSet<&str> =
        sources.iter().flat_map(|s| s.split_whitespace()).collect();
    text.split_whitespace()
        .filter(|w| !w.ends_with('…') && !whole.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn no_text_is_cut_mid_word_without_an_ellipsis() {
    let mut a = incident();
    press(&mut a, "s");
    steps(&mut a, 5);
    // Every state of the bars at the smallest size: running, a note, paused, a drill.
    let mut states: Vec<(String, Buffer, App)> = Vec::new();
    for (what, keys) in [("running", ""), ("paused", " "), ("events", "e")] {
        let mut b = incident();
        press(&mut b, "s");
        steps(&mut b, 5);
        press(&mut b, keys);
        let buf = render(&mut b, 80, 24).backend().buffer().clone();
        states.push((what.into(), buf, b));
    }
    let mut d = App::new(Options {
        drill: Some(archtui::drill::load("az-loss-1k").unwrap()),
        presenter: true,
        ..Options::new("")
    })
    .unwrap();
    while d.step() {}
    let buf = render(&mut d, 80, 24).backend().buffer().clone();
    states.push(("presenter's hold".into(), buf, d));

    for (what, buf, app) in &states {
        // The hint bar: whole hints (a key and its words) and a whole or ellipsised note;
        // parts are set apart by two spaces.
        let mut allowed: Vec<String> = BINDINGS
            .iter()
            .flat_map(|b| {
                let k = app.keymap.first(b.cmd).to_string();
                [
                    format!("{k} {}", b.short),
                    format!("{k} {}", b.short_now(true)),
                ]
            })
            .collect();
        allowed.extend(
            [
                "events:",
                "↑↓ choose",
                "Enter why",
                "/ filter",
                "PgUp PgDn page",
                "Esc back",
                "space strike",
            ]
            .map(String::from),
        );
        if let Some(Note::Info(n) | Note::Error(n)) = &app.note {
            allowed.push(n.clone());
        }
        if let Some(stage) = &app.stage
            && let Some(step) = stage.holding(app.sim.time())
        {
            allowed.push(format!("next: {}", step.action));
        }
        let hint = row(buf, 23);
        for part in hint.split("  ").map(str::trim).filter(|p| !p.is_empty()) {
            let whole = allowed.iter().any(|a| a == part);
            let cut = part
                .strip_suffix('…')
                .is_some_and(|p| allowed.iter().any(|a| a.starts_with(p)));
            assert!(whole || cut, "{what}: `{part}` is cut: {hint}");
        }
        let sources = allowed;
        assert_eq!(
            cut_words(&hint, &sources),
            Vec::<String>::new(),
            "{what}: {hint}"
        );
        // The status bar: always the SLO's state, and only whole parts.
        let status = row(buf, 0);
        assert!(
            status.contains("SLO ok") || status.contains("SLO BREACHED"),
            "{what}: {status}"
        );
        assert!(
            status.trim_end().ends_with("SLO ok")
                || status.trim_end().ends_with("SLO BREACHED")
                || status.trim_end().ends_with('×'),
            "{what}: the status bar ends with a whole part: {status}"
        );
    }

    // Event lines: the pane reads as the events' own words, in order, the last one maybe
    // cut with an ellipsis, at every size.
    for (w, h) in SIZES {
        let mut a = incident();
        let buf = render(&mut a, w, h).backend().buffer().clone();
        let pane = a.log.area;
        let inner = Rect::new(pane.x + 1, pane.y + 1, pane.width - 2, pane.height - 2);
        let shown: Vec<String> = rows(&buf, inner);
        let on_screen: Vec<&str> = shown.iter().flat_map(|l| l.split_whitespace()).collect();
        let expected: Vec<String> = a
            .sim
            .events()
            .iter()
            .rev()
            .flat_map(|e| {
                let who = e
                    .component
                    .as_deref()
                    .map_or(String::new(), |c| format!("{c}: "));
                let line = format!(
                    "{} {} {who}{}",
                    archtui::headless::clock(e.t),
                    e.kind.as_str(),
                    e.message
                );
                line.split_whitespace()
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(on_screen.len() > 10, "{w}×{h}: {shown:?}");
        for (i, word) in on_screen.iter().enumerate() {
            let last = i + 1 == on_screen.len();
            match word.strip_suffix('…') {
                Some(cut) if last => assert!(
                    expected[i].starts_with(cut) || cut.is_empty(),
                    "{w}×{h}: {word} / {}",
                    expected[i]
                ),
                _ => assert_eq!(*word, expected[i], "{w}×{h}, word {i}: {shown:#?}"),
            }
        }
    }
}

#[test]
fn the_bars_at_80_by_24() {
    let bars = |a: &mut App| {
        let buf = render(a, 80, 24).backend().buffer().clone();
        format!("{}\n{}", row(&buf, 0), row(&buf, 23))
    };
    let mut a = incident();
    let mut out = vec![bars(&mut a)];
    press(&mut a, "s");
    steps(&mut a, 3);
    out.push(bars(&mut a));
    press(&mut a, " ");
    out.push(bars(&mut a));
    press(&mut a, "e");
    out.push(bars(&mut a));
    let s = out.join("\n\n");
    assert!(s.contains("space resume"), "paused, space resumes:\n{s}");
    insta::assert_snapshot!("bars_80x24", s);
}

#[test]
fn notes_have_their_own_place_and_fade() {
    let mut a = incident();
    let running = screen(&mut a, 120, 40);
    let hints = running.lines().last().unwrap().to_string();
    assert!(hints.contains("kill-az:seoul/a"), "the note shows: {hints}");
    assert!(hints.contains("q quit"), "beside the hints: {hints}");
    // Its time is up: the next frame has the hints alone.
    let (note, at) = a.note_shown.clone().unwrap();
    a.note_shown = Some((note, at - std::time::Duration::from_secs(5)));
    assert!(ui::note_deadline(&a).unwrap() <= std::time::Instant::now());
    let s = screen(&mut a, 120, 40);
    assert!(!s.contains("kill-az:seoul/a"), "{s}");
    assert!(a.note.is_none());
}

#[test]
fn small_things() {
    // `t` under NO_COLOR says why nothing changes.
    let mut a = app("1k");
    a.theme = Theme::new(ThemeName::Monochrome);
    press(&mut a, "t");
    assert!(
        matches!(&a.note, Some(Note::Info(n)) if n.contains("NO_COLOR")),
        "{:?}",
        a.note
    );
    assert_eq!(a.theme.name, ThemeName::Monochrome);
    let mut a = app("1k");
    press(&mut a, "t");
    assert_eq!(a.theme.name, ThemeName::HighContrast);
    assert!(matches!(&a.note, Some(Note::Info(n)) if n.contains("high contrast")));

    // `q` quits from the drill picker.
    let mut a = app("1k");
    press(&mut a, "D");
    assert!(matches!(a.mode, Mode::PickDrill { .. }));
    press(&mut a, "q");
    assert!(a.quit);

    // Paused, the hint bar offers to resume.
    let mut a = app("1k");
    press(&mut a, " ");
    let s = screen(&mut a, 120, 40);
    let hints = s.lines().last().unwrap();
    assert!(
        hints.contains("space resume") && !hints.contains("space pause"),
        "{hints}"
    );

    // Switching preset while paused shows the new run's figures, not zeros.
    press(&mut a, "3");
    assert!(a.paused);
    assert_eq!(a.arch().name, "10k");
    assert!(a.sim.last().served > 0.0);
    let s = screen(&mut a, 120, 40);
    assert!(!s.contains("p99 —"), "{s}");
}

#[test]
fn the_command_line_remembers_edits_and_ignores_case() {
    let mut a = app("1k");
    press(&mut a, ":KILL-AZ:B");
    key(&mut a, KeyCode::Enter);
    assert!(!a.sim.az_up(a.arch().find_az("b").unwrap()));
    press(&mut a, ":restore-az:b");
    key(&mut a, KeyCode::Enter);
    assert!(a.sim.az_up(a.arch().find_az("b").unwrap()));
    // ↑ brings back the commands; ← and Backspace edit one.
    press(&mut a, ":");
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Up);
    let Mode::Command(line) = &a.mode else {
        panic!("the prompt stays open")
    };
    assert_eq!(line.input, "KILL-AZ:B");
    key(&mut a, KeyCode::Left);
    key(&mut a, KeyCode::Backspace);
    press(&mut a, "-");
    key(&mut a, KeyCode::Home);
    key(&mut a, KeyCode::Delete);
    press(&mut a, "k");
    let Mode::Command(line) = &a.mode else {
        panic!("the prompt stays open")
    };
    assert_eq!((line.input.as_str(), line.cursor), ("kILL-AZ-B", 1));
    let s = screen(&mut a, 120, 40);
    assert!(s.contains(":kILL-AZ-B"), "{s}");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.command_history, ["KILL-AZ:B", "restore-az:b"]);
    // A command that did not work comes back too, to be mended.
    press(&mut a, ":kill-az:q");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Esc);
    assert_eq!(
        a.command_history.last().map(String::as_str),
        Some("kill-az:q")
    );
}

#[test]
fn the_mouse_wheel_scrolls_what_is_under_it() {
    let wheel = |a: &mut App, down: bool, (column, row): (u16, u16)| {
        a.handle_mouse(MouseEvent {
            kind: if down {
                MouseEventKind::ScrollDown
            } else {
                MouseEventKind::ScrollUp
            },
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut a = incident();
    render(&mut a, 120, 40);
    let log = a.log.area;
    let over_log = (log.x + 5, log.y + 2);
    wheel(&mut a, true, over_log);
    assert!(a.log.top.is_some(), "down over the log scrolls it");
    wheel(&mut a, false, over_log);
    assert_eq!(a.log.top, None);
    // Over the graph, the log stays where it was.
    let g = a.graph_area;
    wheel(&mut a, true, (g.x + 1, g.y + 1));
    assert_eq!(a.log.top, None);

    // A graph taller than its pane scrolls, and stays scrolled.
    let mut a = app("1m");
    render(&mut a, 80, 24);
    let before = a.scroll.1;
    let g = a.graph_area;
    wheel(&mut a, true, (g.x + 1, g.y + 1));
    render(&mut a, 80, 24);
    assert!(a.scroll.1 > before, "{:?}", a.scroll);

    // An overlay on top scrolls, wherever the pointer is.
    let mut a = app("1m");
    press(&mut a, "L");
    wheel(&mut a, true, (1, 1));
    assert!(matches!(a.mode, Mode::Legend { scroll: 3 }));
    press(&mut a, "L");
    press(&mut a, "D");
    wheel(&mut a, true, (1, 1));
    assert!(matches!(a.mode, Mode::PickDrill { index: 1 }));
}

#[test]
fn a_screenshot_saves_the_frame_as_text_and_svg() {
    let dir = scratch("presenter-screenshot");
    let mut a = App::new(Options {
        config: Config {
            screenshot_dir: Some(dir.clone()),
            ..Config::default()
        },
        ..Options::new("1k")
    })
    .unwrap();
    steps(&mut a, 30);
    press(&mut a, "S");
    let shown = screen(&mut a, 100, 30);
    let txt = std::fs::read_to_string(dir.join("archtui-1.txt")).unwrap();
    let svg = std::fs::read_to_string(dir.join("archtui-1.svg")).unwrap();
    let first_row = shown.lines().next().unwrap().trim_matches('"').trim_end();
    assert_eq!(txt.lines().next().unwrap(), first_row);
    assert_eq!(txt.lines().count(), 30);
    assert!(txt.contains("╭ architecture"), "{txt}");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("width=\"840\" height=\"540\""), "100×30 cells");
    assert!(svg.contains(">SLO ok</text>"), "{svg}");
    assert!(matches!(&a.note, Some(Note::Info(n)) if n.contains("archtui-1.svg")));
    // The next one takes the next number.
    press(&mut a, "S");
    render(&mut a, 100, 30);
    assert!(dir.join("archtui-2.txt").exists() && dir.join("archtui-2.svg").exists());
}

#[test]
fn a_config_file_sets_speed_theme_colours_and_keys() {
    let path = scratch_file(
        "presenter-config",
        "good.toml",
        "# a presenter's settings\npreset = \"10k\"\nspeed = 10\ntheme = \"high-contrast\"\n\
         [colors]\nok = \"#00ff00\"\n[keys]\npause = \"p\"\nlegend = [\"i\", \"L\"]\nspike = \"!\"\n",
    );
    let config = Config::load(Some(&path)).unwrap();
    assert_eq!(config.preset.as_deref(), Some("10k"));
    let mut a = App::new(Options {
        config,
        ..Options::new("10k")
    })
    .unwrap();
    assert_eq!(a.speed(), 10);
    assert_eq!(a.theme.name, ThemeName::HighContrast);
    assert_eq!(a.theme.ok.fg, Some(ratatui::style::Color::Rgb(0, 255, 0)));
    // Dispatch, the hint bar and the help all read the new keys.
    press(&mut a, "p");
    assert!(a.paused, "p pauses");
    press(&mut a, " ");
    assert!(a.paused, "space no longer does");
    assert_eq!(a.keymap.first(Cmd::Pause), "p");
    let s = screen(&mut a, 120, 40);
    assert!(s.lines().last().unwrap().contains(" p resume"), "{s}");
    // So do the words that name keys elsewhere: the empty event log, the overlays' titles.
    assert!(s.contains("inject a fault (a, d, !, c, or :)"), "{s}");
    press(&mut a, "?");
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("p             pause or resume"), "{s}");
    assert!(s.contains("? or Esc closes · i legend"), "{s}");
    press(&mut a, "i");
    assert!(matches!(a.mode, Mode::Legend { .. }));
    assert!(screen(&mut a, 120, 40).contains("i or Esc closes"));
}

/// A preset file the config names is found next to the config, wherever the dashboard starts.
#[test]
fn a_config_names_its_preset_file_relative_to_itself() {
    let preset = archtui::preset::builtin("1k").unwrap().source;
    let dir = scratch_file("presenter-config", "mine.toml", preset)
        .parent()
        .unwrap()
        .to_path_buf();
    let path = scratch_file(
        "presenter-config",
        "relative.toml",
        "preset = \"mine.toml\"\n",
    );
    let config = Config::load(Some(&path)).unwrap();
    let mine = std::fs::canonicalize(dir.join("mine.toml")).unwrap();
    assert_eq!(config.preset.as_deref(), Some(mine.to_str().unwrap()));
}

#[test]
fn a_bad_config_file_is_refused_with_its_place() {
    let cases: [(&str, &str, &str, (usize, usize)); 5] = [
        ("speed.toml", "speed = 7\n", "speed 7 is not one of", (1, 9)),
        (
            "field.toml",
            "\n\nsped = 10\n",
            "unknown field `sped`",
            (3, 1),
        ),
        (
            "clash.toml",
            "[keys]\nlegend = \"q\"\n",
            "`q` would be bound twice",
            (2, 1),
        ),
        (
            "colour.toml",
            "[colors]\nhot = \"#ff00zz\"\n",
            "is not a colour",
            (2, 7),
        ),
        (
            "control.toml",
            "theme = \"default\"\npreset = \"1k\x1b[2J\"\n",
            "a control character",
            (2, 13),
        ),
    ];
    for (name, text, message, place) in cases {
        let path = scratch_file("presenter-bad-config", name, text);
        let out = archtui(&["--config", path.to_str().unwrap()]);
        common::assert_bad_input(&out, &path, place, message);
        assert!(!stderr(&out).contains('\x1b'), "escaped: {}", stderr(&out));
    }
    // Not a regular file, or not there: exit 2, named.
    let dir = scratch("presenter-bad-config");
    for path in [dir.clone(), dir.join("missing.toml")] {
        let out = archtui(&["--config", path.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&*path.to_string_lossy()), "{err}");
    }
    // `--record` never overwrites the config file.
    let good = scratch_file("presenter-bad-config", "good.toml", "speed = 5\n");
    let out = archtui(&[
        "--config",
        good.to_str().unwrap(),
        "--record",
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("would overwrite"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&good).unwrap(), "speed = 5\n");
    // The platform's place: $XDG_CONFIG_HOME/archtui/config.toml.
    let home = dir.join("xdg");
    std::fs::create_dir_all(home.join("archtui")).unwrap();
    let found = home.join("archtui").join("config.toml");
    std::fs::write(&found, "theme = \"pink\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archtui"))
        .env("XDG_CONFIG_HOME", &home)
        .output()
        .unwrap();
    common::assert_bad_input(&out, &found, (1, 9), "unknown theme `pink`");
    // A good file gets as far as wanting a terminal; headless runs never read it.
    std::fs::write(&found, "speed = 60\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archtui"))
        .env("XDG_CONFIG_HOME", &home)
        .output()
        .unwrap();
    assert!(stderr(&out).contains("not a terminal"), "{}", stderr(&out));
    std::fs::write(&found, "theme = \"pink\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archtui"))
        .env("XDG_CONFIG_HOME", &home)
        .args(["--preset", "100", "--headless", "--duration", "10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line() {
    for (shell, marker) in [
        ("bash", "_archtui()"),
        ("zsh", "#compdef archtui"),
        ("fish", "complete -c archtui"),
    ] {
        let out = archtui(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}:\n{script}");
        for flag in ["high-contrast", "presenter", "config", "list-presets"] {
            assert!(script.contains(flag), "{shell} completes --{flag}");
        }
        assert!(script.contains("drill"), "{shell} completes the subcommand");
    }
    let out = archtui(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));

    let out = archtui(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH archtui 1"), "{page}");
    for flag in ["preset", "high\\-contrast", "record", "config", "headless"] {
        assert!(
            page.contains(&format!("\\-\\-{flag}")),
            "man page lists --{flag}"
        );
    }
    assert!(
        page.contains("completions") && page.contains("drill"),
        "{page}"
    );
    // Every command the page refers to as archtui-<command>(1) has that page.
    for command in [
        "drill",
        "analyze",
        "story",
        "diff",
        "completions",
        "man",
        "help",
    ] {
        assert!(
            page.contains(&format!("archtui\\-{command}(1)")),
            "{command}"
        );
        let out = archtui(&["man", command]);
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
        let sub = stdout(&out);
        assert!(
            sub.contains(&format!(".TH archtui-{command} 1"))
                && sub.contains(&format!("\\fBarchtui {command}\\fR")),
            "{sub}"
        );
    }
    assert!(stdout(&archtui(&["man", "drill"])).contains("\\-\\-report"));
    let out = archtui(&["man", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no command `nope`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn traffic_marks_never_land_inside_a_label() {
    // The markers move one cell a simulated second: a dozen seconds cross every phase.
    let mut a = app("100k");
    steps(&mut a, 30);
    for _ in 0..12 {
        a.step();
        let s = screen(&mut a, 120, 40);
        for label in ["regional", "AZ a", "AZ b", "AZ c"] {
            assert!(s.contains(label), "`{label}` overwritten:\n{s}");
        }
    }
}

/// The explorer (`X`): its progress while the analysis runs in the background, then the
/// domains worst first, capacity and cost; the graph's boxes carry the verdicts.
#[test]
fn the_explorer_analyses_the_preset_and_marks_the_graph() {
    let mut app = app("100");
    steps(&mut app, 5);
    press(&mut app, "X");
    assert!(matches!(app.mode, archtui::tui::app::Mode::Explorer { .. }));
    assert!(app.explorer.running());
    let waiting = screen(&mut app, 120, 40);
    assert!(waiting.contains("Analysing 100"), "{waiting}");
    app.explorer.wait();
    let done = screen(&mut app, 120, 40);
    for want in [
        "down      an instance of web",
        "down      database primary db",
        "Capacity: holds",
        "Cost (On-Demand)",
    ] {
        assert!(done.contains(want), "{want}:\n{done}");
    }
    // At 80×24 each row keeps its figures whole (long names give way), between the status
    // bar and the hint bar, which stay in view.
    let small = screen(&mut app, 80, 24);
    let lines: Vec<&str> = small.lines().collect();
    assert!(lines[0].contains("SLO"), "{small}");
    assert!(lines[23].contains("close explorer"), "{small}");
    assert!(small.contains("SLO met after"), "{small}");
    assert!(small.contains("not within 1 h"), "{small}");
    // Closed, the graph shows what losing each component does: both are single points.
    press(&mut app, "X");
    let graph = screen(&mut app, 120, 40);
    assert!(graph.contains("‼┐"), "{graph}");
    assert!(!graph.contains("explorer"), "{graph}");
    // Another preset is another architecture: its verdicts are not known yet.
    press(&mut app, "2");
    assert!(app.explorer.report().is_none() && !app.explorer.running());
}

/// Rewind: back a minute, and the run plays forward again to the same figures, the
/// operator's action taken again at its second.
#[test]
fn rewinding_replays_the_same_run_with_the_same_actions() {
    let mut app = app("1k");
    steps(&mut app, 200);
    app.act(archtui::action::Action::parse("kill-az:a").unwrap());
    steps(&mut app, 100);
    let at = app.sim.time();
    let before = (app.sim.last().clone(), app.sim.events().to_vec());
    // Back ten minutes: to the start (the fault at 200 s is queued to strike again).
    press(&mut app, "{");
    assert_eq!(app.sim.time(), 0);
    assert_eq!(app.rewind.queued(), 1);
    assert!(app.taken.is_empty());
    steps(&mut app, at as u32);
    assert_eq!(app.sim.time(), at);
    assert_eq!(app.taken.len(), 1, "{:?}", app.taken);
    let after = (app.sim.last().clone(), app.sim.events().to_vec());
    assert_eq!(format!("{:?}", before.0), format!("{:?}", after.0));
    assert_eq!(before.1, after.1);
    // Back a minute lands on the second asked for, played forward from the last copy.
    press(&mut app, "[");
    assert_eq!(app.sim.time(), at - 60);
    // A new action starts a new timeline: nothing is queued any more.
    press(&mut app, "{");
    assert_eq!(app.rewind.queued(), 1);
    app.act(archtui::action::Action::parse("spike:2x").unwrap());
    assert_eq!(app.rewind.queued(), 0);
}

/// Charts cover a chosen window (`w`), mark each action, and `Enter` on an event takes them to
/// its moment.
#[test]
fn charts_cover_the_chosen_window_and_mark_faults() {
    let mut a = app("1k");
    steps(&mut a, 120);
    press(&mut a, "a");
    press(&mut a, "a");
    steps(&mut a, 400);
    let title = |a: &mut App| {
        screen(a, 120, 40)
            .lines()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert!(!title(&mut a).contains("metrics ·"), "{}", title(&mut a));
    press(&mut a, "w");
    assert!(
        title(&mut a).contains("metrics · 10 min"),
        "{}",
        title(&mut a)
    );
    // The fault's column is marked (reversed) on the traffic chart.
    let buf = render(&mut a, 120, 40);
    let marked = buf
        .backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.modifier.contains(ratatui::style::Modifier::REVERSED))
        .count();
    assert!(marked >= 2, "{marked}");
    press(&mut a, "www");
    assert!(!title(&mut a).contains("metrics ·"));
    // Enter on the fault's event: the charts go back to it and mark it.
    press(&mut a, "e");
    let fault = a
        .sim
        .events()
        .iter()
        .position(|e| e.kind.as_str() == "fault")
        .unwrap();
    a.log.cursor = Some(fault);
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.chart_mark, Some(a.sim.events()[fault].t));
    assert_eq!(a.chart_window, archtui::tui::history::Window::TenMinutes);
}

/// Snapshots at the three sizes: a presenter's strike playing out (`▶ 5× paced`), a run just
/// rewound, and the charts over ten minutes with the fault marked.
#[test]
fn pacing_rewind_and_chart_windows_at_three_sizes() {
    for (w, h) in SIZES {
        let mut a = App::new(Options {
            presenter: true,
            drill: Some(archtui::drill::load("db-failover-1k").unwrap()),
            ..Options::new("1k")
        })
        .unwrap();
        press(&mut a, "++++");
        while a.step() {}
        press(&mut a, " ");
        steps(&mut a, 20);
        let paced = screen(&mut a, w, h);
        assert!(paced.contains("5× paced"), "{w}×{h}:\n{paced}");
        insta::assert_snapshot!(format!("paced_{w}x{h}"), paced);

        let mut a = app("1k");
        steps(&mut a, 150);
        press(&mut a, "aa");
        steps(&mut a, 200);
        press(&mut a, "{");
        let rewound = screen(&mut a, w, h);
        assert!(rewound.contains("back to 0:00:00"), "{w}×{h}:\n{rewound}");
        insta::assert_snapshot!(format!("rewound_{w}x{h}"), rewound);

        steps(&mut a, 400);
        press(&mut a, "w");
        let charts = screen(&mut a, w, h);
        insta::assert_snapshot!(format!("chart_window_{w}x{h}"), charts);
    }
}
