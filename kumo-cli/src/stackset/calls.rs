//! The CloudFormation calls of a stack set, each through the stack's [`Engine`] (its client,
//! whose requests have their timeouts, and its deadline for an operation): the stack set, its
//! instances, and waiting for an operation with each instance's progress.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_sdk_cloudformation::types::{
    AutoDeployment as SdkAutoDeployment, Capability as SdkCapability, DeploymentTargets, Parameter,
    PermissionModels, RegionConcurrencyType, StackSetOperationPreferences, StackSetOperationStatus,
    Tag,
};
use aws_sdk_cloudformation::Client;

use super::instances::{Batch, Instance, Overrides};
use super::settings::{Amount, Permission, RegionConcurrency, StackSetSettings};
use crate::artifacts::TemplateSource;
use crate::aws::aws_error;
use crate::changes::Capability;
use crate::engine::{parameter_values, poll_interval, tag_values, Engine, MAX_PAGES};
use crate::error::CliError;
use crate::interrupt::Guard;
use crate::ui::{Style, Ui};

/// A deployed stack set, as far as kumo compares it.
#[derive(Debug, Clone)]
pub struct DeployedSet {
    /// Its ARN: `arn:aws:cloudformation:{region}:{account}:stackset/{name}:{guid}`.
    pub arn: String,
    /// Its template, as submitted.
    pub template: String,
    /// Its parameter values.
    pub parameters: BTreeMap<String, String>,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// The administration role (self-managed).
    pub administration_role_arn: Option<String>,
    /// The execution role's name (self-managed).
    pub execution_role_name: Option<String>,
}

/// What a stack set is deployed with.
pub struct Submission<'a> {
    /// The template.
    pub source: &'a TemplateSource,
    /// Its capabilities.
    pub capabilities: &'a [Capability],
    /// Its parameter values.
    pub parameters: &'a BTreeMap<String, String>,
    /// Its tags.
    pub tags: &'a BTreeMap<String, String>,
}

/// The calls of the stack set named as the engine's stack.
pub struct StackSets<'a> {
    engine: &'a Engine<'a>,
    name: &'a str,
    settings: &'a StackSetSettings,
    ui: &'a Ui,
}

/// Whether CloudFormation answered that the stack set does not exist.
fn is_missing(err: &impl ProvideErrorMetadata) -> bool {
    err.code() == Some("StackSetNotFoundException")
}

fn sdk_parameters(values: &BTreeMap<String, String>) -> Vec<Parameter> {
    values
        .iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect()
}

impl<'a> StackSets<'a> {
    /// The calls of stack set `name`, with `settings`, through `engine`; progress printed with
    /// `ui`.
    pub fn new(
        engine: &'a Engine<'a>,
        name: &'a str,
        settings: &'a StackSetSettings,
        ui: &'a Ui,
    ) -> Self {
        StackSets {
            engine,
            name,
            settings,
            ui,
        }
    }

