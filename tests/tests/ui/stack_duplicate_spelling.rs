use kumo_core::resources::sqs;
use kumo_core::stack;

stack! {
    pub Probe(service = "probe") {
        let jobs = sqs::Queue::new();
        let r#jobs = sqs::Queue::new().delay_seconds(5);
        output url = jobs.r#ref();
        output URL = jobs.arn();
    }
}

fn main() {}
