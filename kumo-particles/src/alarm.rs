//! An alarm on a metric.

use kumo_core::resources::cloudwatch::{self, alarm as props};
use kumo_core::typed::Handle;
use kumo_core::{particle, Scope, Value};

/// An alarm when the `statistic` of `namespace`/`metric_name` over `period` seconds is past
/// `threshold` (by `comparison`) for `evaluation_periods` periods, notifying `actions` (topic
/// ARNs); missing data is not breaching.
#[particle]
pub fn alarm(
    scope: &mut Scope,
    namespace: String,
    metric_name: String,
    threshold: f64,
    #[default] dimensions: Vec<(String, Value<String>)>,
    #[default(props::Statistic::Average)] statistic: props::Statistic,
    #[default(props::ComparisonOperator::GreaterThanThreshold)]
    comparison: props::ComparisonOperator,
    #[default(300)] period: i64,
    #[default(1)] evaluation_periods: i64,
    #[default] actions: Vec<Value<String>>,
) -> Handle<cloudwatch::Alarm> {
    let mut alarm = cloudwatch::Alarm::new()
        .namespace(namespace)
        .metric_name(metric_name)
        .statistic(statistic)
        .comparison_operator(comparison)
        .threshold(threshold)
        .period(period)
        .evaluation_periods(evaluation_periods)
        .treat_missing_data(props::TreatMissingData::NotBreaching);
    if !dimensions.is_empty() {
        alarm = alarm.dimensions(
            dimensions
                .into_iter()
                .map(|(name, value)| props::Dimension::new(name, value))
                .collect::<Vec<_>>(),
        );
    }
    if !actions.is_empty() {
        alarm = alarm.alarm_actions(actions);
    }
    scope.add("alarm", alarm)
}
