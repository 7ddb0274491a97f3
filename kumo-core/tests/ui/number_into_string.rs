// `QueueName` is a string; a `Number` parameter's `Ref` needs `.to_text()`.
use kumo_core::intrinsic::reference;
use kumo_core::resources::sqs::Queue;

fn main() {
    let _ = Queue::new().queue_name(reference::<i64>("Suffix"));
}
