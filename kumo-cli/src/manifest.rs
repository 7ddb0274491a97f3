//! What the stack crates kumo writes (`kumo new`, `kumo migrate`) share: the names cargo takes
//! for them, where their kumo crates come from, the dev profile and workspace table their
//! manifests end with, and their build script.

use std::path::Path;

/// Names cargo refuses for a package, besides Rust's keywords.
const RESERVED: [&str; 8] = [
    "alloc",
    "build",
    "core",
    "deps",
    "proc-macro",
    "proc_macro",
    "std",
    "test",
];

/// Rust's keywords (strict and reserved, edition 2021): no crate may be named one.
const KEYWORDS: [&str; 51] = [
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl", "in",
    "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while",
];

/// Why `name` cannot name a crate kumo writes whose manifest depends on `dependencies`, if it
/// cannot: cargo takes an ASCII letter, then ASCII letters, digits, `-` and `_`, neither a Rust
/// keyword nor a name it reserves; and a crate named as one of its dependencies (with `-` or
/// `_`) would depend on itself.
pub fn crate_name_problem(name: &str, dependencies: &[&str]) -> Option<String> {
    let library = |name: &str| name.replace('-', "_");
    if name.is_empty() {
        Some("it is empty".to_owned())
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it must start with an ASCII letter".to_owned())
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(format!(
            "it holds {c:?}; a crate name takes ASCII letters, digits, `-` and `_`"
        ))
    } else if KEYWORDS.contains(&name) || RESERVED.contains(&name) {
        Some("it is a name Rust or cargo reserve".to_owned())
    } else {
        dependencies
            .iter()
            .find(|dependency| library(dependency) == library(name))
            .map(|dependency| format!("the crate depends on `{dependency}`"))
    }
}

/// How a written crate depends on the kumo crate `krate` (`kumo-core`, ...): by path into the
/// kumo checkout at `kumo_path`, else on the crates.io release of this kumo.
pub fn kumo_dependency(kumo_path: Option<&Path>, krate: &str) -> String {
    match kumo_path {
        Some(path) => format!("path = {:?}", format!("{}/{krate}", path.display())),
        None => format!("version = {:?}", env!("CARGO_PKG_VERSION")),
    }
}

/// A written crate's `build.rs`: its stack binaries are linked at a fixed address on Linux, so
/// that they start without the dynamic loader relocating them.
pub const BUILD_SCRIPT: &str = include_str!("build.rs.in");

/// The end of a written crate's manifest: a lean dev profile, and a workspace of its own.
pub const PROFILE_AND_WORKSPACE: &str = r#"# Each stack binary links the AWS SDK: full debug info makes every link slow and the binaries
# large, and stack binaries are seldom run under a debugger. Line tables keep backtraces.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false

# Its own workspace; remove this table to make the crate a member of an enclosing one.
[workspace]
"#;
