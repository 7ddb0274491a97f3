//! IAM policy documents as types: what awacs is to troposphere.
//!
//! A [`PolicyDocument`] is accepted wherever a resource property is a policy document
//! (`Value<PolicyDocument>`), and [`PolicyDocument::validate`] catches statements IAM would
//! refuse before anything is deployed.
//!
//! ```
//! use kumo_core::iam::{PolicyDocument, Principal, Statement};
//! use kumo_core::intrinsic::{get_att, sub};
//!
//! let read = PolicyDocument::new().statement(
//!     Statement::allow()
//!         .sid("ReadIngest")
//!         .actions(["s3:GetObject", "s3:ListBucket"])
//!         .resources([get_att("Ingest", "Arn"), sub("${Ingest.Arn}/*")]),
//! );
//! read.validate()?;
//!
//! let trust = PolicyDocument::new().statement(
//!     Statement::allow()
//!         .principal(Principal::service("lambda.amazonaws.com"))
//!         .action("sts:AssumeRole"),
//! );
//! trust.validate()?;
//! # Ok::<(), kumo_core::iam::PolicyError>(())
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::value::{Json, PropertyType, Value};

/// The policy language version every document uses.
pub const VERSION: &str = "2012-10-17";

/// An IAM policy document: a version and a list of statements.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(rename = "Statement")]
    statements: Vec<Statement>,
}

impl Default for PolicyDocument {
    fn default() -> Self {
        PolicyDocument::new()
    }
}

impl PolicyDocument {
    /// An empty document of version `2012-10-17`.
    pub fn new() -> Self {
        PolicyDocument {
            version: VERSION,
            id: None,
            statements: Vec::new(),
        }
    }

    /// Sets the document's `Id`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Appends a statement.
    pub fn statement(mut self, statement: Statement) -> Self {
        self.statements.push(statement);
        self
    }

    /// Appends statements.
    pub fn statements(mut self, statements: impl IntoIterator<Item = Statement>) -> Self {
        self.statements.extend(statements);
        self
    }

    /// The statements.
    pub fn statement_list(&self) -> &[Statement] {
        &self.statements
    }

    /// Checks what IAM checks on submission: at least one statement; in each, an action or
    /// not-action (not both), a resource, not-resource or principal, well-formed action names
    /// (`service:Action`, wildcards allowed) and an alphanumeric `Sid`.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.statements.is_empty() {
            return Err(PolicyError::NoStatements);
        }
        for (index, statement) in self.statements.iter().enumerate() {
            statement
                .validate()
                .map_err(|problem| PolicyError::Statement {
                    index,
                    sid: statement.sid.clone(),
                    problem,
                })?;
        }
        Ok(())
    }
}

/// The same JSON as the `Serialize` implementation, built by moving the document's parts into
/// it rather than serializing them: a stack of many roles builds many documents.
impl PropertyType for PolicyDocument {
    fn into_json(self) -> Json {
        let mut map = serde_json::Map::new();
        map.insert("Version".to_owned(), Json::from(self.version));
        if let Some(id) = self.id {
            map.insert("Id".to_owned(), Json::String(id));
        }
        // Not collected in place: that would keep the statements' larger allocation.
        let mut statements = Vec::with_capacity(self.statements.len());
        statements.extend(self.statements.into_iter().map(Statement::into_json));
        map.insert("Statement".to_owned(), Json::Array(statements));
        Json::Object(map)
    }
}

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    /// `Allow`
    Allow,
    /// `Deny`
    Deny,
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
    effect: Effect,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<Principal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_principal: Option<Principal>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    action: Vec<Action>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_action: Vec<Action>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resource: Vec<Value<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_resource: Vec<Value<String>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    condition: BTreeMap<String, BTreeMap<String, Value<Vec<String>>>>,
}

impl Statement {
    /// The statement's JSON (see [`PolicyDocument::into_json`]).
    fn into_json(self) -> Json {
        fn list<T>(items: Vec<T>, json: impl Fn(T) -> Json) -> Option<Json> {
            (!items.is_empty()).then(|| Json::Array(items.into_iter().map(json).collect()))
        }
        let condition = (!self.condition.is_empty()).then(|| {
            let operators = self.condition.into_iter().map(|(operator, keys)| {
                let keys = keys
                    .into_iter()
                    .map(|(key, value)| (key, value.into_json()));
                (operator, Json::Object(keys.collect()))
            });
            Json::Object(operators.collect())
        });
        let effect = match self.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        let mut map = serde_json::Map::new();
        let mut put = |key: &str, value: Option<Json>| {
            if let Some(value) = value {
                map.insert(key.to_owned(), value);
            }
        };
        put("Sid", self.sid.map(Json::String));
        put("Effect", Some(Json::from(effect)));
        put("Principal", self.principal.map(Principal::into_json));
        put("NotPrincipal", self.not_principal.map(Principal::into_json));
        put("Action", list(self.action, |action| Json::String(action.0)));
        put(
            "NotAction",
            list(self.not_action, |action| Json::String(action.0)),
        );
        put("Resource", list(self.resource, Value::into_json));
        put("NotResource", list(self.not_resource, Value::into_json));
        put("Condition", condition);
        Json::Object(map)
    }

