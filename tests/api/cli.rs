//! The `acegate` command itself, run as a process: `--version`, `--help`, and logs without colour codes when they
//! go to a file or a pipe.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const ACEGATE: &str = env!("CARGO_BIN_EXE_acegate");

fn run(args: &[&str]) -> (bool, String) {
    let output = Command::new(ACEGATE)
        .args(args)
        .output()
        .expect("acegate runs");
    (
        output.status.success(),
        String::from_utf8(output.stdout).expect("UTF-8 output"),
    )
}

#[test]
fn acegate_version_prints_the_package_version() {
    let expected = format!("acegate {}\n", env!("CARGO_PKG_VERSION"));
    for flag in ["--version", "-V"] {
        assert_eq!(run(&[flag]), (true, expected.clone()), "{flag}");
    }
    let (ok, help) = run(&["--help"]);
    assert!(ok);
    assert!(help.contains("--version"), "{help}");
}

#[test]
fn logs_written_to_a_pipe_carry_no_ansi_colour_codes() {
    let database =
        std::env::temp_dir().join(format!("acegate-cli-{}.db", uuid::Uuid::new_v4().simple()));
    let mut child = Command::new(ACEGATE)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(
            "ACEGATE_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .env("ACEGATE_LISTEN", "127.0.0.1:0")
        .env("ACEGATE_DEMO_DATA", "false")
        .env("ACEGATE_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("acegate starts");
    let stdout = child.stdout.take().unwrap();
    let (lines, found) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        match found.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                let logged = line.contains("listening");
                seen.push(line);
                if logged {
                    break;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    child.kill().ok();
    child.wait().ok();
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", database.display())).ok();
    }
    assert!(
        seen.iter().any(|line| line.contains("listening")),
        "the server logged that it listens: {seen:?}"
    );
    for line in &seen {
        assert!(!line.contains('\u{1b}'), "an ANSI escape in {line:?}");
    }
}
