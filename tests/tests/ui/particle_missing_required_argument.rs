fn main() {
    let mut scope = kumo_core::Scope::new("media", &kumo_core::Environment::new("dev"));
    let _ = kumo_particles::table().add(&mut scope, "orders");
    let _ = kumo_particles::bucket().days(3).add(&mut scope, "ingest");
}
