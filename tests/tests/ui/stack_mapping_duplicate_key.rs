use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        mapping images = {
            "eu-west-1" = { "Ami" = "ami-1", "Ami" = "ami-2" },
            "eu-west-1" = { "Ami" = "ami-3" },
            "us-east-1" = {},
        };
    }
}

fn main() {}
