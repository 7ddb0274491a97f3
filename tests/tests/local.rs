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

    // Two kumo processes starting it at once take turns: one starts it, the other finds it
    // listening, and `local down` stops the one that runs.
    let started: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| kumo(&state, &["local", "up"])))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    let said = |what: &str| started.iter().any(|out| out.starts_with(what));
    assert!(
        said("local emulator: started on 127") && said("local emulator: listening on 1"),
        "{started:?}"
    );
    let out = kumo(&state, &["local", "down"]);
    assert!(out.starts_with("local emulator: stopped (pid "), "{out}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
        assert!(std::time::Instant::now() < deadline, "moto still listens");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // An emulator that ends before it listens is an error at once, quoting its log.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let python = dir.path().join("python");
        std::fs::write(
            &python,
            "#!/bin/sh\n[ \"$2\" = 'import moto.server' ] && exit 0\necho 'moto: cannot bind' >&2\nexit 1\n",
        )
        .unwrap();
        std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
        let before = std::env::var_os("KUMO_PYTHON");
        std::env::set_var("KUMO_PYTHON", &python);
        let started = std::time::Instant::now();
        let argv = [
            "raw-resources",
            "--state-dir",
            state.to_str().unwrap(),
            "local",
            "up",
        ];
        let err = kumo_cli::execute(&RawResources, argv, &mut Vec::new()).unwrap_err();
        match before {
            Some(before) => std::env::set_var("KUMO_PYTHON", before),
            None => std::env::remove_var("KUMO_PYTHON"),
        }
        let err = err.to_string();
        assert!(
            err.starts_with(&format!(
                "local emulator: ended (exit status: 1) before it listened on 127.0.0.1:{port}: moto: cannot bind"
            )),
            "{err}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert!(!state.join(format!("local/moto-{port}.pid")).exists());
    }
}
