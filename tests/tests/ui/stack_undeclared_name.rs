use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        let ingest = kumo_particles::bucket();
        output ingest_arn = ingset.arn();
    }
}

fn main() {}
