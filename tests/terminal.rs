//! The real binary in a pseudo-terminal: however the dashboard ends or pauses (q, SIGTERM,
//! SIGQUIT, SIGHUP, SIGINT, Ctrl-Z, SIGTSTP), the terminal comes back in cooked mode (echo and
//! line editing on), on the main screen, with a visible cursor and mouse reporting off; and
//! without a terminal the dashboard refuses to start. Every wait polls for a condition with a
//! deadline: nothing passes by sleeping long enough.
#![cfg(unix)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);

const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";
const MOUSE_ON: &str = "\x1b[?1000h";
const MOUSE_OFF: &str = "\x1b[?1000l";

/// A pseudo-terminal pair: the test holds the master end (the "screen and keyboard") and
/// keeps the slave end open to read its modes.
struct Pty {
    master: File,
    slave: OwnedFd,
}

fn openpty() -> Pty {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 40,
        ws_col: 120,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: valid out-pointers; null name and termios ask for the defaults (cooked mode).
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: openpty returned two fresh descriptors that nothing else owns.
    unsafe {
        Pty {
            master: File::from_raw_fd(master),
            slave: OwnedFd::from_raw_fd(slave),
        }
    }
}

impl Pty {
    /// Whether the terminal is in cooked mode: echo and canonical (line) input on.
    fn cooked(&self) -> bool {
        // SAFETY: a zeroed termios is a valid out-buffer for tcgetattr.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: the slave descriptor is open for the Pty's lifetime.
        let rc = unsafe { libc::tcgetattr(self.slave.as_raw_fd(), &mut t) };
        assert_eq!(rc, 0);
        t.c_lflag & libc::ECHO != 0 && t.c_lflag & libc::ICANON != 0
    }

    /// Puts echo and line editing back on, as a shell does when a job stops.
    fn set_cooked(&self) {
        // SAFETY: a zeroed termios is a valid out-buffer; the descriptor is open.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(self.slave.as_raw_fd(), &mut t), 0);
            t.c_lflag |= libc::ECHO | libc::ICANON | libc::ISIG | libc::IEXTEN;
            assert_eq!(
                libc::tcsetattr(self.slave.as_raw_fd(), libc::TCSANOW, &t),
                0
            );
        }
        assert!(self.cooked());
    }

    fn slave_stdio(&self) -> Stdio {
        Stdio::from(self.slave.try_clone().unwrap())
    }
}

