//! The dashboard as a user meets it: whole frames rendered into ratatui's `TestBackend` and
//! compared with reviewed snapshots, and keys driven through the app's event handler.

use archtui::sim::NodeState;
use archtui::sim::database::Writer;
use archtui::sim::events::EventKind;
use archtui::tui::keys::Group;
use archtui::tui::{App, Options, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

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

#[test]
fn every_preset_at_120_by_40_and_80_by_24() {
    for preset in ["100", "1k", "10k", "100k", "1m", "10m"] {
        let mut a = app(preset);
        steps(&mut a, 90);
        insta::assert_snapshot!(
            format!("{preset}_120x40"),
            render(&mut a, 120, 40).backend()
        );
        insta::assert_snapshot!(format!("{preset}_80x24"), render(&mut a, 80, 24).backend());
    }
}

#[test]
fn an_az_already_down_is_said_and_not_recorded_again() {
    use archtui::tui::app::Note;
    let mut a = app("1k");
    press(&mut a, "aa");
    steps(&mut a, 5);
    press(&mut a, "aa");
    assert_eq!(a.taken.len(), 1, "{:?}", a.taken);
    assert!(
        matches!(&a.note, Some(Note::Info(n)) if n == "AZ seoul/a is already down: nothing to do"),
        "{:?}",
        a.note
    );
    a.act(archtui::action::Action::parse("restore-az:b").unwrap());
    assert!(matches!(&a.note, Some(Note::Info(n)) if n.contains("AZ seoul/b is not down")));
    assert_eq!(a.taken.len(), 1);
}

#[test]
fn undo_with_nothing_broken_is_said_and_not_recorded() {
    use archtui::tui::app::Note;
    let mut a = app("1k");
    steps(&mut a, 5);
    press(&mut a, "u");
    assert!(a.taken.is_empty(), "{:?}", a.taken);
    assert!(
        matches!(&a.note, Some(Note::Info(n)) if n == "no fault left to undo: nothing to do"),
        "{:?}",
        a.note
    );
    // Each kind of fault is something to undo, and undoing it leaves nothing.
    for fault in [
        "kill-instance:web",
        "spike:2x:10m",
        "add-latency:web:50",
        "degrade-instance:web:10x",
        "kill-component:web",
        "kill-az:a",
    ] {
        a.act(archtui::action::Action::parse(fault).unwrap());
        steps(&mut a, 2);
        let before = a.taken.len();
        press(&mut a, "u");
        assert_eq!(a.taken.len(), before + 1, "{fault}: undo is recorded");
        steps(&mut a, 2);
        press(&mut a, "u");
        assert_eq!(a.taken.len(), before + 1, "{fault}: a second undo is not");
    }
}

#[test]
fn a_killed_az_is_marked_down() {
    let mut a = app("1k");
    steps(&mut a, 60);
    press(&mut a, "aa");
    steps(&mut a, 45);
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("AZ a ✕ down"), "{s}");
    assert!(
        s.contains("AZ down"),
        "the web part in AZ a is marked down:\n{s}"
    );
    insta::assert_snapshot!("1k_az_a_killed", render(&mut a, 120, 40).backend());
    // Later events have pushed the fault down the log: the filter finds it.
    press(&mut a, "/kind:fault");
    key(&mut a, KeyCode::Enter);
    let s = screen(&mut a, 120, 40);
    assert!(
        s.contains("fault             AZ seoul/a lost"),
        "the event log shows the fault:\n{s}"
    );
}

#[test]
fn a_killed_region_is_marked_down() {
    let mut a = app("10m");
    steps(&mut a, 30);
    press(&mut a, "g2");
    steps(&mut a, 30);
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("REGION DOWN"), "{s}");
}

#[test]
fn help_overlay_lists_every_binding() {
    let mut a = app("1m");
    press(&mut a, "?");
    let s = screen(&mut a, 120, 40);
    for b in archtui::tui::keys::BINDINGS {
        assert!(s.contains(b.keys[0]), "help misses `{}`", b.keys[0]);
        // The preset keys share one line, naming each preset.
        let words = if b.group == Group::Presets {
            b.short
        } else {
            b.help
        };
        assert!(s.contains(words), "help misses `{words}`");
    }
    insta::assert_snapshot!("help_120x40", render(&mut a, 120, 40).backend());
    insta::assert_snapshot!("help_80x24", render(&mut a, 80, 24).backend());
    key(&mut a, KeyCode::Esc);
    assert!(!screen(&mut a, 120, 40).contains("or Esc closes"));
}

