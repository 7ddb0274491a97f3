use kumo_core::iam::PolicyDocument;
use kumo_core::resources::sqs;
use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        let policy = sqs::QueuePolicy::new(PolicyDocument::new());
    }
}

fn main() {}