/// The dashboard running in a pty, with everything it has written so far.
struct Session {
    pty: Pty,
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    fn start(args: &[&str]) -> Self {
        let pty = openpty();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_archtui"));
        cmd.args(args)
            .env("TERM", "xterm-256color")
            .stdin(pty.slave_stdio())
            .stdout(pty.slave_stdio())
            .stderr(pty.slave_stdio());
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                // A session of its own with the pty as its controlling terminal, as a shell
                // would give it.
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("archtui starts");
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone().unwrap();
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with an error (EIO) once no process holds the slave end.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session { pty, child, output }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Polls `found` until it gives something; fails with `what` at the deadline.
    fn poll<T>(&mut self, what: &str, mut found: impl FnMut(&mut Session) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(value) = found(self) {
                return value;
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("timed out waiting for {what}; output:\n{:?}", self.text());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Polls `ready` until it holds; fails with `what` at the deadline.
    fn wait_until(&mut self, what: &str, ready: impl Fn(&Session) -> bool) {
        self.poll(what, |s| ready(s).then_some(()));
    }

    /// Waits for the dashboard to be up: raw mode, alternate screen, a frame drawn.
    fn wait_running(&mut self) {
        self.wait_until("the dashboard", |s| {
            let text = s.text();
            let entered = text.rfind(ENTER_ALT);
            entered.is_some_and(|at| text[at..].contains("archtui")) && !s.pty.cooked()
        });
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill has no memory-safety preconditions.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        assert_eq!(rc, 0);
    }

    fn stopped(&self) -> bool {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // The state follows the command name in parentheses: T is stopped.
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('T'))
    }

    fn type_keys(&mut self, keys: &[u8]) {
        self.pty.master.write_all(keys).unwrap();
    }

    /// Waits for the process to exit and returns its status code.
    fn wait_exit(&mut self) -> Option<i32> {
        self.poll("archtui to exit", |s| {
            s.child.try_wait().unwrap().map(|status| status.code())
        })
    }

    /// The terminal is as a shell wants it: cooked, main screen, cursor shown, no mouse. The
    /// last bytes may still be on their way through the pty: waits for them, within the deadline.
    fn assert_restored(&mut self) {
        self.wait_until("the terminal to be restored", |s| {
            let text = s.text();
            let last = |seq: &str| text.rfind(seq);
            s.pty.cooked()
                && last(LEAVE_ALT) > last(ENTER_ALT)
                && last(SHOW_CURSOR) > last(HIDE_CURSOR)
                && last(MOUSE_OFF) > last(MOUSE_ON)
        });
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn q_restores_the_terminal() {
    let mut s = Session::start(&["--preset", "100"]);
    s.wait_running();
    s.type_keys(b"q");
    assert_eq!(s.wait_exit(), Some(0));
    s.assert_restored();
}

#[test]
fn ending_signals_restore_the_terminal() {
    for signal in [libc::SIGTERM, libc::SIGQUIT, libc::SIGHUP, libc::SIGINT] {
        let mut s = Session::start(&["--preset", "100"]);
        s.wait_running();
        s.signal(signal);
        let code = s.wait_exit();
        assert_eq!(
            code,
            Some(128 + signal),
            "signal {signal}: exited by itself (not killed before it restored anything), with the shell's status for that signal"
        );
        s.assert_restored();
    }
}

#[test]
fn suspend_restores_the_terminal_and_resume_takes_it_back() {
    let mut s = Session::start(&["--preset", "100"]);
    s.wait_running();
    // SIGTSTP from outside, then Ctrl-Z typed (raw mode makes it a key, not a signal).
    for suspend in [None, Some(b"\x1a")] {
        match suspend {
            None => s.signal(libc::SIGTSTP),
            Some(key) => s.type_keys(key),
        }
        s.wait_until("the process to stop", Session::stopped);
        s.assert_restored();
        let before = s.text().len();
        s.signal(libc::SIGCONT);
        // Back in raw mode on the alternate screen, redrawn.
        s.wait_until("the dashboard to come back", |s| {
            let text = s.text();
            text.get(before..).is_some_and(|new| {
                new.find(ENTER_ALT)
                    .is_some_and(|at| new[at..].contains("archtui"))
            }) && !s.pty.cooked()
                && !s.stopped()
        });
    }
    // Keys reach it one at a time again: q quits without Enter.
    s.type_keys(b"q");
    assert_eq!(s.wait_exit(), Some(0));
    s.assert_restored();
}

#[test]
fn continued_after_a_stop_it_cannot_see_it_takes_the_terminal_back() {
    let mut s = Session::start(&["--preset", "100"]);
    s.wait_running();
    // SIGSTOP cannot be caught; meanwhile the shell puts its own (cooked) modes back.
    s.signal(libc::SIGSTOP);
    s.wait_until("the process to stop", Session::stopped);
    s.pty.set_cooked();
    let before = s.text().len();
    s.signal(libc::SIGCONT);
    s.wait_until("raw mode and a redraw", |s| {
        let text = s.text();
        !s.pty.cooked()
            && text.get(before..).is_some_and(|new| {
                new.find(ENTER_ALT)
                    .is_some_and(|at| new[at..].contains("archtui"))
            })
    });
    s.type_keys(b"q");
    assert_eq!(s.wait_exit(), Some(0));
    s.assert_restored();
}

/// The binary in a session of its own, with no controlling terminal (as under cron).
fn detached() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_archtui"));
    // SAFETY: setsid is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd
}

#[test]
fn without_a_controlling_terminal_the_dashboard_refuses_to_start() {
    let pty = openpty();
    let out_file = std::env::temp_dir().join(format!("archtui-noterm-{}", std::process::id()));
    let out = File::create(&out_file).unwrap();
    let mut cmd = detached();
    // No controlling terminal at all (cron): stdin /dev/null, stdout a file.
    let result = cmd
        .args(["--preset", "1k"])
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{err}");
    assert!(
        err.contains("use --headless") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(std::fs::read(&out_file).unwrap(), b"", "wrote to the file");
    // A terminal on stdout but none to read keys from (stdin /dev/null, no controlling tty).
    let mut cmd = detached();
    let result = cmd
        .args(["--preset", "1k"])
        .stdin(Stdio::null())
        .stdout(pty.slave_stdio())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{err}");
    assert!(err.contains("no terminal to read keys from"), "{err}");
    assert!(pty.cooked());
    std::fs::remove_file(&out_file).unwrap();
}

#[test]
fn stdout_redirected_to_a_file_gets_no_escape_codes() {
    let pty = openpty();
    let out_file = std::env::temp_dir().join(format!("archtui-redirect-{}", std::process::id()));
    let result = Command::new(env!("CARGO_BIN_EXE_archtui"))
        .args(["--preset", "1k"])
        .stdin(pty.slave_stdio())
        .stdout(File::create(&out_file).unwrap())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{err}");
    assert!(
        err.contains("stdout is not a terminal") && err.contains("--headless"),
        "{err}"
    );
    assert_eq!(std::fs::read(&out_file).unwrap(), b"");
    assert!(pty.cooked(), "the terminal's modes were touched");
    std::fs::remove_file(&out_file).unwrap();
}

#[test]
fn an_unwritable_recording_fails_before_the_screen_changes() {
    let mut s = Session::start(&[
        "--preset",
        "100",
        "--record",
        "/nonexistent-dir/session.toml",
    ]);
    assert_eq!(s.wait_exit(), Some(1));
    s.wait_until("the message", |s| {
        s.text().contains("cannot write the recording")
    });
    assert!(
        !s.text().contains(ENTER_ALT),
        "the screen changed: {:?}",
        s.text()
    );
    assert!(s.pty.cooked());
}

#[test]
fn a_long_headless_run_shows_progress_on_a_terminal_stderr_only() {
    let pty = openpty();
    let out_file = std::env::temp_dir().join(format!("archtui-progress-{}", std::process::id()));
    let mut reader = pty.master.try_clone().unwrap();
    let result = Command::new(env!("CARGO_BIN_EXE_archtui"))
        .args(["--preset", "10m", "--headless", "--duration", "2d"])
        .stdin(Stdio::null())
        .stdout(File::create(&out_file).unwrap())
        .stderr(pty.slave_stdio())
        .status()
        .unwrap();
    assert!(result.success());
    // The child is gone; what it wrote is in the pty. Reading stops at the first empty read.
    // SAFETY: setting O_NONBLOCK on a descriptor this test owns.
    unsafe {
        let fd = reader.as_raw_fd();
        libc::fcntl(
            fd,
            libc::F_SETFL,
            libc::fcntl(fd, libc::F_GETFL) | libc::O_NONBLOCK,
        );
    }
    let mut shown = Vec::new();
    let _ = reader.read_to_end(&mut shown);
    let shown = String::from_utf8_lossy(&shown);
    assert!(shown.contains("% of 2d simulated"), "no bar: {shown:?}");
    assert!(
        shown.ends_with("\r\x1b[2K"),
        "the bar was not cleared: {shown:?}"
    );
    let summary = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        summary.starts_with("preset") || summary.contains("availability"),
        "{summary}"
    );
    assert!(
        !summary.contains('\x1b') && !summary.contains('\r'),
        "{summary:?}"
    );
    std::fs::remove_file(&out_file).unwrap();
}
