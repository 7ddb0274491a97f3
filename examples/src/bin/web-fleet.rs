//! `cargo run --bin web-fleet -- synth`
fn main() -> std::process::ExitCode {
    kumo_cli::run(kumo_examples::web_fleet::WebFleet)
}
