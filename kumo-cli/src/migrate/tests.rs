//! The source `kumo migrate` writes for small templates (insta snapshots), its fallbacks, and its
//! errors.

use heck::ToUpperCamelCase;

use super::index::Index;
use super::source::{module, stack_name};
use super::values::INTRINSICS;
use super::*;
use crate::tool::{execute, ToolError};

fn migrate(yaml: &str) -> source::Module {
    let template = Template::from_yaml(yaml).expect("a valid template");
    module(&template, "Sample", "sample", None, Index::get().unwrap()).expect("rustfmt runs")
}

/// `kumo migrate ARGS...`, and what it printed.
fn kumo_migrate(args: &[&str]) -> Result<String, ToolError> {
    let mut printed = Vec::new();
    execute(
        ["kumo", "migrate"].iter().chain(args).copied(),
        &mut printed,
    )?;
    Ok(String::from_utf8(printed).expect("kumo prints UTF-8"))
}

#[test]
fn typed_resources_statements_and_kept_ids() {
    let migrated = migrate(
        r#"
Description: A VPC and a queue
Parameters:
  CidrBlock: {Type: String, Default: 10.0.0.0/16, AllowedPattern: "[0-9./]+", Description: The range}
  KeyName: {Type: "AWS::EC2::KeyPair::KeyName"}
  Size: {Type: Number, Default: 3, MinValue: 1, MaxValue: 9}
Mappings:
  RegionMap: {us-east-1: {Ami: ami-1, Count: 2}}
Conditions:
  IsProd: !Equals [!Ref "AWS::Region", us-east-1]
Resources:
  MainVPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref CidrBlock
      EnableDnsSupport: true
      Tags: [{Key: Name, Value: !Sub "${AWS::StackName}-vpc"}]
  Subnet:
    Type: AWS::EC2::Subnet
    Condition: IsProd
    DependsOn: Queue
    Properties:
      VpcId: !Ref MainVPC
      CidrBlock: !Select [0, !Cidr [!GetAtt MainVPC.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [0, !GetAZs ""]
  Queue:
    Type: AWS::SQS::Queue
    DeletionPolicy: Retain
    Properties:
      VisibilityTimeout: 60
      QueueName: !FindInMap [RegionMap, !Ref "AWS::Region", Ami]
Outputs:
  VPCId:
    Value: !Ref MainVPC
    Export: {Name: !Sub "${AWS::StackName}-VPCId"}
  QueueArn:
    Value: !GetAtt Queue.Arn
    Description: The queue
    Condition: IsProd
    Export: {Name: queue-arn}
"#,
    );
    insta::assert_snapshot!(migrated.source);
    assert_eq!(migrated.services.iter().collect::<Vec<_>>(), ["ec2", "sqs"]);
    assert!(migrated.fallbacks.is_empty(), "{:?}", migrated.fallbacks);
}

#[test]
fn what_typed_code_cannot_say_falls_back_visibly() {
    let migrated = migrate(
        r#"
Transform: AWS::Serverless-2016-10-31
Globals: {Function: {Timeout: 5}}
Parameters:
  Ratio: {Type: Number, MinValue: 0.5}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: "60"
      NotAProperty: [1, 2]
  Function:
    Type: AWS::Serverless::Function
    Properties: {Handler: index.handler, Runtime: python3.12, CodeUri: .}
  Lookup:
    Type: Custom::Lookup
    Properties: {ServiceToken: !GetAtt Queue.Arn, Name: x}
  Versioned:
    Type: Custom::Lookup
    Version: "1.0"
    Properties: {ServiceToken: !GetAtt Queue.Arn}
  NoVpc:
    Type: AWS::EC2::Subnet
    Properties: {CidrBlock: 10.0.0.0/24}
Outputs:
  Fn::ForEach::Names:
    - Name
    - [A, B]
    - Out${Name}: {Value: !Ref Name}
"#,
    );
    insta::assert_snapshot!(migrated.source);
    insta::assert_debug_snapshot!(migrated.fallbacks);
}

#[test]
fn what_mapping_and_the_parameter_builder_cannot_state_is_kept_as_written() {
    let migrated = migrate(
        r#"
Parameters:
  Ratio: {Type: Number, MinValue: 0.5, MaxValue: 18446744073709551615}
Mappings:
  Offsets: {us-east-1: {Low: -1}}
  Plain: {us-east-1: {Name: jobs}}
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !FindInMap [Offsets, !Ref "AWS::Region", Low]}
"#,
    );
    for written in [
        r#".min_value(serde_json::Number::from_f64(0.5).expect("a finite number"))"#,
        ".max_value(18446744073709551615_u64)",
        r#"adopt::Base(json!({"Mappings":{"Offsets":{"us-east-1":{"Low":-1}}}}))"#,
        r#"mapping plain = { "us-east-1" = { "Name" = "jobs" } };"#,
    ] {
        assert!(migrated.source.contains(written), "{}", migrated.source);
    }
    assert!(
        !migrated.source.contains("not migrated"),
        "{}",
        migrated.source
    );
    assert_eq!(
        migrated.fallbacks,
        [
            "Mappings.Offsets as written (adopt::Base)",
            "parameter Ratio: constraints `param` cannot state (adopt::Param)",
        ]
    );
}

#[test]
fn rules_and_outputs_with_keys_their_statements_lack_are_kept_as_written() {
    let migrated = migrate(
        r#"
Rules:
  Plain: {Assertions: [{Assert: !Equals [a, a], AssertDescription: same}]}
  Odd: {Assertions: [{Assert: !Equals [a, a], Extra: x}], Other: y}
Resources:
  Jobs: {Type: AWS::SQS::Queue}
Outputs:
  Url: {Value: !Ref Jobs, Export: {Name: jobs-url}}
  Exported: {Value: !Ref Jobs, Export: {Name: jobs, Extra: 1}}
"#,
    );
    for written in [
        "let template_base = adopt::Base(json!({",
        r#""Extra": 1,"#,
        r#""Extra": "x""#,
        r#""Other": "y""#,
        r#".description("same")"#,
        r#"export = "jobs-url""#,
    ] {
        assert!(migrated.source.contains(written), "{}", migrated.source);
    }
    assert_eq!(
        migrated.fallbacks,
        ["Outputs.Exported, Rules.Odd as written (adopt::Base)"]
    );
}

#[test]
fn what_synth_will_refuse_is_said_when_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("dangling.json");
    std::fs::write(
        &template,
        r#"{"Resources": {"Jobs": {"Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": {"Ref": "Missing"}}}}}"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let printed =
        kumo_migrate(&[template.to_str().unwrap(), "--out", out.to_str().unwrap()]).unwrap();
    assert!(
        printed.ends_with("\n    synth refuses it until mended: Resources.Jobs.Properties.QueueName: Ref to `Missing`, which is not a parameter, resource or pseudo parameter\n"),
        "{printed}"
    );
}

#[test]
fn no_statement_is_named_as_an_intrinsic_function_the_module_imports() {
    // A logical ID named as each function the module calls (`If` as the keyword's `if_`);
    // `GetAtt`'s own attribute, before its handle is declared, calls `get_att`.
    let migrated = migrate(
        r#"
Parameters:
  Cidr: {Type: String, Default: 10.0.0.0/16}
  Sub: {Type: String, Default: a}
  SubWith: {Type: String, Default: b}
  Join: {Type: String, Default: c}
  Base64: {Type: String, Default: d}
  Reference: {Type: String, Default: "5"}
  ImportValue: {Type: String, Default: e}
Mappings:
  Select: {us-east-1: {Name: x}}
  FindInMap: {us-east-1: {Delay: 3}}
Conditions:
  Split: !Equals [!Ref Sub, a]
  GetAzs: !Not [!Condition Split]
Resources:
  If:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !If [Split, !Sub "${Sub}-x", !Join ["-", [!Ref Join, {"Fn::Base64": {Ref: Base64}}]]]
      TopicName: !ImportValue {Ref: ImportValue}
  GetAtt:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: !FindInMap [FindInMap, !Ref "AWS::Region", Delay]
      MaximumMessageSize: !Ref Reference
      QueueName: !Sub ["${A}-${B}", {A: !Ref SubWith, B: !GetAtt GetAtt.QueueName}]
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-1
      CidrBlock: !Select [0, !Cidr [!Ref Cidr, 4, 8]]
      AvailabilityZone: !Select [0, !GetAZs ""]
      AvailabilityZoneId: !Select [0, !Split [",", !FindInMap [Select, !Ref "AWS::Region", Name]]]
"#,
    );
    let source = &migrated.source;
    let imported = format!("use kumo_core::intrinsic::{{{}}};", INTRINSICS.join(", "));
    assert!(source.contains(&imported), "{source}");
    for function in INTRINSICS {
        assert!(
            !source.contains(&format!(" {function}: "))
                && !source.contains(&format!(" {function} = ")),
            "a statement is named `{function}`:\n{source}"
        );
    }
    for written in [
        "param cidr_param: String",
        "cidr(cidr_param.clone(), 4, 8)",
        "let if_resource = ",
    ] {
        assert!(source.contains(written), "{source}");
    }
}

#[test]
fn no_stack_is_named_as_a_type_its_module_imports() {
    assert_eq!(stack_name("my-vpc"), "MyVpc");
    for file in [
        "assertion",
        "attributes",
        "aws-type",
        "condition",
        "custom-resource",
        "deletion-policy",
        "parameter",
        "parameter-type",
        "resource",
        "rule",
        "ssm-value-type",
        "string",
        "update-replace-policy",
        "vec",
    ] {
        let name = file.to_upper_camel_case();
        assert_eq!(stack_name(file), format!("{name}Stack"));
    }
}

#[test]
fn control_characters_are_written_as_rust_reads_them() {
    // YAML's double-quoted escapes: ESC, SOH, backspace, form feed and tab, in a typed string,
    // in JSON (metadata, a custom resource's property) and in a key.
    let migrated = migrate(
        r#"
Metadata: {Note: "a\e[0m b\x01 c\b d\f e\t"}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: "q\ex"}
  Thing:
    Type: Custom::Thing
    Properties: {ServiceToken: arn, "k\x03": ["\x05"]}
"#,
    );
    for written in [
        r#""Note" = json!("a\u{1b}[0m b\u{1} c\u{8} d\u{c} e\t")"#,
        r#".queue_name("q\u{1b}x")"#,
        r#".property("k\u{3}", json!(["\u{5}"]))"#,
    ] {
        assert!(migrated.source.contains(written), "{}", migrated.source);
    }
}

