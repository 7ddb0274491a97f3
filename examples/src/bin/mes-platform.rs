//! `cargo run --bin mes-platform -- deploy --local`
fn main() -> std::process::ExitCode {
    kumo_cli::run(kumo_examples::mes_platform::app())
}
