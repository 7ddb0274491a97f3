//! Stack sets: one more engine path beside change sets. A stack whose kumo.toml settings have a
//! `stack-set` section is deployed as a CloudFormation stack set with instances in the
//! accounts (or organizational units) and regions named there: `deploy` creates or updates the
//! set and creates, updates and deletes instances, `plan` and `diff --live` show what would
//! change, `delete` deletes the instances and then the set, `status` lists the instances.

#[cfg(feature = "deploy")]
mod calls;
#[cfg(feature = "deploy")]
mod instances;
#[cfg(feature = "deploy")]
mod operations;
mod settings;

#[cfg(feature = "deploy")]
pub use operations::{delete, deploy, live, outputs, plan, settings, status};
pub use settings::StackSetSettings;
