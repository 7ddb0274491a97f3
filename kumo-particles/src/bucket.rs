//! A private, encrypted, versioned bucket.

use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::intrinsic::sub;
use kumo_core::resources::s3::{self, bucket as props};
use kumo_core::typed::{Attributes, Handle};
use kumo_core::{particle, DeletionPolicy, Grant, Scope, UpdateReplacePolicy, Value};

/// A bucket made by [`bucket()`]: its handle and the permissions it offers.
#[derive(Debug, Clone)]
pub struct Bucket {
    /// The bucket.
    pub handle: Handle<s3::Bucket>,
    read: Grant,
    write: Grant,
}

impl Bucket {
    /// The bucket's ARN.
    pub fn arn(&self) -> Value<String> {
        self.handle.arn()
    }

    /// The bucket's name.
    pub fn name(&self) -> Value<String> {
        self.handle.r#ref()
    }

    /// Reading objects and listing the bucket.
    pub fn read(&self) -> Grant {
        self.read.clone()
    }

    /// Writing and deleting objects.
    pub fn write(&self) -> Grant {
        self.write.clone()
    }
}

/// A private bucket: KMS-encrypted (with a bucket key), public access blocked, versioned with
/// noncurrent versions expiring after `noncurrent_days`, plain HTTP refused, and kept when the
/// stack deletes or replaces it.
#[particle]
pub fn bucket(
    scope: &mut Scope,
    #[default(true)] versioned: bool,
    #[default(90)] noncurrent_days: Value<i64>,
) -> Bucket {
    let status = if versioned {
        props::VersioningConfigurationStatus::Enabled
    } else {
        props::VersioningConfigurationStatus::Suspended
    };
    let handle = scope.add(
        "bucket",
        s3::Bucket::new()
            .bucket_encryption(props::BucketEncryption::new([
                props::ServerSideEncryptionRule::new()
                    .server_side_encryption_by_default(props::ServerSideEncryptionByDefault::new(
                        props::SseAlgorithm::AwsKms,
                    ))
                    .bucket_key_enabled(true),
            ]))
            .public_access_block_configuration(
                props::PublicAccessBlockConfiguration::new()
                    .block_public_acls(true)
                    .block_public_policy(true)
                    .ignore_public_acls(true)
                    .restrict_public_buckets(true),
            )
            .ownership_controls(props::OwnershipControls::new([
                props::OwnershipControlsRule::new()
                    .object_ownership(props::ObjectOwnership::BucketOwnerEnforced),
            ]))
            .versioning_configuration(props::VersioningConfiguration::new(status))
            .lifecycle_configuration(props::LifecycleConfiguration::new([props::Rule::new(
                props::RuleStatus::Enabled,
            )
            .id("expire-noncurrent-versions")
            .noncurrent_version_expiration(props::NoncurrentVersionExpiration::new(noncurrent_days))
            .abort_incomplete_multipart_upload(props::AbortIncompleteMultipartUpload::new(7))]))
            .deletion_policy(DeletionPolicy::Retain)
            .update_replace_policy(UpdateReplacePolicy::Retain),
    );
    let objects = sub(&format!("${{{}.Arn}}/*", handle.logical_id()));
    scope.add(
        "policy",
        s3::BucketPolicy::new(
            handle.r#ref(),
            PolicyDocument::new().statement(
                Statement::deny()
                    .sid("DenyPlainHttp")
                    .principal(Principal::any())
                    .action("s3:*")
                    .resources([handle.arn(), objects.clone()])
                    .condition("Bool", "aws:SecureTransport", ["false"]),
            ),
        ),
    );
    let read = scope.grant(
        "read",
        [
            Statement::allow()
                .action("s3:GetObject")
                .resource(objects.clone()),
            Statement::allow()
                .action("s3:ListBucket")
                .resource(handle.arn()),
        ],
    );
    let write = scope.grant(
        "write",
        [Statement::allow()
            .actions(["s3:PutObject", "s3:DeleteObject"])
            .resource(objects)],
    );
    Bucket {
        handle,
        read,
        write,
    }
}
