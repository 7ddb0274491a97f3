// A property the type does not have (here a typo of `QueueName`) does not compile.
use kumo_core::resources::sqs::Queue;

fn main() {
    let _ = Queue::new().queue_nmae("jobs");
}
