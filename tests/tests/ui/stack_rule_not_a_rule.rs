use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        rule sized = "the size is small";
    }
}

fn main() {}
