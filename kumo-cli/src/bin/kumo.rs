//! `kumo`: tools for kumo stacks. `kumo migrate TEMPLATE... --out DIR` turns CloudFormation
//! templates into a stack crate; `kumo migrate --from-stack NAME --out DIR` a deployed stack.
fn main() -> std::process::ExitCode {
    kumo_cli::migrate::tool::main()
}
