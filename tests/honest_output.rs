//! Output that must not mislead: the SLO line and its breach total agree with the events,
//! `--metrics -` writes to stdout, a recording without checks says nothing was judged, and the
//! dashboard's clock stops at `--duration`.

mod common;
use archtui::sim::events::EventKind;
use archtui::tui::{App, Options};
use common::{archtui, scratch, stderr, stdout};

#[test]
fn the_breach_total_is_the_sum_of_the_breaches() {
    for inject in ["10m=kill-az:a", "10m=kill-db-primary", "10m=spike:5x:10m"] {
        let summary = common::run("1k", None, 1, "1h", &[inject]);
        let mut since = None;
        let mut total = 0;
        for e in &summary.events {
            match e.kind {
                EventKind::SloBreach => since = Some(e.t),
                EventKind::Recovered if e.message.starts_with("SLO met again") => {
                    total += e.t - since.take().expect("a breach before its recovery");
                }
                _ => {}
            }
        }
        assert!(
            since.is_none() && total > 0,
            "{inject}: breaches must recover"
        );
        assert_eq!(summary.slo_breached_s, total, "{inject}");
        let text = archtui::headless::render(&summary);
        assert!(!text.contains("met (missed"), "{text}");
        assert!(
            text.contains(&format!("{}s in total", total)) || text.contains("m in total"),
            "{text}"
        );
    }
}

#[test]
fn metrics_dash_go_to_stdout() {
    let dir = scratch("honest-output");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archtui"))
        .current_dir(&dir)
        .args([
            "--preset",
            "100",
            "--headless",
            "--duration",
            "90s",
            "--metrics",
            "-",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    // 90 seconds of metrics, then the summary.
    assert_eq!(lines.len(), 91, "{text}");
    assert!(lines[90].get("slo_met").is_some(), "{}", lines[90]);
    assert!(!dir.join("-").exists(), "wrote a file named -");
}

#[test]
fn a_recording_without_checks_says_nothing_was_judged() {
    let text = "title = \"recorded session\"\npreset = \"1k\"\nduration = 1200\n\n[[step]]\nat = 60\naction = \"kill-region:seoul\"\n";
    let path = common::scratch_file("honest-output", "rec.toml", text);
    let out = archtui(&["drill", path.to_str().unwrap()]);
    let shown = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}{}", stderr(&out));
    let verdict = shown.lines().last().unwrap();
    assert!(verdict.starts_with("verdict    NO CHECKS"), "{shown}");
    assert!(!shown.contains("PASS"), "{shown}");
    // Nor does it expect anything it cannot judge.
    assert!(!shown.contains("expects"), "{shown}");
    // The JSON says the same, not "pass".
    let out = archtui(&["drill", path.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["verdict"], "no_checks", "{report}");
    assert_eq!(report["as_expected"], true);
    // So does the dashboard's report, at the end of the replay.
    let mut app = App::new(Options {
        drill: Some(archtui::drill::load(path.to_str().unwrap()).unwrap()),
        ..Options::new("")
    })
    .unwrap();
    while !app.stage.as_ref().unwrap().run.finished() {
        app.step();
    }
    app.mode = archtui::tui::app::Mode::Report { scroll: 0 };
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|f| archtui::tui::ui::draw(f, &mut app))
        .unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("NO CHECKS"), "{screen}");
    assert!(!screen.contains("PASS"), "{screen}");
    assert!(!screen.contains("expects"), "{screen}");
    assert!(screen.contains("no narration in this file"), "{screen}");
}

#[test]
fn the_dashboard_clock_stops_at_duration() {
    let mut app = App::new(Options {
        end: Some(90),
        ..Options::new("1k")
    })
    .unwrap();
    for _ in 0..200 {
        app.step();
    }
    assert_eq!(app.sim.time(), 90);
    assert!(app.at_end() && app.paused);
    // The hint bar offers what works there: `r`, not space or `.`.
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|f| archtui::tui::ui::draw(f, &mut app))
        .unwrap();
    let shown = terminal.backend().to_string();
    let hints = shown.lines().last().unwrap();
    assert!(hints.contains("r run again"), "{hints}");
    assert!(
        !hints.contains("resume") && !hints.contains(". step"),
        "{hints}"
    );
    // Nor does an action: it would never play out.
    app.act(archtui::action::Action::parse("kill-az:a").unwrap());
    assert!(app.taken.is_empty(), "an action after the end was taken");
    // Space does not get past it; a restart runs it again.
    app.paused = false;
    assert!(!app.step());
    assert_eq!(app.sim.time(), 90);
}
