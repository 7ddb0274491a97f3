use kumo_core::stack;

stack! {
    pub Media(service = "media", stack_name = "media_{env}") {}
}

fn main() {}
