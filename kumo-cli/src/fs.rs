//! Files: what kumo writes, a reader never sees half of; what it reads is of a bounded size, and
//! its own files (kumo.toml, `.kumo`) regular ones, so that a FIFO, a device or a huge file is
//! refused instead of waited on.

use std::io::{Read, Write};
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
    let mut builder = tempfile::Builder::new();
    // Readable as any file the user makes (the umask decides), not only by its owner as a
    // temporary file would be.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file = builder.tempfile_in(dir).map_err(fail)?;
    file.write_all(contents).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The most a template file kumo reads may hold (CloudFormation takes 1 MB, YAML comments and
/// all, from S3).
pub const TEMPLATE_LIMIT: u64 = 16 << 20;

/// The text of the regular file at `path`, at most `limit` bytes; anything else (a directory,
/// a FIFO, a device, a larger file) is an error of kind `InvalidInput`.
pub fn read_text(path: &Path, limit: u64) -> std::io::Result<String> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(refuse("not a regular file".to_owned()));
    }
    read_bounded(path, limit)
}

/// The text at `path`, a file or what reads like one (a pipe: `<(command)`), at most `limit`
/// bytes; a directory or more is an error of kind `InvalidInput`.
#[cfg(feature = "migrate")]
pub fn read_any(path: &Path, limit: u64) -> std::io::Result<String> {
    if std::fs::metadata(path)?.is_dir() {
        return Err(refuse("a directory".to_owned()));
    }
    read_bounded(path, limit)
}

fn refuse(why: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, why)
}

/// How much of a file [`holds`] reads at a time.
const PIECE: usize = 64 << 10;

/// Whether the regular file at `path` holds exactly `text`, read a piece at a time rather than
/// whole: a record that matches is compared without a copy of it in memory. Anything but a
/// regular file holds no text.
pub fn holds(path: &Path, text: &str) -> std::io::Result<bool> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() || metadata.len() != text.len() as u64 {
        return Ok(false);
    }
    let mut file = std::fs::File::open(path)?;
    let mut rest = text.as_bytes();
    let mut piece = vec![0; PIECE.min(rest.len()).max(1)];
    loop {
        let read = match file.read(&mut piece) {
            Ok(read) => read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if read == 0 {
            return Ok(rest.is_empty());
        }
        match rest.split_at_checked(read) {
            Some((head, tail)) if head == &piece[..read] => rest = tail,
            _ => return Ok(false),
        }
    }
}

/// The text at `path`, at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64) -> std::io::Result<String> {
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(refuse(format!("larger than {} MiB", limit >> 20)));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_holds_a_text_when_every_byte_is_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("applied.json");
        let text: String = (0..200_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        std::fs::write(&path, &text).unwrap();
        assert!(holds(&path, &text).unwrap());
        let mut other = text.clone().into_bytes();
        other[150_000] = b'!';
        assert!(!holds(&path, std::str::from_utf8(&other).unwrap()).unwrap());
        assert!(!holds(&path, &text[..text.len() - 1]).unwrap());
        std::fs::write(&path, "").unwrap();
        assert!(holds(&path, "").unwrap());
        assert!(!holds(dir.path(), "").unwrap(), "a directory holds no text");
        assert!(holds(&dir.path().join("none"), "").is_err());
    }

    #[test]
    fn only_a_regular_file_within_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kumo.toml");
        std::fs::write(&path, "x".repeat(2 << 20)).unwrap();
        assert_eq!(read_text(&path, 2 << 20).unwrap().len(), 2 << 20);
        let err = read_text(&path, 1 << 20).unwrap_err();
        assert_eq!(err.to_string(), "larger than 1 MiB");
        let err = read_text(dir.path(), 1 << 20).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file");
        #[cfg(unix)]
        {
            // Neither waits for a writer nor reads forever.
            let err = read_text(Path::new("/dev/zero"), 1 << 20).unwrap_err();
            assert_eq!(err.to_string(), "not a regular file");
            let fifo = dir.path().join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|status| status.success()) {
                let err = read_text(&fifo, 1 << 20).unwrap_err();
                assert_eq!(err.to_string(), "not a regular file");
            }
        }
        assert_eq!(
            read_text(&dir.path().join("missing"), 1)
                .unwrap_err()
                .kind(),
            std::io::ErrorKind::NotFound
        );
    }

    #[cfg(all(unix, feature = "migrate"))]
    #[test]
    fn a_template_is_read_from_a_pipe_too_but_not_without_end() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("template");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|status| status.success()) {
            let mut writer = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf '{{}}' > '{}'", fifo.display()))
                .spawn()
                .unwrap();
            assert_eq!(read_any(&fifo, 1 << 20).unwrap(), "{}");
            writer.wait().unwrap();
        }
        let err = read_any(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert_eq!(err.to_string(), "larger than 1 MiB");
        assert_eq!(
            read_any(dir.path(), 1).unwrap_err().to_string(),
            "a directory"
        );
    }

    #[test]
    fn writes_replaces_and_creates_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            let plain = dir.path().join("plain");
            std::fs::write(&plain, "x").unwrap();
            let expected = std::fs::metadata(&plain).unwrap().permissions().mode();
            assert_eq!(
                mode, expected,
                "the mode of a file written plainly, umask and all"
            );
        }
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
