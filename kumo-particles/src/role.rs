//! An IAM role for a service, from grants.

use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::resources::iam;
use kumo_core::typed::Handle;
use kumo_core::{particle, Grant, Scope, Value};

/// A role that `service` (such as `lambda.amazonaws.com`) assumes, allowed what `grants` allow
/// (one inline policy) and what `managed_policy_arns` allow.
#[particle]
pub fn role(
    scope: &mut Scope,
    service: String,
    grants: Vec<Grant>,
    #[default] managed_policy_arns: Vec<Value<String>>,
) -> Handle<iam::Role> {
    service_role(scope, "role", service, &grants, managed_policy_arns)
}

/// The role `service` assumes, added as `name`: the role particle's body, shared with the
/// particles that make a role of their own.
pub(crate) fn service_role(
    scope: &mut Scope,
    name: &str,
    service: impl Into<Value<String>>,
    grants: &[Grant],
    managed_policy_arns: Vec<Value<String>>,
) -> Handle<iam::Role> {
    let trust = PolicyDocument::new().statement(
        Statement::allow()
            .principal(Principal::service(service))
            .action("sts:AssumeRole"),
    );
    let mut role = iam::Role::new(trust);
    if !managed_policy_arns.is_empty() {
        role = role.managed_policy_arns(managed_policy_arns);
    }
    if grants.iter().any(|grant| !grant.statements().is_empty()) {
        role = role.policies([iam::role::Policy::new(Grant::policy(grants), "grants")]);
    }
    scope.add(name, role)
}
