//! The vendored prose of the resource types: descriptions of types, properties, attributes and
//! property types, and which types are stateful, from the npm package
//! `@aws-cdk/aws-service-spec`; reading it, and refreshing it from a release.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::process;

/// The npm package the prose comes from.
pub const PACKAGE: &str = "@aws-cdk/aws-service-spec";

/// How long `npm pack` may take to download the package.
const NPM_TIMEOUT: Duration = Duration::from_secs(300);

/// The vendored prose: `{"source": {...}, "types": {type name: prose}}`, gzipped, keys sorted.
pub fn vendored_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/service-spec.json.gz")
}

/// The package's licence, vendored beside its data as Apache-2.0 asks.
fn licence_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/service-spec.LICENSE")
}

/// Where the prose comes from. Fields in alphabetical order, so the file's keys are sorted.
#[derive(Debug, Serialize, Deserialize)]
pub struct Source {
    /// The package's licence.
    pub licence: String,
    /// The npm package.
    pub package: String,
    /// The file of the package the prose is taken from.
    pub path: String,
    /// The package's version.
    pub version: String,
}

/// The prose of one resource type. Fields in alphabetical order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TypeProse {
    /// Each attribute's description, by `Fn::GetAtt` name (`Endpoint.Address`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Each property type's prose, by its name in the schema's `definitions`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub definitions: BTreeMap<String, DefinitionProse>,
    /// The type's description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Each property's description, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    /// Whether the type holds data that replacing or deleting it loses.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stateful: bool,
}

/// The prose of one property type. Fields in alphabetical order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct DefinitionProse {
    /// The property type's description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Each property's description, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// The vendored prose of every resource type.
#[derive(Debug, Serialize, Deserialize)]
pub struct Prose {
    /// Where it comes from.
    pub source: Source,
    /// Each type's prose, by type name.
    pub types: BTreeMap<String, TypeProse>,
    /// The prose of a type the package does not describe.
    #[serde(skip)]
    none: TypeProse,
}

impl Prose {
    /// Reads the vendored prose.
    pub fn load(path: &Path) -> Result<Prose> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut text)
            .with_context(|| format!("cannot decompress {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not kumo's prose file", path.display()))
    }

    /// The prose of a type, empty for a type the package does not describe.
    pub fn of(&self, type_name: &str) -> &TypeProse {
        self.types.get(type_name).unwrap_or(&self.none)
    }
}

/// Downloads `@aws-cdk/aws-service-spec` `version` with `npm pack` and vendors its prose and
/// licence.
pub fn vendor_from_npm(version: &str, npm: &str) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut command = Command::new(npm);
    command
        .args(["pack", "--silent", "--pack-destination"])
        .arg(dir.path())
        .arg(format!("{PACKAGE}@{version}"))
        .stdout(Stdio::null());
    process::run(&mut command, NPM_TIMEOUT)
        .with_context(|| format!("npm could not fetch {PACKAGE}@{version}"))?;
    let tarball = std::fs::read_dir(dir.path())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|e| e == "tgz"))
        .with_context(|| format!("npm pack wrote no tarball of {PACKAGE}@{version}"))?;
    let files = unpack(&tarball)?;
    let (Some(db), Some(licence)) = (files.get("db.json.gz"), files.get("LICENSE")) else {
        bail!("{PACKAGE}@{version} lacks db.json.gz or LICENSE");
    };
    let mut text = String::new();
    flate2::read::GzDecoder::new(db.as_slice())
        .read_to_string(&mut text)
        .context("cannot decompress db.json.gz")?;
    let db: Value = serde_json::from_str(&text).context("db.json.gz is not JSON")?;
    let prose = Prose {
        source: Source {
            licence: "Apache-2.0 (see service-spec.LICENSE)".to_owned(),
            package: format!("{PACKAGE} (npm)"),
            path: "db.json.gz".to_owned(),
            version: version.to_owned(),
        },
        types: extract(&db)?,
        none: TypeProse::default(),
    };
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(serde_json::to_string(&prose)?.as_bytes())?;
    let out = vendored_path();
    std::fs::write(&out, encoder.finish()?)
        .with_context(|| format!("cannot write {}", out.display()))?;
    let mut notice = licence.clone();
    if let Some(extra) = files.get("NOTICE") {
        notice.extend_from_slice(b"\n\nNOTICE\n\n");
        notice.extend_from_slice(extra);
    }
    std::fs::write(licence_path(), notice)?;
    Ok(())
}

