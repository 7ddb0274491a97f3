//! `stack!` names from raw identifiers (`r#type`) are those of the plain words, in logical IDs
//! and in the output constants other stacks import.

#![cfg(feature = "sqs")]

use kumo_core::resources::sqs;
use kumo_core::{stack, Environment, Stack};

stack! {
    pub Raw(service = "raw") {
        let r#type = sqs::Queue::new();
        output r#type = r#type.r#ref(), export;
    }
}

#[test]
fn raw_identifiers_name_like_their_plain_selves() {
    let template = Raw.template(&Environment::new("dev")).unwrap();
    assert!(template.resources().contains_key("Type"));
    assert!(template.outputs().contains_key("Type"));
    assert_eq!(Raw::TYPE.logical_id(), "Type");
}
