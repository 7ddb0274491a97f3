//! The media-services squad's particles: what one team builds on top of `kumo-particles` and
//! ships as its own crate.

use kumo_core::resources::lambda;
use kumo_core::typed::Handle;
use kumo_core::{particle, Grant, Scope};
use kumo_particles::{Code, Function, Queue, Topic};

/// A worker made by [`worker()`]: its function, and the alarm on its errors if it notifies a
/// topic.
#[derive(Debug, Clone)]
pub struct Worker {
    /// The worker's function.
    pub function: Function,
    /// The alarm on the function's errors, when the worker notifies a topic.
    pub errors_alarm: Option<Handle<kumo_core::resources::cloudwatch::Alarm>>,
}

/// A Python Lambda worker running `code`, allowed what `reads` grant, fed by `consumes` (a
/// queue, in batches of `batch_size`), publishing to `notifies` (whose ARN it gets as
/// `ALERTS_TOPIC_ARN`), which an alarm also notifies when the worker fails.
#[particle]
pub fn worker(
    scope: &mut Scope,
    code: Code,
    #[default] reads: Vec<Grant>,
    #[default] consumes: Option<Queue>,
    #[default] notifies: Option<Topic>,
    #[default(10)] batch_size: i64,
    #[default(120)] timeout_seconds: i64,
) -> Worker {
    let mut grants = reads;
    let mut environment = std::collections::BTreeMap::new();
    if let Some(queue) = &consumes {
        grants.push(queue.consume());
    }
    if let Some(topic) = &notifies {
        grants.push(topic.publish());
        environment.insert("ALERTS_TOPIC_ARN".to_owned(), topic.arn());
    }
    let function = kumo_particles::function(code)
        .timeout_seconds(timeout_seconds)
        .memory_mb(512)
        .environment(environment)
        .grants(grants)
        .add(scope, "lambda");
    if let Some(queue) = consumes {
        scope.add(
            "jobs",
            lambda::EventSourceMapping::new(function.handle.r#ref())
                .event_source_arn(queue.arn())
                .batch_size(batch_size),
        );
    }
    let errors_alarm = notifies.map(|topic| {
        kumo_particles::alarm("AWS/Lambda".to_owned(), "Errors".to_owned(), 0.0)
            .dimensions(vec![("FunctionName".to_owned(), function.handle.r#ref())])
            .statistic(kumo_core::resources::cloudwatch::alarm::Statistic::Sum)
            .actions(vec![topic.arn()])
            .add(scope, "errors")
    });
    Worker {
        function,
        errors_alarm,
    }
}
