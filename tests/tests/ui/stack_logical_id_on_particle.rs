use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[logical_id("IngestBucket")]
        let ingest = kumo_particles::bucket();
    }
}

fn main() {}
