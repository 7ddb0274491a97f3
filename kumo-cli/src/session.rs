//! What every command that talks to CloudFormation shares: the environment, the target, the
//! local state, and how to ask the user.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};

use aws_config::SdkConfig;
use aws_sdk_cloudformation::Client;
use kumo_core::asset::BUCKET_PARAMETER;
use kumo_core::group::Via;
use kumo_core::nested::NestedTemplate;
use kumo_core::scope::{ENVIRONMENT_TAG, SERVICE_TAG};
use kumo_core::validate::MAX_INLINE_BODY_BYTES as INLINE_LIMIT;
use kumo_core::{Environment, Stack, Template};

use crate::artifacts::{Artifacts, TemplateSource, LOCAL_BUCKET};
use crate::aws::{aws_error, Target};
use crate::config::EnvConfig;
use crate::engine::Engine;
use crate::error::CliError;
use crate::lock::Lock;
use crate::secrets::MASK;
use crate::state::State;
use crate::target::Place;
use crate::ui::Ui;
use crate::workspace::{kumo_filled, Workspace};

/// The parameters of a deploy: the values kumo sends, and the parameters the deployed stack
/// keeps as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parameters {
    /// The values sent, by name.
    pub values: BTreeMap<String, String>,
    /// The NoEcho parameters without a default that got no value and that the deployed stack
    /// has: its value reads back masked, so CloudFormation is told to keep it
    /// (`UsePreviousValue`). A parameter that is not NoEcho is sent its deployed value.
    pub kept: BTreeSet<String>,
}

impl Parameters {
    /// The values as the stack lists them once deployed: a kept one masked, as CloudFormation
    /// lists a NoEcho value.
    pub fn listed(&self) -> BTreeMap<String, String> {
        let mut values = self.values.clone();
        values.extend(self.kept.iter().map(|name| (name.clone(), MASK.to_owned())));
        values
    }

    /// `values` for `template`, with a value of `deployed` (the parameter values of the stack
    /// a deploy updates) for each parameter without a default that has none; the name of the
    /// first parameter left without a value is the error.
    fn complete(
        template: &Template,
        mut values: BTreeMap<String, String>,
        deployed: Option<&BTreeMap<String, String>>,
    ) -> Result<Parameters, String> {
        let mut kept = BTreeSet::new();
        let no_echo = template.no_echo_parameters();
        for (name, parameter) in template.parameters() {
            if parameter.default().is_some() || values.contains_key(name) {
                continue;
            }
            match deployed.and_then(|d| d.get(name)) {
                // A NoEcho value reads back masked: CloudFormation is told to keep it.
                Some(value) if value == MASK || no_echo.contains(name.as_str()) => {
                    kept.insert(name.clone());
                }
                Some(value) => {
                    values.insert(name.clone(), value.clone());
                }
                None => return Err(name.clone()),
            }
        }
        Ok(Parameters { values, kept })
    }
}

/// The context of one command.
pub struct Session {
    /// The environment the stacks are built for.
    pub env: Environment,
    /// Where CloudFormation is.
    pub target: Target,
    /// How long to wait for one CloudFormation operation (`--timeout`).
    pub timeout: std::time::Duration,
    /// The local state.
    pub state: State,
    /// The environment's settings from `kumo.toml`.
    pub config: EnvConfig,
    /// `--artifact-bucket`, over kumo.toml's.
    pub artifact_bucket: Option<String>,
    /// The CloudFormation service role: `--role-arn`, over kumo.toml's.
    pub role_arn: Option<String>,
    /// The targets the command acts on (kumo.toml's, narrowed by `--region` and `--target`).
    pub places: Vec<Place>,
    /// How to print.
    pub ui: Ui,
}

/// A connection to AWS whose account has been checked.
pub struct Connection {
    /// The SDK settings, for more clients.
    pub config: SdkConfig,
    /// The CloudFormation client.
    pub client: Client,
}

