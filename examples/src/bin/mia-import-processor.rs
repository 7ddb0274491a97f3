//! `cargo run --bin mia-import-processor -- synth`
fn main() -> std::process::ExitCode {
    kumo_cli::run(kumo_examples::mia_import_processor::MiaImportProcessor)
}
