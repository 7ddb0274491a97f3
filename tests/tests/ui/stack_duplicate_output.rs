use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        let ingest = kumo_particles::bucket();
        output ingest = ingest.arn();
        output ingest = ingest.name();
    }
}

fn main() {}
