// The build script `kumo new` writes into a stack crate.
include!("../kumo-cli/src/build.rs.in");
