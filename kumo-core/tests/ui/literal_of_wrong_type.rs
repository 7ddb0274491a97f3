// `FifoQueue` is a boolean, not a string.
use kumo_core::resources::sqs::Queue;

fn main() {
    let _ = Queue::new().fifo_queue("yes");
}
