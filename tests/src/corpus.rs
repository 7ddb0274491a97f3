//! The corpus of real templates nobody here wrote: the template fixtures of cfn-lint's source
//! distribution, fetched from PyPI with `python3 -m pip download` and cached, never kept in the
//! repository; and the checks the corpus tests share. kumo-core's round-trip test includes this
//! file by path (it cannot depend on this crate); the migration test uses it from here.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// The cfn-lint release whose fixtures are the corpus.
pub const VERSION: &str = "1.51.0";
/// Where the fixtures are in the source distribution.
const FIXTURES: &str = "test/fixtures/templates";
/// The fixture directories of the corpus.
const DIRECTORIES: [&str; 4] = ["good", "quickstart", "public", "integration"];
/// The extensions of template files.
const EXTENSIONS: [&str; 4] = [".json", ".yaml", ".yml", ".template"];
/// How long fetching the source distribution may take.
const FETCH_DEADLINE: Duration = Duration::from_secs(300);

/// Where two JSON values first differ, as a path of keys and indices.
pub fn difference(expected: &Json, actual: &Json, at: String) -> Option<String> {
    match (expected, actual) {
        (Json::Object(expected), Json::Object(actual)) => expected
            .keys()
            .chain(actual.keys().filter(|key| !expected.contains_key(*key)))
            .find_map(|key| match (expected.get(key), actual.get(key)) {
                (Some(e), Some(a)) => difference(e, a, format!("{at}/{key}")),
                _ => Some(format!("{at}/{key}")),
            }),
        (Json::Array(expected), Json::Array(actual)) if expected.len() == actual.len() => expected
            .iter()
            .zip(actual)
            .enumerate()
            .find_map(|(index, (e, a))| difference(e, a, format!("{at}/{index}"))),
        _ => (expected != actual).then_some(at),
    }
}

/// The exceptions listed in `list`, one `path: reason` a line (`#` starts a comment): template
/// path to reason.
pub fn exceptions(list: &Path) -> BTreeMap<String, String> {
    fs::read_to_string(list)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", list.display()))
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (path, reason) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("`{line}` is not `path: reason`"));
            (path.to_owned(), reason.to_owned())
        })
        .collect()
}

/// The corpus: each template's path under the fixtures, and its text (or why it is not text).
pub fn templates(archive: &Path) -> BTreeMap<String, Result<String, String>> {
    let file = File::open(archive)
        .unwrap_or_else(|err| panic!("cannot open {}: {err}", archive.display()));
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let prefix = format!("cfn_lint-{VERSION}/{FIXTURES}/");
    let mut templates = BTreeMap::new();
    for entry in tar.entries().expect("the source distribution is a tar.gz") {
        let mut entry = entry.expect("the source distribution is a tar.gz");
        let path = entry
            .path()
            .expect("entries have paths")
            .to_string_lossy()
            .into_owned();
        let Some(path) = path.strip_prefix(&prefix) else {
            continue;
        };
        let in_corpus = DIRECTORIES
            .iter()
            .any(|directory| path.starts_with(&format!("{directory}/")))
            && EXTENSIONS.iter().any(|extension| path.ends_with(extension));
        if in_corpus {
            let mut text = String::new();
            let read = entry
                .read_to_string(&mut text)
                .map(|_| text)
                .map_err(|err| format!("not text: {err}"));
            templates.insert(path.to_owned(), read);
        }
    }
    templates
}

/// The source distribution of cfn-lint, cached under `tmp` (a test's `CARGO_TARGET_TMPDIR`),
/// fetched from PyPI the first time.
pub fn source_distribution(tmp: &Path) -> PathBuf {
    let cache = tmp.join("cfn-lint-corpus");
    let archive = cache.join(format!("cfn_lint-{VERSION}.tar.gz"));
    if archive.is_file() {
        return archive;
    }
    fs::create_dir_all(&cache).expect("the target directory is writable");
    let download = tempfile::tempdir_in(&cache).expect("the target directory is writable");
    let errors = download.path().join("pip.err");
    let requirement = format!("cfn-lint=={VERSION}");
    let mut pip = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--no-binary", ":all:"])
        .args([
            "--disable-pip-version-check",
            "--no-input",
            "--timeout",
            "60",
        ])
        .arg(&requirement)
        .arg("-d")
        .arg(download.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&errors).expect("the target directory is writable"))
        .spawn()
        .unwrap_or_else(|err| {
            panic!("the corpus test needs python3 with pip to fetch {requirement}: {err}")
        });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = pip.try_wait().expect("pip can be waited for") {
            break status;
        }
        if started.elapsed() > FETCH_DEADLINE {
            let _ = pip.kill();
            let _ = pip.wait();
            panic!("fetching {requirement} from PyPI took more than {FETCH_DEADLINE:?}");
        }
        thread::sleep(Duration::from_millis(200));
    };
    assert!(
        status.success(),
        "could not fetch {requirement} from PyPI (the corpus test needs it): {}",
        fs::read_to_string(&errors).unwrap_or_default().trim()
    );
    let fetched = download
        .path()
        .join(archive.file_name().expect("a file name"));
    fs::rename(&fetched, &archive)
        .unwrap_or_else(|err| panic!("pip did not leave {}: {err}", fetched.display()));
    archive
}
