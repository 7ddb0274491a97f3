//! Permissions a particle offers to the resources that use it.

use crate::iam::{Action, PolicyDocument, Statement};

/// A named permission on a particle's resources (`read`, `write`, `publish`, `consume`,
/// `invoke`, ...): the IAM statements a consumer needs.
///
/// A particle declares its grants with [`crate::Scope::grant`] and hands them out; a caller uses
/// one as it is, narrows it ([`Grant::narrow`]) or replaces it with its own statements
/// ([`Grant::new`]).
///
/// ```
/// use kumo_core::iam::Statement;
/// use kumo_core::Grant;
///
/// let write = Grant::new(
///     "write",
///     [Statement::allow()
///         .actions(["s3:PutObject", "s3:DeleteObject"])
///         .resource("arn:aws:s3:::media/*")],
/// );
/// let put_only = write.narrow(["s3:PutObject"]);
/// assert_eq!(put_only.statements()[0].action_list().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    name: String,
    statements: Vec<Statement>,
}

impl Grant {
    /// A grant of these statements.
    pub fn new(name: impl Into<String>, statements: impl IntoIterator<Item = Statement>) -> Self {
        Grant {
            name: name.into(),
            statements: statements.into_iter().collect(),
        }
    }

    /// The grant's name, such as `read`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The statements the grant allows.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// The grant limited to the listed actions; statements left without an action are dropped.
    pub fn narrow<A: Into<Action>>(self, actions: impl IntoIterator<Item = A>) -> Self {
        let keep: Vec<Action> = actions.into_iter().map(Into::into).collect();
        let statements = self
            .statements
            .into_iter()
            .map(|s| s.retain_actions(|action| keep.contains(action)))
            .filter(|s| !s.action_list().is_empty())
            .collect();
        Grant {
            name: self.name,
            statements,
        }
    }

    /// A policy document of the statements of `grants`, in order.
    pub fn policy<'a>(grants: impl IntoIterator<Item = &'a Grant>) -> PolicyDocument {
        PolicyDocument::new().statements(
            grants
                .into_iter()
                .flat_map(|grant| grant.statements.iter().cloned()),
        )
    }
}

/// A grant as a particle declared it: where, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredGrant {
    /// The path of the particle instance that declared it, `/`-joined.
    pub owner: String,
    /// The grant.
    pub grant: Grant,
}
