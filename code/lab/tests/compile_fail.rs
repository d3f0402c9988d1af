//! Programs that must not compile, with the exact errors the book shows.
//!
//! Each `tests/ui/NAME.rs` has its expected compiler output in `tests/ui/NAME.stderr`; the
//! chapters include those files. Refresh them with `TRYBUILD=overwrite cargo test -p lab --test
//! compile_fail` after a toolchain update, and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
