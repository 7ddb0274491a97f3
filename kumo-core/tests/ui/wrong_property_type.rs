// `RedrivePolicy` takes its own property type, not a tag.
use kumo_core::resources::sqs::{queue, Queue};

fn main() {
    let _ = Queue::new().redrive_policy(queue::Tag::new("team", "media"));
}
