use kumo_core::particle;

#[particle]
pub fn bucket<T: Into<String>>(scope: &mut kumo_core::Scope, prefix: T) {}

fn main() {}
