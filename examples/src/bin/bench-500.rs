//! `cargo run --release --bin bench-500 -- synth`
fn main() -> std::process::ExitCode {
    kumo_cli::run(kumo_examples::bench_500::Bench500)
}