/// The files of an npm tarball that kumo keeps (`db.json.gz`, `LICENSE`, `NOTICE`), by name.
fn unpack(tarball: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let file = std::fs::File::open(tarball)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files = BTreeMap::new();
    for entry in archive.entries().context("cannot read the npm tarball")? {
        let mut entry = entry?;
        let path = entry.path()?.to_string_lossy().into_owned();
        let Some(name) = path.strip_prefix("package/") else {
            continue;
        };
        if ["db.json.gz", "LICENSE", "NOTICE"].contains(&name) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            files.insert(name.to_owned(), bytes);
        }
    }
    Ok(files)
}

/// The prose kumo uses, from the package's database: its `resource` and `typeDefinition`
/// entities, linked by the `usesType` relation.
fn extract(db: &Value) -> Result<BTreeMap<String, TypeProse>> {
    let schema = &db["schema"];
    let Some(resources) = schema["resource"]["entities"].as_array() else {
        bail!("db.json.gz has no resource entities");
    };
    let definitions: BTreeMap<&str, &Value> = schema["typeDefinition"]["entities"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| Some((d["$id"].as_str()?, d)))
        .collect();
    let uses = &schema["usesType"]["forward"];
    let mut types = BTreeMap::new();
    for resource in resources {
        let Some(type_name) = resource["cloudFormationType"].as_str() else {
            continue;
        };
        let id = resource["$id"].as_str().unwrap_or_default();
        let mut prose = TypeProse {
            attributes: documented(&resource["attributes"]),
            definitions: BTreeMap::new(),
            description: text(&resource["documentation"]),
            properties: documented(&resource["properties"]),
            stateful: resource["isStateful"].as_bool() == Some(true),
        };
        for used in uses[id].as_array().into_iter().flatten() {
            let Some(definition) = used["$id"].as_str().and_then(|id| definitions.get(id)) else {
                continue;
            };
            let Some(name) = definition["name"].as_str() else {
                continue;
            };
            let found = DefinitionProse {
                description: text(&definition["documentation"]),
                properties: documented(&definition["properties"]),
            };
            if !found.description.is_empty() || !found.properties.is_empty() {
                prose.definitions.entry(name.to_owned()).or_insert(found);
            }
        }
        types.insert(type_name.to_owned(), prose);
    }
    Ok(types)
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().trim().to_owned()
}

/// The non-empty `documentation` of each member of an object, by name.
fn documented(members: &Value) -> BTreeMap<String, String> {
    members
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, member)| (name.clone(), text(&member["documentation"])))
        .filter(|(_, doc)| !doc.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn extracts_types_properties_attributes_and_property_types() {
        let db = json!({"schema": {
            "resource": {"entities": [{
                "$id": "1",
                "cloudFormationType": "AWS::S3::Bucket",
                "documentation": " A bucket. ",
                "isStateful": true,
                "properties": {"BucketName": {"documentation": "Its name."}, "Bare": {}},
                "attributes": {"Arn": {"documentation": "Its ARN."}}
            }, {
                "$id": "3",
                "cloudFormationType": "AWS::SNS::Topic",
                "documentation": "A topic.",
                "properties": {},
                "attributes": {}
            }]},
            "typeDefinition": {"entities": [
                {"$id": "2", "name": "Rule", "documentation": "A rule.",
                 "properties": {"Id": {"documentation": "Its ID."}}}
            ]},
            "usesType": {"forward": {"1": [{"$id": "2"}, {"$id": "9"}]}}
        }});
        let types = extract(&db).unwrap();
        let bucket = &types["AWS::S3::Bucket"];
        assert_eq!(bucket.description, "A bucket.");
        assert!(bucket.stateful);
        assert_eq!(
            bucket.properties,
            BTreeMap::from([("BucketName".into(), "Its name.".into())])
        );
        assert_eq!(bucket.attributes["Arn"], "Its ARN.");
        assert_eq!(bucket.definitions["Rule"].description, "A rule.");
        assert_eq!(bucket.definitions["Rule"].properties["Id"], "Its ID.");
        assert!(!types["AWS::SNS::Topic"].stateful);
        let written = serde_json::to_string(&types["AWS::SNS::Topic"]).unwrap();
        assert_eq!(written, r#"{"description":"A topic."}"#);
    }

    #[test]
    fn a_database_without_resources_is_an_error() {
        assert!(extract(&json!({"schema": {}})).is_err());
    }
}
