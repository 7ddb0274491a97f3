use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[max_length(8)]
        #[max_length(9)]
        param name: String;
    }
}

fn main() {}
