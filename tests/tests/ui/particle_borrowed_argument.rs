use kumo_core::particle;

#[particle]
pub fn bucket(scope: &mut kumo_core::Scope, prefix: &str, #[default] tags: Vec<&'static str>) {}

fn main() {}
