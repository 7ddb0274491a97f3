use kumo_core::stack;

stack! {
    pub Probe(service = "probe") {
        param letter: String = 'c';
        param zones: Vec<String> = 3.5;
        param size: i64 = 2.5;
    }
}

fn main() {}
