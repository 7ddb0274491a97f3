//! The deploy engine: CloudFormation calls, change sets, waiting and event streaming.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::types::{
    Capability as SdkCapability, ChangeSetStatus, ChangeSetType, ExecutionStatus, Parameter,
    ResourceToImport, StackStatus, Tag, TemplateStage,
};
use aws_sdk_cloudformation::Client;

use kumo_core::{Template, Written};

use crate::artifacts::TemplateSource;
use crate::aws::aws_error;
use crate::changes::{Capability, Detail, ResourceChange};
use crate::drift::{Detection, PropertyDrift, ResourceDrift};
use crate::error::CliError;
use crate::events::{outcome, Event, Outcome};
use crate::interrupt::Guard;
use crate::ownership::{whose, Listed, Origin, Whose};
use crate::progress::Progress;
use crate::session::Parameters;

/// How often the engine asks CloudFormation how things stand: `KUMO_POLL_MS`, else 2 s.
pub(crate) fn poll_interval() -> Duration {
    let millis = std::env::var("KUMO_POLL_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .unwrap_or(2000);
    Duration::from_millis(millis)
}

/// The most pages of a listing the engine reads: a bound against an endpoint that never stops
/// handing out next tokens (CloudFormation's pages hold 100 events or change sets).
pub(crate) const MAX_PAGES: usize = 1000;

/// Whether CloudFormation answered that the stack does not exist.
fn is_missing_stack(err: &impl ProvideErrorMetadata) -> bool {
    err.message().is_some_and(|m| m.contains("does not exist"))
}

/// A template's text: JSON when it starts with `{`, else YAML; a byte order mark before it (as
/// some Windows editors write) is left out.
pub fn read_template(text: &str) -> Result<Template, kumo_core::TemplateError> {
    let text = without_bom(text);
    if is_json(text) {
        Template::from_json(text)
    } else {
        Template::from_yaml(text)
    }
}

/// Whether a template's text (without a byte order mark) is JSON: it starts with `{`.
fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// A template's text without the byte order mark some editors put before it.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A deployed stack, as far as the engine needs it.
#[derive(Debug, Clone)]
pub struct Deployed {
    /// Its ID: `arn:aws:cloudformation:{region}:{account}:stack/{name}/{guid}`.
    pub stack_id: String,
    /// Its status, such as `CREATE_COMPLETE`.
    pub status: String,
    /// Its outputs, by key.
    pub outputs: BTreeMap<String, String>,
    /// Whether termination protection is on.
    pub termination_protection: bool,
    /// When it was last created or updated.
    pub last_updated: Option<String>,
    /// Its parameter values (`****` for NoEcho ones).
    pub parameters: BTreeMap<String, String>,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
}

impl Deployed {
    /// Whether it is under review (REVIEW_IN_PROGRESS): a change set that creates it waits, and
    /// nothing of it is deployed yet.
    pub fn under_review(&self) -> bool {
        self.status == "REVIEW_IN_PROGRESS"
    }
}

/// How long the engine waits for an operation unless told otherwise (`--timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// CloudFormation's error code for a change set that does not exist.
const NOT_FOUND: &str = "ChangeSetNotFound";

/// The prefix of the change sets kumo makes, by which it knows its own.
pub const CHANGE_SET_PREFIX: &str = "kumo-";

/// The start of the description of a change set `deploy --prepare` makes; the fingerprint of
/// what it was made from follows.
pub const PREPARED_DESCRIPTION: &str = "kumo prepared change set; fingerprint ";

/// Why a change set is made, which decides its name and which of kumo's earlier change sets of
/// the stack are deleted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose<'f> {
    /// To show what a deploy would do (`plan`): prepared change sets are kept.
    Plan,
    /// To execute it now (`deploy`): every earlier change set of kumo's is deleted.
    Deploy,
    /// To execute it later (`deploy --prepare`), made from what `fingerprint` says: it replaces
    /// every earlier change set of kumo's, a prepared one included.
    Prepare {
        /// The fingerprint of the template, parameter values and tags.
        fingerprint: &'f str,
    },
}

/// A change set as CloudFormation describes it.
#[derive(Debug, Clone)]
pub struct Described {
    /// Its name.
    pub name: String,
    /// Its ID (ARN).
    pub id: String,
    /// Its status, such as `CREATE_COMPLETE`.
    pub status: String,
    /// Its execution status, such as `AVAILABLE`.
    pub execution_status: String,
    /// Its description (empty without one).
    pub description: String,
    /// What it changes.
    pub changes: Vec<ResourceChange>,
}

impl Described {
    /// Whether its execution was started (`EXECUTE_IN_PROGRESS`, `EXECUTE_COMPLETE`,
    /// `EXECUTE_FAILED`).
    fn executed(&self) -> bool {
        self.execution_status.starts_with("EXECUTE_")
    }
}

/// The CloudFormation side of one stack.
pub struct Engine<'a> {
    client: &'a Client,
    name: &'a str,
    timeout: Duration,
    role: Option<String>,
    imports: Vec<ResourceToImport>,
    nested_stacks: bool,
    origin: Option<Origin>,
}

/// What came of a change set.
pub enum ChangeSet {
    /// It would change nothing (and has been deleted).
    Empty,
    /// It is ready to execute. Its resource changes may be none when only parameter values or
    /// tags change.
    Ready {
        /// Its ID.
        id: String,
        /// What it changes.
        changes: Vec<ResourceChange>,
    },
}

impl<'a> Engine<'a> {
    /// The engine for the stack named `name`.
    pub fn new(client: &'a Client, name: &'a str) -> Self {
        Engine {
            client,
            name,
            timeout: DEFAULT_TIMEOUT,
            role: None,
            imports: Vec::new(),
            nested_stacks: false,
            origin: None,
        }
    }

    /// The engine of a run from the state directory `origin`, which holds the stack's lock
    /// there: its change sets are marked with the origin, and the ones earlier runs from the
    /// directory left are its to remove. Without one, only kumo's change sets from elsewhere
    /// older than a day (or `--timeout`, if longer) are taken as abandoned, see [`whose`].
    pub fn run_from(mut self, origin: Origin) -> Self {
        self.origin = Some(origin);
        self
    }

