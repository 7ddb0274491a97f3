//! Physical names: `{service}-{env}-{path}` fitted to each resource type's rules.

use super::{check_environment, stable_hash, NamingError, Path};

/// Length of the hash that ends a shortened physical name.
pub const HASH_LEN: usize = 8;

/// What a resource type accepts as its name: length, characters, case, and the property that
/// holds it.
///
/// ```
/// use kumo_core::naming::NameRule;
///
/// let rule = NameRule::for_type("AWS::S3::Bucket").unwrap();
/// assert_eq!(rule.property, "BucketName");
/// assert_eq!(rule.name("mia", "dev", &["Ingest_Bucket"])?, "mia-dev-ingest-bucket");
///
/// let long = "very-long-component-name".repeat(4);
/// let name = rule.name("mia", "dev", &[&long])?;
/// assert_eq!(name.len(), 63); // cut to S3's limit, ending in a stable hash
/// # Ok::<(), kumo_core::naming::NamingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRule {
    /// The resource type (`AWS::S3::Bucket`).
    pub type_name: &'static str,
    /// The property that holds the name (`BucketName`).
    pub property: &'static str,
    /// Fewest characters.
    pub min_len: usize,
    /// Most characters, including any prefix and suffix.
    pub max_len: usize,
    /// Characters allowed besides ASCII letters and digits.
    pub punctuation: &'static str,
    /// Whether the name must be lowercase.
    pub lowercase: bool,
    /// Whether the name must start with a letter.
    pub starts_with_letter: bool,
    /// A fixed prefix the name must carry (`alias/` for KMS aliases).
    pub prefix: &'static str,
}

const fn rule(
    type_name: &'static str,
    property: &'static str,
    (min_len, max_len): (usize, usize),
    punctuation: &'static str,
) -> NameRule {
    NameRule {
        type_name,
        property,
        min_len,
        max_len,
        punctuation,
        lowercase: false,
        starts_with_letter: false,
        prefix: "",
    }
}

const IAM: &str = "+=,.@_-";

/// The naming rules kumo knows, by resource type.
pub const RULES: &[NameRule] = &[
    rule("AWS::CloudWatch::Alarm", "AlarmName", (1, 255), "-_."),
    rule("AWS::DynamoDB::Table", "TableName", (3, 255), "-_."),
    rule("AWS::EC2::SecurityGroup", "GroupName", (1, 255), "-_."),
    NameRule {
        lowercase: true,
        ..rule("AWS::ECR::Repository", "RepositoryName", (2, 256), "-_./")
    },
    rule("AWS::ECS::Cluster", "ClusterName", (1, 255), "-_"),
    rule(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "Name",
        (1, 32),
        "-",
    ),
    rule(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "Name",
        (1, 32),
        "-",
    ),
    rule("AWS::Events::EventBus", "Name", (1, 256), "-_./"),
    rule("AWS::Events::Rule", "Name", (1, 64), "-_."),
    rule("AWS::IAM::Group", "GroupName", (1, 128), IAM),
    rule(
        "AWS::IAM::InstanceProfile",
        "InstanceProfileName",
        (1, 128),
        IAM,
    ),
    rule(
        "AWS::IAM::ManagedPolicy",
        "ManagedPolicyName",
        (1, 128),
        IAM,
    ),
    rule("AWS::IAM::Policy", "PolicyName", (1, 128), IAM),
    rule("AWS::IAM::Role", "RoleName", (1, 64), IAM),
    rule("AWS::IAM::User", "UserName", (1, 64), IAM),
    NameRule {
        prefix: "alias/",
        ..rule("AWS::KMS::Alias", "AliasName", (7, 256), "-_/")
    },
    rule("AWS::Kinesis::Stream", "Name", (1, 128), "-_."),
    rule("AWS::Lambda::Function", "FunctionName", (1, 64), "-_"),
    rule("AWS::Logs::LogGroup", "LogGroupName", (1, 512), "-_./#"),
    NameRule {
        lowercase: true,
        starts_with_letter: true,
        ..rule("AWS::RDS::DBCluster", "DBClusterIdentifier", (1, 63), "-")
    },
    NameRule {
        lowercase: true,
        starts_with_letter: true,
        ..rule("AWS::RDS::DBInstance", "DBInstanceIdentifier", (1, 63), "-")
    },
    NameRule {
        lowercase: true,
        ..rule("AWS::S3::Bucket", "BucketName", (3, 63), "-")
    },
    rule("AWS::SNS::Topic", "TopicName", (1, 256), "-_"),
    rule("AWS::SQS::Queue", "QueueName", (1, 80), "-_"),
    rule("AWS::SSM::Parameter", "Name", (1, 2048), "-_./"),
    rule("AWS::SecretsManager::Secret", "Name", (1, 512), "-_/+=.@"),
    rule(
        "AWS::StepFunctions::StateMachine",
        "StateMachineName",
        (1, 80),
        "-_",
    ),
];