    fn with_effect(effect: Effect) -> Self {
        Statement {
            sid: None,
            effect,
            principal: None,
            not_principal: None,
            action: Vec::new(),
            not_action: Vec::new(),
            resource: Vec::new(),
            not_resource: Vec::new(),
            condition: BTreeMap::new(),
        }
    }

    /// A statement that allows.
    pub fn allow() -> Self {
        Statement::with_effect(Effect::Allow)
    }

    /// A statement that denies.
    pub fn deny() -> Self {
        Statement::with_effect(Effect::Deny)
    }

    /// Sets the statement ID.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Adds an action, such as `s3:GetObject` or `sqs:*`.
    pub fn action(mut self, action: impl Into<Action>) -> Self {
        self.action.push(action.into());
        self
    }

    /// Adds actions.
    pub fn actions<A: Into<Action>>(mut self, actions: impl IntoIterator<Item = A>) -> Self {
        self.action.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Adds actions the statement applies to all but.
    pub fn not_actions<A: Into<Action>>(mut self, actions: impl IntoIterator<Item = A>) -> Self {
        self.not_action.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Adds a resource ARN (or pattern, or intrinsic that yields one).
    pub fn resource(mut self, resource: impl Into<Value<String>>) -> Self {
        self.resource.push(resource.into());
        self
    }

    /// Adds resource ARNs.
    pub fn resources<R: Into<Value<String>>>(
        mut self,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        self.resource.extend(resources.into_iter().map(Into::into));
        self
    }

    /// Adds resources the statement applies to all but.
    pub fn not_resources<R: Into<Value<String>>>(
        mut self,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        self.not_resource
            .extend(resources.into_iter().map(Into::into));
        self
    }

    /// Sets who the statement applies to (resource policies and trust policies).
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Sets who the statement applies to all but.
    pub fn not_principal(mut self, principal: Principal) -> Self {
        self.not_principal = Some(principal);
        self
    }

    /// Adds a condition: `operator` (`StringEquals`, `Bool`, ...) on `key` against `values`.
    ///
    /// ```
    /// use kumo_core::iam::Statement;
    /// let tls_only = Statement::deny()
    ///     .action("s3:*")
    ///     .resource("*")
    ///     .condition("Bool", "aws:SecureTransport", ["false"]);
    /// # let _ = tls_only;
    /// ```
    pub fn condition(
        mut self,
        operator: impl Into<String>,
        key: impl Into<String>,
        values: impl Into<Value<Vec<String>>>,
    ) -> Self {
        self.condition
            .entry(operator.into())
            .or_default()
            .insert(key.into(), values.into());
        self
    }

    /// The statement's effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The statement's actions.
    pub fn action_list(&self) -> &[Action] {
        &self.action
    }

    /// Keeps only the actions `keep` accepts: how a caller narrows a default permission.
    ///
    /// ```
    /// use kumo_core::iam::Statement;
    ///
    /// let read_only = Statement::allow()
    ///     .actions(["s3:GetObject", "s3:PutObject"])
    ///     .resource("arn:aws:s3:::media/*")
    ///     .retain_actions(|action| action.as_str().starts_with("s3:Get"));
    /// assert_eq!(read_only.action_list().len(), 1);
    /// ```
    pub fn retain_actions(mut self, keep: impl Fn(&Action) -> bool) -> Self {
        self.action.retain(|action| keep(action));
        self
    }

    /// The statement's resources.
    pub fn resource_list(&self) -> &[Value<String>] {
        &self.resource
    }

    /// Whether the statement allows every action on every resource: the shape no default
    /// permission may have.
    pub fn is_unrestricted(&self) -> bool {
        self.effect == Effect::Allow
            && self.action.iter().any(|a| a.as_str() == "*")
            && self.resource.iter().any(|r| r.as_json() == "*")
    }

    fn validate(&self) -> Result<(), StatementProblem> {
        match (self.action.is_empty(), self.not_action.is_empty()) {
            (true, true) => return Err(StatementProblem::NoAction),
            (false, false) => return Err(StatementProblem::ActionAndNotAction),
            _ => {}
        }
        if self.resource.is_empty()
            && self.not_resource.is_empty()
            && self.principal.is_none()
            && self.not_principal.is_none()
        {
            return Err(StatementProblem::NoResourceOrPrincipal);
        }
        if let Some(bad) = self
            .action
            .iter()
            .chain(&self.not_action)
            .find(|a| !a.is_well_formed())
        {
            return Err(StatementProblem::MalformedAction(bad.as_str().to_owned()));
        }
        if let Some(sid) = self
            .sid
            .as_deref()
            .filter(|sid| !sid.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(StatementProblem::MalformedSid(sid.to_owned()));
        }
        Ok(())
    }
}

/// An IAM action name, such as `s3:GetObject`, `sqs:Send*` or `*`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Action(String);

impl Action {
    /// The action's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The service prefix (`s3` of `s3:GetObject`), if the name has one.
    pub fn service(&self) -> Option<&str> {
        self.0.split_once(':').map(|(service, _)| service)
    }

    fn is_well_formed(&self) -> bool {
        if self.0 == "*" {
            return true;
        }
        let Some((service, name)) = self.0.split_once(':') else {
            return false;
        };
        !service.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
    }
}

impl From<&str> for Action {
    fn from(name: &str) -> Self {
        Action(name.to_owned())
    }
}

impl From<String> for Action {
    fn from(name: String) -> Self {
        Action(name)
    }
}

/// Who a statement applies to.
///
/// ```
/// use kumo_core::iam::Principal;
/// let both = Principal::service("lambda.amazonaws.com").and_service("edgelambda.amazonaws.com");
/// assert_eq!(
///     serde_json::to_value(&both).unwrap(),
///     serde_json::json!({"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]})
/// );
/// assert_eq!(serde_json::to_value(Principal::any()).unwrap(), serde_json::json!("*"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    any: bool,
    entries: BTreeMap<&'static str, Vec<Value<String>>>,
}

impl Principal {
    fn of(kind: &'static str, value: impl Into<Value<String>>) -> Self {
        Principal {
            any: false,
            entries: BTreeMap::from([(kind, vec![value.into()])]),
        }
    }

