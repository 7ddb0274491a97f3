use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[secret]
        param password: String;
    }
}

fn main() {}
