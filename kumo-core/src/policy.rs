//! Typed `CreationPolicy` and `UpdatePolicy` resource attributes.
//!
//! Each is given to [`crate::typed::Attributes::creation_policy`] or
//! [`crate::typed::Attributes::update_policy`] (which keep taking raw JSON too). Values are
//! [`crate::Value`]s where CloudFormation takes intrinsics, so a parameter's `Ref` fits.
//!
//! ```
//! use kumo_core::intrinsic::reference;
//! use kumo_core::policy::{AutoScalingRollingUpdate, CreationPolicy, ResourceSignal, UpdatePolicy};
//!
//! let creation = CreationPolicy::new()
//!     .resource_signal(ResourceSignal::new().count(reference::<i64>("Size")).timeout("PT15M"));
//! let update = UpdatePolicy::new().auto_scaling_rolling_update(
//!     AutoScalingRollingUpdate::new()
//!         .max_batch_size(1)
//!         .min_instances_in_service(1)
//!         .pause_time("PT15M")
//!         .wait_on_resource_signals(true),
//! );
//! assert_eq!(
//!     serde_json::Value::from(creation),
//!     serde_json::json!({"ResourceSignal": {"Count": {"Ref": "Size"}, "Timeout": "PT15M"}})
//! );
//! assert_eq!(
//!     serde_json::Value::from(update)["AutoScalingRollingUpdate"]["PauseTime"],
//!     "PT15M"
//! );
//! ```

use crate::object::object;

object! {
    /// The `CreationPolicy` attribute: CloudFormation waits for success signals before it
    /// considers the resource created.
    CreationPolicy() {
        /// `AutoScalingCreationPolicy`: how many instances of an auto scaling group must signal.
        auto_scaling_creation_policy: "AutoScalingCreationPolicy": AutoScalingCreationPolicy;
        /// `ResourceSignal`: how many signals, within how long.
        resource_signal: "ResourceSignal": ResourceSignal;
    }
}

object! {
    /// `AutoScalingCreationPolicy` of a [`CreationPolicy`].
    AutoScalingCreationPolicy() {
        /// `MinSuccessfulInstancesPercent`: the share of instances that must signal success.
        min_successful_instances_percent: "MinSuccessfulInstancesPercent": i64;
    }
}

object! {
    /// `ResourceSignal` of a [`CreationPolicy`].
    ResourceSignal() {
        /// `Count`: the number of success signals to wait for (default 1).
        count: "Count": i64;
        /// `Timeout`: how long to wait, an ISO 8601 duration such as `PT15M` (default `PT5M`).
        timeout: "Timeout": String;
    }
}

object! {
    /// The `UpdatePolicy` attribute: how CloudFormation updates an auto scaling group, a Lambda
    /// alias, an OpenSearch domain or an ElastiCache replication group.
    UpdatePolicy() {
        /// `AutoScalingReplacingUpdate`: replace the whole group on update.
        auto_scaling_replacing_update: "AutoScalingReplacingUpdate": AutoScalingReplacingUpdate;
        /// `AutoScalingRollingUpdate`: replace instances in batches.
        auto_scaling_rolling_update: "AutoScalingRollingUpdate": AutoScalingRollingUpdate;
        /// `AutoScalingScheduledAction`: how scheduled actions and the group's sizes interact.
        auto_scaling_scheduled_action: "AutoScalingScheduledAction": AutoScalingScheduledAction;
        /// `CodeDeployLambdaAliasUpdate`: shift a Lambda alias's traffic through CodeDeploy.
        code_deploy_lambda_alias_update: "CodeDeployLambdaAliasUpdate": CodeDeployLambdaAliasUpdate;
        /// `EnableVersionUpgrade`: upgrade an OpenSearch or Elasticsearch domain in place.
        enable_version_upgrade: "EnableVersionUpgrade": bool;
        /// `UseOnlineResharding`: change an ElastiCache replication group's shards without
        /// replacing it.
        use_online_resharding: "UseOnlineResharding": bool;
    }
}

object! {
    /// `AutoScalingReplacingUpdate` of an [`UpdatePolicy`].
    AutoScalingReplacingUpdate() {
        /// `WillReplace`: whether the group is replaced.
        will_replace: "WillReplace": bool;
    }
}

object! {
    /// `AutoScalingRollingUpdate` of an [`UpdatePolicy`].
    AutoScalingRollingUpdate() {
        /// `MaxBatchSize`: the most instances replaced at a time.
        max_batch_size: "MaxBatchSize": i64;
        /// `MinActiveInstancesPercent`: the share of instances that must be in service.
        min_active_instances_percent: "MinActiveInstancesPercent": i64;
        /// `MinInstancesInService`: the fewest instances in service during the update.
        min_instances_in_service: "MinInstancesInService": i64;
        /// `MinSuccessfulInstancesPercent`: the share of instances that must signal success.
        min_successful_instances_percent: "MinSuccessfulInstancesPercent": i64;
        /// `PauseTime`: the pause after each batch, an ISO 8601 duration such as `PT5M`.
        pause_time: "PauseTime": String;
        /// `SuspendProcesses`: the auto scaling processes suspended during the update.
        suspend_processes: "SuspendProcesses": Vec<String>;
        /// `WaitOnResourceSignals`: whether each batch waits for success signals.
        wait_on_resource_signals: "WaitOnResourceSignals": bool;
    }
}

