// `AWS::SQS::QueuePolicy` requires `PolicyDocument` and `Queues`: leaving one out does not compile.
use kumo_core::iam::PolicyDocument;
use kumo_core::resources::sqs::QueuePolicy;

fn main() {
    let _ = QueuePolicy::new(PolicyDocument::new());
}
