//! Bundling an asset directory into a deterministic zip: entries in name order, the zip epoch
//! (1980-01-01 00:00) as every timestamp, mode 0644 (0755 for executables), deflated. The same
//! files give the same bytes on every machine, whatever their timestamps or owner.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use kumo_core::asset::{Asset, ContentHash};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::error::CliError;
use crate::fs::write_atomic;

/// Writes the bundle of `asset` to `{build_dir}/{hash}.zip` unless a bundle there holds the
/// asset's files already (and not `rebuild`), and returns its path.
pub fn bundle(asset: &Asset, build_dir: &Path, rebuild: bool) -> Result<PathBuf, CliError> {
    let path = build_dir.join(format!("{}.zip", asset.hash()));
    if rebuild || !holds(&path, asset.hash()) {
        write_atomic(&path, &zip(asset)?)?;
    }
    Ok(path)
}

/// Whether the zip at `path` holds the files whose [`ContentHash`] is `hash`: a bundle an
/// earlier run left is used only then, not one truncated, damaged or edited since.
fn holds(path: &Path, hash: &str) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut archive) = ZipArchive::new(std::io::BufReader::new(file)) else {
        return false;
    };
    let mut content = ContentHash::new();
    for index in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(index) else {
            return false;
        };
        let mut bytes = Vec::new();
        // Reading to the end checks the entry's CRC-32.
        if entry.read_to_end(&mut bytes).is_err() {
            return false;
        }
        let executable = entry.unix_mode().is_some_and(|mode| mode & 0o111 != 0);
        let Ok(name) = entry.name() else {
            return false;
        };
        content.file(&name, executable, &bytes);
    }
    content.finish() == hash
}

/// The zip of `asset`'s files.
fn zip(asset: &Asset) -> Result<Vec<u8>, CliError> {
    let fail = |message: String| CliError::Asset {
        path: asset.directory().to_owned(),
        message,
    };
    let files = asset.files().map_err(|err| fail(err.message))?;
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for file in files {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .unix_permissions(if file.executable { 0o755 } else { 0o644 });
        let bytes = std::fs::read(&file.path)
            .map_err(|err| fail(format!("{}: {err}", file.path.display())))?;
        writer
            .start_file(&file.name, options)
            .map_err(|err| fail(err.to_string()))?;
        writer
            .write_all(&bytes)
            .map_err(|err| fail(err.to_string()))?;
    }
    let cursor = writer.finish().map_err(|err| fail(err.to_string()))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn the_same_files_make_the_same_bytes() {
        let a = directory(&[("index.py", "x = 1\n"), ("lib/util.py", "y = 2\n")]);
        let first = zip(&Asset::from_directory(a.path()).unwrap()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = directory(&[("lib/util.py", "y = 2\n"), ("index.py", "x = 1\n")]);
        let second = zip(&Asset::from_directory(b.path()).unwrap()).unwrap();
        assert_eq!(first, second);
    }

    #[test]
    fn the_zip_holds_every_file_with_its_mode() {
        let dir = directory(&[("bootstrap", "#!/bin/sh\n"), ("src/main.py", "print(1)\n")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.path().join("bootstrap");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let bytes = zip(&Asset::from_directory(dir.path()).unwrap()).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|name| name.unwrap().into_owned())
            .collect();
        assert_eq!(names, ["bootstrap", "src/main.py"]);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("src/main.py").unwrap(), &mut text)
            .unwrap();
        assert_eq!(text, "print(1)\n");
        assert_eq!(
            archive.by_name("src/main.py").unwrap().unix_mode(),
            Some(0o100644)
        );
        #[cfg(unix)]
        assert_eq!(
            archive.by_name("bootstrap").unwrap().unix_mode(),
            Some(0o100755)
        );
    }

    #[test]
    fn a_bundle_is_written_under_its_hash_and_kept_while_it_holds_the_files() {
        let dir = directory(&[("index.py", "x = 1\n"), ("bootstrap", "#!/bin/sh\n")]);
        let build = tempfile::tempdir().unwrap();
        let asset = Asset::from_directory(dir.path()).unwrap();
        let path = bundle(&asset, build.path(), false).unwrap();
        assert_eq!(path, build.path().join(format!("{}.zip", asset.hash())));
        let written = std::fs::read(&path).unwrap();
        assert!(holds(&path, asset.hash()));

        // Kept: the same bytes, written by nobody (the modification time stays).
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        bundle(&asset, build.path(), false).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            modified
        );

        // Damaged, truncated, or another asset's files under this name: made again.
        let other = directory(&[("index.py", "x = 2\n")]);
        let other = zip(&Asset::from_directory(other.path()).unwrap()).unwrap();
        let mut flipped = written.clone();
        flipped[40] ^= 0xff;
        for damaged in [
            b"garbage\n".to_vec(),
            written[..written.len() / 2].to_vec(),
            flipped,
            other,
        ] {
            std::fs::write(&path, &damaged).unwrap();
            assert!(!holds(&path, asset.hash()));
            bundle(&asset, build.path(), false).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), written);
        }
        bundle(&asset, build.path(), true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), written);
    }
}
