use kumo_core::stack;

stack! {
    pub Media(service = "media", default_tags = "no") {}
}

fn main() {}
