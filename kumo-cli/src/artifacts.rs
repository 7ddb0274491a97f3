//! The artifact bucket: where templates too large to send inline, nested stacks' templates and
//! bundled assets go, each
//! under a key named by its content hash, so that what is there already is never uploaded again.

use std::io::Write;
use std::path::Path;

use aws_sdk_s3::primitives::ByteStream;
use kumo_core::asset::Asset;
use kumo_core::naming::stable_hash;
use kumo_core::nested::NestedTemplate;

use crate::aws::aws_error;
use crate::bundle::bundle;
use crate::error::CliError;

/// The artifact bucket `--local` uses unless one is configured; kumo creates it in the emulator.
pub const LOCAL_BUCKET: &str = "kumo-local-artifacts";

/// How a template reaches CloudFormation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// In the request (`TemplateBody`).
    Body(String),
    /// From the artifact bucket (`TemplateURL`).
    Url(String),
}

/// The artifact bucket of a deploy.
pub struct Artifacts<'a> {
    client: aws_sdk_s3::Client,
    bucket: &'a str,
    region: String,
}

impl<'a> Artifacts<'a> {
    /// The bucket `bucket` through `client`, in `region` (for template URLs). With `create`
    /// (the local emulator) a missing bucket is made; otherwise it is an error.
    pub async fn open(
        client: aws_sdk_s3::Client,
        bucket: &'a str,
        region: String,
        create: bool,
    ) -> Result<Artifacts<'a>, CliError> {
        let exists = match client.head_bucket().bucket(bucket).send().await {
            Ok(_) => true,
            Err(err) if err.as_service_error().is_some_and(|e| e.is_not_found()) => false,
            Err(err) => {
                return Err(aws_error(
                    &format!("reaching artifact bucket {bucket}"),
                    err,
                ))
            }
        };
        if !exists {
            if !create {
                return Err(CliError::Artifacts(format!(
                    "artifact bucket {bucket} does not exist; create it or set another with artifact-bucket in kumo.toml or --artifact-bucket"
                )));
            }
            client
                .create_bucket()
                .bucket(bucket)
                .send()
                .await
                .map_err(|err| aws_error(&format!("creating artifact bucket {bucket}"), err))?;
        }
        Ok(Artifacts {
            client,
            bucket,
            region,
        })
    }

    /// Uploads `key` unless it is there (or `force`); returns whether it uploaded.
    async fn put(&self, key: &str, bytes: Vec<u8>, force: bool) -> Result<bool, CliError> {
        if !force && self.exists(key).await? {
            return Ok(false);
        }
        self.client
            .put_object()
            .bucket(self.bucket)
            .key(key)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|err| aws_error(&format!("uploading s3://{}/{key}", self.bucket), err))?;
        Ok(true)
    }

    async fn exists(&self, key: &str) -> Result<bool, CliError> {
        match self
            .client
            .head_object()
            .bucket(self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(false),
            Err(err) => Err(aws_error(
                &format!("reading s3://{}/{key}", self.bucket),
                err,
            )),
        }
    }

    /// Uploads a template under `templates/{hash}.json` and returns its URL for CloudFormation.
    pub async fn template(&self, body: &str) -> Result<TemplateSource, CliError> {
        let key = format!("templates/{}.json", stable_hash(body, 32));
        self.put(&key, body.as_bytes().to_vec(), false).await?;
        Ok(TemplateSource::Url(template_url(
            self.bucket,
            &self.region,
            &key,
        )))
    }

    /// Uploads the template of a nested stack under its key (`nested/{hash}.json`) unless the
    /// bucket has it; returns whether it uploaded.
    pub async fn nested(&self, nested: &NestedTemplate) -> Result<bool, CliError> {
        self.put(&nested.key(), nested.body().as_bytes().to_vec(), false)
            .await
    }

    /// Bundles `asset` into `build_dir` and uploads it under its key unless the bucket has it
    /// (or `force`). Says what it did on `out`.
    pub async fn asset(
        &self,
        asset: &Asset,
        build_dir: &Path,
        force: bool,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let path = bundle(asset, build_dir, force)?;
        let bytes = std::fs::read(&path).map_err(|err| CliError::State {
            path: path.clone(),
            message: err.to_string(),
        })?;
        let size = bytes.len();
        let key = asset.key();
        let line = if self.put(&key, bytes, force).await? {
            format!(
                "  uploaded {} ({size} bytes) to s3://{}/{key}",
                asset.directory().display(),
                self.bucket
            )
        } else {
            format!("  {} unchanged", asset.directory().display())
        };
        writeln!(out, "{line}").map_err(CliError::Stdout)
    }
}

/// The path-style URL of `key` in `bucket`, which CloudFormation reads templates from (and
/// which an emulator on a custom endpoint maps back to its own bucket).
fn template_url(bucket: &str, region: &str, key: &str) -> String {
    let host = if region == "us-east-1" {
        "s3.amazonaws.com".to_owned()
    } else {
        format!("s3.{region}.amazonaws.com")
    };
    format!("https://{host}/{bucket}/{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_urls_are_path_style_and_regional() {
        assert_eq!(
            template_url("b", "us-east-1", "templates/x.json"),
            "https://s3.amazonaws.com/b/templates/x.json"
        );
        assert_eq!(
            template_url("b", "eu-west-1", "templates/x.json"),
            "https://s3.eu-west-1.amazonaws.com/b/templates/x.json"
        );
    }
}
