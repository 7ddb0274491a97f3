//! Writing files so that a reader never sees half of one.

use std::io::Write;
use std::path::Path;

use crate::error::CliError;

/// Writes `contents` to `path` through a temporary file in the same directory and a rename, so
/// the file is either the old one or the new one, never a mix. Creates missing directories.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let fail = |source| CliError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    file.write_all(contents).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replaces_and_creates_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn reports_the_path_it_could_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").unwrap();
        let err = write_atomic(&blocker.join("inner.json"), b"x").unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "cannot write {}",
                blocker.join("inner.json").display()
            )),
            "{err}"
        );
    }
}
