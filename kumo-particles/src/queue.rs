//! A queue with its dead-letter queue.

use kumo_core::iam::Statement;
use kumo_core::resources::sqs;
use kumo_core::typed::Handle;
use kumo_core::{particle, Grant, Scope, Value};

/// A queue made by [`queue()`]: the queue, its dead-letter queue and the permissions it offers.
#[derive(Debug, Clone)]
pub struct Queue {
    /// The queue.
    pub handle: Handle<sqs::Queue>,
    /// Where messages go after `max_receive_count` failed receives.
    pub dead_letters: Handle<sqs::Queue>,
    send: Grant,
    consume: Grant,
}

impl Queue {
    /// The queue's ARN.
    pub fn arn(&self) -> Value<String> {
        self.handle.arn()
    }

    /// The queue's URL.
    pub fn url(&self) -> Value<String> {
        self.handle.r#ref()
    }

    /// Sending messages.
    pub fn send(&self) -> Grant {
        self.send.clone()
    }

    /// Receiving and deleting messages.
    pub fn consume(&self) -> Grant {
        self.consume.clone()
    }
}

/// An SQS-encrypted queue whose messages move to an encrypted dead-letter queue (kept 14 days)
/// after `max_receive_count` failed receives.
#[particle]
pub fn queue(
    scope: &mut Scope,
    #[default(30)] visibility_timeout: i64,
    #[default(4)] retention_days: i64,
    #[default(5)] max_receive_count: i64,
) -> Queue {
    let dead_letters_name = scope.physical_name("AWS::SQS::Queue", "dlq");
    let dead_letters = scope.add(
        "dlq",
        sqs::Queue::new()
            .queue_name(dead_letters_name)
            .sqs_managed_sse_enabled(true)
            .message_retention_period(14 * 86_400),
    );
    let name = scope.physical_name("AWS::SQS::Queue", "queue");
    let handle = scope.add(
        "queue",
        sqs::Queue::new()
            .queue_name(name)
            .sqs_managed_sse_enabled(true)
            .visibility_timeout(visibility_timeout)
            .message_retention_period(retention_days * 86_400)
            .redrive_policy(
                sqs::queue::RedrivePolicy::new()
                    .dead_letter_target_arn(dead_letters.arn())
                    .max_receive_count(max_receive_count),
            ),
    );
    let send = scope.grant(
        "send",
        [Statement::allow()
            .action("sqs:SendMessage")
            .resource(handle.arn())],
    );
    let consume = scope.grant(
        "consume",
        [Statement::allow()
            .actions([
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
            ])
            .resource(handle.arn())],
    );
    Queue {
        handle,
        dead_letters,
        send,
        consume,
    }
}
