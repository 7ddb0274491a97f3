use kumo_core::particle;

#[particle]
pub fn bucket() {}

#[particle(retain)]
pub async fn queue(scope: &mut kumo_core::Scope) {}

fn main() {}
