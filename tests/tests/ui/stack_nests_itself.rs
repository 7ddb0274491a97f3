use kumo_core::stack;

stack! {
    pub Probe(service = "probe") {
        nested again = Probe;
        nested once_more = Self;
    }
}

fn main() {}
