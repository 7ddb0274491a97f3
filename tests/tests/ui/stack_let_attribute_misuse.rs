use kumo_core::stack;

stack! {
    pub Media(service = "media") {
        #[tags(all)]
        let a = kumo_particles::queue();
        #[tags]
        let b = kumo_particles::queue();
        #[tags("team")]
        let c = kumo_particles::queue();
        #[logical_ids(bucket)]
        let d = kumo_particles::bucket();
        #[logical_id(Jobs)]
        let e = kumo_particles::queue();
        #[tags(none)]
        param f: String;
        #[logical_ids(bucket = "X")]
        output g = a.r#ref();
        #[rename("H")]
        let h = kumo_particles::queue();
    }
}

fn main() {}
