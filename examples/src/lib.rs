//! Example stacks. Each is a library item, so tests can build its template in-process, and a
//! binary under `src/bin/` that runs the kumo command line on it.

pub mod raw_resources;
