use kumo_core::stack;

stack! { 1 + ; fn }

fn main() {}
