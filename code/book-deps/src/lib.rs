//! Exists only to be built: `cargo xtask test` builds this crate into its own target directory
//! and hands the resulting `deps` folders to `mdbook test -L`, so that the book's snippets can
//! `extern crate` the same rayon, tokio and crossbeam the playground offers.
//!
//! A dedicated target directory matters: a shared one collects rlibs of several versions of a
//! crate over time, and rustdoc then fails with E0464 ("multiple candidates").

pub use crossbeam;
pub use rayon;
pub use tokio;
