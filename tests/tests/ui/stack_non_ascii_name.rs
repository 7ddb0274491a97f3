use kumo_core::resources::sqs;
use kumo_core::stack;

stack! {
    pub Probe(service = "probe") {
        param größe: i64 = 3;
        let warteschlange = sqs::Queue::new().delay_seconds(größe);
    }
}

fn main() {}
