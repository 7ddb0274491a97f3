//! Example stacks. Each is a library item, so tests can build its template in-process, and a
//! binary under `src/bin/` that runs the kumo command line on it.
//!
//! - [`mia_import_processor`]: particles from `kumo-particles` and the team crate
//!   `mes-particles`, assembled with `stack!`.
//! - [`mes_platform`]: an app of three stacks (network, data, service) wired by typed
//!   cross-stack references.
//! - [`instance`]: one EC2 instance from the instance particle.
//! - [`raw_resources`]: typed resources only, no particles and no macro.
//! - [`web_fleet`]: the template language in `stack!`: an auto scaling group with cfn-init and
//!   rolling updates, mappings, constrained and AWS-specific parameters, NoEcho, Rules, a custom
//!   resource, template metadata, outputs with export names and conditions.
//! - [`bench_500`]: the 500-resource template of the synthesis benchmark.

pub mod bench_500;
pub mod instance;
pub mod mes_platform;
pub mod mia_import_processor;
pub mod raw_resources;
pub mod web_fleet;