#[test]
fn a_tiny_terminal_asks_to_be_enlarged() {
    let mut a = app("1m");
    let s = screen(&mut a, 60, 15);
    assert!(s.contains("enlarge to 80×24 (now 60×15)"), "{s}");
    insta::assert_snapshot!("too_small", render(&mut a, 60, 15).backend());
    // Any size at all draws without a panic, down to nothing.
    for (w, h) in [
        (1, 1),
        (0, 0),
        (79, 24),
        (80, 23),
        (80, 24),
        (200, 60),
        (300, 100),
    ] {
        render(&mut a, w, h);
    }
}

#[test]
fn a_screenshot_keeps_the_overlay_it_shows() {
    use archtui::tui::app::Mode;
    let mut a = app("1k");
    for (open, shown) in [("?", "help"), ("L", "legend"), ("D", "drill picker")] {
        press(&mut a, open);
        let before = std::mem::discriminant(&a.mode);
        assert!(!matches!(a.mode, Mode::Normal), "{shown}");
        press(&mut a, "S");
        assert!(a.screenshot, "S in the {shown} asks for a screenshot");
        assert_eq!(
            std::mem::discriminant(&a.mode),
            before,
            "the {shown} stays open"
        );
        a.screenshot = false;
        key(&mut a, KeyCode::Esc);
    }
    // In the command line S is a letter.
    press(&mut a, ":S");
    assert!(!a.screenshot);
}

#[test]
fn keys_wait_while_the_terminal_is_too_small_but_quit() {
    let mut a = app("1k");
    render(&mut a, 60, 20);
    // Unseen, these would kill an AZ, spike the traffic and open the help.
    press(&mut a, "aas?");
    render(&mut a, 120, 40);
    assert!(a.sim.events().is_empty(), "{:?}", a.sim.events());
    assert!(matches!(a.mode, archtui::tui::app::Mode::Normal));
    render(&mut a, 60, 20);
    press(&mut a, "q");
    assert!(a.quit);
}

#[test]
fn fault_keys_act_on_the_simulation() {
    let mut a = app("1k");
    steps(&mut a, 10);
    press(&mut a, "d");
    let db = archtui::sim::main_database(a.arch()).unwrap();
    let NodeState::Database(state) = a.sim.node(db) else {
        panic!("not a database")
    };
    assert!(
        matches!(state.writer, Writer::FailingOver { .. }),
        "{:?}",
        state.writer
    );

    press(&mut a, "ab");
    let b = a.arch().find_az("b").unwrap();
    assert!(!a.sim.az_up(b), "`a` then `b` kills AZ b");
    press(&mut a, "Ab");
    assert!(a.sim.az_up(b), "`A` then `b` restores it");

    press(&mut a, "s");
    assert_eq!(a.sim.spike_factor(), 5.0);

    press(&mut a, "u");
    assert_eq!(a.sim.spike_factor(), 1.0);
    let kinds: Vec<EventKind> = a.sim.events().iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&EventKind::Fault) && kinds.contains(&EventKind::Restore));
    let taken: Vec<String> = a
        .taken
        .iter()
        .map(|(_, action)| action.to_string())
        .collect();
    assert_eq!(
        taken,
        [
            "kill-db-primary",
            "kill-az:seoul/b",
            "restore-az:seoul/b",
            "spike:5x:10m",
            "restore-all"
        ]
    );
}

#[test]
fn cache_and_region_keys() {
    let mut a = app("100k");
    steps(&mut a, 10);
    press(&mut a, "c");
    assert!(
        a.sim
            .events()
            .iter()
            .any(|e| e.kind == EventKind::CacheCold)
    );

    let mut a = app("1m");
    press(&mut a, "g1");
    assert!(a.sim.region_down(0));
    press(&mut a, "G1");
    assert!(!a.sim.region_down(0));
}

