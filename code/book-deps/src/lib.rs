//! Exists only to be built: `cargo xtask test` builds this crate into its own target directory
//! and hands the resulting `deps` folders to `mdbook test -L`, so that the book's snippets can
//! `extern crate` the crates the playground offers that the book uses (the list is
//! `PLAYGROUND_CRATES` in `code/mdbook-lab/src/playground.rs`), and memmap2, which only
//! `noplayground` blocks use.
//!
//! A dedicated target directory matters: a shared one collects rlibs of several versions of a
//! crate over time, and rustdoc then fails with E0464 ("multiple candidates").

pub use crossbeam;
pub use memmap2;
pub use rayon;
pub use serde;
pub use serde_json;
pub use tokio;
