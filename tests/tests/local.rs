//! `local up`, `deploy --local` and `local down`: the README's first command, without AWS.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::ExitCode;

use kumo_examples::raw_resources::RawResources;

fn kumo(state: &std::path::Path, args: &[&str]) -> String {
    let mut argv = vec!["raw-resources", "--state-dir", state.to_str().unwrap()];
    argv.extend_from_slice(args);
    let mut out = Vec::new();
    let code = kumo_cli::execute(&RawResources, argv, &mut out).unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
    String::from_utf8(out).unwrap()
}

#[test]
fn local_emulator_starts_serves_a_deploy_and_stops() {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::env::set_var("KUMO_LOCAL_PORT", port.to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".kumo");

    let out = kumo(
        &state,
        &["deploy", "--local", "--yes", "--require-approval", "never"],
    );
    assert!(
        out.starts_with(&format!("local emulator: started on 127.0.0.1:{port}")),
        "{out}"
    );
    assert!(out.contains("CREATE_COMPLETE"), "{out}");
    assert!(state.join(format!("local/moto-{port}.pid")).exists());

    let out = kumo(&state, &["local", "up"]);
    assert_eq!(
        out,
        format!("local emulator: listening on 127.0.0.1:{port}\n")
    );

    let out = kumo(&state, &["local", "down"]);
    assert!(out.starts_with("local emulator: stopped (pid "), "{out}");
    assert!(!state.join(format!("local/moto-{port}.pid")).exists());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
        assert!(std::time::Instant::now() < deadline, "moto still listens");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = kumo(&state, &["local", "down"]);
    assert_eq!(out, "local emulator: not started from here\n");
}
