//! `cargo run --bin instance -- synth`
fn main() -> std::process::ExitCode {
    kumo_cli::run(kumo_examples::instance::InstanceStack)
}
