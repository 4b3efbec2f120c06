//! Drills in the dashboard: the drill panel and report as the audience sees them, the
//! presenter's hold, skipping ahead, the `D` picker, and a recorded session that the headless
//! runner replays into byte-identical metrics.

mod common;
use archtui::drill::{self, Phase};
use archtui::report::MetricsLine;
use archtui::tui::app::Mode;
use archtui::tui::{App, Options, Recorder, ui};
use common::{archtui, stderr};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn drill_app(name: &str, presenter: bool) -> App {
    App::new(Options {
        drill: Some(drill::load(name).unwrap()),
        presenter,
        ..Options::new("")
    })
    .unwrap()
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

fn finished(app: &App) -> bool {
    app.stage.as_ref().is_some_and(|s| s.run.finished())
}

/// Every check's name and outcome, as the report has them.
fn outcomes(report: &drill::DrillReport) -> Vec<(String, &'static str, Option<f64>)> {
    (report.steady_state.iter().chain(&report.checks))
        .map(|c| (c.name.clone(), c.status, c.measured))
        .collect()
}

#[test]
fn a_drill_in_the_dashboard_judges_exactly_as_the_headless_run() {
    for name in ["az-loss-1k", "spof-100", "worker-loss-100k"] {
        let d = drill::load(name).unwrap();
        let headless = drill::run(&d);
        let mut app = drill_app(name, false);
        while !finished(&app) {
            assert!(app.step());
        }
        let stage = app.stage.as_ref().unwrap();
        let live = stage.run.report(&app.sim);
        assert_eq!(live.verdict, headless.verdict, "{name}");
        assert_eq!(outcomes(&live), outcomes(&headless), "{name}");
        assert_eq!(live.steps, headless.steps, "{name}");
        // The report comes up by itself when the drill ends.
        assert!(matches!(app.mode, Mode::Report { .. }), "{name}");
    }
}

#[test]
fn the_drill_panel_and_report_at_both_sizes() {
    let mut app = drill_app("az-loss-1k", false);
    for _ in 0..(11 * 60) {
        app.step();
    }
    insta::assert_snapshot!("drill_az_loss_120x40", screen(&mut app, 120, 40));
    insta::assert_snapshot!("drill_az_loss_80x24", screen(&mut app, 80, 24));
    while !finished(&app) {
        app.step();
    }
    insta::assert_snapshot!("drill_report_120x40", screen(&mut app, 120, 40));
    // Too long for 80×24: it stacks names over figures and scrolls to its last line.
    let top = screen(&mut app, 80, 24);
    insta::assert_snapshot!("drill_report_80x24", top);
    press(&mut app, &"j".repeat(40));
    let bottom = screen(&mut app, 80, 24);
    assert!(
        !top.contains("rollback at") && bottom.contains("rollback at"),
        "{bottom}"
    );
    press(&mut app, "k");
    assert!(matches!(app.mode, Mode::Report { .. }));
    // The report closes, and the verdict stays in the panel.
    press(&mut app, "R");
    assert!(matches!(app.mode, Mode::Normal));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("PASS") && s.contains("as expected"), "{s}");
}

#[test]
fn a_presenter_holds_each_step_until_space() {
    let d = drill::load("worker-loss-100k").unwrap();
    let mut app = drill_app("worker-loss-100k", true);
    let first = d.steps[0].t;
    for _ in 0..first {
        assert!(app.step());
    }
    assert!(!app.step(), "the first step waits for the presenter");
    assert!(app.paused);
    assert_eq!(app.sim.time(), first);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("space strikes"), "{s}");
    let action = d.steps[0].action.to_string();
    assert!(s.contains(&action), "the waiting action is on screen\n{s}");
    // Time does not move while held, however often the clock ticks.
    assert!(!app.step());
    assert_eq!(app.sim.time(), first);

    press(&mut app, " ");
    assert!(!app.paused);
    assert!(app.step());
    let stage = app.stage.as_ref().unwrap();
    assert_eq!(stage.run.applied().len(), 1);
    assert_eq!(
        app.taken.last().map(|(t, a)| (*t, a.to_string())),
        Some((first, action))
    );

    // `.` strikes a waiting step too, one second at a time.
    while app.step() {}
    let held = app.sim.time();
    press(&mut app, ".");
    assert_eq!(app.sim.time(), held + 1);
    assert_eq!(app.stage.as_ref().unwrap().run.applied().len(), 2);
}

