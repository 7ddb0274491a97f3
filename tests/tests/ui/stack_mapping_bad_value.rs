use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        mapping images = { "eu-west-1" = { "Ami" = true } };
    }
}

fn main() {}
