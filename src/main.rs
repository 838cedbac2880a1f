//! Quietpost: a desktop mail client with safe defaults.
//!
//! With no subcommand it opens the window; subcommands give the same engine a scriptable face.

mod cli;
mod wording;

use clap::Parser;

fn main() {
    let args = cli::Args::parse();
    if let Err(e) = cli::run(args) {
        // One plain line with its causes, never a backtrace: this is for people.
        eprintln!("quietpost: {e:#}");
        std::process::exit(1);
    }
}
