use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        /// The name.
        param name: String;
    }
}

fn main() {}
