use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        param name: String;
        #[no_echo]
        output shown = name;
        #[r#type("String")]
        condition is_prod = kumo_core::Condition::equals(name, "prod");
    }
}

fn main() {}
