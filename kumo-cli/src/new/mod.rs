//! `kumo new PATH`: a stack crate ready to synthesize, deploy and run in CI: its manifest, a
//! `stack!` of two particles, kumo.toml, a `.gitignore` of kumo's local state, and a GitHub
//! Actions workflow that plans pull requests and deploys main.

use std::path::{Path, PathBuf};

use kumo_core::naming::pascal_case;

use crate::manifest::{crate_name_problem, kumo_dependency, BUILD_SCRIPT, PROFILE_AND_WORKSPACE};

/// The stack's source; `{name}`, `{stack}` and `{service}` are filled in.
const MAIN: &str = include_str!("main.rs.in");
/// kumo.toml; `{service}` is filled in.
const KUMO_TOML: &str = include_str!("kumo.toml.in");
/// `.gitignore`.
const GITIGNORE: &str = include_str!("gitignore.in");
/// `.github/workflows/deploy.yml`.
const WORKFLOW: &str = include_str!("deploy.yml.in");

/// The crates a stack crate depends on, as its manifest lists them: named as one of them (with
/// `-` or `_`), it would depend on itself.
const DEPENDENCIES: [&str; 3] = ["kumo-core", "kumo-cli", "kumo-particles"];

/// The longest crate name: its service prefixes every stack and physical name.
const MAX_NAME: usize = 40;

/// What to write, and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The crate's directory: new, or empty.
    pub path: PathBuf,
    /// The crate's name; else the directory's.
    pub name: Option<String>,
    /// A kumo checkout to depend on by path; else the crates.io release of this kumo.
    pub kumo_path: Option<PathBuf>,
}

/// Why `kumo new` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The crate's name cannot be used.
    #[error("`{name}` cannot name a stack crate: {why}; give another with --name")]
    Name {
        /// The name.
        name: String,
        /// Why not.
        why: String,
    },
    /// The directory holds files already.
    #[error("{} already holds files; kumo new writes into a new or empty directory", path.display())]
    NotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// A file could not be written (or the directory read).
    #[error(transparent)]
    Write(#[from] crate::CliError),
}

/// What was written: the crate's name and its files, relative to its directory, in order.
#[derive(Debug, Clone)]
pub struct Written {
    /// The crate's (and its binary's) name.
    pub name: String,
    /// The files.
    pub files: Vec<&'static str>,
}

/// Writes the stack crate `options` describe.
pub fn write_crate(options: &Options) -> Result<Written, NewError> {
    let name = match &options.name {
        Some(name) => name.clone(),
        None => options
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    check_name(&name)?;
    check_empty(&options.path)?;
    let service = name.to_ascii_lowercase().replace('_', "-");
    let stack = format!("{}Stack", pascal_case(&name));
    let fill = |text: &str| {
        text.replace("{name}", &name)
            .replace("{stack}", &stack)
            .replace("{service}", &service)
    };
    let files = [
        ("Cargo.toml", manifest(&name, options.kumo_path.as_deref())),
        ("build.rs", BUILD_SCRIPT.to_owned()),
        ("src/main.rs", fill(MAIN)),
        ("kumo.toml", fill(KUMO_TOML)),
        (".gitignore", GITIGNORE.to_owned()),
        (".github/workflows/deploy.yml", WORKFLOW.to_owned()),
    ];
    for (file, text) in &files {
        crate::fs::write_atomic(&options.path.join(file), text.as_bytes())?;
    }
    Ok(Written {
        name,
        files: files.iter().map(|(file, _)| *file).collect(),
    })
}

/// Checks a crate name: one cargo takes for a crate with the stack crate's dependencies (see
/// [`crate_name_problem`]), short enough to prefix stack names.
fn check_name(name: &str) -> Result<(), NewError> {
    let why = crate_name_problem(name, &DEPENDENCIES).or_else(|| {
        (name.len() > MAX_NAME).then(|| format!("it is longer than {MAX_NAME} characters"))
    });
    match why {
        Some(why) => Err(NewError::Name {
            name: name.to_owned(),
            why,
        }),
        None => Ok(()),
    }
}

/// Checks that `path` is not a directory with files in it (nor a file).
fn check_empty(path: &Path) -> Result<(), NewError> {
    match crate::manifest::holds_files(path) {
        Ok(false) => Ok(()),
        Ok(true) => Err(NewError::NotEmpty {
            path: path.to_owned(),
        }),
        Err(source) => Err(NewError::Write(crate::CliError::Write {
            path: path.to_owned(),
            source,
        })),
    }
}

/// The crate's manifest: kumo's three crates, and the lean dev profile.
fn manifest(name: &str, kumo_path: Option<&Path>) -> String {
    let [core, cli, particles] =
        DEPENDENCIES.map(|crate_name| kumo_dependency(kumo_path, crate_name));
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
kumo-core = {{ {core} }}
# With `default-features = false`, the binary has `synth`, `diff`, `graph` and `completions`, and
# builds without the AWS SDK (see kumo's README, "Build cost").
kumo-cli = {{ {cli} }}
kumo-particles = {{ {particles} }}

{PROFILE_AND_WORKSPACE}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(path: PathBuf, name: Option<&str>) -> Options {
        Options {
            path,
            name: name.map(str::to_owned),
            kumo_path: None,
        }
    }

    #[test]
    fn names_cargo_and_cloudformation_refuse_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for (name, why) in [
            ("fn", "reserve"),
            ("test", "reserve"),
            ("9lives", "start with an ASCII letter"),
            ("my stack", "holds ' '"),
            ("café", "holds 'é'"),
            ("kumo-cli", "the crate depends on `kumo-cli`"),
            ("kumo_core", "the crate depends on `kumo-core`"),
            ("", "empty"),
        ] {
            let err = write_crate(&options(dir.path().join("x"), Some(name)))
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{name}: {err}");
            assert!(err.ends_with("give another with --name"), "{err}");
        }
        let long = "a".repeat(MAX_NAME + 1);
        assert!(write_crate(&options(dir.path().join(long), None)).is_err());
        assert!(
            !dir.path().join("x").exists(),
            "nothing is written for a refused name"
        );
    }

    #[test]
    fn a_directory_with_files_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("notes.txt"), "mine").unwrap();
        let err = write_crate(&options(path.clone(), None))
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("already holds files; kumo new writes into a new or empty directory"),
            "{err}"
        );
        let left: Vec<_> = std::fs::read_dir(&path).unwrap().collect();
        assert_eq!(left.len(), 1);
        let file = path.join("notes.txt");
        assert!(write_crate(&options(file, Some("notes"))).is_err());
        // An empty directory is fine.
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        let written = write_crate(&options(empty.clone(), Some("Media_Jobs"))).unwrap();
        assert_eq!(written.name, "Media_Jobs");
        let main = std::fs::read_to_string(empty.join("src/main.rs")).unwrap();
        assert!(
            main.contains("pub MediaJobsStack(service = \"media-jobs\")"),
            "{main}"
        );
    }

    #[test]
    fn without_a_checkout_the_crates_io_release_is_used() {
        let manifest = manifest("jobs", None);
        let version = env!("CARGO_PKG_VERSION");
        assert!(
            manifest.contains(&format!("kumo-particles = {{ version = \"{version}\" }}")),
            "{manifest}"
        );
        let manifest = super::manifest("jobs", Some(Path::new("/src/kumo")));
        assert!(
            manifest.contains("kumo-cli = { path = \"/src/kumo/kumo-cli\" }"),
            "{manifest}"
        );
    }
}
