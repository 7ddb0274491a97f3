// `AWS::SQS::Queue` has `Arn` and `QueueUrl`, not `DomainName`.
use kumo_core::resources::sqs::Queue;
use kumo_core::Template;

fn main() {
    let mut template = Template::new();
    let queue = template.add("Jobs", Queue::new()).unwrap();
    let _ = queue.domain_name();
}
