use kumo_core::particle;

#[particle]
pub fn bucket(scope: &mut kumo_core::Scope, #[default = 5] days: i64, #[default()] versioned: bool, #[serde(skip)] name: String) {}

fn main() {}
