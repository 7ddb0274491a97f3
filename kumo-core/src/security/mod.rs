//! What a template change does to access, without the network: IAM statements, resource-based
//! policies, security group rules and public access settings added or removed, as `cdk diff`'s
//! security view has them.
//!
//! A statement or rule that changes is one removed and one added. The change **broadens**
//! access when anything is added to the IAM, managed policy, resource policy or security group
//! rows, or a public access setting is loosened.
//!
//! ```
//! use kumo_core::security::SecurityChanges;
//! use kumo_core::{Resource, Template};
//! use serde_json::json;
//!
//! let old = Template::new();
//! let mut new = Template::new();
//! new.add_resource(
//!     "Web",
//!     Resource::new("AWS::EC2::SecurityGroup").property(
//!         "SecurityGroupIngress",
//!         json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]),
//!     ),
//! )?;
//! let changes = SecurityChanges::between(&old, &new);
//! assert!(changes.broadens());
//! assert_eq!(changes.groups[0].item.peer, "0.0.0.0/0");
//! assert_eq!(changes.groups[0].item.ports, "443");
//! # Ok::<(), kumo_core::TemplateError>(())
//! ```

mod groups;
mod public;
mod statements;
mod text;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::{Resource, Template};

pub use groups::{Direction, Rule};
pub use public::Exposure;
pub use statements::{Attachment, Statement};

/// Whether a row is new (added, or for public access loosened) or gone (removed, tightened).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sign {
    /// In the new template only.
    Added,
    /// In the old template only.
    Removed,
}

/// One row of a security table: an item and whether it is added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row<T> {
    /// Added or removed.
    pub change: Sign,
    /// What is added or removed.
    #[serde(flatten)]
    pub item: T,
}

/// The security-relevant changes between two templates, each list in a stable order: by the
/// holder's logical ID, then content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SecurityChanges {
    /// Statements of identities: IAM policies (standalone, managed, or inline in roles, users
    /// and groups) and roles' trust policies.
    pub iam: Vec<Row<Statement>>,
    /// Managed policies attached to roles, users and groups.
    pub managed: Vec<Row<Attachment>>,
    /// Statements of resource-based policies: bucket, queue, topic, key, secret and repository
    /// policies, and Lambda permissions.
    pub policies: Vec<Row<Statement>>,
    /// Security group rules, ingress and egress.
    pub groups: Vec<Row<Rule>>,
    /// Public access settings loosened (added) or tightened (removed).
    pub public: Vec<Row<Exposure>>,
}

impl SecurityChanges {
    /// The changes from `old` to `new` (an empty template when the stack is new).
    pub fn between(old: &Template, new: &Template) -> SecurityChanges {
        // Every item comes from one resource and names it, so the items of a resource alike
        // in both cancel out: only the resources that differ are read.
        let (old, new) = (&differing(old, new), &differing(new, old));
        SecurityChanges {
            iam: rows(statements::identity(old), statements::identity(new)),
            managed: rows(statements::attachments(old), statements::attachments(new)),
            policies: rows(
                statements::resource_policies(old),
                statements::resource_policies(new),
            ),
            groups: rows(groups::rules(old), groups::rules(new)),
            public: public::exposures(old, new),
        }
    }

    /// These changes as the stack that nests theirs shows them: each holder named by the path
    /// of the nested stack (its logical ID in the parent, `.`-joined when deeper) and its own
    /// logical ID, `Jobs.Worker`.
    ///
    /// ```
    /// use kumo_core::security::SecurityChanges;
    /// use kumo_core::{Resource, Template};
    /// use serde_json::json;
    ///
    /// let mut child = Template::new();
    /// child.add_resource(
    ///     "Web",
    ///     Resource::new("AWS::EC2::SecurityGroup").property(
    ///         "SecurityGroupIngress",
    ///         json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]),
    ///     ),
    /// )?;
    /// let mut changes = SecurityChanges::default();
    /// changes.extend(SecurityChanges::between(&Template::new(), &child).within("Edge"));
    /// assert_eq!(changes.groups[0].item.holder, "Edge.Web");
    /// assert!(changes.broadens());
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn within(mut self, path: &str) -> SecurityChanges {
        fn rename<T: Held>(rows: &mut [Row<T>], path: &str) {
            for row in rows {
                let holder = row.item.holder();
                *holder = format!("{path}.{holder}");
            }
        }
        rename(&mut self.iam, path);
        rename(&mut self.managed, path);
        rename(&mut self.policies, path);
        rename(&mut self.groups, path);
        rename(&mut self.public, path);
        self
    }

