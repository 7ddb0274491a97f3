//! What the stack crates kumo writes (`kumo new`, `kumo migrate`) share: where their kumo crates
//! come from, the dev profile and workspace table their manifests end with, and their build
//! script.

use std::path::Path;

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
