use kumo_core::stack;

stack! {
    pub Network(service = "network") {
        param vpc_cidr: String;
    }
}

stack! {
    pub App(service = "app") {
        nested net = Network { vpc_cidr: "10.0.0.0/16", zones: "a,b" };
    }
}

fn main() {}
