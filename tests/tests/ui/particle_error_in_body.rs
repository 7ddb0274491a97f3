use kumo_core::resources::sqs;
use kumo_core::{particle, Scope};

#[particle]
pub fn queue(scope: &mut Scope, #[default(30)] visibility_timeout: i64) {
    scope.add("queue", sqs::Queue::new().queue_name(visibility_timeout));
}

fn main() {}
