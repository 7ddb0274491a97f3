// `EventPattern` is JSON; a typed value needs `.to_json()`.
use kumo_core::intrinsic::reference;
use kumo_core::resources::events::Rule;

fn main() {
    let _ = Rule::new().event_pattern(reference::<Vec<String>>("Pattern"));
}