#[test]
fn the_command_line_takes_any_action_and_explains_a_bad_one() {
    let mut a = app("1k");
    press(&mut a, ":kill-az:b");
    key(&mut a, KeyCode::Enter);
    assert!(!a.sim.az_up(a.arch().find_az("b").unwrap()));

    press(&mut a, ":explode");
    key(&mut a, KeyCode::Enter);
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("unknown action"), "{s}");
    assert_eq!(a.taken.len(), 1, "a bad command does nothing");
    key(&mut a, KeyCode::Esc);

    // Enter on nothing closes the line without a word.
    a.note = None;
    press(&mut a, ":");
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.mode, archtui::tui::app::Mode::Normal));
    assert!(a.note.is_none(), "a note after an empty line");

    // Tab completes what the preset offers.
    press(&mut a, ":add-l");
    key(&mut a, KeyCode::Tab);
    let s = screen(&mut a, 120, 40);
    assert!(s.contains(":add-latency:"), "{s}");
}

#[test]
fn run_keys_pause_step_speed_reset_and_quit() {
    let mut a = app("10k");
    press(&mut a, " ");
    assert!(a.paused);
    press(&mut a, ".");
    assert_eq!(a.sim.time(), 1);
    press(&mut a, "++");
    assert_eq!(a.speed(), 5);
    // Paused, the status bar shows no speed: a note says what was chosen.
    assert!(screen(&mut a, 120, 40).contains("5× when resumed"));
    press(&mut a, "-");
    assert_eq!(a.speed(), 2);
    press(&mut a, "r");
    // Paused, a restart plays its first second at once, so the screen shows figures.
    assert_eq!(a.sim.time(), 1);
    assert!(a.sim.last().served > 0.0, "no zeros while paused");
    press(&mut a, "4");
    assert_eq!(a.arch().name, "100k");
    assert!(!a.quit);
    a.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(a.quit, "Ctrl-C quits");
    let mut a = app("10k");
    press(&mut a, "q");
    assert!(a.quit);
    // Asked which AZ or region to kill, `q` still quits; a key that names none does not.
    for prompt in ["a", "g"] {
        let mut a = app("10m");
        press(&mut a, prompt);
        press(&mut a, "z");
        assert!(!a.quit, "`z` after `{prompt}`");
        press(&mut a, prompt);
        press(&mut a, "q");
        assert!(a.quit, "`q` after `{prompt}`");
    }
}

#[test]
fn only_presses_count() {
    let mut a = app("1k");
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    a.handle_key(release);
    assert!(!a.quit);
}

#[test]
fn selection_moves_with_tab_arrows_vim_keys_and_the_mouse() {
    let mut a = app("10k");
    render(&mut a, 120, 40);
    let entry = a.selected;
    key(&mut a, KeyCode::Tab);
    let second = a.selected;
    assert_ne!(second, entry);
    key(&mut a, KeyCode::BackTab);
    assert_eq!(a.selected, entry);
    press(&mut a, "j");
    assert_ne!(a.selected, entry, "j moves down from the entry");
    press(&mut a, "k");
    assert_eq!(a.selected, entry);
    key(&mut a, KeyCode::Down);
    assert_ne!(a.selected, entry);

    // A click on a box's name selects its component, as a user would click it.
    let (target, _) = a.arch().groups().next().unwrap();
    let name = a.arch().graph[target].id.clone();
    let lines: Vec<String> = screen(&mut a, 120, 40).lines().map(String::from).collect();
    let (row, col) = lines
        .iter()
        .enumerate()
        .find_map(|(y, l)| {
            let at = l
                .find(&format!("┌{name}"))
                .or_else(|| l.find(&format!("┏{name}")))?;
            Some((y, l[..at].chars().count()))
        })
        .expect("the group's box is on screen");
    // `to_string` quotes each line: the first character on screen is the second here.
    a.handle_mouse(click(col as u16 - 1 + 1, row as u16));
    assert_eq!(a.selected, target);
}

#[test]
fn the_arrows_follow_the_boxes_level_with_the_selection() {
    let mut a = app("10m");
    render(&mut a, 160, 48);
    let id = |a: &App| a.arch().graph[a.selected].id.clone();
    assert_eq!(id(&a), "dns");
    // Down the layers: the load balancer under the DNS, then the servers it balances across,
    // not a box beside them that is closer to the DNS's centre line.
    let mut path = Vec::new();
    for k in ["j", "j", "j", "l", "h", "k", "k", "l"] {
        press(&mut a, k);
        path.push(id(&a));
    }
    assert_eq!(
        path,
        [
            "alb",
            "app",
            "queue",
            "kv",
            "queue",
            "app",
            "alb",
            "alb-oregon"
        ],
        "{}",
        screen(&mut a, 160, 48)
    );
}

