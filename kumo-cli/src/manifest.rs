//! What the stack crates kumo writes (`kumo new`, `kumo migrate`) share: the names cargo takes
//! for them, where their kumo crates come from, the dev profile and workspace table their
//! manifests end with, and their build script.

use std::path::Path;

/// Names cargo refuses for a package or a binary, besides Rust's keywords.
const RESERVED: [&str; 10] = [
    "alloc",
    "build",
    "core",
    "deps",
    "examples",
    "incremental",
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
    } else if is_reserved(name) {
        Some("it is a name Rust or cargo reserve".to_owned())
    } else {
        dependencies
            .iter()
            .find(|dependency| library(dependency) == library(name))
            .map(|dependency| format!("the crate depends on `{dependency}`"))
    }
}

/// Whether `name` is a Rust keyword or a name cargo reserves: no crate, module or binary kumo
/// writes is named so.
pub fn is_reserved(name: &str) -> bool {
    KEYWORDS.contains(&name) || RESERVED.contains(&name)
}

/// Whether `path` holds files already (or is a file): kumo writes a crate only into a new or
/// empty directory, never over what is there.
pub fn holds_files(path: &Path) -> std::io::Result<bool> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            // A link to nothing is in the way too: writing would follow it.
            Ok(std::fs::symlink_metadata(path).is_ok())
        }
        Err(_) if std::fs::symlink_metadata(path).is_ok() => Ok(true),
        Err(err) => Err(err),
    }
}

/// The directory `--kumo-path` names, made absolute (it is written into a crate elsewhere),
/// if it is a kumo checkout.
pub fn parse_kumo_path(text: &str) -> Result<std::path::PathBuf, String> {
    let path = std::fs::canonicalize(text).map_err(|err| format!("{text}: {err}"))?;
    match path.join("kumo-core").join("Cargo.toml").is_file() {
        true => Ok(path),
        false => Err(format!(
            "{} is not a kumo checkout (it has no kumo-core/Cargo.toml)",
            path.display()
        )),
    }
}

/// How a written crate depends on the kumo crate `krate` (`kumo-core`, ...): by path into the
/// kumo checkout at `kumo_path`, else on the crates.io release of this kumo.
pub fn kumo_dependency(kumo_path: Option<&Path>, krate: &str) -> String {
    match kumo_path {
        Some(path) => format!(
            "path = {}",
            toml_string(&format!("{}/{krate}", path.display()))
        ),
        None => format!("version = {:?}", env!("CARGO_PKG_VERSION")),
    }
}

/// `text` as a TOML basic string: quoted, with `"`, `\` and control characters escaped (TOML
/// reads `\u0007`, not Rust's `\u{7}`); other characters as they are.
pub fn toml_string(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cargo_takes_for_its_own_directories_are_refused() {
        for name in ["examples", "incremental", "build", "deps", "type"] {
            assert_eq!(
                crate_name_problem(name, &[]).as_deref(),
                Some("it is a name Rust or cargo reserve"),
                "{name}"
            );
        }
        assert_eq!(crate_name_problem("jobs", &[]), None);
    }

    #[test]
    fn a_kumo_path_is_absolute_checked_and_written_as_toml() {
        let dir = tempfile::tempdir().unwrap();
        let checkout = dir.path().join("cafe\u{301} \"kumo\"");
        std::fs::create_dir_all(checkout.join("kumo-core")).unwrap();
        std::fs::write(checkout.join("kumo-core/Cargo.toml"), "").unwrap();
        let parsed = parse_kumo_path(checkout.to_str().unwrap()).unwrap();
        assert!(parsed.is_absolute());
        let written = kumo_dependency(Some(&parsed), "kumo-core");
        let table: toml::Table = toml::from_str(&written).unwrap();
        assert_eq!(
            table["path"].as_str().unwrap(),
            format!("{}/kumo-core", parsed.display())
        );
        let err = parse_kumo_path(dir.path().to_str().unwrap()).unwrap_err();
        assert!(
            err.ends_with("is not a kumo checkout (it has no kumo-core/Cargo.toml)"),
            "{err}"
        );
        assert!(parse_kumo_path(dir.path().join("missing").to_str().unwrap()).is_err());
        assert_eq!(toml_string("a\u{7}\\"), "\"a\\u0007\\\\\"");
    }

    #[test]
    fn a_link_to_nothing_is_in_the_way_of_a_crate() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!holds_files(&dir.path().join("new")).unwrap());
        assert!(!holds_files(dir.path()).unwrap());
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
            assert!(holds_files(&link).unwrap());
        }
        std::fs::write(dir.path().join("file"), "").unwrap();
        assert!(holds_files(dir.path()).unwrap());
        assert!(holds_files(&dir.path().join("file")).unwrap());
    }
}
