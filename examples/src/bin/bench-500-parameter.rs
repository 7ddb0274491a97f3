//! `cargo run --release --bin bench-500-parameter -- synth`: the benchmark's second workload.
fn main() -> std::process::ExitCode {
    kumo_cli::run(kumo_examples::bench_500::Bench500Parameter)
}