    /// The engine, having CloudFormation change the stack's resources as the service role
    /// `role` (its ARN) rather than with the caller's credentials.
    pub fn with_role(mut self, role: Option<String>) -> Self {
        self.role = role;
        self
    }

    /// The engine, making IMPORT change sets that bring the existing `resources` into the stack
    /// (none: the change sets create or update it as usual).
    pub fn importing(mut self, resources: Vec<ResourceToImport>) -> Self {
        self.imports = resources;
        self
    }

    /// The engine of a stack that has nested stacks (or not): its change sets then include
    /// the nested stacks' changes (`IncludeNestedStacks`).
    pub fn with_nested_stacks(mut self, nested_stacks: bool) -> Self {
        self.nested_stacks = nested_stacks;
        self
    }

    /// The engine, giving up on any one operation it waits for after `timeout`.
    pub fn waiting(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The client it calls CloudFormation with (whose requests have their timeouts), for
    /// other engine paths (stack sets) that wait by this engine's deadline.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// When an operation that starts now must be over.
    pub fn deadline(&self) -> Instant {
        Instant::now() + self.timeout
    }

    /// The error of having waited `self.timeout` for `what`, which is `status` now.
    pub(crate) fn gave_up(&self, what: &str, status: &str, then: &str) -> CliError {
        CliError::Deploy {
            stack: self.name.to_owned(),
            message: format!(
                "gave up after {} waiting for {what} (still {status}); {then}; raise --timeout (or kumo.toml's timeout) to wait longer",
                humantime::format_duration(self.timeout)
            ),
        }
    }

    /// The deployed stack, or `None` if there is none.
    pub async fn describe(&self) -> Result<Option<Deployed>, CliError> {
        let response = match self
            .client
            .describe_stacks()
            .stack_name(self.name)
            .send()
            .await
        {
            Ok(response) => response,
            Err(err) if is_missing_stack(&err) => return Ok(None),
            Err(err) => return Err(aws_error("describing the stack", err)),
        };
        let Some(stack) = response.stacks().first() else {
            return Ok(None);
        };
        let status = stack
            .stack_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        if status == "DELETE_COMPLETE" {
            return Ok(None);
        }
        let outputs = stack
            .outputs()
            .iter()
            .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
            .collect();
        Ok(Some(Deployed {
            stack_id: stack.stack_id().unwrap_or_default().to_owned(),
            status,
            outputs,
            termination_protection: stack.enable_termination_protection().unwrap_or(false),
            last_updated: stack
                .last_updated_time()
                .or(stack.creation_time())
                .and_then(|t| {
                    t.fmt(aws_sdk_cloudformation::primitives::DateTimeFormat::DateTime)
                        .ok()
                }),
            parameters: parameter_values(stack.parameters()),
            tags: tag_values(stack.tags()),
        }))
    }

    /// The template the stack was last deployed with, as submitted.
    pub async fn template(&self) -> Result<String, CliError> {
        let response = self
            .client
            .get_template()
            .stack_name(self.name)
            .template_stage(TemplateStage::Original)
            .send()
            .await
            .map_err(|err| aws_error("reading the deployed template", err))?;
        Ok(response.template_body().unwrap_or_default().to_owned())
    }

    /// The template the stack was last deployed with, parsed (JSON or YAML: a stack kumo
    /// adopts may have been deployed from YAML).
    pub async fn deployed_template(&self) -> Result<Template, CliError> {
        read_template(&self.template().await?).map_err(|err| self.unreadable(err))
    }

    /// [`Engine::deployed_template`] without the resources written in it as in `json` (the
    /// text of the template it is compared with), and their IDs: see
    /// [`Template::from_json_beside`]. A YAML template is read whole.
    pub async fn deployed_template_beside(
        &self,
        json: &Written,
    ) -> Result<(Template, BTreeSet<String>), CliError> {
        let text = self.template().await?;
        let text = without_bom(&text);
        let read = match is_json(text) {
            true => Template::from_json_beside(text, json),
            false => Template::from_yaml(text).map(|template| (template, BTreeSet::new())),
        };
        read.map_err(|err| self.unreadable(err))
    }

    /// The error of a deployed template that cannot be read.
    fn unreadable(&self, err: kumo_core::TemplateError) -> CliError {
        CliError::Deploy {
            stack: self.name.to_owned(),
            message: format!("the deployed template cannot be read: {err}"),
        }
    }

    /// Creates a change set of `template` and waits until CloudFormation has worked it out.
    pub async fn change_set(
        &self,
        template: &TemplateSource,
        create: bool,
        capabilities: &[Capability],
        tags: &BTreeMap<String, String>,
        parameters: &Parameters,
        purpose: Purpose<'_>,
    ) -> Result<ChangeSet, CliError> {
        let (TemplateSource::Body(text) | TemplateSource::Url(text)) = template;
        let (name, description) = match purpose {
            Purpose::Prepare { fingerprint } => (
                crate::prepare::name(fingerprint),
                Some(format!("{PREPARED_DESCRIPTION}{fingerprint}")),
            ),
            Purpose::Plan | Purpose::Deploy => {
                let name = format!(
                    "{CHANGE_SET_PREFIX}{}",
                    kumo_core::naming::stable_hash(text, 16)
                );
                match &self.origin {
                    Some(origin) => (origin.change_set_name(&name), Some(origin.description())),
                    None => (name, None),
                }
            }
        };
        let (body, url) = match template {
            TemplateSource::Body(body) => (Some(body.clone()), None),
            TemplateSource::Url(url) => (None, Some(url.clone())),
        };
        let kind = if !self.imports.is_empty() {
            ChangeSetType::Import
        } else if create {
            ChangeSetType::Create
        } else {
            ChangeSetType::Update
        };
        let mut request = self
            .client
            .create_change_set()
            .stack_name(self.name)
            .change_set_name(&name)
            .change_set_type(kind)
            .set_resources_to_import((!self.imports.is_empty()).then(|| self.imports.clone()))
            .set_description(description)
            .set_template_body(body)
            .set_template_url(url)
            .set_role_arn(self.role.clone())
            .set_include_nested_stacks(self.nested_stacks.then_some(true))
            .client_token(create_token(&name));
        for capability in capabilities {
            request = request.capabilities(SdkCapability::from(capability.as_str()));
        }
        for (key, value) in &parameters.values {
            request = request.parameters(
                aws_sdk_cloudformation::types::Parameter::builder()
                    .parameter_key(key)
                    .parameter_value(value)
                    .build(),
            );
        }
        for key in &parameters.kept {
            request = request.parameters(
                aws_sdk_cloudformation::types::Parameter::builder()
                    .parameter_key(key)
                    .use_previous_value(true)
                    .build(),
            );
        }
        for (key, value) in tags {
            request = request.tags(
                aws_sdk_cloudformation::types::Tag::builder()
                    .key(key)
                    .value(value)
                    .build(),
            );
        }
        // From here until the change set is worked out or deleted, Ctrl-C deletes it.
        let guard = Guard::new();
        let interrupted = |when: &str| CliError::Deploy {
            stack: self.name.to_owned(),
            message: format!("interrupted {when}; nothing was changed"),
        };
        if guard.interrupted() {
            return Err(interrupted("before the change set was made"));
        }
        self.clear_stale_change_sets(purpose == Purpose::Plan)
            .await?;
        if guard.interrupted() {
            return Err(interrupted("before the change set was made"));
        }
        let created = request
            .send()
            .await
            .map_err(|err| aws_error("creating the change set", err))?;
        let id = created.id().unwrap_or(&name).to_owned();
        let while_worked_out = "while CloudFormation worked out the change set";
        let outcome = if guard.interrupted() {
            Err(interrupted(while_worked_out))
        } else {
            tokio::select! {
                outcome = self.change_set_ready(&id) => outcome,
                () = guard.pressed() => Err(interrupted(while_worked_out)),
            }
        };
        match outcome {
            Ok(ChangeSet::Ready { id, changes }) => Ok(ChangeSet::Ready { id, changes }),
            other => {
                // Whatever became of it, a change set that will not run is not left behind, nor
                // the empty stack (REVIEW_IN_PROGRESS) that creating one for a new stack made.
                // CloudFormation deletes one only once it is worked out.
                let cleanup = async {
                    if guard.interrupted() {
                        self.worked_out(&id).await?;
                    }
                    self.abandon(&id, create).await
                };
                match (other, cleanup.await) {
                    (Err(cause), cleanup) => Err(cause.then_cleanup(cleanup)),
                    (other, Ok(())) => other,
                    (_, Err(cleanup)) => Err(cleanup),
                }
            }
        }
    }

    /// Waits, until the deadline, for the change set `id` to be worked out: its changes, or
    /// [`ChangeSet::Empty`] when it has none.
    async fn change_set_ready(&self, id: &str) -> Result<ChangeSet, CliError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let described = self.change_set_page(id, None).await?;
            match described.status() {
                Some(ChangeSetStatus::CreateComplete) => {
                    return Ok(ChangeSet::Ready {
                        id: id.to_owned(),
                        changes: self.every_change(id, &described).await?,
                    });
                }
                Some(ChangeSetStatus::Failed) => {
                    let reason = described.status_reason().unwrap_or_default().to_owned();
                    if reason.contains("didn't contain changes") || reason.contains("No updates") {
                        return Ok(ChangeSet::Empty);
                    }
                    return Err(CliError::Deploy {
                        stack: self.name.to_owned(),
                        message: format!("the change set failed: {reason}"),
                    });
                }
                status => {
                    let now = Instant::now();
                    if now >= deadline {
                        let status = status.map_or("unknown", |s| s.as_str());
                        return Err(self.gave_up("the change set", status, "nothing was changed"));
                    }
                    tokio::time::sleep(poll_interval().min(deadline - now)).await;
                }
            }
        }
    }

    /// Waits, until the deadline, for the change set `id` to be worked out, whatever comes of
    /// it: CloudFormation refuses to delete one while it is being created.
    async fn worked_out(&self, id: &str) -> Result<(), CliError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let described = self.change_set_page(id, None).await?;
            let pending = matches!(
                described.status(),
                Some(ChangeSetStatus::CreatePending | ChangeSetStatus::CreateInProgress)
            );
            let now = Instant::now();
            if !pending || now >= deadline {
                return Ok(());
            }
            tokio::time::sleep(poll_interval().min(deadline - now)).await;
        }
    }

    /// Gives up the change set `id`: deletes it and, when it was to create the stack (`create`),
    /// the empty stack in REVIEW_IN_PROGRESS that it made, so that nothing is left behind.
    pub async fn abandon(&self, id: &str, create: bool) -> Result<(), CliError> {
        self.delete_change_set(id).await?;
        if create {
            let left = self.describe().await?;
            if left.is_some_and(|d| d.under_review()) {
                self.delete().await?;
            }
        }
        Ok(())
    }

    /// Removes what an interrupted first deploy left: a stack in REVIEW_IN_PROGRESS (made by
    /// a change set, no resources yet) whose change sets are kumo's abandoned ones. A stack
    /// under review with someone else's change set, one still being worked out, or one another
    /// kumo run from another state directory may still execute, is left alone and refused.
    pub async fn clear_review(&self) -> Result<(), CliError> {
        let others = self.clear_stale_change_sets(false).await?;
        if !others.is_empty() {
            return Err(CliError::Deploy {
                stack: self.name.to_owned(),
                message: format!(
                    "the stack is being created through a change set this run leaves alone ({}); when its run is over, execute it, or remove it with the stack under review (`delete`), then deploy again",
                    others.join("; ")
                ),
            });
        }
        self.delete().await?;
        let deadline = Instant::now() + self.timeout;
        while let Some(left) = self.describe().await? {
            let now = Instant::now();
            if now >= deadline {
                return Err(self.gave_up(
                    "the empty stack an interrupted deploy left to be deleted",
                    &left.status,
                    "nothing was changed",
                ));
            }
            tokio::time::sleep(poll_interval().min(deadline - now)).await;
        }
        Ok(())
    }

    /// Deletes the change sets kumo made for this stack earlier that were abandoned (a deploy
    /// or plan from this state directory that was interrupted or killed, or one from elsewhere
    /// older than a day or `--timeout`, see [`whose`]), so that they neither pile up nor stand
    /// in the way of a new one; with `keep_prepared`, those `deploy --prepare` made are kept.
    /// Returns the others, each named with why it is left alone: someone else's, those being
    /// worked out or executed, and those another kumo run may still execute.
    pub async fn clear_stale_change_sets(
        &self,
        keep_prepared: bool,
    ) -> Result<Vec<String>, CliError> {
        let mut others = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let response = match self
                .client
                .list_change_sets()
                .stack_name(self.name)
                .set_next_token(token)
                .send()
                .await
            {
                Ok(response) => response,
                Err(err) if is_missing_stack(&err) => return Ok(others),
                Err(err) => return Err(aws_error("listing the stack's change sets", err)),
            };
            let now = std::time::SystemTime::now();
            for summary in response.summaries() {
                // Some endpoints (moto) list the change sets of every stack.
                if summary.stack_name().is_some_and(|s| s != self.name) {
                    continue;
                }
                let name = summary.change_set_name().unwrap_or_default();
                let listed = Listed {
                    name,
                    description: summary.description(),
                    busy: summary.execution_status() == Some(&ExecutionStatus::ExecuteInProgress)
                        || summary.status() == Some(&ChangeSetStatus::CreateInProgress)
                        || summary.status() == Some(&ChangeSetStatus::DeleteInProgress),
                    created: summary
                        .creation_time()
                        .and_then(|time| std::time::SystemTime::try_from(*time).ok()),
                };
                match whose(listed, self.origin.as_ref(), now, self.timeout) {
                    Whose::Prepared if keep_prepared => {}
                    Whose::Abandoned | Whose::Prepared => {
                        let id = summary.change_set_id().unwrap_or(name);
                        self.delete_change_set(id).await?;
                    }
                    other => others.push(format!("{name}: {other}")),
                }
            }
            token = response.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        Ok(others)
    }

    /// Whether CloudFormation lists a stack of this name as deleted (it keeps deleted stacks
    /// listed for 90 days): one that is not deployed was deleted, rather than never made under
    /// this name.
    pub async fn was_deleted(&self) -> Result<bool, CliError> {
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let response = self
                .client
                .list_stacks()
                .stack_status_filter(StackStatus::DeleteComplete)
                .set_next_token(token)
                .send()
                .await
                .map_err(|err| aws_error("listing the deleted stacks", err))?;
            let summaries = response.stack_summaries();
            if summaries.iter().any(|s| s.stack_name() == Some(self.name)) {
                return Ok(true);
            }
            token = response.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        Ok(false)
    }

    /// The change set named `name` of this stack, or `None` when there is no such change set
    /// (or no such stack).
    pub async fn describe_change_set(&self, name: &str) -> Result<Option<Described>, CliError> {
        let described = match self
            .client
            .describe_change_set()
            .stack_name(self.name)
            .change_set_name(name)
            .send()
            .await
        {
            Ok(described) => described,
            Err(err)
                if is_missing_stack(&err)
                    || err
                        .as_service_error()
                        .is_some_and(|e| e.is_change_set_not_found_exception()) =>
            {
                return Ok(None)
            }
            Err(err) => return Err(aws_error("reading the change set", err)),
        };
        // Some endpoints (moto) find a change set by name whatever the stack.
        if described.stack_name().is_some_and(|s| s != self.name) {
            return Ok(None);
        }
        Ok(Some(Described {
            name: described.change_set_name().unwrap_or(name).to_owned(),
            id: described.change_set_id().unwrap_or(name).to_owned(),
            status: described
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            execution_status: described
                .execution_status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            description: described.description().unwrap_or_default().to_owned(),
            changes: self.every_change(name, &described).await?,
        }))
    }

    /// One page of the change set `id`: the first, or the one `token` names.
    async fn change_set_page(
        &self,
        id: &str,
        token: Option<String>,
    ) -> Result<DescribeChangeSetOutput, CliError> {
        self.client
            .describe_change_set()
            .stack_name(self.name)
            .change_set_name(id)
            .set_next_token(token)
            .send()
            .await
            .map_err(|err| aws_error("reading the change set", err))
    }

    /// The resource changes of the change set `id` whose first page is `described`, those of
    /// its further pages, and those of its nested stacks' change sets (`Nested.Resource`).
    async fn every_change(
        &self,
        id: &str,
        described: &DescribeChangeSetOutput,
    ) -> Result<Vec<ResourceChange>, CliError> {
        let mut changes = resource_changes(described.changes());
        let mut nested = crate::nested::live::change_sets("", described.changes());
        let mut token = described.next_token().map(str::to_owned);
        for _ in 0..MAX_PAGES {
            let Some(next) = token else { break };
            let page = self.change_set_page(id, Some(next)).await?;
            changes.extend(resource_changes(page.changes()));
            nested.extend(crate::nested::live::change_sets("", page.changes()));
            token = page.next_token().map(str::to_owned);
        }
        changes.extend(
            crate::nested::live::change_set_changes(
                self.client,
                self.name,
                described.change_set_id(),
                nested,
            )
            .await?,
        );
        Ok(changes)
    }

    /// Deletes a change set that will not be executed; one already gone (a try whose answer
    /// was lost deleted it, or another run did) is no error.
    pub async fn delete_change_set(&self, id: &str) -> Result<(), CliError> {
        match self
            .client
            .delete_change_set()
            .stack_name(self.name)
            .change_set_name(id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if err.as_service_error().and_then(|e| e.code()) == Some(NOT_FOUND) => Ok(()),
            Err(err) => Err(aws_error("deleting the change set", err)),
        }
    }

    /// Executes a change set. The request carries a token of the change set, so that a retry
    /// of a request whose answer was lost is the same request to CloudFormation; and when no
    /// answer came all the same, the change set (or the stack) is asked whether it runs: if it
    /// does, the execution went through and only its answer was lost.
    pub async fn execute(&self, id: &str, rollback: bool) -> Result<(), CliError> {
        let sent = self
            .client
            .execute_change_set()
            .stack_name(self.name)
            .change_set_name(id)
            .disable_rollback(!rollback)
            .client_request_token(request_token(id))
            .send()
            .await;
        let Err(err) = sent else {
            return Ok(());
        };
        // An answer (ChangeSetNotFound, InvalidChangeSetStatus) says the execution was refused;
        // only one lost or late leaves it unknown.
        let answered = matches!(err, SdkError::ServiceError(_));
        let err = aws_error("executing the change set", err);
        if answered {
            return Err(err);
        }
        let executing = match self.describe_change_set(id).await {
            Ok(Some(described)) => described.executed(),
            // CloudFormation removes a stack's change sets once one of them is executed.
            Ok(None) => self.describe().await.is_ok_and(|stack| {
                stack.is_some_and(|stack| {
                    stack.status.ends_with("_IN_PROGRESS") && !stack.under_review()
                })
            }),
            Err(_) => false,
        };
        if executing {
            return Ok(());
        }
        Err(err)
    }

    /// An error unless CloudFormation executed the change set `id`: one still `AVAILABLE`
    /// after its execution was asked for and the stack settled was never executed (an
    /// endpoint that answered the call without doing it).
    pub async fn check_executed(&self, id: &str) -> Result<(), CliError> {
        match self.describe_change_set(id).await? {
            Some(described) if !described.executed() => {
                Err(CliError::Deploy {
                    stack: self.name.to_owned(),
                    message: format!(
                        "CloudFormation did not execute the change set (it is {}): the stack is unchanged; deploy again",
                        described.execution_status
                    ),
                })
            }
            _ => Ok(()),
        }
    }

    /// Asks CloudFormation to compare the stack's resources with its template
    /// (DetectStackDrift), waits until the deadline for it to finish, and returns how it ended
    /// and each resource's drift, by logical ID.
    pub async fn detect_drift(&self) -> Result<(Detection, Vec<ResourceDrift>), CliError> {
        let started = self
            .client
            .detect_stack_drift()
            .stack_name(self.name)
            .send()
            .await
            .map_err(|err| aws_error("starting drift detection", err))?;
        let id = started.stack_drift_detection_id().unwrap_or_default();
        let deadline = Instant::now() + self.timeout;
        let detection = loop {
            let status = self
                .client
                .describe_stack_drift_detection_status()
                .stack_drift_detection_id(id)
                .send()
                .await
                .map_err(|err| aws_error("reading the drift detection's status", err))?;
            let detection = Detection {
                status: status
                    .detection_status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                stack_status: status
                    .stack_drift_status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                reason: status.detection_status_reason().map(str::to_owned),
            };
            if detection.status != "DETECTION_IN_PROGRESS" {
                break detection;
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(self.gave_up(
                    "drift detection",
                    &detection.status,
                    "it goes on in CloudFormation",
                ));
            }
            tokio::time::sleep(poll_interval().min(deadline - now)).await;
        };
        let mut drifts = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let response = self
                .client
                .describe_stack_resource_drifts()
                .stack_name(self.name)
                .set_next_token(token)
                .send()
                .await
                .map_err(|err| aws_error("reading the resources' drift", err))?;
            drifts.extend(response.stack_resource_drifts().iter().map(|drift| {
                ResourceDrift {
                    logical_id: drift.logical_resource_id().unwrap_or_default().to_owned(),
                    physical_id: drift.physical_resource_id().map(str::to_owned),
                    resource_type: drift.resource_type().unwrap_or_default().to_owned(),
                    status: drift
                        .stack_resource_drift_status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    reason: drift.drift_status_reason().map(str::to_owned),
                    differences: drift
                        .property_differences()
                        .iter()
                        .map(|d| PropertyDrift {
                            path: d.property_path().unwrap_or_default().to_owned(),
                            expected: d.expected_value().unwrap_or_default().to_owned(),
                            actual: d.actual_value().unwrap_or_default().to_owned(),
                            difference: d
                                .difference_type()
                                .map(|t| t.as_str().to_owned())
                                .unwrap_or_default(),
                        })
                        .collect(),
                }
            }));
            token = response.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        drifts.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
        Ok((detection, drifts))
    }

    /// Turns termination protection on or off.
    pub async fn protect(&self, on: bool) -> Result<(), CliError> {
        self.client
            .update_termination_protection()
            .stack_name(self.name)
            .enable_termination_protection(on)
            .send()
            .await
            .map_err(|err| aws_error("changing termination protection", err))?;
        Ok(())
    }

    /// CloudFormation's ValidateTemplate: the capabilities it says the template needs.
    pub async fn validate(&self, template: &TemplateSource) -> Result<Vec<String>, CliError> {
        let request = match template {
            TemplateSource::Body(body) => self.client.validate_template().template_body(body),
            TemplateSource::Url(url) => self.client.validate_template().template_url(url),
        };
        let response = request
            .send()
            .await
            .map_err(|err| aws_error("validating the template", err))?;
        Ok(response
            .capabilities()
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect())
    }

    /// Sets the stack policy.
    pub async fn set_stack_policy(&self, policy: &str) -> Result<(), CliError> {
        self.client
            .set_stack_policy()
            .stack_name(self.name)
            .stack_policy_body(policy)
            .send()
            .await
            .map_err(|err| aws_error("setting the stack policy", err))?;
        Ok(())
    }

    /// The stack policy, if it has one.
    pub async fn stack_policy(&self) -> Result<Option<String>, CliError> {
        let response = self
            .client
            .get_stack_policy()
            .stack_name(self.name)
            .send()
            .await
            .map_err(|err| aws_error("reading the stack policy", err))?;
        Ok(response
            .stack_policy_body()
            .filter(|p| !p.is_empty())
            .map(str::to_owned))
    }

    /// Asks CloudFormation to cancel the update in progress (it then rolls back).
    pub async fn cancel_update(&self) -> Result<(), CliError> {
        self.client
            .cancel_update_stack()
            .stack_name(self.name)
            .send()
            .await
            .map_err(|err| aws_error("cancelling the update", err))?;
        Ok(())
    }

    /// Starts deleting the stack.
    pub async fn delete(&self) -> Result<(), CliError> {
        self.client
            .delete_stack()
            .stack_name(self.name)
            .set_role_arn(self.role.clone())
            .send()
            .await
            .map_err(|err| aws_error("deleting the stack", err))?;
        Ok(())
    }

    /// The ID of the newest event, the mark after which an operation's events are new.
    pub async fn newest_event(&self) -> Result<Option<String>, CliError> {
        Ok(self.events_since(None).await?.last().map(|e| e.id.clone()))
    }

    /// The stack's events after the one with ID `mark` (all of them without one), oldest first.
    async fn events_since(&self, mark: Option<&str>) -> Result<Vec<Event>, CliError> {
        let mut events = Vec::new();
        let mut token = None;
        'pages: for _ in 0..MAX_PAGES {
            let response = match self
                .client
                .describe_stack_events()
                .stack_name(self.name)
                .set_next_token(token)
                .send()
                .await
            {
                Ok(response) => response,
                Err(err) if is_missing_stack(&err) => break,
                Err(err) => return Err(aws_error("reading the stack's events", err)),
            };
            for event in response.stack_events() {
                let id = event.event_id().unwrap_or_default();
                if Some(id) == mark {
                    break 'pages;
                }
                events.push(Event {
                    id: id.to_owned(),
                    logical_id: event.logical_resource_id().unwrap_or_default().to_owned(),
                    resource_type: event.resource_type().unwrap_or_default().to_owned(),
                    status: event
                        .resource_status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    reason: event.resource_status_reason().map(str::to_owned),
                });
            }
            token = response.next_token().map(str::to_owned);
            if token.is_none() || mark.is_none() {
                break;
            }
        }
        events.reverse();
        Ok(events)
    }

    /// Waits for the stack's operation to end, showing each new event on `progress`, and
    /// returns how it ended, the events it made, and what Ctrl-C did to it. A stack that is
    /// gone has been deleted.
    ///
    /// On Ctrl-C, what happens depends on `on_interrupt`. With [`OnInterrupt::CancelUpdate`], a
    /// running update is cancelled and rolled back, and the wait goes on until the rollback is
    /// over; an update CloudFormation does not show running yet is cancelled once it does; one
    /// past where it can be cancelled (cleaning up, rolling back), or whose cancel fails, is
    /// waited for to its end. Any other operation, and any operation with
    /// [`OnInterrupt::StopWaiting`], is left to go on and kumo stops waiting, as it does on a
    /// second Ctrl-C.
    pub async fn watch(
        &self,
        mark: Option<String>,
        progress: &mut Progress<'_>,
        out: &mut dyn Write,
        on_interrupt: OnInterrupt,
    ) -> Result<Watched, CliError> {
        let mut seen: Vec<Event> = Vec::new();
        let mut mark = mark;
        let mut guard = Guard::new();
        let mut cancel = Cancel::Unasked;
        // Right after a change set is executed the stack may still show its previous status:
        // the operation is over once the stack's own event says so (or, for an emulator that
        // writes no such event, once the status has stayed settled for a few polls).
        let mut settled_polls = 0;
        let deadline = Instant::now() + self.timeout;
        loop {
            let new = self.events_since(mark.as_deref()).await?;
            for event in &new {
                progress.event(event, out)?;
            }
            if let Some(last) = new.last() {
                mark = Some(last.id.clone());
            }
            seen.extend(new);
            let status = match self.describe().await? {
                Some(deployed) => deployed.status,
                None => {
                    return Ok(Watched {
                        outcome: Outcome::Succeeded,
                        events: seen,
                        interrupted: cancel.interrupted(Outcome::Succeeded),
                    })
                }
            };
            if cancel == Cancel::Pending && status == RUNNING_UPDATE {
                cancel = self.cancel_running_update(out).await?;
            }
            let ended = seen.iter().any(Event::ends_operation);
            match outcome(&status) {
                Outcome::InProgress => settled_polls = 0,
                done if ended || settled_polls >= 3 => {
                    return Ok(Watched {
                        outcome: done,
                        events: seen,
                        interrupted: cancel.interrupted(done),
                    })
                }
                _ => settled_polls += 1,
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(self.gave_up(
                    "the stack",
                    &status,
                    "the operation goes on in CloudFormation (`status` shows how it ends)",
                ));
            }
            let signalled = tokio::select! {
                () = tokio::time::sleep(poll_interval().min(deadline - now)) => false,
                () = guard.next() => true,
            };
            if !signalled {
                continue;
            }
            match cancel.press(on_interrupt, &status) {
                Press::Cancel => cancel = self.cancel_running_update(out).await?,
                Press::WaitToEnd => {
                    cancel = Cancel::TooLate;
                    writeln!(out, "{NO_LONGER_CANCELLED}").map_err(CliError::Stdout)?;
                }
                Press::CancelOnceRunning => {
                    cancel = Cancel::Pending;
                    writeln!(
                        out,
                        "interrupted: the update is cancelled as soon as CloudFormation shows it running (Ctrl-C again stops waiting)"
                    )
                    .map_err(CliError::Stdout)?;
                }
                Press::StopWaiting => {
                    let operation = match cancel {
                        Cancel::Pending => "the update".to_owned(),
                        _ => format!("the operation ({status})"),
                    };
                    return Err(CliError::Deploy {
                        stack: self.name.to_owned(),
                        message: format!(
                            "interrupted; {operation} goes on in CloudFormation (`status` shows how it ends)"
                        ),
                    });
                }
            }
        }
    }

    /// Cancels the update CloudFormation shows running, and says so on `out`: [`Cancel::Sent`],
    /// or [`Cancel::TooLate`] when it cannot be: CloudFormation refuses because the update has
    /// got past where it can be cancelled in the meantime, or the cancel fails (throttled, the
    /// service unavailable). Either way the update goes on, and is waited for to its end.
    async fn cancel_running_update(&self, out: &mut dyn Write) -> Result<Cancel, CliError> {
        // Cancelled before printing: the output may be gone with the terminal's Ctrl-C.
        let (cancel, said) = match self.cancel_update().await {
            Ok(()) => (
                Cancel::Sent,
                "interrupted: cancelling the update; waiting for the rollback (Ctrl-C again stops waiting)"
                    .to_owned(),
            ),
            Err(err) => match self.describe().await {
                Ok(Some(deployed)) if deployed.status != RUNNING_UPDATE => {
                    (Cancel::TooLate, NO_LONGER_CANCELLED.to_owned())
                }
                _ => (
                    Cancel::TooLate,
                    format!(
                        "interrupted, but the update could not be cancelled ({err}); waiting for it to end (Ctrl-C again stops waiting)"
                    ),
                ),
            },
        };
        writeln!(out, "{said}").map_err(CliError::Stdout)?;
        Ok(cancel)
    }
}

