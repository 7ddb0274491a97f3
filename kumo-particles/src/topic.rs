//! A topic with its subscriptions.

use kumo_core::iam::Statement;
use kumo_core::naming::stable_hash;
use kumo_core::resources::sns;
use kumo_core::typed::Handle;
use kumo_core::{particle, Grant, Scope, Value};

/// A topic made by [`topic()`]: its handle and the permission to publish.
#[derive(Debug, Clone)]
pub struct Topic {
    /// The topic.
    pub handle: Handle<sns::Topic>,
    publish: Grant,
}

impl Topic {
    /// The topic's ARN.
    pub fn arn(&self) -> Value<String> {
        self.handle.r#ref()
    }

    /// Publishing messages.
    pub fn publish(&self) -> Grant {
        self.publish.clone()
    }
}

/// Where a topic delivers: a protocol and an endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    protocol: &'static str,
    endpoint: Value<String>,
}

impl Subscription {
    /// Mail to an address (the owner confirms it).
    pub fn email(address: impl Into<Value<String>>) -> Self {
        Subscription {
            protocol: "email",
            endpoint: address.into(),
        }
    }

    /// Messages into a queue, by ARN.
    pub fn sqs(queue_arn: impl Into<Value<String>>) -> Self {
        Subscription {
            protocol: "sqs",
            endpoint: queue_arn.into(),
        }
    }

    /// Invocations of a Lambda function, by ARN.
    pub fn lambda(function_arn: impl Into<Value<String>>) -> Self {
        Subscription {
            protocol: "lambda",
            endpoint: function_arn.into(),
        }
    }

    /// POSTs to an HTTPS URL.
    pub fn https(url: impl Into<Value<String>>) -> Self {
        Subscription {
            protocol: "https",
            endpoint: url.into(),
        }
    }
}

/// An SNS topic encrypted with the AWS-managed key, named `name` (a parameter's `Ref`, say)
/// or after the stack, with `subscriptions`.
#[particle]
pub fn topic(
    scope: &mut Scope,
    #[default] name: Option<Value<String>>,
    #[default] subscriptions: Vec<Subscription>,
) -> Topic {
    let name = name.unwrap_or_else(|| scope.physical_name("AWS::SNS::Topic", "topic").into());
    let handle = scope.add(
        "topic",
        sns::Topic::new()
            .topic_name(name)
            .kms_master_key_id("alias/aws/sns"),
    );
    for subscription in subscriptions {
        // Named by what it delivers to, not by its position, so reordering changes nothing.
        let key = format!(
            "{}:{}",
            subscription.protocol,
            subscription.endpoint.as_json()
        );
        scope.add(
            &format!("subscription-{}", stable_hash(&key, 8)),
            sns::Subscription::new(subscription.protocol, handle.r#ref())
                .endpoint(subscription.endpoint),
        );
    }
    let publish = scope.grant(
        "publish",
        [Statement::allow()
            .action("sns:Publish")
            .resource(handle.r#ref())],
    );
    Topic { handle, publish }
}
