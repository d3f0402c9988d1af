//! The Rust blocks written inline in the book's chapters, compiled and run by skeptic.
//!
//! `build.rs` copies `book/*.md` without the blocks that hold `{{#…}}` directives or are
//! marked `compile_fail`/`ignore`, and generates one test per remaining Rust block.

#![allow(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
