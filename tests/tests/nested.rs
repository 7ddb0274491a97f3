//! Nested stacks: `nested name = Stack { param: value };` builds another stack into this one as
//! an `AWS::CloudFormation::Stack` whose template goes to the artifact bucket by content hash.
//! The parent and child templates are snapshotted and pass cfn-lint; mistakes the compiler
//! cannot see are errors of `synth`.

use kumo_core::resources::{ec2, sqs};
use kumo_core::{stack, Environment, Output, Stack, StackError, Template};
use kumo_tests::cfn_lint;
use serde_json::json;

stack! {
    /// A VPC, nested in the app's stack.
    pub Network(service = "network") {
        param vpc_cidr: String, "The VPC's address range.";
        param zones: Vec<String> = "a,b";
        #[logical_id("Size")]
        param max_hosts: i64 = 4;
        let vpc = ec2::Vpc::new().cidr_block(vpc_cidr);
        output vpc_id = vpc.r#ref(), "The VPC.";
        output zone_count = kumo_core::intrinsic::select(0, zones);
    }
}

stack! {
    /// An app that nests its network.
    pub App(service = "app") {
        param cidr: String = "10.0.0.0/16";
        nested net = Network { vpc_cidr: cidr, zones: ["a", "b", "c"], max_hosts: 8 };
        let jobs = sqs::Queue::new();
        output vpc = net.output(Network::VPC_ID), "The nested network's VPC.";
        output jobs_url = jobs.r#ref();
    }
}

fn dev() -> Environment {
    Environment::new("dev")
}

fn app() -> Template {
    App.template(&dev()).unwrap()
}

#[test]
fn the_parent_and_the_child_match_their_snapshots_and_pass_cfn_lint() {
    let parent = app();
    let child = parent.nested()["Net"].template();
    insta::assert_snapshot!("nested_parent", parent.to_json());
    insta::assert_snapshot!("nested_child", child.to_json());
    cfn_lint(&parent).unwrap();
    cfn_lint(child).unwrap();
}

#[test]
fn the_nested_stack_takes_its_template_from_the_bucket_by_hash_and_its_typed_parameters() {
    let parent = app();
    let nested = &parent.nested()["Net"];
    assert_eq!(nested.body(), nested.template().to_json());
    assert_eq!(
        nested.template(),
        &Network.template(&dev()).unwrap(),
        "the child is the stack built for the same environment"
    );
    let resource = serde_json::to_value(&parent.resources()["Net"]).unwrap();
    assert_eq!(resource["Type"], "AWS::CloudFormation::Stack");
    assert_eq!(
        resource["Properties"]["TemplateURL"],
        json!({"Fn::Sub": format!(
            "https://s3.${{AWS::Region}}.${{AWS::URLSuffix}}/${{KumoAssetBucket}}/nested/{}.json",
            nested.hash()
        )})
    );
    assert_eq!(
        resource["Properties"]["Parameters"],
        json!({"VpcCidr": {"Ref": "Cidr"}, "Zones": "a,b,c", "Size": "8"})
    );
    assert!(parent.parameters().contains_key("KumoAssetBucket"));
    assert!(parent.uses_artifact_bucket());
    let output = serde_json::to_value(&parent.outputs()["Vpc"]).unwrap();
    assert_eq!(
        output["Value"],
        json!({"Fn::GetAtt": ["Net", "Outputs.VpcId"]})
    );
}

#[test]
fn the_hash_is_of_the_childs_bytes_and_is_stable() {
    let first = app();
    let again = app();
    assert_eq!(first.to_json(), again.to_json());
    let other = Network.template(&Environment::new("prod")).unwrap();
    let other = kumo_core::nested::NestedTemplate::new(other);
    assert_ne!(
        other.hash(),
        first.nested()["Net"].hash(),
        "another child gives another key"
    );
}

stack! {
    /// Nests the network without its required parameter.
    pub Missing(service = "missing") {
        nested net = Network { zones: ["a"] };
    }
}

