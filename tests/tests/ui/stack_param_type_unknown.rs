use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[r#type("AWS::EC2::Subnet::Name")]
        param subnet: String;
    }
}

fn main() {}
