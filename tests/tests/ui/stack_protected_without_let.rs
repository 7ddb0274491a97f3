use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        protected output bucket = "x";
    }
}

fn main() {}
