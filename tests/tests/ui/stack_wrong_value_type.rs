use kumo_core::resources::sqs;
use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        param queue_name: String = "jobs";
        let jobs = sqs::Queue::new().visibility_timeout(queue_name);
    }
}

fn main() {}
