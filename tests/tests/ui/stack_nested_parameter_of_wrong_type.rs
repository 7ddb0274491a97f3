use kumo_core::stack;

stack! {
    pub Network(service = "network") {
        param max_hosts: i64 = 4;
    }
}

stack! {
    pub App(service = "app") {
        nested net = Network { max_hosts: "eight" };
    }
}

fn main() {}