#[test]
fn a_presenter_strikes_steps_that_share_a_second_one_at_a_time() {
    let d = drill::load("hot-shard-1m").unwrap();
    assert_eq!(
        d.steps[0].t, d.steps[1].t,
        "the drill this test relies on changed"
    );
    let mut app = drill_app("hot-shard-1m", true);
    while app.step() {}
    let at = app.sim.time();
    press(&mut app, " ");
    assert!(!app.step(), "the second step of the same second waits");
    assert_eq!((app.sim.time(), app.taken.len()), (at, 1));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains(&d.steps[1].action.to_string()), "{s}");
    press(&mut app, " ");
    assert!(app.step());
    assert_eq!((app.sim.time(), app.taken.len()), (at + 1, 2));
    // Both were applied before that second was simulated, as the headless run applies them.
    assert!(app.taken.iter().all(|(t, _)| *t == at));
}

#[test]
fn a_drill_whose_steady_state_fails_is_reported_invalid_at_once() {
    let d = common::impossible_drill();
    let mut app = App::new(Options {
        drill: Some(d),
        ..Options::new("")
    })
    .unwrap();
    // `n` stops where the drill is decided, not at the step that will never come.
    press(&mut app, "n");
    let stage = app.stage.as_ref().unwrap();
    assert_eq!(stage.run.phase(), Phase::Aborted);
    assert_eq!(stage.run.verdict(), Some(drill::Verdict::Invalid));
    assert!(app.sim.time() < 10 * 60, "ran on to {}", app.sim.time());
    assert!(
        app.taken.is_empty(),
        "nothing is injected into an invalid drill"
    );
    assert!(matches!(app.mode, Mode::Report { .. }));
    assert!(screen(&mut app, 120, 40).contains("INVALID"));
}

#[test]
fn n_skips_to_the_next_step_and_then_to_the_end() {
    let d = drill::load("az-loss-1k").unwrap();
    let mut app = drill_app("az-loss-1k", false);
    press(&mut app, "n");
    assert_eq!(
        app.sim.time(),
        d.steps[0].t + 1,
        "through the second the step struck"
    );
    assert_eq!(app.stage.as_ref().unwrap().run.applied().len(), 1);
    press(&mut app, "n");
    assert_eq!(app.stage.as_ref().unwrap().run.applied().len(), 2);
    press(&mut app, "n");
    assert!(finished(&app));
    assert_eq!(app.stage.as_ref().unwrap().run.phase(), Phase::Done);

    // A presenter's hold stops the skip at the step.
    let mut app = drill_app("az-loss-1k", true);
    press(&mut app, "n");
    assert_eq!(app.sim.time(), d.steps[0].t);
    assert!(app.paused);
    assert!(app.stage.as_ref().unwrap().run.applied().is_empty());

    // Without a drill, n says how to get one.
    let mut app = App::new(Options::new("1k")).unwrap();
    press(&mut app, "n");
    assert_eq!(app.sim.time(), 0);
    assert!(matches!(app.note, Some(archtui::tui::app::Note::Error(_))));
}

