use kumo_core::stack;

stack! {
    pub Media(service = "media", transform = [Serverless]) {
        param name: String;
    }
}

fn main() {}