object! {
    /// `AutoScalingScheduledAction` of an [`UpdatePolicy`].
    AutoScalingScheduledAction() {
        /// `IgnoreUnmodifiedGroupSizeProperties`: keep the sizes scheduled actions set when the
        /// template's sizes did not change.
        ignore_unmodified_group_size_properties: "IgnoreUnmodifiedGroupSizeProperties": bool;
    }
}

object! {
    /// `CodeDeployLambdaAliasUpdate` of an [`UpdatePolicy`].
    CodeDeployLambdaAliasUpdate(
        application_name: "ApplicationName": String,
        deployment_group_name: "DeploymentGroupName": String,
    ) {
        /// `AfterAllowTrafficHook`: the function run after traffic shifts.
        after_allow_traffic_hook: "AfterAllowTrafficHook": String;
        /// `BeforeAllowTrafficHook`: the function run before traffic shifts.
        before_allow_traffic_hook: "BeforeAllowTrafficHook": String;
    }
}

#[cfg(test)]
mod tests {
    //! The JSON forms of the CloudFormation `CreationPolicy` and `UpdatePolicy` references.

    use serde_json::json;

    use super::*;
    use crate::intrinsic::reference;
    use crate::Json;

    #[test]
    fn creation_policy_form() {
        let policy = CreationPolicy::new()
            .auto_scaling_creation_policy(
                AutoScalingCreationPolicy::new().min_successful_instances_percent(80),
            )
            .resource_signal(ResourceSignal::new().count(3).timeout("PT15M"));
        assert_eq!(
            Json::from(policy),
            json!({
                "AutoScalingCreationPolicy": {"MinSuccessfulInstancesPercent": 80},
                "ResourceSignal": {"Count": 3, "Timeout": "PT15M"}
            })
        );
    }

    #[test]
    fn update_policy_form() {
        let policy = UpdatePolicy::new()
            .auto_scaling_replacing_update(AutoScalingReplacingUpdate::new().will_replace(true))
            .auto_scaling_rolling_update(
                AutoScalingRollingUpdate::new()
                    .max_batch_size(2)
                    .min_active_instances_percent(50)
                    .min_instances_in_service(reference::<i64>("MinSize"))
                    .min_successful_instances_percent(100)
                    .pause_time("PT5M")
                    .suspend_processes(["HealthCheck", "AlarmNotification"])
                    .wait_on_resource_signals(true),
            )
            .auto_scaling_scheduled_action(
                AutoScalingScheduledAction::new().ignore_unmodified_group_size_properties(true),
            )
            .code_deploy_lambda_alias_update(
                CodeDeployLambdaAliasUpdate::new(reference("App"), "group")
                    .after_allow_traffic_hook("After")
                    .before_allow_traffic_hook("Before"),
            )
            .enable_version_upgrade(true)
            .use_online_resharding(false);
        assert_eq!(
            Json::from(policy),
            json!({
                "AutoScalingReplacingUpdate": {"WillReplace": true},
                "AutoScalingRollingUpdate": {
                    "MaxBatchSize": 2,
                    "MinActiveInstancesPercent": 50,
                    "MinInstancesInService": {"Ref": "MinSize"},
                    "MinSuccessfulInstancesPercent": 100,
                    "PauseTime": "PT5M",
                    "SuspendProcesses": ["HealthCheck", "AlarmNotification"],
                    "WaitOnResourceSignals": true
                },
                "AutoScalingScheduledAction": {"IgnoreUnmodifiedGroupSizeProperties": true},
                "CodeDeployLambdaAliasUpdate": {
                    "AfterAllowTrafficHook": "After",
                    "ApplicationName": {"Ref": "App"},
                    "BeforeAllowTrafficHook": "Before",
                    "DeploymentGroupName": "group"
                },
                "EnableVersionUpgrade": true,
                "UseOnlineResharding": false
            })
        );
    }

    #[test]
    fn attributes_take_typed_policies_and_json() {
        use crate::custom::CustomResource;
        use crate::typed::{Attributes, ResourceType};
        let typed = CustomResource::new("Custom::Wait", "arn")
            .creation_policy(CreationPolicy::new().resource_signal(ResourceSignal::new().count(2)))
            .update_policy(UpdatePolicy::new().enable_version_upgrade(true));
        let raw = CustomResource::new("Custom::Wait", "arn")
            .creation_policy(json!({"ResourceSignal": {"Count": 2}}))
            .update_policy(json!({"EnableVersionUpgrade": true}));
        assert_eq!(typed, raw);
        let attributes: Vec<_> = typed.resource().json_attributes().map(|(n, _)| n).collect();
        assert_eq!(attributes, ["CreationPolicy", "UpdatePolicy"]);
    }

    #[test]
    fn empty_policies_are_empty_objects() {
        assert_eq!(Json::from(CreationPolicy::default()), json!({}));
        assert_eq!(Json::from(UpdatePolicy::default()), json!({}));
    }
}
