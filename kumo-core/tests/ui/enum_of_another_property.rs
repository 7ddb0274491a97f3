// `VersioningConfiguration.Status` allows `Enabled` or `Suspended`: another property's enum
// does not fit.
use kumo_core::resources::s3::bucket::{AccelerationStatus, VersioningConfiguration};

fn main() {
    let _ = VersioningConfiguration::new(AccelerationStatus::Enabled);
}