#[test]
fn the_index_names_every_generated_type() {
    let index = Index::get().unwrap();
    let bucket = index
        .get_type("AWS::S3::Bucket")
        .expect("S3 buckets are generated");
    assert_eq!(
        (bucket.service.as_str(), bucket.name.as_str()),
        ("s3", "Bucket")
    );
    assert!(bucket.properties.iter().any(|p| p.method == "bucket_name"));
    assert!(bucket.attributes.contains_key("Arn"));
    assert!(index.get_type("AWS::Serverless::Function").is_none());
}

#[test]
fn a_damaged_index_is_an_error_naming_the_line() {
    let err = Index::parse("R\tAWS::S3::Bucket\ts3\tBucket\tbucket\t-\nP\tOnly\ttwo").unwrap_err();
    assert_eq!(err, "line 2 of the index is malformed: `P\tOnly\ttwo`");
    assert!(
        Index::parse("P\tA\ta\ts\tr").is_err(),
        "a property before any type"
    );
    assert!(
        Index::parse("R\tT\ts\tT\tt\t-\nP\tA\ta\tX:Y\tr").is_err(),
        "an unknown shape"
    );
}

#[test]
fn writes_a_crate_with_the_features_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("my-queue.json");
    std::fs::write(
        &template,
        r#"{"Resources": {"Jobs": {"Type": "AWS::SQS::Queue"}}}"#,
    )
    .unwrap();
    let out = dir.path().join("adopted");
    let printed =
        kumo_migrate(&[template.to_str().unwrap(), "--out", out.to_str().unwrap()]).unwrap();
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains(&format!(
        "kumo-core = {{ version = \"{}\", default-features = false, features = [\"sqs\"] }}",
        env!("CARGO_PKG_VERSION")
    )));
    let main = std::fs::read_to_string(out.join("src/bin/my-queue.rs")).unwrap();
    assert!(
        main.contains("kumo_cli::run(adopted::my_queue::MyQueue)"),
        "{main}"
    );
    assert!(out.join("src/adopt.rs").is_file());
    assert!(printed.contains("cargo run --bin my-queue -- synth"));

    // The library is named as cargo names it: the package's name with `_` for `-`.
    let named = dir.path().join("named");
    let (template, named_dir) = (template.to_str().unwrap(), named.to_str().unwrap());
    kumo_migrate(&[template, "--out", named_dir, "--name", "Queues-2"]).unwrap();
    let main = std::fs::read_to_string(named.join("src/bin/my-queue.rs")).unwrap();
    assert!(
        main.contains("kumo_cli::run(Queues_2::my_queue::MyQueue)"),
        "{main}"
    );
}

