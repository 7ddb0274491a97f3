//! A Lambda function with its role and log group.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kumo_core::iam::Statement;
use kumo_core::resources::{lambda, logs};
use kumo_core::typed::{Attributes, Handle};
use kumo_core::{particle, Grant, Scope, Value};

use crate::role::service_role;

/// Where a function's code comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Code {
    /// Source inline in the template (Python or Node.js, up to 4 KB).
    Inline(String),
    /// A local directory, bundled into a deterministic zip and uploaded to the artifact bucket
    /// by `deploy` (see [`kumo_core::asset`]).
    Directory(PathBuf),
    /// A zip file already in S3.
    S3 {
        /// The bucket.
        bucket: Value<String>,
        /// The object key.
        key: Value<String>,
    },
}

impl Code {
    /// Inline source.
    pub fn inline(source: impl Into<String>) -> Self {
        Code::Inline(source.into())
    }

    /// A local directory to bundle, such as `concat!(env!("CARGO_MANIFEST_DIR"), "/lambda")`.
    pub fn directory(path: impl Into<PathBuf>) -> Self {
        Code::Directory(path.into())
    }

    /// A zip file in S3.
    pub fn s3(bucket: impl Into<Value<String>>, key: impl Into<Value<String>>) -> Self {
        Code::S3 {
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    fn into_property(self, scope: &mut Scope) -> lambda::function::Code {
        match self {
            Code::Inline(source) => lambda::function::Code::new().zip_file(source),
            Code::Directory(path) => {
                let location = scope.asset(path);
                lambda::function::Code::new()
                    .s3_bucket(location.bucket)
                    .s3_key(location.key)
            }
            Code::S3 { bucket, key } => lambda::function::Code::new().s3_bucket(bucket).s3_key(key),
        }
    }
}

/// A function made by [`function()`]: the function, its role and log group, and the permission
/// to invoke it.
#[derive(Debug, Clone)]
pub struct Function {
    /// The function.
    pub handle: Handle<lambda::Function>,
    /// The role it runs as.
    pub role: Handle<kumo_core::resources::iam::Role>,
    /// Where its logs go.
    pub log_group: Handle<logs::LogGroup>,
    invoke: Grant,
}

impl Function {
    /// The function's ARN.
    pub fn arn(&self) -> Value<String> {
        self.handle.arn()
    }

    /// Invoking the function.
    pub fn invoke(&self) -> Grant {
        self.invoke.clone()
    }
}

/// A Lambda function running `code`, with a role allowed what `grants` allow plus writing its
/// logs, and a log group that keeps them `log_retention_days`.
#[particle]
pub fn function(
    scope: &mut Scope,
    code: Code,
    #[default("index.handler".to_owned())] handler: String,
    #[default(lambda::function::Runtime::Python312)] runtime: lambda::function::Runtime,
    #[default(128)] memory_mb: i64,
    #[default(30)] timeout_seconds: i64,
    #[default] environment: BTreeMap<String, Value<String>>,
    #[default] grants: Vec<Grant>,
    #[default(30)] log_retention_days: i64,
) -> Function {
    let name = scope.physical_name("AWS::Lambda::Function", "function");
    let log_group = scope.add(
        "logs",
        logs::LogGroup::new()
            .log_group_name(format!("/aws/lambda/{name}"))
            .retention_in_days(log_retention_days),
    );
    let mut statements = grants;
    statements.push(Grant::new(
        "logs",
        [Statement::allow()
            .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
            .resource(log_group.arn())],
    ));
    let role = service_role(
        scope,
        "role",
        "lambda.amazonaws.com",
        &statements,
        Vec::new(),
    );
    let mut function = lambda::Function::new(code.into_property(scope), role.arn())
        .function_name(name)
        .handler(handler)
        .runtime(runtime)
        .memory_size(memory_mb)
        .timeout(timeout_seconds)
        .depends_on(log_group.logical_id());
    if !environment.is_empty() {
        function =
            function.environment(lambda::function::Environment::new().variables(environment));
    }
    let handle = scope.add("function", function);
    let invoke = scope.grant(
        "invoke",
        [Statement::allow()
            .action("lambda:InvokeFunction")
            .resource(handle.arn())],
    );
    Function {
        handle,
        role,
        log_group,
        invoke,
    }
}