#[test]
fn the_picker_starts_a_drill_on_its_own_preset() {
    let mut app = App::new(Options::new("100")).unwrap();
    press(&mut app, "D");
    assert!(matches!(app.mode, Mode::PickDrill { index: 0 }));
    assert!(screen(&mut app, 120, 40).contains("region-loss-10m"));
    press(&mut app, "jjk");
    app.handle_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let name = drill::BUILTIN[2].name;
    let d = drill::load(name).unwrap();
    assert_eq!(
        app.stage.as_ref().map(|s| s.drill().name.clone()),
        Some(name.to_string())
    );
    assert_eq!(app.arch().name, d.preset);
    assert_eq!(app.options.seed, d.seed);
    // `r` runs the same drill again from the start; a preset key leaves it.
    press(&mut app, "n");
    press(&mut app, "r");
    assert_eq!(app.sim.time(), 0);
    assert!(app.stage.as_ref().unwrap().run.applied().is_empty());
    press(&mut app, "1");
    assert!(app.stage.is_none());
    assert_eq!(app.arch().name, "100");
    // Esc leaves the picker without starting anything.
    press(&mut app, "D");
    app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    assert!(matches!(app.mode, Mode::Normal) && app.stage.is_none());
}

fn metrics(app: &App) -> String {
    serde_json::to_string(&MetricsLine::of(&app.sim)).unwrap() + "\n"
}