fn click(column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

#[test]
fn the_same_keys_at_the_same_times_give_the_same_run() {
    let run = |seed: u64| {
        let mut a = App::new(Options {
            seed,
            ..Options::new("1k")
        })
        .unwrap();
        steps(&mut a, 100);
        press(&mut a, "ab");
        steps(&mut a, 200);
        press(&mut a, "s");
        steps(&mut a, 300);
        (
            a.sim.events().to_vec(),
            a.sim.totals().served,
            screen(&mut a, 120, 40),
        )
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7).1, run(8).1);
}

#[test]
fn the_readme_lists_every_key() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let keys = readme
        .split("### Keys")
        .nth(1)
        .expect("a Keys section")
        .split("\n## ")
        .next()
        .unwrap();
    for b in archtui::tui::keys::BINDINGS {
        for k in b.keys {
            assert!(
                keys.contains(&format!("`{k}`")),
                "the README's key table misses `{k}`"
            );
        }
    }
}

#[test]
fn small_things_a_presenter_would_trip_on() {
    use archtui::tui::app::Note;
    // A preset opened after a drill runs on the session's seed, not the drill's.
    let mut a = App::new(Options {
        seed: 3,
        ..Options::new("10m")
    })
    .unwrap();
    a.start_drill("region-loss-10m");
    assert_ne!(a.options.seed, 3, "the drill has its own seed");
    press(&mut a, "3");
    assert_eq!(a.options.seed, 3);
    assert!(screen(&mut a, 120, 40).contains("seed 3"));

    // One region: the prompt's range is that one.
    press(&mut a, "g2");
    assert!(
        matches!(&a.note, Some(Note::Error(n)) if n == "no region 2: press 1"),
        "{:?}",
        a.note
    );

    // Once --duration is over, `a` says so rather than ask for an AZ in vain.
    let mut a = App::new(Options {
        end: Some(30),
        ..Options::new("10k")
    })
    .unwrap();
    steps(&mut a, 40);
    press(&mut a, "a");
    assert!(matches!(a.mode, archtui::tui::app::Mode::Normal));
    assert!(matches!(&a.note, Some(Note::Error(n)) if n.contains("is over")));
    // Nor does the hint bar offer faults there.
    let s = screen(&mut a, 200, 40);
    let hints = s.lines().last().unwrap();
    assert!(hints.contains("run again"), "{hints}");
    assert!(
        !hints.contains("kill AZ") && !hints.contains("spike"),
        "{hints}"
    );

    // Before any request came back there is no p99, in the metrics as in the status bar.
    let mut a = app("1k");
    press(&mut a, "{");
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("p99 —"), "{s}");
    assert!(!s.contains("p99 0.0"), "{s}");
}

#[test]
fn an_az_part_with_no_instance_left_says_so() {
    let mut a = app("100k");
    steps(&mut a, 30);
    a.act(archtui::action::Action::parse("kill-instances:app:c").unwrap());
    steps(&mut a, 60);
    let s = screen(&mut a, 160, 48);
    assert!(s.contains("│   0 up    │"), "{s}");
    let c = a
        .arch()
        .all_azs()
        .find(|az| a.arch().az_name(*az) == "seoul/c")
        .unwrap();
    let app_id = a.arch().find("app").unwrap();
    let part = archtui::tui::view::part_status(&a.sim, app_id, c);
    assert_eq!(part.health, archtui::tui::theme::Health::Down);
}

#[test]
fn the_metrics_column_lines_up_with_the_detail_and_names_its_rows_whole() {
    let mut a = app("10m");
    steps(&mut a, 5);
    let s = screen(&mut a, 160, 48);
    assert!(s.contains("shard1-oregon-replicas "), "{s}");
    // Both right-hand panes end and start in the same columns.
    let starts: Vec<usize> = s
        .lines()
        .filter(|l| l.contains("╭ metrics") || l.contains("╭ dns"))
        .map(|l| {
            let at = l.find("╮╭").expect("two panes side by side");
            l[..at].chars().count()
        })
        .collect();
    assert_eq!(starts.len(), 2, "{s}");
    assert_eq!(starts[0], starts[1], "{s}");
}
