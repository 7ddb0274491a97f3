//! `kumo`: tools for kumo stacks. `kumo new PATH` starts a stack crate; with the `migrate`
//! feature, `kumo migrate TEMPLATE... --out DIR` turns CloudFormation templates into one and
//! `kumo migrate --from-stack NAME --out DIR` a deployed stack.
fn main() -> std::process::ExitCode {
    kumo_cli::tool::main()
}
