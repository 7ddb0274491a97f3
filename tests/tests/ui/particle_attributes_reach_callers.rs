//! `#[deprecated]` warns where the particle is used and `#[must_use]` where what `add` returns
//! is dropped; a boxed closure is an owned argument.
#![deny(deprecated, unused_must_use)]

use kumo_core::particle;

#[particle]
#[deprecated(note = "use `queue`")]
pub fn old_queue(_scope: &mut kumo_core::Scope) {}

#[particle]
#[must_use]
pub fn counted(_scope: &mut kumo_core::Scope, name: Box<dyn Fn(&str) -> String + Send + 'static>) -> usize {
    name("counted").len()
}

fn main() {
    let mut scope = kumo_core::Scope::new("s", &kumo_core::Environment::new("dev"));
    old_queue().add(&mut scope, "old");
    counted(Box::new(|text: &str| text.to_owned()) as Box<dyn Fn(&str) -> String + Send>).add(&mut scope, "counted");
}