/// The rule for stack names: letters, digits and hyphens, starting with a letter, at most 128.
pub const STACK: NameRule = NameRule {
    starts_with_letter: true,
    ..rule("AWS::CloudFormation::Stack", "StackName", (1, 128), "-")
};

impl NameRule {
    /// The rule of a resource type, if kumo knows one.
    pub fn for_type(type_name: &str) -> Option<&'static NameRule> {
        RULES
            .binary_search_by(|rule| rule.type_name.cmp(type_name))
            .ok()
            .map(|index| &RULES[index])
    }

    /// The rule for CloudFormation stack names.
    pub fn stack() -> &'static NameRule {
        &STACK
    }

    /// The name of `path` in `service` and `environment`: `{service}-{env}-{path...}`, with every
    /// character the type refuses turned into `-`, runs of `-` folded, lowercased where the type
    /// wants it. A name over the type's length is cut and ends in `-` and an 8-character hash of
    /// the whole input, so names stay distinct and the same input always gives the same name.
    ///
    /// The environment must pass [`check_environment`]: its name then reaches every rule
    /// unchanged, between fixed separators, so for one service and path two environments never
    /// get the same name.
    pub fn name(
        &self,
        service: &str,
        environment: &str,
        path: Path<'_>,
    ) -> Result<String, NamingError> {
        self.name_with_suffix(service, environment, path, "")
    }

    /// Like [`NameRule::name`], with a suffix the type requires kept at the end (`.fifo` for FIFO
    /// queues and topics).
    pub fn name_with_suffix(
        &self,
        service: &str,
        environment: &str,
        path: Path<'_>,
        suffix: &str,
    ) -> Result<String, NamingError> {
        check_environment(environment)?;
        if path.is_empty() {
            return Err(NamingError::EmptyPath);
        }
        let parts: Vec<&str> = [service, environment]
            .into_iter()
            .chain(path.iter().copied())
            .filter(|part| !part.is_empty())
            .collect();
        let mut body = self.sanitize(&parts.join("-"));
        let room = self.max_len - self.prefix.len() - suffix.len();
        if body.len() > room {
            body.truncate(room - HASH_LEN - 1);
            let kept = body
                .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .len();
            body.truncate(kept);
            body.push('-');
            body.push_str(&stable_hash(&parts.join("/"), HASH_LEN));
        }
        let name = format!("{}{body}{suffix}", self.prefix);
        if self.starts_with_letter && !body.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(NamingError::MustStartWithLetter {
                name,
                type_name: self.type_name,
            });
        }
        if body.is_empty() || name.len() < self.min_len {
            return Err(NamingError::TooShort {
                name,
                type_name: self.type_name,
                min: self.min_len,
            });
        }
        Ok(name)
    }

    /// Whether the type takes `c` in its names.
    pub(super) fn allows(&self, c: char) -> bool {
        c.is_ascii_alphanumeric() || self.punctuation.contains(c)
    }

    fn sanitize(&self, raw: &str) -> String {
        let mut out = String::with_capacity(raw.len());
        for c in raw.chars() {
            let c = if self.lowercase {
                c.to_ascii_lowercase()
            } else {
                c
            };
            let c = if self.allows(c) { c } else { '-' };
            if c == '-' && (out.is_empty() || out.ends_with('-')) {
                continue;
            }
            out.push(c);
        }
        let end = out
            .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
            .len();
        out.truncate(end);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_sorted_and_allow_the_separator() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].type_name < pair[1].type_name,
                "{}",
                pair[1].type_name
            );
        }
        for rule in RULES.iter().chain([&STACK]) {
            assert!(rule.punctuation.contains('-'), "{}", rule.type_name);
            assert!(rule.max_len > HASH_LEN + 2, "{}", rule.type_name);
        }
        assert!(NameRule::for_type("AWS::Nope::Nothing").is_none());
    }

    #[test]
    fn every_rule_fits_its_charset_and_length() {
        let long_path = ["Some Very_Long.Component/Name#1".repeat(30)];
        for rule in RULES.iter().chain([&STACK]) {
            for path in [
                &["worker"][..],
                &long_path.iter().map(String::as_str).collect::<Vec<_>>(),
            ] {
                let name = rule.name("Mia-Import", "dev", path).unwrap();
                let body = name.strip_prefix(rule.prefix).unwrap();
                assert!(name.len() <= rule.max_len, "{} {name}", rule.type_name);
                assert!(name.len() >= rule.min_len, "{} {name}", rule.type_name);
                assert!(
                    body.chars().all(|c| rule.allows(c)),
                    "{} {name}",
                    rule.type_name
                );
                if rule.lowercase {
                    assert_eq!(name, name.to_ascii_lowercase(), "{}", rule.type_name);
                }
                assert!(body.starts_with(|c: char| c.is_ascii_alphanumeric()));
                assert!(body.ends_with(|c: char| c.is_ascii_alphanumeric()));
            }
        }
    }

    #[test]
    fn short_names_are_kept_readable() {
        let s3 = NameRule::for_type("AWS::S3::Bucket").unwrap();
        assert_eq!(
            s3.name("mia", "dev", &["Ingest Bucket"]).unwrap(),
            "mia-dev-ingest-bucket"
        );
        let role = NameRule::for_type("AWS::IAM::Role").unwrap();
        assert_eq!(
            role.name("mia", "dev", &["worker", "Role"]).unwrap(),
            "mia-dev-worker-Role"
        );
        let alias = NameRule::for_type("AWS::KMS::Alias").unwrap();
        assert_eq!(
            alias.name("mia", "dev", &["data"]).unwrap(),
            "alias/mia-dev-data"
        );
        let queue = NameRule::for_type("AWS::SQS::Queue").unwrap();
        assert_eq!(
            queue
                .name_with_suffix("mia", "dev", &["jobs"], ".fifo")
                .unwrap(),
            "mia-dev-jobs.fifo"
        );
    }

    #[test]
    fn cut_names_end_in_a_stable_hash_of_the_full_input() {
        let lambda = NameRule::for_type("AWS::Lambda::Function").unwrap();
        let long = "x".repeat(100);
        let a = lambda.name("svc", "prod", &[&long, "a"]).unwrap();
        let b = lambda.name("svc", "prod", &[&long, "b"]).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(a, lambda.name("svc", "prod", &[&long, "a"]).unwrap());
        let hash = stable_hash(&format!("svc/prod/{long}/a"), HASH_LEN);
        assert_eq!(a, format!("svc-prod-{}-{hash}", "x".repeat(64 - 9 - 9)));
    }

    #[test]
    fn fifo_suffix_survives_cutting() {
        let queue = NameRule::for_type("AWS::SQS::Queue").unwrap();
        let name = queue
            .name_with_suffix("svc", "prod", &[&"q".repeat(200)], ".fifo")
            .unwrap();
        assert_eq!(name.len(), 80);
        assert!(name.ends_with(".fifo"));
    }

    #[test]
    fn impossible_names_are_errors() {
        let s3 = NameRule::for_type("AWS::S3::Bucket").unwrap();
        assert_eq!(
            s3.name("", "a", &["_"]).unwrap_err().to_string(),
            "physical name `a` for AWS::S3::Bucket is shorter than its minimum of 3"
        );
        let rds = NameRule::for_type("AWS::RDS::DBInstance").unwrap();
        assert_eq!(
            rds.name("9lives", "dev", &["db"]).unwrap_err().to_string(),
            "physical name `9lives-dev-db` for AWS::RDS::DBInstance must start with a letter"
        );
        assert_eq!(
            NameRule::stack().name("svc", "dev", &[]),
            Err(NamingError::EmptyPath)
        );
    }

    /// Services and paths chosen to make names meet: empty, punctuation only, hyphens at the
    /// ends, other scripts, uppercase, digits first, and long enough to be cut inside or right
    /// after the environment.
    fn tricky_inputs() -> (Vec<String>, Vec<Vec<String>>) {
        let services = [
            "mia",
            "Mia-Import",
            "",
            "-",
            "svc-",
            "-svc",
            "a.b/c",
            "прод",
            "9lives",
            "dev",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain((0..=12).map(|n| "s".repeat(40 + n)))
        .chain([format!("{}-", "s".repeat(50)), "S".repeat(200)])
        .collect();
        let paths = [
            vec!["x"],
            vec!["dev"],
            vec!["1"],
            vec!["-"],
            vec!["Dev", "X"],
            vec!["1-x"],
            vec!["a", "b"],
            vec!["a-b"],
            vec!["прод"],
        ]
        .into_iter()
        .map(|path| path.into_iter().map(str::to_owned).collect())
        .chain([vec!["p".repeat(300)], vec!["2".repeat(70), "q".to_owned()]])
        .collect();
        (services, paths)
    }

    #[test]
    fn two_environments_never_share_a_physical_name() {
        let envs: Vec<String> = [
            "dev", "dev1", "dev12", "devx", "d", "de", "prod", "prod2", "e2e", "a1b2", "x",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain([
            "a".repeat(31),
            "a".repeat(32),
            format!("{}b", "a".repeat(31)),
        ])
        .collect();
        let (services, paths) = tricky_inputs();
        for rule in RULES.iter().chain([&STACK]) {
            for service in &services {
                // Within one service, a name belongs to one environment, whatever the path.
                let mut owners: std::collections::BTreeMap<String, &str> = Default::default();
                for env in &envs {
                    for path in &paths {
                        let path: Vec<&str> = path.iter().map(String::as_str).collect();
                        for suffix in ["", ".fifo"] {
                            let Ok(name) = rule.name_with_suffix(service, env, &path, suffix)
                            else {
                                continue;
                            };
                            let owner = *owners.entry(name.clone()).or_insert(env);
                            assert_eq!(
                                owner, env,
                                "{} {service:?} {path:?}: {name}",
                                rule.type_name
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn environments_that_used_to_collide_are_refused_by_every_rule() {
        for env in ["dev-", "dev--", "", "прод", "Dev", "/tmp/x", "../../y"] {
            for rule in RULES.iter().chain([&STACK]) {
                assert_eq!(
                    rule.name("mia", env, &["logs"]),
                    Err(NamingError::InvalidEnvironment(env.to_owned())),
                    "{} {env:?}",
                    rule.type_name
                );
            }
        }
    }

    #[test]
    fn stack_names() {
        assert_eq!(
            NameRule::stack().name("mia", "dev", &["data"]).unwrap(),
            "mia-dev-data"
        );
    }
}
