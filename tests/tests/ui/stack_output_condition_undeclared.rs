use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        param stage: String;
        output shown = stage, condition = is_prod;
        output staged = stage, condition = stage;
    }
}

fn main() {}
