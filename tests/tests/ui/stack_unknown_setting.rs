use kumo_core::stack;

stack! {
    pub Media(service = "media", region = "eu-west-1") {}
}

fn main() {}