stack! {
    /// Reads an output of another stack through the nested handle.
    pub WrongOutput(service = "wrong-output") {
        nested net = Network { vpc_cidr: "10.1.0.0/16" };
        output jobs = net.output(App::JOBS_URL);
    }
}

#[test]
fn a_missing_parameter_or_an_output_of_another_stack_is_an_error_of_synth() {
    let err = Missing.template(&dev()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "nested stack `net`: parameter(s) without a default not given: VpcCidr"
    );
    let err = WrongOutput.template(&dev()).unwrap_err();
    assert!(matches!(err, StackError::Nested { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "nested stack `Net`: it has no output `JobsUrl`"
    );
}

stack! {
    /// Nests the stack that nests it.
    pub Ping(service = "ping") {
        nested pong = Pong;
    }
}

stack! {
    /// Nests the stack that nests it.
    pub Pong(service = "pong") {
        nested ping = Ping;
    }
}

#[test]
fn stacks_that_nest_each_other_are_an_error_of_synth_not_an_overflow() {
    let err = Ping.template(&dev()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "nested stack `pong`: nested stack `ping`: stack `ping` would contain itself (ping -> pong -> ping)"
    );
}

/// A stack that fails to build.
struct Broken;

impl Stack for Broken {
    fn name(&self) -> &str {
        "broken"
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut scope = kumo_core::Scope::new("broken", env);
        scope.output("a", Output::new("x"));
        scope.output("a", Output::new("y"));
        scope.finish()
    }
}

stack! {
    /// Nests a stack that cannot be built.
    pub NestsBroken(service = "nests-broken") {
        nested inner = Broken;
    }
}

#[test]
fn a_child_that_fails_to_build_fails_its_parent_with_its_error() {
    let err = NestsBroken.template(&dev()).unwrap_err();
    assert!(
        err.to_string().starts_with("nested stack `inner`: "),
        "{err}"
    );
}

stack! {
    /// A child that protects its queue.
    pub ProtectsItsQueue(service = "protects") {
        protected let jobs = kumo_particles::queue();
    }
}

stack! {
    /// Nests a child that protects a resource itself.
    pub NestsProtected(service = "nests-protected") {
        nested inner = ProtectsItsQueue;
    }
}

stack! {
    /// Protects the nested stack as a whole.
    pub ProtectsNested(service = "protects-nested") {
        #[logical_id("Network")]
        protected nested net = Network { vpc_cidr: "10.2.0.0/16" };
    }
}

#[test]
fn the_nested_stack_is_protected_as_a_whole_not_from_inside() {
    let err = NestsProtected.template(&dev()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("nested stack `inner`: it protects resources (`protected let`)"),
        "{err}"
    );
    let template = ProtectsNested.template(&dev()).unwrap();
    assert!(template.nested().contains_key("Network"));
    assert_eq!(
        template.stack_policy().unwrap()["Statement"][1]["Resource"],
        json!(["LogicalResourceId/Network"])
    );
}

stack! {
    /// Imports the app's queue URL.
    pub ImportsJobs(service = "imports-jobs") {
        import jobs = App::JOBS_URL;
        let queue = sqs::Queue::new().queue_name(jobs);
    }
}

stack! {
    /// Takes the app's queue URL as a parameter deploy fills.
    pub TakesJobs(service = "takes-jobs") {
        import jobs = App::JOBS_URL, parameter;
        let queue = sqs::Queue::new().queue_name(jobs);
    }
}

stack! {
    /// Nests a child that imports.
    pub NestsImporter(service = "nests-importer") {
        nested inner = ImportsJobs;
    }
}

stack! {
    /// Nests a child that takes another stack's output as a parameter.
    pub NestsParameterTaker(service = "nests-taker") {
        nested inner = TakesJobs;
    }
}

#[test]
fn a_childs_imports_order_its_parent_and_its_parameter_imports_are_refused() {
    let template = NestsImporter.template(&dev()).unwrap();
    assert_eq!(template.stack_dependencies(), ["app"]);
    let err = NestsParameterTaker.template(&dev()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "nested stack `inner`: it takes output `JobsUrl` of stack `app` as a parameter, which only a top-level stack gets; import it instead"
    );
}