#[test]
fn bad_inputs_are_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let run = |args: &[&str]| kumo_migrate(args).unwrap_err();

    let missing = dir.path().join("missing.yaml");
    let err = run(&[missing.to_str().unwrap(), "--out", out]);
    assert!(err.to_string().starts_with("cannot read "), "{err}");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"Resources\": [1]}").unwrap();
    let err = run(&[broken.to_str().unwrap(), "--out", out]);
    assert!(
        err.to_string().contains("is not a template kumo can read"),
        "{err}"
    );

    let keyword = dir.path().join("crate");
    let template = dir.path().join("t.json");
    std::fs::write(
        &template,
        r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#,
    )
    .unwrap();
    let err = run(&[
        template.to_str().unwrap(),
        "--out",
        keyword.to_str().unwrap(),
    ]);
    assert_eq!(
        err.to_string(),
        "`crate` cannot name a crate: it is a name Rust or cargo reserve; give one with --name"
    );
    for (name, why) in [
        (
            "my stack",
            "it holds ' '; a crate name takes ASCII letters, digits, `-` and `_`",
        ),
        ("test", "it is a name Rust or cargo reserve"),
        ("kumo_cli", "the crate depends on `kumo-cli`"),
        ("serde-json", "the crate depends on `serde_json`"),
    ] {
        let err = run(&[template.to_str().unwrap(), "--out", out, "--name", name]);
        assert_eq!(
            err.to_string(),
            format!("`{name}` cannot name a crate: {why}; give one with --name")
        );
    }

    let err = run(&["--out", out]);
    assert!(
        matches!(err, crate::tool::ToolError::Cli(crate::CliError::Usage(_))),
        "{err}"
    );
    let err = run(&["a.yaml", "--region", "eu-west-1", "--out", out]);
    assert!(
        err.to_string().contains("cannot be used with '--region"),
        "{err}"
    );
    let err = run(&["--from-stack", "s", "--env", "Bad Env", "--out", out]);
    assert!(
        err.to_string().contains("invalid environment name"),
        "{err}"
    );
}

