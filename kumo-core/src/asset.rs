//! Assets: local directories a deploy bundles and uploads, such as a Lambda function's code.
//!
//! An asset is named by the hash of what it holds (each file's path, executable bit and bytes,
//! in path order), so the template refers to it by a key that changes exactly when the code
//! does, and the same code gives the same template on every machine whatever directory it sits
//! in. The template reads the bucket from the parameter [`BUCKET_PARAMETER`], which `deploy`
//! fills with the artifact bucket.
//!
//! ```
//! # let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("index.py"), "def handler(event, context):\n    return 1\n")?;
//! let asset = kumo_core::asset::Asset::from_directory(dir.path())?;
//! assert_eq!(asset.key(), format!("assets/{}.zip", asset.hash()));
//! assert_eq!(asset.files()?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Value;

/// The template parameter that names the bucket assets are uploaded to.
pub const BUCKET_PARAMETER: &str = "KumoAssetBucket";

/// Why an asset cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("asset {}: {message}", path.display())]
pub struct AssetError {
    /// The file or directory.
    pub path: PathBuf,
    /// Why.
    pub message: String,
}

impl AssetError {
    fn io(path: &Path, err: &std::io::Error) -> Self {
        AssetError {
            path: path.to_owned(),
            message: err.to_string(),
        }
    }
}

/// Where a bundled asset will be once uploaded, for a property such as a Lambda function's
/// `Code` (see [`crate::Scope::asset`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AssetLocation {
    /// The bucket: a `Ref` to [`BUCKET_PARAMETER`].
    pub bucket: Value<String>,
    /// The object key: `assets/{hash}.zip`.
    pub key: Value<String>,
}

/// A local directory to bundle, with the hash of its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    directory: PathBuf,
    hash: String,
}

/// One file of an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFile {
    /// Its path inside the asset, `/`-separated.
    pub name: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// Whether it is executable (a custom runtime's `bootstrap`, say).
    pub executable: bool,
}

impl Asset {
    /// The asset of `directory`: every file under it, hashed. An empty or missing directory
    /// is an error (there would be nothing to run).
    pub fn from_directory(directory: impl AsRef<Path>) -> Result<Asset, AssetError> {
        let directory = directory.as_ref().to_owned();
        let mut asset = Asset {
            directory,
            hash: String::new(),
        };
        let files = asset.files()?;
        if files.is_empty() {
            return Err(AssetError {
                path: asset.directory,
                message: "the directory has no files".to_owned(),
            });
        }
        let mut digest = Sha256::new();
        for file in &files {
            let bytes =
                std::fs::read(&file.path).map_err(|err| AssetError::io(&file.path, &err))?;
            digest.update((file.name.len() as u64).to_be_bytes());
            digest.update(file.name.as_bytes());
            digest.update([u8::from(file.executable)]);
            digest.update((bytes.len() as u64).to_be_bytes());
            digest.update(&bytes);
        }
        asset.hash = digest
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Ok(asset)
    }

    /// The directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// The SHA-256 of its contents, in hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The object key the bundle is uploaded under: `assets/{hash}.zip`.
    pub fn key(&self) -> String {
        format!("assets/{}.zip", self.hash)
    }

    /// Its files, sorted by name; hidden files and directories (`.git`, `.venv`) are left out.
    pub fn files(&self) -> Result<Vec<AssetFile>, AssetError> {
        let mut files = Vec::new();
        collect(&self.directory, "", &mut files)?;
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(files)
    }
}

fn collect(directory: &Path, prefix: &str, files: &mut Vec<AssetFile>) -> Result<(), AssetError> {
    let entries = std::fs::read_dir(directory).map_err(|err| AssetError::io(directory, &err))?;
    for entry in entries {
        let entry = entry.map_err(|err| AssetError::io(directory, &err))?;
        let path = entry.path();
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            return Err(AssetError {
                path,
                message: "the file name is not UTF-8".to_owned(),
            });
        };
        if file_name.starts_with('.') {
            continue;
        }
        let name = format!("{prefix}{file_name}");
        let metadata = std::fs::metadata(&path).map_err(|err| AssetError::io(&path, &err))?;
        if metadata.is_dir() {
            collect(&path, &format!("{name}/"), files)?;
        } else {
            files.push(AssetFile {
                name,
                path,
                executable: is_executable(&metadata),
            });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
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
    fn the_hash_follows_the_contents_not_the_location() {
        let a = directory(&[("index.py", "x = 1\n"), ("lib/util.py", "y = 2\n")]);
        let b = directory(&[("lib/util.py", "y = 2\n"), ("index.py", "x = 1\n")]);
        let first = Asset::from_directory(a.path()).unwrap();
        assert_eq!(
            first.hash(),
            Asset::from_directory(b.path()).unwrap().hash()
        );
        std::fs::write(b.path().join("index.py"), "x = 2\n").unwrap();
        assert_ne!(
            first.hash(),
            Asset::from_directory(b.path()).unwrap().hash()
        );
        let renamed = directory(&[("main.py", "x = 1\n"), ("lib/util.py", "y = 2\n")]);
        assert_ne!(
            first.hash(),
            Asset::from_directory(renamed.path()).unwrap().hash()
        );
    }

    #[test]
    fn files_are_sorted_and_hidden_ones_left_out() {
        let dir = directory(&[
            ("z.py", ""),
            ("a/b.py", ""),
            (".git/config", ""),
            (".env", ""),
        ]);
        let names: Vec<String> = Asset::from_directory(dir.path())
            .unwrap()
            .files()
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["a/b.py", "z.py"]);
    }

    #[test]
    fn missing_or_empty_directories_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = Asset::from_directory(dir.path()).unwrap_err();
        assert!(
            err.to_string().ends_with("the directory has no files"),
            "{err}"
        );
        let err = Asset::from_directory(dir.path().join("nope")).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }
}