/// The status of a stack whose update runs and can be cancelled (not once it is cleaning up or
/// rolling back).
const RUNNING_UPDATE: &str = "UPDATE_IN_PROGRESS";

/// The `ClientToken` of one CreateChangeSet of the change set `name`: the same for each try of
/// the request, so that a try whose answer was lost is not refused by the next as a second
/// change set of the name; another for each run (a killed run's change set is deleted, and
/// its name used again).
fn create_token(name: &str) -> String {
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let unique = format!("{name}/{}/{run}", std::process::id());
    format!(
        "kumo-create-{}",
        kumo_core::naming::stable_hash(&unique, 32)
    )
}

/// The `ClientRequestToken` of the execution of the change set `id`: the same for every try,
/// and in the token's alphabet (a letter, then letters, digits and `-`, at most 128).
fn request_token(id: &str) -> String {
    format!("kumo-execute-{}", kumo_core::naming::stable_hash(id, 32))
}

/// What Ctrl-C during an update that can no longer be cancelled says.
const NO_LONGER_CANCELLED: &str =
    "interrupted: the update can no longer be cancelled; waiting for it to end (Ctrl-C again stops waiting)";

/// The resource changes among a change set's `changes`, each with its replacement, scope and
/// per-target recreation (the strongest CloudFormation gives for a target).
pub(crate) fn resource_changes(
    changes: &[aws_sdk_cloudformation::types::Change],
) -> Vec<ResourceChange> {
    changes
        .iter()
        .filter_map(|c| c.resource_change())
        .map(|rc| {
            let mut details: BTreeMap<String, String> = BTreeMap::new();
            for target in rc.details().iter().filter_map(|d| d.target()) {
                let attribute = target.attribute().map(|a| a.as_str()).unwrap_or_default();
                let path = match target.name() {
                    Some(name) => format!("{attribute}.{name}"),
                    None => attribute.to_owned(),
                };
                let recreation = target
                    .requires_recreation()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default();
                let known = details.entry(path).or_default();
                if recreation_rank(&recreation) > recreation_rank(known) {
                    *known = recreation;
                }
            }
            ResourceChange {
                action: rc
                    .action()
                    .map(|a| a.as_str().to_owned())
                    .unwrap_or_default(),
                logical_id: rc.logical_resource_id().unwrap_or_default().to_owned(),
                resource_type: rc.resource_type().unwrap_or_default().to_owned(),
                replacement: rc
                    .replacement()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
                scope: rc.scope().iter().map(|s| s.as_str().to_owned()).collect(),
                details: details
                    .into_iter()
                    .map(|(target, requires_recreation)| Detail {
                        target,
                        requires_recreation,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// How strongly a `RequiresRecreation` value replaces the resource.
fn recreation_rank(value: &str) -> u8 {
    match value {
        "Always" => 3,
        "Conditionally" => 2,
        "Never" => 1,
        _ => 0,
    }
}

/// How a stack operation [`Engine::watch`] waited for ended.
#[derive(Debug)]
pub struct Watched {
    /// Whether it worked.
    pub outcome: Outcome,
    /// The events it made, oldest first.
    pub events: Vec<Event>,
    /// What Ctrl-C did to it.
    pub interrupted: Interrupted,
}

/// What Ctrl-C did to an operation [`Engine::watch`] waited for to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    /// Nothing: it was not pressed.
    No,
    /// An update was cancelled, and rolled back.
    Cancelled,
    /// It was pressed, but the update went on to its end as it would have: it could no longer
    /// be cancelled (cleaning up, rolling back), or it ended before the cancel took effect.
    TooLate,
}

/// What Ctrl-C during [`Engine::watch`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnInterrupt {
    /// Cancel an update (it rolls back) and wait for the rollback.
    CancelUpdate,
    /// Stop waiting; the operation goes on.
    StopWaiting,
}

/// Where Ctrl-C has left the cancelling of an update [`Engine::watch`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cancel {
    /// Ctrl-C was not pressed.
    Unasked,
    /// Pressed before CloudFormation showed the update running: cancelled once it does.
    Pending,
    /// CloudFormation was asked to cancel the update.
    Sent,
    /// Pressed when the update could no longer be cancelled, or cancelling it failed.
    TooLate,
}

/// What a Ctrl-C during [`Engine::watch`] is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Press {
    /// Cancel the running update now.
    Cancel,
    /// Wait for the update to end: it is past where it can be cancelled.
    WaitToEnd,
    /// Cancel the update once CloudFormation shows it running.
    CancelOnceRunning,
    /// Stop waiting; the operation goes on.
    StopWaiting,
}

impl Cancel {
    /// How a Ctrl-C is answered, with the stack in `status`. Only an update is cancelled, and
    /// only once: while it runs, or, when the stack still shows a settled status (CloudFormation
    /// has yet to show the update started), once it runs; one that is cleaning up or rolling
    /// back is waited for to its end.
    fn press(self, on_interrupt: OnInterrupt, status: &str) -> Press {
        if on_interrupt != OnInterrupt::CancelUpdate || self != Cancel::Unasked {
            Press::StopWaiting
        } else if status == RUNNING_UPDATE {
            Press::Cancel
        } else if outcome(status) == Outcome::InProgress {
            Press::WaitToEnd
        } else {
            Press::CancelOnceRunning
        }
    }

    /// What Ctrl-C did to an operation that ended with `done`: a cancel that CloudFormation
    /// took rolls the update back, so an update that still worked was not cancelled.
    fn interrupted(self, done: Outcome) -> Interrupted {
        match self {
            Cancel::Unasked => Interrupted::No,
            Cancel::Sent if done != Outcome::Succeeded => Interrupted::Cancelled,
            Cancel::Sent | Cancel::Pending | Cancel::TooLate => Interrupted::TooLate,
        }
    }
}

/// Parameter values as CloudFormation gives them (a stack's, a stack set's, an instance's
/// overrides), by key.
pub(crate) fn parameter_values(parameters: &[Parameter]) -> BTreeMap<String, String> {
    parameters
        .iter()
        .filter_map(|p| {
            Some((
                p.parameter_key()?.to_owned(),
                p.parameter_value()?.to_owned(),
            ))
        })
        .collect()
}

/// Tags as CloudFormation gives them, by key.
pub(crate) fn tag_values(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_owned(), t.value()?.to_owned())))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use aws_sdk_cloudformation::config::{BehaviorVersion, Credentials, Region};
    use aws_smithy_runtime_api::client::http::{
        http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::retry::RetryConfig;

    use super::*;

    /// `pairs` as a map by key, for the parameters and tags of tests.
    pub(crate) fn pairs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The stack `jobs-dev` in `status`, last updated at 2026-01-01T00:00:00Z, with
    /// `parameters` and `tags`.
    pub(crate) fn deployed(
        status: &str,
        parameters: &[(&str, &str)],
        tags: &[(&str, &str)],
    ) -> Deployed {
        Deployed {
            stack_id: "arn:aws:cloudformation:us-east-1:123456789012:stack/jobs-dev/1".to_owned(),
            status: status.to_owned(),
            outputs: BTreeMap::new(),
            termination_protection: false,
            last_updated: Some("2026-01-01T00:00:00Z".to_owned()),
            parameters: pairs(parameters),
            tags: pairs(tags),
        }
    }

    /// A connector that refuses every call with CloudFormation's error of this code.
    #[derive(Debug)]
    struct Refuses(&'static str);

    impl HttpConnector for Refuses {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let body = format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{}</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>",
                self.0
            );
            let status = StatusCode::try_from(400).unwrap();
            let mut reply = HttpResponse::new(status, SdkBody::from(body));
            reply.headers_mut().insert("content-type", "text/xml");
            HttpConnectorFuture::ready(Ok(reply))
        }
    }

    /// A client whose every call is refused with the error `code`.
    fn refusing(code: &'static str) -> Client {
        let config = aws_sdk_cloudformation::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "test"))
            .retry_config(RetryConfig::disabled())
            .http_client(http_client_fn(move |_, _| {
                SharedHttpConnector::new(Refuses(code))
            }))
            .build();
        Client::from_conf(config)
    }

    #[test]
    fn a_change_set_already_gone_is_deleted() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let gone = refusing(NOT_FOUND);
        let engine = Engine::new(&gone, "jobs-dev");
        assert!(runtime.block_on(engine.delete_change_set("kumo-1")).is_ok());
        let busy = refusing("InvalidChangeSetStatus");
        let engine = Engine::new(&busy, "jobs-dev");
        let err = runtime
            .block_on(engine.delete_change_set("kumo-1"))
            .unwrap_err();
        assert!(err.to_string().contains("InvalidChangeSetStatus"), "{err}");
    }

    #[test]
    fn json_after_a_byte_order_mark_is_read_as_json() {
        let text = "\u{feff}{\"Metadata\": {\"N\": 1e3}, \"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"}}}";
        let template = read_template(text).unwrap();
        assert_eq!(template.metadata()["N"], serde_json::json!(1000.0));
        assert!(read_template("\u{feff}{\"Resources\": {\"Q\": 00}}").is_err());
    }

    #[test]
    fn only_an_update_is_cancelled_while_it_runs_or_once_it_does() {
        use OnInterrupt::{CancelUpdate, StopWaiting};
        let unasked = Cancel::Unasked;
        assert_eq!(
            unasked.press(CancelUpdate, "UPDATE_IN_PROGRESS"),
            Press::Cancel
        );
        for status in [
            "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
            "UPDATE_ROLLBACK_IN_PROGRESS",
        ] {
            assert_eq!(
                unasked.press(CancelUpdate, status),
                Press::WaitToEnd,
                "{status}"
            );
        }
        assert_eq!(
            unasked.press(CancelUpdate, "UPDATE_COMPLETE"),
            Press::CancelOnceRunning,
            "the previous update's status, before the new one shows"
        );
        for status in ["UPDATE_IN_PROGRESS", "CREATE_IN_PROGRESS"] {
            assert_eq!(
                unasked.press(StopWaiting, status),
                Press::StopWaiting,
                "{status}"
            );
        }
        for asked in [Cancel::Pending, Cancel::Sent, Cancel::TooLate] {
            assert_eq!(
                asked.press(CancelUpdate, "UPDATE_IN_PROGRESS"),
                Press::StopWaiting,
                "a second press: {asked:?}"
            );
        }
    }

    #[test]
    fn a_cancel_counts_only_if_the_update_did_not_work() {
        assert_eq!(
            Cancel::Unasked.interrupted(Outcome::Succeeded),
            Interrupted::No
        );
        assert_eq!(
            Cancel::Sent.interrupted(Outcome::Failed),
            Interrupted::Cancelled
        );
        for cancel in [Cancel::Sent, Cancel::Pending, Cancel::TooLate] {
            assert_eq!(
                cancel.interrupted(Outcome::Succeeded),
                Interrupted::TooLate,
                "{cancel:?}"
            );
        }
    }
}
