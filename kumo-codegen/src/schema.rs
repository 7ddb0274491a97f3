//! The vendored resource schemas: reading them, and refreshing them from a cfn-lint release.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::process;

/// How long pip may take to download cfn-lint.
const PIP_TIMEOUT: Duration = Duration::from_secs(600);

/// The region whose resource types kumo generates.
pub const REGION: &str = "us-east-1";

/// The vendored schemas: `{"source": {...}, "types": {type name: schema}}`, gzipped.
pub fn vendored_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/resources.json.gz")
}

/// The vendored schema set.
pub struct Schemas {
    /// Where the schemas come from: package, version, region, licence.
    pub source: Value,
    /// Each resource type's schema, by type name.
    pub types: BTreeMap<String, Value>,
}

impl Schemas {
    /// Reads the vendored schemas.
    pub fn load(path: &Path) -> Result<Schemas> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut text)
            .with_context(|| format!("cannot decompress {}", path.display()))?;
        let mut document: Value =
            serde_json::from_str(&text).context("vendored schemas are not JSON")?;
        let source = document["source"].take();
        let types =
            serde_json::from_value(document["types"].take()).context("`types` is not a map")?;
        Ok(Schemas { source, types })
    }

    /// The cfn-lint version the schemas come from.
    pub fn version(&self) -> &str {
        self.source["version"].as_str().unwrap_or("unknown")
    }
}

/// Downloads cfn-lint `version` with pip into a temporary directory and vendors its schemas for
/// [`REGION`].
pub fn vendor_from_pypi(version: &str, python: &str, out: &Path) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut command = Command::new(python);
    command
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            "--target",
        ])
        .arg(dir.path())
        .arg(format!("cfn-lint=={version}"));
    process::run(&mut command, PIP_TIMEOUT)
        .with_context(|| format!("pip could not install cfn-lint=={version}"))?;
    vendor(&dir.path().join("cfnlint/data/schemas"), version, out)
}

/// Vendors the schemas of the cfn-lint data directory `schemas` (which holds `providers/` and
/// `resources/`) for [`REGION`] into `out`.
pub fn vendor(schemas: &Path, version: &str, out: &Path) -> Result<()> {
    let index_path = schemas.join(format!("providers/{}.py", REGION.replace('-', "_")));
    let index = std::fs::read_to_string(&index_path)
        .with_context(|| format!("cannot read {}", index_path.display()))?;
    let mut types = serde_json::Map::new();
    for (type_name, hash) in provider_index(&index) {
        let path = schemas.join(format!("resources/{hash}.json"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let schema: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        types.insert(type_name, schema);
    }
    if types.is_empty() {
        bail!("{} lists no resource types", index_path.display());
    }
    let document = json!({
        "source": {
            "package": "cfn-lint (PyPI)",
            "version": version,
            "region": REGION,
            "path": "cfnlint/data/schemas/resources, indexed by cfnlint/data/schemas/providers",
            "licence": "MIT-0 (cfn-lint); the schemas are AWS's CloudFormation registry schemas",
        },
        "types": types,
    });
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(serde_json::to_string(&document)?.as_bytes())?;
    std::fs::write(out, encoder.finish()?)
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(())
}

/// The `"Type": "hash"` pairs of a cfn-lint provider index (a Python dict literal).
fn provider_index(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let mut quoted = line.split('"').skip(1).step_by(2);
            let type_name = quoted.next()?;
            let hash = quoted.next()?;
            (type_name.contains("::") && hash.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| (type_name.to_owned(), hash.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_provider_index() {
        let index = "types: dict[str, str] = {\n    \"AWS::S3::Bucket\": \"00ab\",\n    \"AWS::SQS::Queue\": \"ff01\",\n}\n";
        assert_eq!(
            provider_index(index),
            [
                ("AWS::S3::Bucket".into(), "00ab".into()),
                ("AWS::SQS::Queue".into(), "ff01".into())
            ]
        );
    }
}
