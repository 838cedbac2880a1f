//! Quietpost: a desktop mail client with safe defaults.
//!
//! With no subcommand it opens the window; subcommands give the same engine a scriptable face.

fn main() {
    let args = quietpost::cli::Args::parse_from_os(std::env::args_os());
    if let Err(e) = quietpost::cli::run(args) {
        // One plain line with its causes, never a backtrace: this is for people.
        eprintln!("quietpost: {e:#}");
        std::process::exit(1);
    }
}
