//! `cargo run --bin raw-resources -- synth`
fn main() -> std::process::ExitCode {
    kumo_cli::run(kumo_examples::raw_resources::RawResources)
}
