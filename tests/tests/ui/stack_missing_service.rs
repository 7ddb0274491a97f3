use kumo_core::stack;

stack! {
    pub Media(description = "no service") {
        let ingest = kumo_particles::bucket();
    }
}

fn main() {}
