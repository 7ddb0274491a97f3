use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[logical_id("Jobs")]
        param jobs: String;
        #[logical_ids(bucket = "Jobs", bucket = "Other")]
        let ingest = kumo_particles::bucket();
    }
}

fn main() {}