    fn client(&self) -> &'a Client {
        self.engine.client()
    }

    /// The deployed stack set, or `None` if there is none (or it was deleted).
    pub async fn describe(&self) -> Result<Option<DeployedSet>, CliError> {
        let response = match self
            .client()
            .describe_stack_set()
            .stack_set_name(self.name)
            .send()
            .await
        {
            Ok(response) => response,
            Err(err) if is_missing(&err) => return Ok(None),
            Err(err) => return Err(aws_error("describing the stack set", err)),
        };
        let Some(set) = response.stack_set() else {
            return Ok(None);
        };
        if set.status().is_some_and(|s| s.as_str() == "DELETED") {
            return Ok(None);
        }
        Ok(Some(DeployedSet {
            arn: set.stack_set_arn().unwrap_or_default().to_owned(),
            template: set.template_body().unwrap_or_default().to_owned(),
            parameters: parameter_values(set.parameters()),
            tags: tag_values(set.tags()),
            administration_role_arn: set.administration_role_arn().map(str::to_owned),
            execution_role_name: set.execution_role_name().map(str::to_owned),
        }))
    }

    /// The deployed instances. A service-managed set's are keyed by organizational unit (one
    /// of its accounts stands for it).
    pub async fn list(&self) -> Result<BTreeMap<Instance, Listed>, CliError> {
        let mut listed = BTreeMap::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let response = self
                .client()
                .list_stack_instances()
                .stack_set_name(self.name)
                .set_next_token(token)
                .send()
                .await
                .map_err(|err| aws_error("listing the stack set's instances", err))?;
            for summary in response.summaries() {
                let account = summary.account().unwrap_or_default().to_owned();
                let target = match self.settings.permission {
                    Permission::SelfManaged { .. } => account.clone(),
                    Permission::ServiceManaged { .. } => summary
                        .organizational_unit_id()
                        .unwrap_or_default()
                        .to_owned(),
                };
                let instance = Instance {
                    target,
                    region: summary.region().unwrap_or_default().to_owned(),
                };
                let status = summary
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default();
                listed.entry(instance).or_insert(Listed {
                    account,
                    status,
                    stack_id: summary.stack_id().unwrap_or_default().to_owned(),
                });
            }
            token = response.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        Ok(listed)
    }

    /// The deployed instances with their parameter overrides (read from one account of each).
    pub async fn instances(&self) -> Result<BTreeMap<Instance, Overrides>, CliError> {
        let mut instances = BTreeMap::new();
        for (instance, Listed { account, .. }) in self.list().await? {
            let described = self
                .client()
                .describe_stack_instance()
                .stack_set_name(self.name)
                .stack_instance_account(&account)
                .stack_instance_region(&instance.region)
                .send()
                .await
                .map_err(|err| aws_error("describing a stack instance", err))?;
            let overrides = described
                .stack_instance()
                .map(|i| parameter_values(i.parameter_overrides()))
                .unwrap_or_default();
            instances.insert(instance, overrides);
        }
        Ok(instances)
    }

    /// The operation preferences of kumo.toml.
    fn preferences(&self) -> StackSetOperationPreferences {
        let p = &self.settings.preferences;
        let mut builder = StackSetOperationPreferences::builder()
            .set_region_order(Some(p.region_order.clone()).filter(|o| !o.is_empty()))
            .set_region_concurrency_type(p.region_concurrency.map(|c| match c {
                RegionConcurrency::Sequential => RegionConcurrencyType::Sequential,
                RegionConcurrency::Parallel => RegionConcurrencyType::Parallel,
            }));
        builder = match p.max_concurrent {
            Some(Amount::Count(n)) => builder.max_concurrent_count(n),
            Some(Amount::Percent(n)) => builder.max_concurrent_percentage(n),
            None => builder,
        };
        builder = match p.failure_tolerance {
            Some(Amount::Count(n)) => builder.failure_tolerance_count(n),
            Some(Amount::Percent(n)) => builder.failure_tolerance_percentage(n),
            None => builder,
        };
        builder.build()
    }

    /// The targets of `batch`: accounts, or organizational units as deployment targets.
    fn targets(&self, batch: &Batch) -> (Option<Vec<String>>, Option<DeploymentTargets>) {
        match self.settings.permission {
            Permission::SelfManaged { .. } => (Some(batch.targets.clone()), None),
            Permission::ServiceManaged { .. } => (
                None,
                Some(
                    DeploymentTargets::builder()
                        .set_organizational_unit_ids(Some(batch.targets.clone()))
                        .build(),
                ),
            ),
        }
    }

    /// The auto-deployment of a service-managed set.
    fn auto_deployment(&self) -> Option<SdkAutoDeployment> {
        match self.settings.permission {
            Permission::SelfManaged { .. } => None,
            Permission::ServiceManaged {
                auto_deployment, ..
            } => Some(
                SdkAutoDeployment::builder()
                    .enabled(auto_deployment.enabled)
                    .retain_stacks_on_account_removal(
                        auto_deployment.retain_stacks_on_account_removal,
                    )
                    .build(),
            ),
        }
    }

    /// The roles of a self-managed set, as kumo.toml names them.
    fn roles(&self) -> (Option<String>, Option<String>) {
        match &self.settings.permission {
            Permission::SelfManaged {
                administration_role_arn,
                execution_role_name,
                ..
            } => (administration_role_arn.clone(), execution_role_name.clone()),
            Permission::ServiceManaged { .. } => (None, None),
        }
    }

    /// Whether the deployed set's roles are those kumo.toml names (those it leaves to
    /// CloudFormation's defaults always are).
    pub fn same_roles(&self, deployed: &DeployedSet) -> bool {
        let (admin, exec) = self.roles();
        admin.is_none_or(|a| deployed.administration_role_arn.as_deref() == Some(a.as_str()))
            && exec.is_none_or(|e| deployed.execution_role_name.as_deref() == Some(e.as_str()))
    }

    /// CreateStackSet: the set, without instances yet.
    pub async fn create(&self, submission: &Submission<'_>) -> Result<(), CliError> {
        let (body, url) = split(submission.source);
        let (admin, exec) = self.roles();
        self.client()
            .create_stack_set()
            .stack_set_name(self.name)
            .set_template_body(body)
            .set_template_url(url)
            .set_parameters(Some(sdk_parameters(submission.parameters)))
            .set_tags(Some(tags(submission.tags)))
            .set_capabilities(Some(capabilities(submission.capabilities)))
            .permission_model(PermissionModels::from(self.settings.permission.model()))
            .set_administration_role_arn(admin)
            .set_execution_role_name(exec)
            .set_auto_deployment(self.auto_deployment())
            .send()
            .await
            .map_err(|err| aws_error("creating the stack set", err))?;
        Ok(())
    }

    /// UpdateStackSet of every instance (`instances`, named when they are accounts × regions so
    /// that the operation reports each), and waits for it.
    pub async fn update(
        &self,
        submission: &Submission<'_>,
        instances: &[Batch],
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let (body, url) = split(submission.source);
        let (admin, exec) = self.roles();
        let (accounts, regions) = match (&self.settings.permission, instances) {
            (Permission::SelfManaged { .. }, [one]) => {
                (Some(one.targets.clone()), Some(one.regions.clone()))
            }
            _ => (None, None),
        };
        let response = self
            .client()
            .update_stack_set()
            .stack_set_name(self.name)
            .set_template_body(body)
            .set_template_url(url)
            .set_parameters(Some(sdk_parameters(submission.parameters)))
            .set_tags(Some(tags(submission.tags)))
            .set_capabilities(Some(capabilities(submission.capabilities)))
            .permission_model(PermissionModels::from(self.settings.permission.model()))
            .set_administration_role_arn(admin)
            .set_execution_role_name(exec)
            .set_auto_deployment(self.auto_deployment())
            .set_accounts(accounts)
            .set_regions(regions)
            .operation_preferences(self.preferences())
            .send()
            .await
            .map_err(|err| aws_error("updating the stack set", err))?;
        self.wait(response.operation_id(), "updating the stack set", out)
            .await
    }

    /// CreateStackInstances of `batch`, and waits for it.
    pub async fn create_instances(
        &self,
        batch: &Batch,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let (accounts, targets) = self.targets(batch);
        let response = self
            .client()
            .create_stack_instances()
            .stack_set_name(self.name)
            .set_accounts(accounts)
            .set_deployment_targets(targets)
            .set_regions(Some(batch.regions.clone()))
            .set_parameter_overrides(Some(sdk_parameters(&batch.overrides)))
            .operation_preferences(self.preferences())
            .send()
            .await
            .map_err(|err| aws_error("creating stack instances", err))?;
        self.wait(response.operation_id(), "creating stack instances", out)
            .await
    }

    /// UpdateStackInstances of `batch` (its overrides; none clears them), and waits for it.
    pub async fn update_instances(
        &self,
        batch: &Batch,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let (accounts, targets) = self.targets(batch);
        let response = self
            .client()
            .update_stack_instances()
            .stack_set_name(self.name)
            .set_accounts(accounts)
            .set_deployment_targets(targets)
            .set_regions(Some(batch.regions.clone()))
            .set_parameter_overrides(Some(sdk_parameters(&batch.overrides)))
            .operation_preferences(self.preferences())
            .send()
            .await
            .map_err(|err| aws_error("updating stack instances", err))?;
        self.wait(response.operation_id(), "updating stack instances", out)
            .await
    }

    /// DeleteStackInstances of `batch`, their stacks and resources with them, and waits for it.
    pub async fn delete_instances(
        &self,
        batch: &Batch,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let (accounts, targets) = self.targets(batch);
        let response = self
            .client()
            .delete_stack_instances()
            .stack_set_name(self.name)
            .set_accounts(accounts)
            .set_deployment_targets(targets)
            .set_regions(Some(batch.regions.clone()))
            .retain_stacks(false)
            .operation_preferences(self.preferences())
            .send()
            .await
            .map_err(|err| aws_error("deleting stack instances", err))?;
        self.wait(response.operation_id(), "deleting stack instances", out)
            .await
    }

    /// DeleteStackSet, once it has no instances.
    pub async fn delete(&self) -> Result<(), CliError> {
        self.client()
            .delete_stack_set()
            .stack_set_name(self.name)
            .send()
            .await
            .map_err(|err| aws_error("deleting the stack set", err))?;
        Ok(())
    }

    /// Waits, until the engine's deadline, for operation `id` (`what`) to end, printing each
    /// instance's status as it changes; an operation that failed or was stopped is an error
    /// naming each failed instance and why.
    async fn wait(
        &self,
        id: Option<&str>,
        what: &str,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let Some(id) = id else {
            return Err(self.fail(format!("{what}: CloudFormation gave no operation ID")));
        };
        let deadline = self.engine.deadline();
        let mut shown: BTreeMap<(String, String), String> = BTreeMap::new();
        let guard = Guard::new();
        loop {
            let described = self
                .client()
                .describe_stack_set_operation()
                .stack_set_name(self.name)
                .operation_id(id)
                .send()
                .await
                .map_err(|err| aws_error("reading the stack set operation", err))?;
            let status = described
                .stack_set_operation()
                .and_then(|o| o.status())
                .cloned();
            let results = self.results(id).await?;
            for result in &results {
                let key = (result.account.clone(), result.region.clone());
                if shown.get(&key) != Some(&result.status) {
                    let line = format!(
                        "{}: {} {} {}{}",
                        self.name,
                        result.account,
                        result.region,
                        result.status,
                        result
                            .reason
                            .as_deref()
                            .map(|r| format!(" ({r})"))
                            .unwrap_or_default()
                    );
                    writeln!(out, "  {}", self.ui.paint(result.style(), &line))
                        .map_err(CliError::Stdout)?;
                    shown.insert(key, result.status.clone());
                }
            }
            match status {
                Some(StackSetOperationStatus::Succeeded) => return Ok(()),
                Some(StackSetOperationStatus::Failed | StackSetOperationStatus::Stopped) => {
                    let status = status.map(|s| s.as_str().to_owned()).unwrap_or_default();
                    let failed: Vec<String> = results
                        .iter()
                        .filter(|r| r.status == "FAILED" || r.status == "CANCELLED")
                        .map(|r| {
                            format!(
                                "{} {}: {}",
                                r.account,
                                r.region,
                                r.reason.as_deref().unwrap_or(&r.status)
                            )
                        })
                        .collect();
                    let why = if failed.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", failed.join("; "))
                    };
                    return Err(self.fail(format!("{what} ended {status}{why}")));
                }
                other => {
                    let now = Instant::now();
                    if now >= deadline {
                        let status = other.as_ref().map_or("unknown", |s| s.as_str());
                        return Err(self.engine.gave_up(
                            &format!("{what} (operation {id})"),
                            status,
                            "the operation goes on in CloudFormation",
                        ));
                    }
                    let signalled = tokio::select! {
                        () = tokio::time::sleep(poll_interval().min(deadline - now)) => false,
                        () = guard.pressed() => true,
                    };
                    if signalled {
                        return Err(self.fail(format!(
                            "interrupted; {what} (operation {id}) goes on in CloudFormation"
                        )));
                    }
                }
            }
        }
    }

    /// Each instance's result of operation `id`.
    async fn results(&self, id: &str) -> Result<Vec<InstanceResult>, CliError> {
        let mut results = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let response = self
                .client()
                .list_stack_set_operation_results()
                .stack_set_name(self.name)
                .operation_id(id)
                .set_next_token(token)
                .send()
                .await
                .map_err(|err| aws_error("reading the stack set operation's results", err))?;
            results.extend(response.summaries().iter().map(|s| {
                InstanceResult {
                    account: s.account().unwrap_or_default().to_owned(),
                    region: s.region().unwrap_or_default().to_owned(),
                    status: s
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    reason: s
                        .status_reason()
                        .filter(|r| !r.is_empty())
                        .map(str::to_owned),
                }
            }));
            token = response.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        results.sort_by(|a, b| (&a.account, &a.region).cmp(&(&b.account, &b.region)));
        Ok(results)
    }

    /// An error about this stack set.
    pub fn fail(&self, message: String) -> CliError {
        CliError::Deploy {
            stack: self.name.to_owned(),
            message,
        }
    }
}

