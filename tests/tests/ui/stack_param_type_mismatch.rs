use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[r#type("List<AWS::EC2::Subnet::Id>")]
        param subnets: String;
        #[r#type("Number")]
        param size: Vec<String>;
    }
}

fn main() {}
