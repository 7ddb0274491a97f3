use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        let worker = kumo_particles::function(kumo_particles::Code::inline("pass"))
            .grants(vec![ingest.read()]);
        let ingest = kumo_particles::bucket();
    }
}

fn main() {}
