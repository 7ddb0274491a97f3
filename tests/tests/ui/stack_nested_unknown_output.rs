use kumo_core::resources::sqs;
use kumo_core::stack;

stack! {
    pub Network(service = "network") {
        let jobs = sqs::Queue::new();
        output jobs_url = jobs.r#ref();
    }
}

stack! {
    pub App(service = "app") {
        nested net = Network;
        output vpc = net.output(Network::VPC_ID);
    }
}

fn main() {}
