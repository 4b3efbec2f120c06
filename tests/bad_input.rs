//! Broken presets and command lines: each gives exit status 2 and a message naming the file,
//! the line and the column, and what is wrong. Never a panic.

mod common;
use common::{archtui, position, stderr};
use std::path::PathBuf;

/// A small valid preset to break one line at a time.
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
to = ["alb"]

[[load_balancer]]
id = "alb"
to = ["web"]

[[compute]]
id = "web"
instances = 2
service_ms = 50
to = ["db"]

[[database]]
id = "db"
engine = "rds"
primary_az = "a"
standby_az = "b"
vcpus = 2
read_ms = 5
write_ms = 10
max_connections = 100
"#;

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    common::scratch_file("bad-input", name, bytes)
}

/// Replaces `old` (which must occur once) in the good preset.
fn broken(old: &str, new: &str) -> String {
    assert_eq!(
        GOOD.matches(old).count(),
        1,
        "`{old}` must occur once in the good preset"
    );
    GOOD.replacen(old, new, 1)
}

/// Runs a preset file headless and expects exit 2, a message, and the location of `token`.
fn expect_error(name: &str, text: &[u8], token: &str, message: &str) {
    let path = write(name, text);
    let out = archtui(&[
        "--preset",
        path.to_str().unwrap(),
        "--headless",
        "--duration",
        "1m",
    ]);
    let at = position(&String::from_utf8_lossy(text), token);
    common::assert_bad_input(&out, &path, at, message);
}

