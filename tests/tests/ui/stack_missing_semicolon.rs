use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        let ingest = kumo_particles::bucket()
        let jobs = kumo_particles::queue();
    }
}

fn main() {}
