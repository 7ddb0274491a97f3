use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        resource ingest = kumo_particles::bucket();
    }
}

fn main() {}
