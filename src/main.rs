//! Quietpost: a desktop mail client with safe defaults.
//!
//! With no subcommand it opens the window; subcommands give the same engine a scriptable face.

use clap::Parser;

fn main() {
    let args = quietpost::cli::Args::parse();
    if let Err(e) = quietpost::cli::run(args) {
        // One plain line with its causes, never a backtrace: this is for people.
        eprintln!("quietpost: {e:#}");
        std::process::exit(1);
    }
}
