//! kumo's standard particles: the building blocks a platform team hands to every product team,
//! with safe defaults (encryption on, public access blocked, versioning and retention on stateful
//! resources) and least-privilege default permissions.
//!
//! | particle | what it makes | grants |
//! | --- | --- | --- |
//! | [`bucket`] | private, encrypted, versioned S3 bucket, TLS-only policy, kept on delete | `read`, `write` |
//! | [`queue`] | encrypted SQS queue with its dead-letter queue | `send`, `consume` |
//! | [`topic`] | encrypted SNS topic with subscriptions | `publish` |
//! | [`function`] | Lambda function with its role and log group | `invoke` |
//! | [`role`] | IAM role for a service, from grants | |
//! | [`table`] | DynamoDB table, on-demand, point-in-time recovery, kept on delete | `read`, `write` |
//! | [`alarm`] | CloudWatch alarm on a metric | |
//! | [`instance`] | EC2 instance with instance profile, security group, image parameter | |
//!
//! Each is a [`kumo_core::particle`]: call it, set what differs from the defaults, and add it to a
//! scope (or `let` it in `stack!`):
//!
//! ```
//! use kumo_core::{Environment, Scope};
//!
//! let mut scope = Scope::new("media", &Environment::new("dev"));
//! let ingest = kumo_particles::bucket().noncurrent_days(30).add(&mut scope, "ingest");
//! let worker = kumo_particles::function(kumo_particles::Code::inline("def handler(e, c): pass"))
//!     .grants(vec![ingest.read()])
//!     .add(&mut scope, "worker");
//! let template = scope.finish()?;
//! assert!(template.resources().contains_key("IngestBucket"));
//! # let _ = worker;
//! # Ok::<(), kumo_core::StackError>(())
//! ```

mod alarm;
mod bucket;
mod function;
mod instance;
mod queue;
mod role;
mod table;
mod topic;

pub use alarm::{alarm, AlarmParticle};
pub use bucket::{bucket, Bucket, BucketParticle};
pub use function::{function, Code, Function, FunctionParticle};
pub use instance::{instance, Instance, InstanceParticle};
pub use queue::{queue, Queue, QueueParticle};
pub use role::{role, RoleParticle};
pub use table::{table, Table, TableParticle};
pub use topic::{topic, Subscription, Topic, TopicParticle};
