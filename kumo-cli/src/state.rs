//! The local state under `.kumo/`: the template last applied to each stack, and its outputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kumo_core::Template;

use crate::error::CliError;
use crate::fs::write_atomic;

/// The `.kumo` directory of a project.
#[derive(Debug, Clone)]
pub struct State {
    root: PathBuf,
}

impl State {
    /// The state under `root` (normally `./.kumo`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        State { root: root.into() }
    }

    /// Where asset bundles are built: `{root}/build`.
    pub fn build_dir(&self) -> PathBuf {
        self.root.join("build")
    }

    fn path(&self, kind: &str, env: &str, stack: &str) -> PathBuf {
        self.root.join(kind).join(env).join(format!("{stack}.json"))
    }

    /// The template last deployed to `stack` in `env` from here, if any.
    pub fn applied(&self, env: &str, stack: &str) -> Result<Option<Template>, CliError> {
        let path = self.path("applied", env, stack);
        read(&path)?
            .map(|text| {
                Template::from_json(&text).map_err(|source| CliError::State {
                    path: path.clone(),
                    message: source.to_string(),
                })
            })
            .transpose()
    }

    /// Records the template just deployed.
    pub fn write_applied(&self, env: &str, stack: &str, body: &str) -> Result<(), CliError> {
        write_atomic(&self.path("applied", env, stack), body.as_bytes())
    }

    /// The outputs of `stack` in `env` when it was last deployed from here, if any.
    pub fn outputs(
        &self,
        env: &str,
        stack: &str,
    ) -> Result<Option<BTreeMap<String, String>>, CliError> {
        let path = self.path("outputs", env, stack);
        read(&path)?
            .map(|text| {
                serde_json::from_str(&text).map_err(|source| CliError::State {
                    path: path.clone(),
                    message: source.to_string(),
                })
            })
            .transpose()
    }

    /// Records the outputs of a deployed stack.
    pub fn write_outputs(
        &self,
        env: &str,
        stack: &str,
        outputs: &BTreeMap<String, String>,
    ) -> Result<(), CliError> {
        let mut text = serde_json::to_string_pretty(outputs).unwrap_or_default();
        text.push('\n');
        write_atomic(&self.path("outputs", env, stack), text.as_bytes())
    }

    /// Forgets a deleted stack.
    pub fn remove(&self, env: &str, stack: &str) -> Result<(), CliError> {
        for kind in ["applied", "outputs"] {
            let path = self.path(kind, env, stack);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(CliError::Write { path, source }),
            }
        }
        Ok(())
    }
}

fn read(path: &Path) -> Result<Option<String>, CliError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(CliError::State {
            path: path.to_owned(),
            message: err.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        assert!(state.applied("dev", "media").unwrap().is_none());
        let template = Template::new().with_description("x");
        state
            .write_applied("dev", "media", &template.to_json())
            .unwrap();
        let outputs = BTreeMap::from([("Url".to_owned(), "https://q".to_owned())]);
        state.write_outputs("dev", "media", &outputs).unwrap();
        assert_eq!(state.applied("dev", "media").unwrap(), Some(template));
        assert_eq!(state.outputs("dev", "media").unwrap(), Some(outputs));
        assert!(dir.path().join("applied/dev/media.json").exists());
        state.remove("dev", "media").unwrap();
        assert!(state.applied("dev", "media").unwrap().is_none());
        assert!(state.outputs("dev", "media").unwrap().is_none());
    }

    #[test]
    fn corrupt_state_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("applied/dev")).unwrap();
        std::fs::write(dir.path().join("applied/dev/media.json"), "{").unwrap();
        let err = State::new(dir.path()).applied("dev", "media").unwrap_err();
        assert!(err.to_string().contains("applied/dev/media.json"), "{err}");
    }
}
