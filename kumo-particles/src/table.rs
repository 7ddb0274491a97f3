//! A DynamoDB table.

use kumo_core::iam::Statement;
use kumo_core::intrinsic::sub;
use kumo_core::resources::dynamodb::{self, table as props};
use kumo_core::typed::{Attributes, Handle};
use kumo_core::{particle, DeletionPolicy, Grant, Scope, UpdateReplacePolicy, Value};

/// A table made by [`table()`]: its handle and the permissions it offers.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table.
    pub handle: Handle<dynamodb::Table>,
    read: Grant,
    write: Grant,
}

impl Table {
    /// The table's ARN.
    pub fn arn(&self) -> Value<String> {
        self.handle.arn()
    }

    /// The table's name.
    pub fn name(&self) -> Value<String> {
        self.handle.r#ref()
    }

    /// Reading items, querying and scanning (the table and its indexes).
    pub fn read(&self) -> Grant {
        self.read.clone()
    }

    /// Writing and deleting items.
    pub fn write(&self) -> Grant {
        self.write.clone()
    }
}

/// An on-demand table keyed by the string attributes `partition_key` (and `sort_key`), encrypted,
/// with point-in-time recovery and deletion protection, and kept when the stack deletes or
/// replaces it.
#[particle]
pub fn table(
    scope: &mut Scope,
    partition_key: String,
    #[default] sort_key: Option<String>,
) -> Table {
    let mut keys = vec![props::KeySchema::new(partition_key.clone(), "HASH")];
    let mut attributes = vec![props::AttributeDefinition::new(
        partition_key,
        props::AttributeType::S,
    )];
    if let Some(sort_key) = sort_key {
        keys.push(props::KeySchema::new(sort_key.clone(), "RANGE"));
        attributes.push(props::AttributeDefinition::new(
            sort_key,
            props::AttributeType::S,
        ));
    }
    let name = scope.physical_name("AWS::DynamoDB::Table", "table");
    let handle = scope.add(
        "table",
        dynamodb::Table::new(keys)
            .table_name(name)
            .attribute_definitions(attributes)
            .billing_mode("PAY_PER_REQUEST")
            .sse_specification(props::SseSpecification::new(true))
            .point_in_time_recovery_specification(
                props::PointInTimeRecoverySpecification::new().point_in_time_recovery_enabled(true),
            )
            .deletion_protection_enabled(true)
            .deletion_policy(DeletionPolicy::Retain)
            .update_replace_policy(UpdateReplacePolicy::Retain),
    );
    let indexes = sub(&format!("${{{}.Arn}}/index/*", handle.logical_id()));
    let read = scope.grant(
        "read",
        [Statement::allow()
            .actions([
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:DescribeTable",
            ])
            .resources([handle.arn(), indexes])],
    );
    let write = scope.grant(
        "write",
        [Statement::allow()
            .actions([
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
            ])
            .resource(handle.arn())],
    );
    Table {
        handle,
        read,
        write,
    }
}
