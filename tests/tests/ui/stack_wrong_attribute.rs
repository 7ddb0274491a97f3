use kumo_core::resources::sqs;
use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        let jobs = sqs::Queue::new();
        output jobs_domain = jobs.domain_name();
    }
}

fn main() {}
