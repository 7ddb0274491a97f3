//! Mistakes in `stack!` and `#[particle]` input are compile errors at the offending token; their
//! messages are pinned in `tests/ui`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