#[test]
fn a_recorded_session_replays_into_byte_identical_metrics() {
    let dir = common::scratch("dashboard-drills-session");
    let file = dir.join("session.toml");

    // A live session: keys at various seconds, speed and pause changes in between (they do
    // not change simulated time), recorded as it goes.
    let mut app = App::new(Options {
        seed: 5,
        users: Some(20_000.0),
        recording: true,
        ..Options::new("10k")
    })
    .unwrap();
    let mut recorder = Recorder::create(&file, &app).unwrap();
    let mut seen = String::new();
    let live = |app: &mut App, seconds: u32, seen: &mut String| {
        for _ in 0..seconds {
            app.step();
            seen.push_str(&metrics(app));
        }
    };
    live(&mut app, 120, &mut seen);
    press(&mut app, "ab+++");
    live(&mut app, 200, &mut seen);
    press(&mut app, " s ");
    recorder.update(&app).unwrap();
    live(&mut app, 300, &mut seen);
    press(&mut app, ":");
    for c in "add-latency:cache:40:5m".chars() {
        press(&mut app, &c.to_string());
    }
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    live(&mut app, 100, &mut seen);
    press(&mut app, "cAb");
    live(&mut app, 180, &mut seen);
    assert_eq!(app.taken.len(), 5, "{:?}", app.taken);
    recorder.finish(&app).unwrap();

    let out = dir.join("replayed.jsonl");
    let replay = archtui(&[
        "--replay",
        file.to_str().unwrap(),
        "--headless",
        "--metrics",
        out.to_str().unwrap(),
    ]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    let replayed = std::fs::read_to_string(&out).unwrap();
    assert_eq!(replayed.lines().count(), 900);
    assert!(
        replayed == seen,
        "the replay's metrics differ from the session's"
    );

    // The dashboard plays the same recording back as a drill, to the same numbers.
    let recording = drill::load(file.to_str().unwrap()).unwrap();
    assert_eq!(recording.steps.len(), 5);
    let mut again = App::new(Options {
        drill: Some(recording),
        ..Options::new("")
    })
    .unwrap();
    let mut played = String::new();
    for _ in 0..900 {
        again.step();
        played.push_str(&metrics(&again));
    }
    assert!(
        played == seen,
        "the dashboard's replay differs from the session"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dashboard_drill_flags_are_checked_before_the_screen_changes() {
    let recording =
        "title = \"r\"\npreset = \"1k\"\nduration = 60\n[[step]]\nat = 1\naction = \"kill-az:a\"\n";
    let recording = common::scratch_file("dashboard-drills", "flags.toml", recording);
    let recording = recording.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--presenter"], "--presenter"),
        (&["--drill", "no-such-drill"], "unknown drill"),
        (
            &["--drill", "az-loss-1k", "--preset", "1k"],
            "cannot be used with",
        ),
        (
            &["--drill", "az-loss-1k", "--headless"],
            "cannot be used with",
        ),
        (&["--record", "x.toml", "--headless"], "cannot be used with"),
        (
            &["--presenter", "--headless", "--duration", "1m"],
            "--presenter",
        ),
        (
            &["--seed", "3", "drill", "az-loss-1k"],
            "cannot be used with",
        ),
        (
            &["--replay", recording, "--record", recording],
            "would overwrite",
        ),
    ];
    for (args, says) in cases {
        let out = archtui(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    // (An unwritable --record path, which needs a terminal to get that far, is in `terminal`.)
}

/// Presenter pacing: after a strike the clock slows to 5× until the failover it set off has
/// played out, then returns to the presenter's 60×.
#[test]
fn a_strike_plays_out_at_a_speed_the_room_can_follow() {
    let mut app = drill_app("db-failover-1k", true);
    press(&mut app, "++++");
    assert_eq!(app.speed(), 60);
    while app.step() {}
    let struck = app.sim.time();
    press(&mut app, " ");
    assert_eq!(app.speed(), 5, "paced after the strike");
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("▶ 5× paced"), "{s}");
    let mut seconds = 0;
    while app.pacing.is_some() {
        assert!(app.step());
        seconds += 1;
        assert!(seconds < 1_000, "pacing ends");
    }
    assert_eq!(app.speed(), 60, "back to the presenter's speed");
    // Not before the failover was done and errors had stopped.
    let done = app
        .sim
        .events()
        .iter()
        .find(|e| e.kind.as_str() == "failover_done" && e.t >= struck)
        .expect("the failover finished while paced");
    assert!(
        app.sim.time() >= done.t + 30,
        "{} vs {}",
        app.sim.time(),
        done.t
    );
    assert!(app.sim.last().error_rate() < 0.001);
    // Choosing a speed ends pacing at once.
    app.pacing = Some(archtui::tui::pacing::Pacing::new(app.sim.time()));
    assert_eq!(app.speed(), 5);
    press(&mut app, "-");
    assert!(app.pacing.is_none());
    assert_eq!(app.speed(), 10);
}

/// A drill file's text reaches the screen with its control characters shown escaped, as in
/// its printed report: never sent to the terminal, and not silently dropped either.
#[test]
fn a_drills_control_characters_are_shown_escaped() {
    let mut d = drill::load("az-loss-1k").unwrap();
    d.title = "T\u{1b}]0;pwned\u{7}".into();
    d.description = "D\u{1b}[2Jdesc".into();
    d.steady_state[0].name = "S\u{1b}[31mss".into();
    let mut app = App::new(Options {
        drill: Some(d),
        ..Options::new("")
    })
    .unwrap();
    let s = screen(&mut app, 120, 40);
    for shown in [
        "T\\u{1b}]0;pwned\\u{7}",
        "D\\u{1b}[2Jdesc",
        "S\\u{1b}[31mss",
    ] {
        assert!(s.contains(shown), "{shown} in\n{s}");
    }
    while !finished(&app) {
        app.step();
    }
    let report = screen(&mut app, 120, 40);
    for shown in ["T\\u{1b}]0;pwned\\u{7}", "S\\u{1b}[31mss"] {
        assert!(report.contains(shown), "{shown} in\n{report}");
    }
}

#[test]
fn a_narration_longer_than_its_pane_scrolls() {
    let mut app = drill_app("az-loss-1k", false);
    press(&mut app, "n");
    let first = screen(&mut app, 80, 24);
    assert!(first.contains("PgDn more"), "{first}");
    assert!(!first.contains("standby is promoted."), "{first}");
    app.handle_key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
    let later = screen(&mut app, 80, 24);
    assert!(later.contains("standby is promoted."), "{later}");
    assert!(later.contains("PgUp back"), "{later}");
    // The events are not on screen: their scroll did not move.
    assert!(app.log.top.is_none());
    app.handle_key(KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE));
    assert_eq!(screen(&mut app, 80, 24), first);
}
