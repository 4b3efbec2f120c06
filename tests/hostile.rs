//! The hostile corpus: every class of input an attacker or an unlucky user can hand archtui.
//! Each must end with exit 2 and a one-line error naming the file (and line:column where
//! there is one) within two seconds: never a panic, a hang, unbounded memory, a secret from a
//! file that is not TOML text, or a raw escape sequence.

mod common;
use common::{position, scratch, scratch_file, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const TAG: &str = "hostile";
/// Planted in the environment and in files that are not TOML: it must never be printed.
const SECRET: &str = "hunter2-do-not-print";
const LIMIT: Duration = Duration::from_secs(2);

/// A preset to break: one region, every kind that takes `azs`.
const GOOD: &str = r#"title = "good"

[traffic]
users = 1000
rps_per_user = 0.05

[slo]
p99_ms = 500
availability = 0.999

[[region]]
id = "seoul"
azs = ["a", "b"]

[[dns]]
id = "dns"
to = ["web"]

[[compute]]
id = "web"
instances = 2
service_ms = 50
to = ["cache", "db"]

[[cache]]
id = "cache"
hit_ratio = 0.9
to = ["db"]

[[database]]
id = "db"
engine = "aurora"
primary_az = "a"
vcpus = 2
read_ms = 5
write_ms = 10
max_connections = 100
replicas = { count = 1 }
"#;

fn broken(old: &str, new: &str) -> String {
    assert_eq!(GOOD.matches(old).count(), 1, "`{old}` must occur once");
    GOOD.replacen(old, new, 1)
}

fn file(name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    scratch_file(TAG, name, bytes)
}

/// Runs the binary with the secret in its environment, timing it.
fn run(args: &[&str]) -> Output {
    run_with(Command::new(env!("CARGO_BIN_EXE_archtui")).args(args))
}

fn run_with(cmd: &mut Command) -> Output {
    let start = Instant::now();
    let out = cmd
        .env("ARCHTUI_TEST_SECRET", SECRET)
        .stdin(Stdio::null())
        .output()
        .expect("archtui runs");
    let took = start.elapsed();
    assert!(took < LIMIT, "took {took:?}: {}", stderr(&out));
    out
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Exit 2, one `error:` line naming `origin` (with `at` as line:column when given) and saying
/// `message`; no panic, no secret, no raw control character.
fn refused(out: &Output, origin: &str, at: Option<(usize, usize)>, message: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "exit status; stderr:\n{err}");
    let head = match at {
        Some((line, col)) => format!("error: {origin}:{line}:{col}: "),
        None => format!("error: {origin}: "),
    };
    assert!(err.starts_with(&head), "expected `{head}` in:\n{err}");
    assert!(err.contains(message), "expected `{message}` in:\n{err}");
    assert!(!err.contains("panicked"), "panicked:\n{err}");
    assert!(!err.contains(SECRET), "a secret was echoed:\n{err}");
    let raw = err.chars().find(|c| c.is_control() && *c != '\n');
    assert!(raw.is_none(), "raw control character {raw:?} in:\n{err}");
}

fn headless_preset(path: &Path) -> Output {
    run(&["--preset", p(path), "--headless", "--duration", "1m"])
}

#[test]
fn the_good_preset_runs() {
    let out = headless_preset(&file("good.toml", GOOD));
    assert!(out.status.success(), "{}", stderr(&out));
}

/// 1: an empty AZ list panicked while its error was being built.
#[test]
fn empty_az_lists_are_refused_where_they_are() {
    for (name, text, token) in [
        (
            "azs-compute.toml",
            broken("instances = 2", "instances = 2\nazs = []"),
            "[]",
        ),
        (
            "azs-cache.toml",
            broken("hit_ratio = 0.9", "hit_ratio = 0.9\nazs = []"),
            "[]",
        ),
        (
            "azs-replicas.toml",
            broken("{ count = 1 }", "{ count = 1, azs = [] }"),
            "[] }",
        ),
    ] {
        let path = file(name, &text);
        let out = headless_preset(&path);
        refused(
            &out,
            p(&path),
            Some(position(&text, token)),
            "list at least one AZ",
        );
    }
}

/// 2: a drill naming a file that is not a preset must not read it, let alone quote it.
#[test]
fn a_drill_never_reads_or_quotes_a_file_that_is_not_a_preset() {
    let env = file(".env", format!("PASSWORD=\"{SECRET}\"\n"));
    let envtoml = file("secrets.env", format!("[traffic]\nkey = \"{SECRET}\"\n"));
    for target in [
        "/proc/self/environ".to_string(),
        "/etc/shadow".to_string(),
        p(&env).to_string(),
        p(&envtoml).to_string(),
    ] {
        let text = format!(
            "title = \"t\"\npreset = \"{target}\"\nduration = \"10m\"\n\n[[step]]\nat = \"1m\"\naction = \"restore-all\"\n"
        );
        let drill = file("secret-preset.toml", &text);
        let out = run(&["drill", p(&drill)]);
        let at = position(&text, &format!("\"{target}\""));
        refused(&out, p(&drill), Some(at), "a .toml preset file");
    }
}

/// 2: files given directly that are not TOML text get a place but no quote.
#[test]
fn files_that_are_not_toml_text_are_never_quoted() {
    let env = file("creds.env", format!("API_KEY={SECRET}\n"));
    let out = run(&["--preset", p(&env), "--headless"]);
    refused(&out, p(&env), Some((1, 9)), "its text is not shown");
    let out = run(&["--replay", p(&env), "--headless"]);
    refused(&out, p(&env), Some((1, 9)), "its text is not shown");
    let out = run(&["drill", p(&env)]);
    refused(&out, p(&env), Some((1, 9)), "its text is not shown");
    // Its first NUL byte ends the first variable: the place is on line 1, wherever that is.
    let out = run(&["--replay", "/proc/self/environ", "--headless"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: /proc/self/environ:1:"), "{err}");
    assert!(
        err.contains("this is not TOML text") && !err.contains(SECRET),
        "{err}"
    );
    let binary = file("binary.toml", b"title = \"x\"\n\xff\xfe secret\n");
    let out = run(&["drill", p(&binary)]);
    refused(&out, p(&binary), Some((2, 1)), "not UTF-8");
    assert!(!stderr(&out).contains("secret"), "{}", stderr(&out));
}

/// 3: component ids follow the region-id rule and are unique across everything.
#[test]
fn component_ids_are_checked_like_region_ids() {
    let long = "x".repeat(40_000);
    let cases = [
        ("id-empty.toml", r#"id = """#, r#""""#, "1 to 40 characters"),
        (
            "id-colon.toml",
            r#"id = "a:b""#,
            r#""a:b""#,
            "may only hold",
        ),
        (
            "id-space.toml",
            r#"id = "a b""#,
            r#""a b""#,
            "may only hold",
        ),
        (
            "id-escape.toml",
            r#"id = "\u001b[2J""#,
            r#""\u001b[2J""#,
            "may only hold",
        ),
        (
            "id-long.toml",
            &format!("id = \"{long}\"")[..],
            &format!("\"{long}\"")[..],
            "1 to 40",
        ),
        (
            "id-region.toml",
            r#"id = "seoul""#,
            r#""seoul"
instances"#,
            "already a region's id",
        ),
        (
            "id-az.toml",
            r#"id = "b""#,
            r#""b"
instances"#,
            "already an AZ's id",
        ),
    ];
    for (name, id, token, message) in cases {
        let text = broken(r#"id = "web""#, id).replace(r#"to = ["web"]"#, "to = []");
        let path = file(name, &text);
        let out = headless_preset(&path);
        refused(&out, p(&path), Some(position(&text, token)), message);
        assert!(!stderr(&out).contains("\x1b"), "{}", stderr(&out));
    }
}

/// 3: "did you mean" on a 100,000-character reference is not quadratic.
#[test]
fn huge_dangling_references_are_refused_quickly() {
    let huge = "y".repeat(100_000);
    let text = broken(r#"to = ["web"]"#, &format!("to = [\"{huge}\"]"));
    let path = file("huge-ref.toml", &text);
    let out = headless_preset(&path);
    let at = position(&text, &format!("\"{huge}\""));
    refused(&out, p(&path), Some(at), "1 to 40 characters");
    assert!(stderr(&out).len() < 1_000, "the id was echoed");
}

fn fifo(name: &str) -> PathBuf {
    let path = scratch(TAG).join(name);
    let _ = std::fs::remove_file(&path);
    let status = Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(status.success());
    path
}

/// 4: devices, FIFOs, folders and huge files are refused before they are read.
#[test]
fn only_regular_files_under_the_cap_are_read() {
    let pipe = fifo("pipe.toml");
    let big = file("big.toml", vec![b'#'; (1 << 20) + 1]);
    let folder = scratch(TAG).join("folder.toml");
    std::fs::create_dir_all(&folder).unwrap();
    for (path, message) in [
        (Path::new("/dev/zero"), "a device, not a regular file"),
        (&pipe, "a FIFO (named pipe), not a regular file"),
        (&folder, "a folder, not a regular file"),
        (&big, "larger than 1024 KiB"),
    ] {
        for args in [
            vec!["--preset", p(path), "--headless"],
            vec!["--replay", p(path), "--headless"],
            vec!["--replay", p(path)],
            vec!["drill", p(path)],
            vec!["--drill", p(path)],
        ] {
            let out = run(&args);
            refused(&out, p(path), None, message);
        }
    }
}

/// 8: escape sequences in a drill's text are shown escaped, never sent to the terminal.
#[test]
fn escape_sequences_from_files_are_escaped_in_all_output() {
    let text = "title = \"\\u001b]0;pwned\\u0007\\u001b[2J title\"\npreset = \"100\"\nduration = \"5m\"\n\n[[step]]\nat = \"1m\"\naction = \"restore-all\"\nnarration = \"\\u009b31m red\"\n";
    let drill = file("escapes.toml", text);
    let out = run(&["drill", p(&drill)]);
    let shown = stdout(&out);
    assert!(shown.contains("\\u{1b}]0;pwned\\u{7}"), "{shown}");
    assert!(
        !shown.contains('\x1b') && !shown.contains('\u{9b}'),
        "{shown}"
    );
    // So in a Markdown report, written to a file or printed, that someone will `cat`.
    let md = file("escapes-report.md", "");
    let out = run(&["drill", p(&drill), "--report", p(&md)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written = std::fs::read_to_string(&md).unwrap();
    assert!(written.contains("\\u{1b}]0;pwned\\u{7}"), "{written}");
    assert!(
        !written.contains('\x1b') && !written.contains('\u{9b}') && !written.contains('\u{7}'),
        "{written}"
    );
    // In an id the drill refers to, the error escapes it.
    let text = "title = \"t\"\npreset = \"100\"\nduration = \"5m\"\n\n[[step]]\nat = \"1m\"\naction = \"kill-instance:\\u001b[2J\"\n";
    let drill = file("escaped-id.toml", text);
    let out = run(&["drill", p(&drill)]);
    refused(
        &out,
        p(&drill),
        Some(position(text, "\"kill-instance")),
        "\\u{1b}[2J",
    );
}

/// 9: an unwritable stderr loses the message, not the exit status.
#[test]
fn an_unwritable_stderr_does_not_turn_bad_input_into_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let path = file(
        "azs-full.toml",
        broken("hit_ratio = 0.9", "hit_ratio = 0.9\nazs = []"),
    );
    let out = run_with(
        Command::new(env!("CARGO_BIN_EXE_archtui"))
            .args(["--preset", p(&path), "--headless"])
            .stderr(full),
    );
    assert_eq!(out.status.code(), Some(2));
    // Flags clap refuses, too.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = run_with(
        Command::new(env!("CARGO_BIN_EXE_archtui"))
            .args(["--no-such-flag"])
            .stderr(full),
    );
    assert_eq!(out.status.code(), Some(2));
}

/// 10: errors about a file as a whole still say where.
#[test]
fn errors_without_a_value_still_have_a_place() {
    let out = run(&[
        "--preset",
        "1k",
        "--headless",
        "--duration",
        "1m",
        "--metrics",
        "/dev/full",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write metrics to /dev/full"),
        "{}",
        stderr(&out)
    );

    let text = GOOD.split("[[dns]]").next().unwrap();
    let path = file("no-components.toml", text);
    let out = headless_preset(&path);
    let last = text.trim_end();
    let at = (
        last.lines().count(),
        last.lines().last().unwrap().chars().count() + 1,
    );
    refused(&out, p(&path), Some(at), "no components");

    // The drill's preset is a FIFO named like a preset: the drill's line is named.
    fifo("fifo-preset.toml");
    let text = "title = \"t\"\npreset = \"fifo-preset.toml\"\nduration = \"5m\"\n\n[[step]]\nat = \"1m\"\naction = \"restore-all\"\n";
    let drill = file("unreadable-preset.toml", text);
    let out = run(&["drill", p(&drill)]);
    refused(
        &out,
        p(&drill),
        Some(position(text, "\"fifo-preset.toml\"")),
        "not a regular file",
    );
}

/// 11: a fault for zero seconds is refused.
#[test]
fn a_zero_length_fault_is_refused() {
    let out = run(&["--preset", "1k", "--headless", "--inject", "1m=spike:5x:0"]);
    refused(&out, "--inject", None, "a duration of 0 does nothing");
}

/// A run of no time would report an SLO met on no requests.
#[test]
fn a_run_of_no_time_is_refused() {
    let out = run(&["--preset", "1k", "--headless", "--duration", "0s"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("a run lasts at least one second"), "{err}");
    assert!(out.stdout.is_empty());
}

/// 6: no terminal: a clear exit 2 that suggests --headless, and nothing written to stdout.
#[test]
fn the_dashboard_without_a_terminal_suggests_headless() {
    let out = run(&["--preset", "1k"]);
    refused(&out, "dashboard", None, "use --headless");
    assert!(out.stdout.is_empty(), "escape codes went to stdout");
}

/// 7: --record never overwrites one of the session's inputs, however it is spelled.
#[test]
fn the_recording_is_never_one_of_the_inputs() {
    let dir = scratch(TAG);
    let preset = file("rec-preset.toml", GOOD);
    let drill_text = "title = \"t\"\npreset = \"rec-preset.toml\"\nduration = \"5m\"\n\n[[step]]\nat = \"1m\"\naction = \"restore-all\"\n";
    let drill = file("rec-drill.toml", drill_text);
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    let respell = |name: &str| format!("{}/sub/../{name}", dir.display());
    for args in [
        vec![
            "--preset".to_string(),
            p(&preset).into(),
            "--record".into(),
            respell("rec-preset.toml"),
        ],
        vec![
            "--drill".into(),
            p(&drill).into(),
            "--record".into(),
            respell("rec-drill.toml"),
        ],
        vec![
            "--drill".into(),
            p(&drill).into(),
            "--record".into(),
            respell("rec-preset.toml"),
        ],
        vec![
            "--replay".into(),
            p(&drill).into(),
            "--record".into(),
            respell("rec-drill.toml"),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args);
        refused(&out, "--record", None, "would overwrite");
    }
    assert_eq!(std::fs::read_to_string(&preset).unwrap(), GOOD);
    assert_eq!(std::fs::read_to_string(&drill).unwrap(), drill_text);
}

/// 7b: nor does any other output: `--metrics` of a headless run or a replay, or a drill's
/// `--report` (by a hard link with the report's extension).
#[test]
fn no_output_is_ever_one_of_the_inputs() {
    let dir = scratch(TAG);
    let preset = file("out-preset.toml", GOOD);
    let drill_text = "title = \"t\"\npreset = \"out-preset.toml\"\nduration = \"5m\"\n\n[[step]]\nat = \"1m\"\naction = \"restore-all\"\n";
    let drill = file("out-drill.toml", drill_text);
    let respell = |name: &str| format!("{}/./{name}", dir.display());
    let headless_metrics = |to: &str| {
        run(&[
            "--preset",
            p(&preset),
            "--headless",
            "--duration",
            "1m",
            "--metrics",
            to,
        ])
    };
    let out = headless_metrics(&respell("out-preset.toml"));
    refused(&out, "--metrics", None, "would overwrite");
    for target in ["out-drill.toml", "out-preset.toml"] {
        let out = run(&[
            "--replay",
            p(&drill),
            "--headless",
            "--metrics",
            &respell(target),
        ]);
        refused(&out, "--metrics", None, "would overwrite");
    }
    let report = dir.join("out-drill-report.md");
    let _ = std::fs::remove_file(&report);
    std::fs::hard_link(&drill, &report).unwrap();
    let out = run(&["drill", p(&drill), "--report", p(&report)]);
    refused(&out, "--report", None, "would overwrite");
    assert_eq!(std::fs::read_to_string(&preset).unwrap(), GOOD);
    assert_eq!(std::fs::read_to_string(&drill).unwrap(), drill_text);
    // Standard output is no file.
    let out = headless_metrics("-");
    assert!(out.status.success(), "{}", stderr(&out));
}

/// 10: spikes stacked by the hundred multiply up to the most one spike may be (1000×), not
/// past what a count holds: every figure stays a number, and nothing panics.
#[test]
fn stacked_spikes_stay_within_the_model() {
    let mut args = vec!["--preset", "1k", "--headless", "--json", "--duration", "3m"];
    args.extend(std::iter::repeat_n(["--inject", "1m=spike:5x"], 460).flatten());
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let s: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let offered = s["requests"]["offered"].as_u64().unwrap();
    // 1k offers about 44 requests a second: three minutes, two of them at 1000×.
    assert!(offered < 44 * 60 + 2 * 60 * 44 * 1000 * 2, "{offered}");
    assert!(
        s["cost"]["usd_total"].as_f64().is_some_and(f64::is_finite),
        "{s}"
    );
    let r = &s["requests"];
    let sum = ["served", "failed", "in_flight"]
        .iter()
        .map(|k| r[k].as_u64().unwrap())
        .sum::<u64>();
    assert!(sum <= offered, "{r}");
}
