use kumo_core::resources::sqs;
use kumo_core::stack;

stack! {
    pub Network(service = "network") {
        let queue = sqs::Queue::new();
        output queue_url = queue.r#ref(), export;
    }
}

stack! {
    pub Service(service = "service") {
        import queue = Network::QUEUE_URL, paramter;
    }
}

fn main() {}
