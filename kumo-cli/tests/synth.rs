//! `synth` driven through the command line's entry point.

use std::process::ExitCode;

use kumo_cli::{execute, CliError};
use kumo_core::{App, Environment, Parameter, Resource, Stack, StackError, Template};

struct Bucket {
    name: &'static str,
}

impl Stack for Bucket {
    fn name(&self) -> &str {
        self.name
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut template =
            Template::new().with_description(format!("{} in {}", self.name, env.name()));
        template.add_resource("Bucket", Resource::new("AWS::S3::Bucket"))?;
        Ok(template)
    }
}

struct Broken;

impl Stack for Broken {
    fn name(&self) -> &str {
        "broken"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut template = Template::new();
        template.add_parameter("Size", Parameter::string())?;
        template.add_resource("Queue", Resource::new("AWS::SQS::Queue").depends_on("Dlq"))?;
        Ok(template)
    }
}

struct Pair(Bucket, Bucket);

impl App for Pair {
    fn stacks(&self) -> Vec<&dyn Stack> {
        vec![&self.0, &self.1]
    }
}

fn pair() -> Pair {
    Pair(Bucket { name: "data" }, Bucket { name: "logs" })
}

fn synth(app: &dyn App, args: &[&str]) -> Result<(ExitCode, String), CliError> {
    let mut out = Vec::new();
    let args = ["stack", "synth"].iter().chain(args).copied();
    let code = execute(app, args, &mut out)?;
    Ok((code, String::from_utf8(out).unwrap()))
}

#[test]
fn prints_the_template_as_json() {
    let stack = Bucket { name: "data" };
    let (code, out) = synth(&stack, &[]).unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
    assert_eq!(
        out,
        stack.template(&Environment::new("dev")).unwrap().to_json()
    );
}

#[test]
fn builds_for_the_named_environment() {
    let (_, out) = synth(&Bucket { name: "data" }, &["--env", "prod"]).unwrap();
    assert!(out.contains("\"Description\": \"data in prod\""), "{out}");
}

#[test]
fn prints_yaml_on_request() {
    let (_, out) = synth(&Bucket { name: "data" }, &["--format", "yaml"]).unwrap();
    assert!(out.contains("Type: AWS::S3::Bucket"), "{out}");
}

#[test]
fn writes_one_file_per_stack() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("build");
    let (_, out) = synth(&pair(), &["--out", out_dir.to_str().unwrap()]).unwrap();
    for name in ["data", "logs"] {
        let path = out_dir.join(format!("{name}.template.json"));
        let written = std::fs::read_to_string(&path).unwrap();
        let template = Template::from_json(&written).unwrap();
        assert_eq!(
            template.description(),
            Some(format!("{name} in dev").as_str())
        );
        assert!(out.contains(&format!("wrote {}", path.display())), "{out}");
    }
}

#[test]
fn several_stacks_need_a_name_or_a_directory() {
    let err = synth(&pair(), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "this app has 2 stacks; name the one to print (`synth data`) or write them all with `--out DIR`"
    );
    let (_, out) = synth(&pair(), &["logs"]).unwrap();
    assert!(out.contains("logs in dev"));
}

#[test]
fn unknown_stacks_are_named() {
    let err = synth(&pair(), &["web"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no stack named `web`; this app has: data, logs"
    );
}

#[test]
fn invalid_templates_are_refused_with_their_problems() {
    let err = synth(&Broken, &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "stack `broken`: invalid template: Resources.Queue.DependsOn: `Dlq` is not a resource of this template"
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let err = synth(&Bucket { name: "data" }, &["--format", "xml"]).unwrap_err();
    let CliError::Usage(usage) = &err else {
        panic!("{err}")
    };
    assert!(usage.use_stderr());
    assert!(err.to_string().contains("invalid value 'xml'"), "{err}");
}