#[test]
fn the_good_preset_is_good() {
    let path = write("good.toml", GOOD.as_bytes());
    let out = archtui(&[
        "--preset",
        path.to_str().unwrap(),
        "--headless",
        "--duration",
        "1m",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn broken_presets_name_file_line_and_column() {
    // (file name, broken text, the token the error must point at, what the message says)
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "syntax.toml",
            broken(r#"title = "good""#, r#"title = "good"#),
            "\n\n[traffic]",
            "invalid basic string",
        ),
        (
            "unknown-field.toml",
            broken("service_ms = 50", "sevice_ms = 50"),
            "sevice_ms",
            "unknown field `sevice_ms`",
        ),
        (
            "unknown-reference.toml",
            broken(r#"to = ["db"]"#, r#"to = ["dbb"]"#),
            r#""dbb""#,
            "unknown component `dbb` (did you mean `db`?)",
        ),
        (
            "duplicate.toml",
            broken(r#"id = "alb""#, r#"id = "web""#),
            "\"web\"\ninstances",
            "duplicate id `web` (already used on line 20)",
        ),
        (
            "duplicate-earlier.toml",
            broken(
                "title = \"good\"\n",
                "title = \"good\"\n[[object_store]]\nid = \"db\"\n",
            ),
            "\"db\"\nengine",
            "duplicate id `db` (already used on line 3)",
        ),
        (
            "no-path.toml",
            broken(r#"to = ["web"]"#, "to = []"),
            "\"alb\"\nto = []",
            "no path from the users to a data store",
        ),
        (
            "zero-instances.toml",
            broken("instances = 2", "instances = 0"),
            "0\nservice_ms",
            "nothing would ever serve",
        ),
        (
            "zero-time.toml",
            broken("service_ms = 50", "service_ms = 0"),
            "0\nto = [\"db\"]",
            "between 0.001 and 600000",
        ),
        (
            "negative.toml",
            broken("vcpus = 2", "vcpus = -2"),
            "-2",
            "a number of vCPUs must be between 1 and 1024",
        ),
        (
            "nan.toml",
            broken("read_ms = 5", "read_ms = nan"),
            "nan",
            "not NaN",
        ),
        (
            "infinite.toml",
            broken("write_ms = 10", "write_ms = inf"),
            "inf",
            "between 0.001 and 600000",
        ),
        (
            "absurd-users.toml",
            broken("users = 1000", "users = 1e12"),
            "1e12",
            "a number of users must be between 1 and 10000000000",
        ),
        (
            "absurd-rate.toml",
            broken(
                "users = 1000\nrps_per_user = 0.05",
                "users = 1e10\nrps_per_user = 99",
            ),
            "1e10",
            "requests per second; the model accepts at most",
        ),
        (
            "wrong-type.toml",
            broken("instances = 2", r#"instances = "two""#),
            r#""two""#,
            "invalid type",
        ),
        (
            "unknown-az.toml",
            broken(r#"standby_az = "b""#, r#"standby_az = "z""#),
            r#""z""#,
            "region `seoul` has no AZ `z`",
        ),
        (
            "same-az.toml",
            broken(r#"standby_az = "b""#, r#"standby_az = "a""#),
            "\"a\"\nvcpus",
            "different AZ",
        ),
        (
            "instant-failover.toml",
            broken(
                "max_connections = 100\n",
                "max_connections = 100\nfailover_s = [0, 0]\n",
            ),
            "[0, 0]",
            "a failover time in seconds must be between 1 and",
        ),
        (
            "three-failover-times.toml",
            broken(
                "max_connections = 100\n",
                "max_connections = 100\nfailover_s = [60, 120, 5000]\n",
            ),
            "[60, 120, 5000]",
            "write the failover window as [shortest, longest]",
        ),
        (
            "unknown-engine.toml",
            broken(r#"engine = "rds""#, r#"engine = "oracle""#),
            r#""oracle""#,
            "unknown variant `oracle`",
        ),
        (
            "bad-call.toml",
            broken(r#"to = ["alb"]"#, r#"to = ["db"]"#),
            "\"db\"]\n\n[[load_balancer]]",
            "cannot send requests to the database `db`",
        ),
        (
            "missing-field.toml",
            broken("service_ms = 50\n", ""),
            "[[compute]]",
            "missing field `service_ms`",
        ),
        (
            "bad-region.toml",
            broken(r#"azs = ["a", "b"]"#, "azs = []"),
            "[]",
            "a region needs at least one AZ",
        ),
        (
            "bad-id.toml",
            broken(r#"id = "seoul""#, r#"id = "seo ul""#),
            r#""seo ul""#,
            "may only hold letters",
        ),
        (
            "min-over-max.toml",
            broken(
                r#"to = ["db"]"#,
                "to = [\"db\"]\n[compute.autoscaling]\nmin = 5\nmax = 3",
            ),
            "5\nmax = 3",
            "`min` (5) is larger than `max` (3)",
        ),
        (
            "outside-range.toml",
            broken(
                r#"to = ["db"]"#,
                "to = [\"db\"]\n[compute.autoscaling]\nmin = 3\nmax = 5",
            ),
            "2\nservice_ms",
            "instances = 2 is outside the scaling range 3..=5",
        ),
        (
            "hourly.toml",
            broken(
                "rps_per_user = 0.05",
                "rps_per_user = 0.05\nhourly = [1, 2, 3]",
            ),
            "[1, 2, 3]",
            "`hourly` needs 24 values",
        ),
        (
            "unreachable.toml",
            format!("{GOOD}\n[[cache]]\nid = \"lonely\"\nto = [\"db\"]\n"),
            r#""lonely""#,
            "`lonely` is not reachable from the users",
        ),
        (
            "writes-nowhere.toml",
            broken(
                r#"to = ["db"]"#,
                "to = [\"cache\"]\n\n[[cache]]\nid = \"cache\"\nto = [\"db\"]",
            ),
            "\"web\"\ninstances",
            "no path for writes",
        ),
        (
            "copy-in-same-region.toml",
            broken(
                "max_connections = 100",
                "max_connections = 100\nreplicates_from = \"db\" # itself",
            ),
            "\"db\" # itself",
            "`replicates_from` names a database in another region",
        ),
        (
            "threads.toml",
            broken(
                "service_ms = 50",
                "service_ms = 50\nmax_concurrency = 0 # none",
            ),
            "0 # none",
            "a number of threads must be between 1 and 1000000, got 0",
        ),
        (
            "queue-timeout.toml",
            broken("service_ms = 50", "service_ms = 50\nqueue_timeout_ms = -5"),
            "-5",
            "a time in milliseconds must be between",
        ),
        (
            "shedding.toml",
            broken(
                "service_ms = 50",
                "service_ms = 50\nload_shedding = \"yes\"",
            ),
            "\"yes\"",
            "invalid type: string \"yes\", expected a boolean",
        ),
        (
            "retry-policy.toml",
            broken(
                "rps_per_user = 0.05",
                "rps_per_user = 0.05\nretry = { policy = \"often\" }",
            ),
            "\"often\"",
            "unknown retry policy `often` (policies: none, user, aggressive, sdk, budget, breaker)",
        ),
        (
            "breaker-never.toml",
            broken(
                "rps_per_user = 0.05",
                "rps_per_user = 0.05\nretry = { policy = \"breaker\", breaker = { failure_ratio = 0.0 } }",
            ),
            "0.0 }",
            "a share must be above 0 and at most 1, got 0",
        ),
        (
            "breaker-window.toml",
            broken(
                "rps_per_user = 0.05",
                "rps_per_user = 0.05\nretry = { policy = \"breaker\", breaker = { window_s = 0 } }",
            ),
            "0 }",
            "a breaker's window must be at least 1 second",
        ),
        (
            "retry-attempts.toml",
            broken(
                "rps_per_user = 0.05",
                "rps_per_user = 0.05\nretry = { policy = \"sdk\", attempts = 57 }",
            ),
            "57",
            "a number of attempts must be between 1 and 8, got 57",
        ),
        (
            "retry-budget.toml",
            broken(
                "rps_per_user = 0.05",
                "rps_per_user = 0.05\nretry = { policy = \"budget\", budget = 1.5 }",
            ),
            "1.5",
            "a fraction must be between 0 and 1",
        ),
        (
            "retry-unknown.toml",
            broken(
                "rps_per_user = 0.05",
                "rps_per_user = 0.05\nretry = { policy = \"sdk\", tries = 3 }",
            ),
            "tries",
            "unknown field `tries`",
        ),
        (
            "balancing.toml",
            broken("id = \"alb\"", "id = \"alb\"\nalgorithm = \"random\""),
            "\"random\"",
            "unknown variant `random`, expected `round_robin` or `least_outstanding_requests`",
        ),
        (
            "zipf.toml",
            format!("{GOOD}\n[[cache]]\nid = \"cache\"\nzipf = 7\nto = [\"db\"]\n"),
            "7\n",
            "a Zipf exponent must be between 0 and 3, got 7",
        ),
    ];
    for (name, text, token, message) in &cases {
        expect_error(name, text.as_bytes(), token, message);
    }
}

#[test]
fn files_that_are_not_text_or_not_there_are_refused() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("good\"").unwrap();
    bytes[at] = 0xff;
    expect_error("binary.toml", &bytes, "\u{fffd}", "not UTF-8");

    let out = archtui(&["--preset", "/nonexistent/preset.toml", "--headless"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/preset.toml: cannot read it"),
        "{}",
        stderr(&out)
    );

    expect_error_anywhere(&write("empty.toml", b""), "missing field `title`");
}

fn expect_error_anywhere(path: &std::path::Path, message: &str) {
    let out = archtui(&[
        "--preset",
        path.to_str().unwrap(),
        "--headless",
        "--duration",
        "1m",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(message), "{}", stderr(&out));
}

#[test]
fn bad_command_lines_exit_with_2_and_say_why() {
    let cases: [(&[&str], &str); 10] = [
        (
            &["--preset", "2m", "--headless"],
            "unknown preset `2m`: built-in presets are 100, 1k, 10k, 100k, 1m, 10m",
        ),
        (
            &["--preset", "1k", "--headless", "--inject", "5m=kill-az:z"],
            "no AZ `z` in preset 1k",
        ),
        (
            &["--preset", "100", "--headless", "--inject", "5m=drop-cache"],
            "preset 100 has no cache",
        ),
        (
            &[
                "--preset",
                "1k",
                "--headless",
                "--inject",
                "5m=kill-region:mars",
            ],
            "no region `mars`",
        ),
        (
            &["--preset", "1k", "--headless", "--inject", "kill-az:a"],
            "write an injection as <time>=<action>",
        ),
        (
            &["--preset", "1k", "--headless", "--inject", "5x=kill-az:a"],
            "unknown time unit",
        ),
        (
            &["--preset", "1k", "--headless", "--inject", "5m=explode"],
            "unknown action `explode`",
        ),
        (
            &[
                "--preset",
                "1k",
                "--headless",
                "--duration",
                "10m",
                "--inject",
                "20m=kill-az:a",
            ],
            "after the end of the run",
        ),
        (
            &["--preset", "1k", "--headless", "--users", "0"],
            "a number of users must be between",
        ),
        (
            &["--preset", "1k", "--headless", "--duration", "forever"],
            "unknown time unit `forever`",
        ),
    ];
    for (args, message) in cases {
        let out = archtui(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(message),
            "{args:?}: expected `{message}` in {}",
            stderr(&out)
        );
    }
}