impl Session {
    /// What the session knows without the network, aimed at its target.
    pub fn workspace(&self) -> Workspace<'_> {
        Workspace {
            env: &self.env,
            config: &self.config,
            state: &self.state,
            ui: &self.ui,
            region: self.target.region.as_deref(),
            account: self.config.account.as_deref(),
        }
    }

    /// A CloudFormation client for the target.
    pub async fn client(&self) -> Client {
        Target::cloudformation(&self.target.config().await)
    }

    /// A connection for a command that changes something: when kumo.toml pins the
    /// environment's account, the credentials must be that account's.
    pub async fn connect(&self) -> Result<Connection, CliError> {
        self.connect_to(&self.target).await
    }

    /// [`Session::connect`] to `target`.
    pub(crate) async fn connect_to(&self, target: &Target) -> Result<Connection, CliError> {
        let config = target.config().await;
        let connection = Connection {
            client: Target::cloudformation(&config),
            config,
        };
        if let Some(expected) = &self.config.account {
            let actual = connection.account().await?;
            if actual != *expected {
                return Err(CliError::WrongAccount {
                    env: self.env.name().to_owned(),
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        Ok(connection)
    }

    /// The artifact bucket: `--artifact-bucket`, kumo.toml's, or with `--local` one kumo makes.
    fn artifact_bucket(&self) -> Option<&str> {
        self.artifact_bucket
            .as_deref()
            .or(self.config.artifact_bucket.as_deref())
            .or(self.target.local.then_some(LOCAL_BUCKET))
    }

    /// The artifact bucket, for `why` (a stack's large template or its assets).
    pub async fn artifacts(
        &self,
        connection: &Connection,
        why: &str,
    ) -> Result<Artifacts<'_>, CliError> {
        let Some(bucket) = self.artifact_bucket() else {
            return Err(missing_bucket(why));
        };
        Artifacts::open(
            Target::s3(&connection.config),
            bucket,
            connection.region(),
            self.target.local,
        )
        .await
    }

    /// How `body` (validated, so at most 1 MB) reaches CloudFormation: inline up to 51,200
    /// bytes, else through the artifact bucket.
    pub async fn template_source(
        &self,
        connection: &Connection,
        stack: &dyn Stack,
        body: &str,
    ) -> Result<TemplateSource, CliError> {
        if body.len() <= INLINE_LIMIT {
            return Ok(TemplateSource::Body(body.to_owned()));
        }
        let why = format!(
            "the template of stack `{}` is {} bytes, more than CloudFormation takes inline ({INLINE_LIMIT})",
            self.stack_name(stack),
            body.len()
        );
        self.artifacts(connection, &why).await?.template(body).await
    }

    /// Bundles the assets of `template` into `.kumo/build` and uploads those the artifact bucket
    /// lacks (all of them with `force`), saying what it did on `out`.
    pub async fn upload_assets(
        &self,
        connection: &Connection,
        stack: &dyn Stack,
        template: &Template,
        force: bool,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        self.upload_nested(connection, stack, template, out).await?;
        if template.assets().is_empty() {
            return Ok(());
        }
        let artifacts = self
            .artifacts(connection, &self.assets_reason(stack, template))
            .await?;
        for asset in template.assets().values() {
            artifacts
                .asset(asset, &self.state.build_dir(), force, out)
                .await?;
        }
        Ok(())
    }

    /// Uploads the templates of the nested stacks of `template` (theirs too, and their
    /// assets) that the artifact bucket lacks, before the change set that reads them; and keeps
    /// each under `.kumo` for an offline `diff`. Says what it did on `out`.
    pub async fn upload_nested(
        &self,
        connection: &Connection,
        stack: &dyn Stack,
        template: &Template,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        if template.nested().is_empty() {
            return Ok(());
        }
        let artifacts = self
            .artifacts(connection, &self.assets_reason(stack, template))
            .await?;
        let mut pending: Vec<(String, &NestedTemplate)> = template
            .nested()
            .iter()
            .map(|(id, nested)| (id.clone(), nested))
            .collect();
        while let Some((path, nested)) = pending.pop() {
            for asset in nested.template().assets().values() {
                artifacts
                    .asset(asset, &self.state.build_dir(), false, out)
                    .await?;
            }
            let uploaded = artifacts.nested(nested).await?;
            self.state.write_nested(nested)?;
            let line = if uploaded {
                format!(
                    "  uploaded the template of nested stack {path} ({})",
                    nested.key()
                )
            } else {
                format!("  nested stack {path} unchanged")
            };
            writeln!(out, "{line}").map_err(CliError::Stdout)?;
            pending.extend(
                nested
                    .template()
                    .nested()
                    .iter()
                    .map(|(id, child)| (format!("{path}/{id}"), child)),
            );
        }
        Ok(())
    }

    /// Why `stack` needs the artifact bucket: for its assets, or its nested stacks.
    fn assets_reason(&self, stack: &dyn Stack, template: &Template) -> String {
        if template.assets().is_empty() {
            return format!(
                "stack `{}` nests {} stack(s)",
                self.stack_name(stack),
                template.nested().len()
            );
        }
        format!(
            "stack `{}` bundles {} asset(s)",
            self.stack_name(stack),
            template.assets().len()
        )
    }

    /// The engine of the stack named `name`, waiting at most `--timeout` for an operation and
    /// changing the stack as the service role, when there is one.
    pub fn engine<'a>(&self, client: &'a Client, name: &'a str) -> Engine<'a> {
        Engine::new(client, name)
            .waiting(self.timeout)
            .with_role(self.role_arn.clone())
    }

    /// Takes the lock of the stack named `name` in the connection's region (and kumo.toml's
    /// account, when it names one) for `command`, so
    /// that no other kumo acts on it until the lock is dropped.
    pub fn lock(
        &self,
        connection: &Connection,
        name: &str,
        command: &str,
    ) -> Result<Lock, CliError> {
        let dir = self.state.locks_dir();
        let dir = match &self.config.account {
            Some(account) => dir.join(account),
            None => dir,
        };
        Lock::take(&dir, &connection.region(), name, command)
    }

    /// The CloudFormation name of `stack` in this environment: `{prefix}{stack}-{env}`.
    pub fn stack_name(&self, stack: &dyn Stack) -> String {
        self.env.stack_name(stack.name())
    }

    /// The parameter values to deploy `template` of `stack` with, later ones winning:
    /// kumo.toml's for the environment, the stack's own section of kumo.toml, `given` (kumo's:
    /// the asset bucket, other stacks' outputs), and `overrides` (`--param`). Environment-wide
    /// values and overrides apply to the stacks that declare them ([`Workspace::check_shared`]
    /// checks that one does); the stack's own must be its parameters. Those without a value
    /// are left to [`Session::complete_parameters`].
    pub fn parameters(
        &self,
        stack: &dyn Stack,
        template: &Template,
        given: Vec<(String, String)>,
        overrides: &[(String, String)],
    ) -> Result<BTreeMap<String, String>, CliError> {
        let declared = template.parameters();
        let own = self
            .config
            .stacks
            .get(stack.name())
            .map(|settings| settings.parameters.clone())
            .unwrap_or_default();
        if let Some(name) = own.keys().find(|name| !declared.contains_key(*name)) {
            return Err(CliError::UnknownParameter {
                stack: self.stack_name(stack),
                name: name.clone(),
                known: declared.keys().cloned().collect(),
            });
        }
        let filled = kumo_filled(template);
        self.workspace().check_own(stack, &filled)?;
        // Values for every stack apply to those that declare the parameter and do not take it
        // from kumo.
        let shared = |values: &mut BTreeMap<String, String>, pairs: Vec<(String, String)>| {
            values.extend(
                pairs
                    .into_iter()
                    .filter(|(k, _)| declared.contains_key(k) && !filled.contains_key(k)),
            );
        };
        let mut values = BTreeMap::new();
        shared(
            &mut values,
            self.config.parameters.clone().into_iter().collect(),
        );
        values.extend(own);
        shared(&mut values, overrides.to_vec());
        values.extend(given);
        Ok(values)
    }

    /// The parameters of a deploy of `template` of `stack` with `values`
    /// ([`Session::deploy_parameters`]): every parameter without a default must have a value,
    /// except one the stack has when the deploy updates it (`deployed`, its parameter values
    /// as CloudFormation lists them), which keeps its deployed value, as `cdk deploy` keeps
    /// it.
    pub fn complete_parameters(
        &self,
        stack: &dyn Stack,
        template: &Template,
        values: BTreeMap<String, String>,
        deployed: Option<&BTreeMap<String, String>>,
    ) -> Result<Parameters, CliError> {
        Parameters::complete(template, values, deployed).map_err(|name| {
            CliError::MissingParameter {
                stack: self.stack_name(stack),
                name,
            }
        })
    }

    /// [`Session::parameters`] for a change set: with assets, the bucket parameter is the
    /// artifact bucket; a parameter that takes another stack's output gets it from that
    /// stack's deployed outputs (through `client`, or one for the producer's region when it
    /// lives in another region than `stack`).
    pub async fn deploy_parameters(
        &self,
        stack: &dyn Stack,
        template: &Template,
        overrides: &[(String, String)],
        client: &Client,
    ) -> Result<BTreeMap<String, String>, CliError> {
        let mut given = Vec::new();
        if template.uses_artifact_bucket() {
            let bucket = self
                .artifact_bucket()
                .ok_or_else(|| missing_bucket(&self.assets_reason(stack, template)))?;
            given.push((BUCKET_PARAMETER.to_owned(), bucket.to_owned()));
        }
        for reference in template.references() {
            let (Via::Parameter(parameter), Some(output)) = (&reference.via, &reference.output)
            else {
                continue;
            };
            let producer = self.env.stack_name(&reference.stack);
            let fail = |why: &str| {
                CliError::Deploy {
                stack: self.stack_name(stack),
                message: format!(
                    "parameter `{parameter}` takes output `{output}` of `{producer}`, {why}; deploy `{}` first",
                    reference.stack
                ),
            }
            };
            let elsewhere = self.region_client(stack.name(), &reference.stack).await;
            let deployed = Engine::new(elsewhere.as_ref().unwrap_or(client), &producer)
                .describe()
                .await?
                .ok_or_else(|| fail("which is not deployed"))?;
            let value = deployed
                .outputs
                .get(output)
                .ok_or_else(|| fail("which has no such output yet"))?;
            given.push((parameter.clone(), value.clone()));
        }
        self.parameters(stack, template, given, overrides)
    }

    /// kumo.toml's tags of `stack`: the environment's, and the stack's over them.
    pub fn config_tags(&self, stack: &dyn Stack) -> BTreeMap<String, String> {
        self.config.tags_of(stack.name())
    }

    /// The tags `stack` is deployed with ([`Session::config_tags`]), and kumo's own over them:
    /// the template's [stack tags](Template::stack_tags) (none when the stack turned default
    /// tags off), or `service-name` and `environment` for a template that does not say.
    pub fn stack_tags(&self, stack: &dyn Stack, template: &Template) -> BTreeMap<String, String> {
        let mut tags = self.config_tags(stack);
        match template.stack_tags() {
            Some(own) => tags.extend(own.clone()),
            None => {
                tags.insert(SERVICE_TAG.to_owned(), stack.name().to_owned());
                tags.insert(ENVIRONMENT_TAG.to_owned(), self.env.name().to_owned());
            }
        }
        tags
    }

    /// Every parameter's value once deployed: the given ones, else the defaults.
    pub fn effective_parameters(
        template: &Template,
        given: &BTreeMap<String, String>,
    ) -> BTreeMap<String, String> {
        template
            .parameters()
            .iter()
            .filter_map(|(name, p)| {
                let value = given
                    .get(name)
                    .cloned()
                    .or_else(|| p.default().map(str::to_owned))?;
                Some((name.clone(), value))
            })
            .collect()
    }

    /// Asks `question` on the terminal; without one there is nobody to ask, and the answer is
    /// yes (commands that must not go ahead unasked check [`Session::interactive`] first).
    pub fn confirm(&self, question: &str) -> Result<bool, CliError> {
        if !Self::interactive() {
            return Ok(true);
        }
        // Ctrl-C at the question is an answer: no. The prompt hid the cursor and left its line
        // open; both are put back so that what follows starts on a line of its own.
        let term = console::Term::stderr();
        match dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact_on(&term)
        {
            Ok(answer) => Ok(answer),
            Err(dialoguer::Error::IO(err)) if err.kind() == std::io::ErrorKind::Interrupted => {
                let _ = term.show_cursor();
                let _ = term.write_line("");
                Ok(false)
            }
            Err(dialoguer::Error::IO(err)) => {
                let _ = term.show_cursor();
                Err(CliError::Stdout(err))
            }
        }
    }

    /// Whether a person can answer questions: standard input, and standard error where the
    /// question goes, are terminals.
    pub fn interactive() -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }
}

impl Connection {
    /// The region it talks to (us-east-1, the SDK's own default, when none is set).
    pub fn region(&self) -> String {
        self.config
            .region()
            .map_or_else(|| "us-east-1".to_owned(), ToString::to_string)
    }

    /// The account its credentials are in, as STS says.
    pub async fn account(&self) -> Result<String, CliError> {
        let identity = Target::sts(&self.config)
            .get_caller_identity()
            .send()
            .await
            .map_err(|err| aws_error("checking the account", err))?;
        Ok(identity.account().unwrap_or_default().to_owned())
    }
}

/// The error of needing an artifact bucket, for `why`, with none configured.
fn missing_bucket(why: &str) -> CliError {
    CliError::Artifacts(format!(
        "{why}; that needs an artifact bucket: set artifact-bucket in kumo.toml or pass --artifact-bucket"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::pairs;
    use kumo_core::Parameter;

    #[test]
    fn a_parameter_without_a_value_keeps_the_updated_stacks() {
        let mut template = Template::new();
        template
            .add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        template.add_parameter("Size", Parameter::number()).unwrap();
        template
            .add_parameter("Team", Parameter::string().default_value("ops"))
            .unwrap();
        let deployed = pairs(&[("Password", MASK), ("Size", "3"), ("Team", "media")]);

        let kept = Parameters::complete(&template, BTreeMap::new(), Some(&deployed)).unwrap();
        assert_eq!(
            kept.values,
            pairs(&[("Size", "3")]),
            "a default is not kept"
        );
        assert_eq!(kept.kept, BTreeSet::from(["Password".to_owned()]));

        let given = pairs(&[("Password", "hunter2"), ("Size", "5")]);
        let sent = Parameters::complete(&template, given.clone(), Some(&deployed)).unwrap();
        assert_eq!(
            sent,
            Parameters {
                values: given,
                kept: BTreeSet::new()
            }
        );

        assert_eq!(
            Parameters::complete(&template, BTreeMap::new(), None),
            Err("Password".to_owned()),
            "a new stack has nothing to keep"
        );
        let without = pairs(&[("Password", MASK)]);
        assert_eq!(
            Parameters::complete(&template, BTreeMap::new(), Some(&without)),
            Err("Size".to_owned()),
            "a parameter the stack does not have yet needs a value"
        );
    }
}
