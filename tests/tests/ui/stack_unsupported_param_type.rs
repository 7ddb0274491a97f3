use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        param verbose: bool = true, "Whether to log more.";
    }
}

fn main() {}