    /// The rows by the stack that holds them, undoing [`SecurityChanges::within`]: the
    /// stack's own first (the path is empty), then each nested stack's by path, each holder
    /// its logical ID in its own stack again.
    ///
    /// ```
    /// use kumo_core::security::SecurityChanges;
    /// use kumo_core::{Resource, Template};
    /// use serde_json::json;
    ///
    /// let mut child = Template::new();
    /// child.add_resource(
    ///     "Web",
    ///     Resource::new("AWS::EC2::SecurityGroup").property(
    ///         "SecurityGroupIngress",
    ///         json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]),
    ///     ),
    /// )?;
    /// let nested = SecurityChanges::between(&Template::new(), &child).within("Edge");
    /// let stacks = nested.by_stack();
    /// assert_eq!(stacks[0].0, "Edge");
    /// assert_eq!(stacks[0].1.groups[0].item.holder, "Web");
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn by_stack(&self) -> Vec<(String, SecurityChanges)> {
        fn split<T: Held + Clone>(
            rows: &[Row<T>],
            stacks: &mut BTreeMap<String, SecurityChanges>,
            field: fn(&mut SecurityChanges) -> &mut Vec<Row<T>>,
        ) {
            for row in rows {
                let mut row = row.clone();
                let holder = row.item.holder();
                // Logical IDs are alphanumeric: what comes before the last `.` is the path.
                let path = match holder.rsplit_once('.') {
                    Some((path, id)) => {
                        let path = path.to_owned();
                        *holder = id.to_owned();
                        path
                    }
                    None => String::new(),
                };
                field(stacks.entry(path).or_default()).push(row);
            }
        }
        let mut stacks = BTreeMap::new();
        split(&self.iam, &mut stacks, |c| &mut c.iam);
        split(&self.managed, &mut stacks, |c| &mut c.managed);
        split(&self.policies, &mut stacks, |c| &mut c.policies);
        split(&self.groups, &mut stacks, |c| &mut c.groups);
        split(&self.public, &mut stacks, |c| &mut c.public);
        stacks.into_iter().collect()
    }

    /// Adds the rows of `other` (a nested stack's, [`SecurityChanges::within`]) after these.
    pub fn extend(&mut self, other: SecurityChanges) {
        self.iam.extend(other.iam);
        self.managed.extend(other.managed);
        self.policies.extend(other.policies);
        self.groups.extend(other.groups);
        self.public.extend(other.public);
    }

    /// Whether nothing security-relevant changes.
    pub fn is_empty(&self) -> bool {
        self.iam.is_empty()
            && self.managed.is_empty()
            && self.policies.is_empty()
            && self.groups.is_empty()
            && self.public.is_empty()
    }

    /// Whether the change widens access: an `Allow` statement added or a `Deny` removed (a
    /// changed statement is both), an attachment or rule added, or public access loosened.
    pub fn broadens(&self) -> bool {
        fn any<T>(rows: &[Row<T>]) -> bool {
            rows.iter().any(|row| row.change == Sign::Added)
        }
        fn statements(rows: &[Row<Statement>]) -> bool {
            rows.iter()
                .any(|row| (row.change == Sign::Added) != (row.item.effect == "Deny"))
        }
        statements(&self.iam)
            || any(&self.managed)
            || statements(&self.policies)
            || any(&self.groups)
            || any(&self.public)
    }
}

/// An item held by a resource: its `holder`.
trait Held {
    /// The logical ID of the resource that holds it.
    fn holder(&mut self) -> &mut String;
}

macro_rules! held {
    ($($item:ty),*) => {$(
        impl Held for $item {
            fn holder(&mut self) -> &mut String {
                &mut self.holder
            }
        }
    )*};
}

held!(Statement, Attachment, Rule, Exposure);

/// The resources of `template` that `other` does not have alike.
fn differing<'t>(template: &'t Template, other: &Template) -> Resources<'t> {
    template
        .resources()
        .iter()
        .filter(|(id, resource)| other.resources().get(*id) != Some(*resource))
        .map(|(id, resource)| (id.as_str(), resource))
        .collect()
}

/// Resources by logical ID, in order.
type Resources<'t> = Vec<(&'t str, &'t Resource)>;

/// The items of `old` not in `new` (removed) and of `new` not in `old` (added), in order.
fn rows<T: Ord + Clone>(old: BTreeSet<T>, new: BTreeSet<T>) -> Vec<Row<T>> {
    let removed = old
        .difference(&new)
        .map(|item| (item.clone(), Sign::Removed));
    let added = new.difference(&old).map(|item| (item.clone(), Sign::Added));
    let mut all: Vec<(T, Sign)> = removed.chain(added).collect();
    all.sort();
    all.into_iter()
        .map(|(item, change)| Row { change, item })
        .collect()
}

#[cfg(test)]
mod tests;