    fn and(mut self, kind: &'static str, value: impl Into<Value<String>>) -> Self {
        self.entries.entry(kind).or_default().push(value.into());
        self
    }

    /// `"*"`: everyone, including anonymous users.
    pub fn any() -> Self {
        Principal {
            any: true,
            entries: BTreeMap::new(),
        }
    }

    /// An AWS account, user or role, by ARN or account ID.
    pub fn aws(arn: impl Into<Value<String>>) -> Self {
        Principal::of("AWS", arn)
    }

    /// An AWS service, such as `lambda.amazonaws.com`.
    pub fn service(service: impl Into<Value<String>>) -> Self {
        Principal::of("Service", service)
    }

    /// A web identity or SAML provider.
    pub fn federated(provider: impl Into<Value<String>>) -> Self {
        Principal::of("Federated", provider)
    }

    /// A canonical user ID, such as a CloudFront origin access identity's.
    pub fn canonical_user(id: impl Into<Value<String>>) -> Self {
        Principal::of("CanonicalUser", id)
    }

    /// Adds an AWS account, user or role.
    pub fn and_aws(self, arn: impl Into<Value<String>>) -> Self {
        self.and("AWS", arn)
    }

    /// Adds an AWS service.
    pub fn and_service(self, service: impl Into<Value<String>>) -> Self {
        self.and("Service", service)
    }
}

impl Principal {
    /// The principal's JSON, as it serializes.
    fn into_json(self) -> Json {
        if self.any {
            return Json::from("*");
        }
        let entries = self.entries.into_iter().map(|(kind, values)| {
            let values = values.into_iter().map(Value::into_json).collect();
            (kind.to_owned(), Json::Array(values))
        });
        Json::Object(entries.collect())
    }
}

impl Serialize for Principal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.any {
            serializer.serialize_str("*")
        } else {
            self.entries.serialize(serializer)
        }
    }
}

/// Why a policy document is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The document has no statement.
    #[error("policy document has no statements")]
    NoStatements,
    /// A statement is invalid.
    #[error("statement {index}{}: {problem}", sid.as_ref().map(|s| format!(" (`{s}`)")).unwrap_or_default())]
    Statement {
        /// Zero-based position of the statement.
        index: usize,
        /// Its `Sid`, if it has one.
        sid: Option<String>,
        /// What is wrong with it.
        problem: StatementProblem,
    },
}

