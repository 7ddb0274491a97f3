// `FifoQueue` is a boolean; a `"true"`/`"false"` string parameter needs `.to_bool()`.
use kumo_core::intrinsic::reference;
use kumo_core::resources::sqs::Queue;

fn main() {
    let _ = Queue::new().fifo_queue(reference::<String>("Fifo"));
}
