//! The `mdbook-lab` preprocessor's command line, in the shape mdBook expects:
//! `mdbook-lab supports <renderer>` answers whether it runs for that renderer, and with no
//! arguments it reads `[context, book]` JSON on stdin and writes the book to stdout.

use std::io;
use std::process::ExitCode;

use mdbook_lab::Lab;
use mdbook_preprocessor::Preprocessor;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if let Some("supports") = args.next().as_deref() {
        // Only the HTML renderer shows tables, charts and claims.
        return match args.next().as_deref() {
            Some("html") => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        };
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let (ctx, book) = mdbook_preprocessor::parse_input(io::stdin())?;
    let lab = Lab::from_context(&ctx)?;
    let book = lab.run(&ctx, book)?;
    serde_json::to_writer(io::stdout(), &book)?;
    Ok(())
}
