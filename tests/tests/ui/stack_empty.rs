use kumo_core::stack;

stack! {}

fn main() {}
