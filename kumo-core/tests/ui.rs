//! Mistakes in typed resources are compile errors; their messages are pinned in `tests/ui`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
