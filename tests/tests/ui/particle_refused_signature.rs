use kumo_core::particle;

#[particle]
pub unsafe fn risky(scope: &mut kumo_core::Scope) {}

#[particle]
pub extern "C" fn foreign(scope: &mut kumo_core::Scope) {}

#[particle]
pub fn opaque(scope: &mut kumo_core::Scope) -> impl Clone {
    1u8
}

#[particle]
pub fn _3az(scope: &mut kumo_core::Scope) {}

#[particle]
pub fn adder(scope: &mut kumo_core::Scope, #[default] add: bool) {}

fn main() {}
