//! Assets: local directories a deploy bundles and uploads, such as a Lambda function's code.
//!
//! An asset is named by the hash of what it holds (each file's path, executable bit and bytes,
//! in path order), so the template refers to it by a key that changes exactly when the code
//! does, and the same code gives the same template on every machine whatever directory it sits
//! in. Hidden files and what the ignore files inside the directory name (`.gitignore`, `.ignore`
//! and `.kumoignore`, gitignore's syntax, whether or not it is a git repository) are left out; a
//! symbolic link is followed when it points inside the directory and refused when it leads out.
//! The template reads the bucket from the parameter [`BUCKET_PARAMETER`], which `deploy`
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

/// The hash that names an asset: the SHA-256 of each file's path, executable bit and bytes,
/// given in path order. A bundle is checked against it by hashing the files it holds.
///
/// ```
/// use kumo_core::asset::ContentHash;
///
/// let mut hash = ContentHash::new();
/// hash.file("index.py", false, b"x = 1\n");
/// assert_eq!(hash.finish().len(), 64);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ContentHash(Sha256);

impl ContentHash {
    /// The hash of no files yet.
    pub fn new() -> Self {
        ContentHash::default()
    }

    /// Adds the file `name` (its path in the asset, `/`-separated).
    pub fn file(&mut self, name: &str, executable: bool, bytes: &[u8]) {
        self.0.update((name.len() as u64).to_be_bytes());
        self.0.update(name.as_bytes());
        self.0.update([u8::from(executable)]);
        self.0.update((bytes.len() as u64).to_be_bytes());
        self.0.update(bytes);
    }

    /// The hash, in lowercase hex.
    pub fn finish(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
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
        let mut hash = ContentHash::new();
        for file in &files {
            let bytes =
                std::fs::read(&file.path).map_err(|err| AssetError::io(&file.path, &err))?;
            hash.file(&file.name, file.executable, &bytes);
        }
        asset.hash = hash.finish();
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

    /// Its files, sorted by name: hidden files and directories (`.git`, `.venv`) and those the
    /// directory's `.gitignore`, `.ignore` and `.kumoignore` files name are left out (ignore
    /// files above the directory, git's global ones included, are not read: the asset is the
    /// same on every machine). A symbolic link is followed when it stays inside the directory;
    /// one that leads out of it is an error.
    pub fn files(&self) -> Result<Vec<AssetFile>, AssetError> {
        let root = std::fs::canonicalize(&self.directory)
            .map_err(|err| AssetError::io(&self.directory, &err))?;
        let walk = ignore::WalkBuilder::new(&self.directory)
            .standard_filters(false)
            .hidden(true)
            .ignore(true)
            .git_ignore(true)
            .require_git(false)
            .add_custom_ignore_filename(IGNORE_FILE)
            .follow_links(true)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        let mut files = Vec::new();
        for entry in walk {
            let entry = entry.map_err(|err| AssetError {
                path: self.directory.clone(),
                message: err.to_string(),
            })?;
            let path = entry.path();
            if entry.path_is_symlink() {
                let target =
                    std::fs::canonicalize(path).map_err(|err| AssetError::io(path, &err))?;
                if !target.starts_with(&root) {
                    return Err(AssetError {
                        path: path.to_owned(),
                        message: format!(
                            "the symbolic link leads out of the asset directory (to {}); copy what it points to into the directory",
                            target.display()
                        ),
                    });
                }
            }
            let metadata = std::fs::metadata(path).map_err(|err| AssetError::io(path, &err))?;
            if metadata.is_dir() {
                continue;
            }
            let relative = path.strip_prefix(&self.directory).unwrap_or(path);
            let parts: Option<Vec<&str>> = relative.iter().map(|part| part.to_str()).collect();
            let Some(parts) = parts else {
                return Err(AssetError {
                    path: path.to_owned(),
                    message: "the file name is not UTF-8".to_owned(),
                });
            };
            files.push(AssetFile {
                name: parts.join("/"),
                path: path.to_owned(),
                executable: is_executable(&metadata),
            });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(files)
    }
}

/// kumo's own ignore file, read like `.gitignore`: what an asset directory leaves out of its
/// bundle but not out of git.
pub const IGNORE_FILE: &str = ".kumoignore";

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

    #[test]
    fn ignore_files_leave_out_what_they_name() {
        let dir = directory(&[
            ("index.py", ""),
            ("__pycache__/index.pyc", ""),
            ("lib/util.py", ""),
            ("lib/util.pyc", ""),
            ("lib/.ignore", "notes.md\n"),
            ("lib/notes.md", ""),
            ("tests/test_index.py", ""),
            (".gitignore", "*.pyc\n__pycache__/\n"),
            (IGNORE_FILE, "tests/\n"),
        ]);
        let asset = Asset::from_directory(dir.path()).unwrap();
        let names: Vec<String> = asset.files().unwrap().into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["index.py", "lib/util.py"]);
        let bare = directory(&[("index.py", ""), ("lib/util.py", "")]);
        assert_eq!(
            asset.hash(),
            Asset::from_directory(bare.path()).unwrap().hash(),
            "ignored files do not count"
        );
    }

    #[test]
    fn ignore_files_above_the_directory_are_not_read() {
        let dir = directory(&[(".gitignore", "*.py\n"), ("code/index.py", "")]);
        let asset = Asset::from_directory(dir.path().join("code")).unwrap();
        assert_eq!(asset.files().unwrap().len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_followed_and_links_out_refused() {
        use std::os::unix::fs::symlink;
        let outside = directory(&[("secret.txt", "key")]);
        let dir = directory(&[("index.py", "x = 1\n"), ("lib/util.py", "")]);
        symlink(dir.path().join("index.py"), dir.path().join("main.py")).unwrap();
        symlink(dir.path().join("lib"), dir.path().join("shared")).unwrap();
        let names: Vec<String> = Asset::from_directory(dir.path())
            .unwrap()
            .files()
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(
            names,
            ["index.py", "lib/util.py", "main.py", "shared/util.py"]
        );

        symlink(
            outside.path().join("secret.txt"),
            dir.path().join("lib/key.txt"),
        )
        .unwrap();
        let err = Asset::from_directory(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("lib/key.txt: the symbolic link leads out of the asset directory"),
            "{err}"
        );
        std::fs::remove_file(dir.path().join("lib/key.txt")).unwrap();
        symlink(outside.path(), dir.path().join("elsewhere")).unwrap();
        let err = Asset::from_directory(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("elsewhere: the symbolic link leads out"),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
    }
}
