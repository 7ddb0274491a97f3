use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[min_length("1")]
        #[no_echo(true)]
        #[logical_id(Name)]
        #[allowed_values(true)]
        param name: String;
    }
}

fn main() {}
