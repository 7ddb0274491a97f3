use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[min_length(1)]
        #[allowed_values(1, "two")]
        param size: i64;
        #[max_value(9)]
        param name: String;
    }
}

fn main() {}
