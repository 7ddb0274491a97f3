use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        param ingest: String = "media-ingest";
        let ingest = kumo_particles::bucket();
    }
}

fn main() {}