/// A deployed instance as ListStackInstances gives it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Its account.
    pub account: String,
    /// Its status: `CURRENT`, `OUTDATED` or `INOPERABLE`.
    pub status: String,
    /// The ID of its stack.
    pub stack_id: String,
}

/// How one instance fared in an operation.
struct InstanceResult {
    account: String,
    region: String,
    status: String,
    reason: Option<String>,
}

impl InstanceResult {
    fn style(&self) -> Style {
        match self.status.as_str() {
            "SUCCEEDED" => Style::Good,
            "FAILED" | "CANCELLED" => Style::Bad,
            _ => Style::Dim,
        }
    }
}

/// The body or URL of a template, as the requests take them.
fn split(source: &TemplateSource) -> (Option<String>, Option<String>) {
    match source {
        TemplateSource::Body(body) => (Some(body.clone()), None),
        TemplateSource::Url(url) => (None, Some(url.clone())),
    }
}

fn tags(values: &BTreeMap<String, String>) -> Vec<Tag> {
    values
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

fn capabilities(capabilities: &[Capability]) -> Vec<SdkCapability> {
    capabilities
        .iter()
        .map(|c| SdkCapability::from(c.as_str()))
        .collect()
}

impl Permission {
    /// CloudFormation's name of the model.
    fn model(&self) -> &'static str {
        match self {
            Permission::SelfManaged { .. } => "SELF_MANAGED",
            Permission::ServiceManaged { .. } => "SERVICE_MANAGED",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        let config = aws_sdk_cloudformation::Config::builder()
            .behavior_version(aws_sdk_cloudformation::config::BehaviorVersion::latest())
            .build();
        Client::from_conf(config)
    }

    #[test]
    fn preferences_and_targets_follow_kumo_toml() {
        let settings: StackSetSettings = toml::from_str(
            "permission-model = \"service-managed\"\norganizational-units = [\"ou-ab12-abcd1234\"]\nauto-deployment = { enabled = true }\nregions = [\"us-east-1\", \"eu-west-1\"]\nmax-concurrent = 3\nfailure-tolerance = \"10%\"\nregion-order = [\"eu-west-1\"]\nregion-concurrency = \"parallel\"\n",
        )
        .unwrap();
        let client = client();
        let engine = Engine::new(&client, "base-dev");
        let ui = Ui::new(false, true, false, false);
        let calls = StackSets::new(&engine, "base-dev", &settings, &ui);
        let preferences = calls.preferences();
        assert_eq!(preferences.max_concurrent_count(), Some(3));
        assert_eq!(preferences.max_concurrent_percentage(), None);
        assert_eq!(preferences.failure_tolerance_percentage(), Some(10));
        assert_eq!(preferences.region_order(), ["eu-west-1"]);
        assert_eq!(
            preferences.region_concurrency_type(),
            Some(&RegionConcurrencyType::Parallel)
        );
        let batch = Batch {
            targets: vec!["ou-ab12-abcd1234".to_owned()],
            regions: vec!["us-east-1".to_owned()],
            overrides: Overrides::new(),
        };
        let (accounts, targets) = calls.targets(&batch);
        assert_eq!(accounts, None);
        assert_eq!(
            targets.unwrap().organizational_unit_ids(),
            ["ou-ab12-abcd1234"]
        );
        let auto = calls.auto_deployment().unwrap();
        assert_eq!(auto.enabled(), Some(true));
        assert_eq!(auto.retain_stacks_on_account_removal(), Some(false));
        assert_eq!(calls.roles(), (None, None));
        assert_eq!(settings.permission.model(), "SERVICE_MANAGED");
    }
}