/// What is wrong with a statement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatementProblem {
    /// Neither `Action` nor `NotAction`.
    #[error("it has neither Action nor NotAction")]
    NoAction,
    /// Both `Action` and `NotAction`.
    #[error("it has both Action and NotAction")]
    ActionAndNotAction,
    /// No resource and no principal.
    #[error("it has no Resource, NotResource or Principal")]
    NoResourceOrPrincipal,
    /// An action name not of the form `service:Action`.
    #[error("action `{0}` is not of the form `service:Action`")]
    MalformedAction(String),
    /// A `Sid` with characters other than ASCII letters and digits.
    #[error("Sid `{0}` may hold only ASCII letters and digits")]
    MalformedSid(String),
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::intrinsic::get_att;

    #[test]
    fn serializes_every_element() {
        let document = PolicyDocument::new().id("Policy1").statement(
            Statement::allow()
                .sid("Read")
                .principal(Principal::aws("arn:aws:iam::123456789012:root"))
                .actions(["s3:GetObject"])
                .resource(get_att("Bucket", "Arn"))
                .condition("StringEquals", "aws:PrincipalTag/team", ["mes"]),
        );
        assert_eq!(
            document.into_json(),
            json!({
                "Version": "2012-10-17",
                "Id": "Policy1",
                "Statement": [{
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
                    "Action": ["s3:GetObject"],
                    "Resource": [{"Fn::GetAtt": ["Bucket", "Arn"]}],
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["mes"]}}
                }]
            })
        );
    }

    #[test]
    fn into_json_is_the_serialized_json() {
        let document = PolicyDocument::new()
            .id("Policy2")
            .statement(
                Statement::deny()
                    .not_principal(Principal::canonical_user("abc").and_aws("111122223333"))
                    .not_actions(["iam:*"])
                    .not_resources(["arn:aws:s3:::keep"]),
            )
            .statement(
                Statement::allow()
                    .sid("Everyone")
                    .principal(Principal::any())
                    .actions(["s3:GetObject", "s3:ListBucket"])
                    .resource(get_att("Bucket", "Arn"))
                    .condition("StringEquals", "aws:SourceAccount", ["1", "2"])
                    .condition("Bool", "aws:SecureTransport", ["true"]),
            );
        assert_eq!(
            document.clone().into_json(),
            serde_json::to_value(&document).unwrap()
        );
    }

    #[test]
    fn serializes_negated_elements() {
        let statement = Statement::deny()
            .not_principal(Principal::canonical_user("abc").and_aws("111122223333"))
            .not_actions(["iam:*"])
            .not_resources(["arn:aws:s3:::keep"]);
        assert_eq!(
            serde_json::to_value(&statement).unwrap(),
            json!({
                "Effect": "Deny",
                "NotPrincipal": {"AWS": ["111122223333"], "CanonicalUser": ["abc"]},
                "NotAction": ["iam:*"],
                "NotResource": ["arn:aws:s3:::keep"]
            })
        );
    }

    #[test]
    fn validation_reports_each_problem() {
        let cases = [
            (PolicyDocument::new(), "policy document has no statements"),
            (
                PolicyDocument::new().statement(Statement::allow().resource("*")),
                "statement 0: it has neither Action nor NotAction",
            ),
            (
                PolicyDocument::new().statement(
                    Statement::allow()
                        .action("s3:GetObject")
                        .not_actions(["s3:PutObject"])
                        .resource("*"),
                ),
                "statement 0: it has both Action and NotAction",
            ),
            (
                PolicyDocument::new().statement(Statement::allow().action("s3:GetObject")),
                "statement 0: it has no Resource, NotResource or Principal",
            ),
            (
                PolicyDocument::new()
                    .statement(Statement::allow().action("sqs:SendMessage").resource("*"))
                    .statement(
                        Statement::allow()
                            .sid("Bad")
                            .action("GetObject")
                            .resource("*"),
                    ),
                "statement 1 (`Bad`): action `GetObject` is not of the form `service:Action`",
            ),
            (
                PolicyDocument::new().statement(
                    Statement::allow()
                        .sid("no-dash")
                        .action("s3:*")
                        .resource("*"),
                ),
                "statement 0 (`no-dash`): Sid `no-dash` may hold only ASCII letters and digits",
            ),
        ];
        for (document, message) in cases {
            assert_eq!(document.validate().unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn accepts_wildcards_and_service_prefixes() {
        for name in [
            "*",
            "s3:*",
            "sqs:Send*",
            "execute-api:Invoke",
            "ec2:Describe?pc*",
        ] {
            assert!(Action::from(name).is_well_formed(), "{name}");
        }
        assert_eq!(Action::from("s3:GetObject").service(), Some("s3"));
        for name in ["", "s3", "s3:", ":Get", "S3:Get", "s3:Get Object"] {
            assert!(!Action::from(name).is_well_formed(), "{name}");
        }
    }

    #[test]
    fn detects_unrestricted_statements() {
        assert!(Statement::allow()
            .action("*")
            .resource("*")
            .is_unrestricted());
        assert!(!Statement::allow()
            .action("s3:*")
            .resource("*")
            .is_unrestricted());
        assert!(!Statement::allow()
            .action("*")
            .resource("arn:aws:s3:::b")
            .is_unrestricted());
        assert!(!Statement::deny()
            .action("*")
            .resource("*")
            .is_unrestricted());
    }
}