#[test]
fn the_crate_goes_only_into_a_new_or_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("jobs.json");
    std::fs::write(
        &template,
        r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#,
    )
    .unwrap();
    let template = template.to_str().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(project.join("src/lib.rs"), "MY CODE").unwrap();
    let err = kumo_migrate(&[template, "--out", project.to_str().unwrap()]).unwrap_err();
    assert!(
        err.to_string().ends_with(
            "project already holds files; kumo migrate writes into a new or empty directory (give another with --out)"
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("src/lib.rs")).unwrap(),
        "MY CODE"
    );
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    kumo_migrate(&[template, "--out", empty.to_str().unwrap()]).unwrap();
    assert!(empty.join("src/jobs.rs").is_file());
}

#[test]
fn template_text_is_never_code_and_file_names_are_modules() {
    let dir = tempfile::tempdir().unwrap();
    // A type with a line break would have ended the comment it is quoted in.
    let injected = dir.path().join("lib.json");
    std::fs::write(
        &injected,
        r#"{"Resources": {"Odd": {"Type": "AWS::Acme::Widget\nlet pwned = 1;\n//"}}}"#,
    )
    .unwrap();
    let keyword = dir.path().join("type.json");
    std::fs::write(
        &keyword,
        r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let printed = kumo_migrate(&[
        injected.to_str().unwrap(),
        keyword.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .unwrap();
    assert!(!printed.contains("\nlet pwned"), "{printed}");
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub mod lib_2;\npub mod type_2;\n"), "{lib}");
    let module = std::fs::read_to_string(out.join("src/lib_2.rs")).unwrap();
    assert!(
        module.contains(r"// `AWS::Acme::Widget\nlet pwned = 1;\n//`: "),
        "{module}"
    );
    assert!(!module.contains("\nlet pwned"), "{module}");
    assert!(out.join("src/bin/type-2.rs").is_file());
}

#[test]
fn a_template_over_the_inline_limit_is_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let resources: serde_json::Map<String, serde_json::Value> = (0..400)
        .map(|i| {
            let queue = serde_json::json!({"Type": "AWS::SQS::Queue",
                "Properties": {"DelaySeconds": i % 900, "QueueName": format!("queue-{i:04}-of-many-{}", "x".repeat(60))}});
            (format!("Queue{i}"), queue)
        })
        .collect();
    let template = dir.path().join("many.json");
    let text = serde_json::json!({"Resources": resources}).to_string();
    assert!(text.len() > 51_200);
    std::fs::write(&template, text).unwrap();
    let out = dir.path().join("out");
    let printed =
        kumo_migrate(&[template.to_str().unwrap(), "--out", out.to_str().unwrap()]).unwrap();
    assert!(!printed.contains("synth refuses it"), "{printed}");
}

#[test]
fn deployed_values_are_written_into_kumo_toml_as_toml_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let template = Template::from_json(
        r#"{"Parameters": {"Label": {"Type": "String"}}, "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#,
    )
    .unwrap();
    let mut input = Input::new("legacy", template);
    // A combining accent, which Rust's `{:?}` writes as `\u{301}`, and a tab.
    let label = "cafe\u{301}\tbar \"x\"";
    input.environment = Some(Environment {
        name: "prod".into(),
        region: Some("eu-west-1".into()),
        parameters: [("Label".to_owned(), label.to_owned())].into(),
        no_echo: Vec::new(),
    });
    let options = Options {
        out: dir.path().join("out"),
        name: None,
        kumo_path: None,
    };
    write_crate(&[input], &options).unwrap();
    let text = std::fs::read_to_string(options.out.join("kumo.toml")).unwrap();
    let settings: toml::Table = toml::from_str(&text).unwrap();
    let prod = &settings["env"]["prod"];
    assert_eq!(prod["region"].as_str(), Some("eu-west-1"));
    assert_eq!(
        prod["stacks"]["legacy"]["parameters"]["Label"].as_str(),
        Some(label)
    );
}
