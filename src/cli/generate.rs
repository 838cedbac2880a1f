//! `quietpost generate --out DIR`: the manual pages (one for `quietpost`, one per subcommand)
//! and the shell completions, made from the command line's own definition by clap_mangen and
//! clap_complete. The packaging scripts run it after building (packaging/README.md).

use anyhow::{Context, Result};
use clap::CommandFactory;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The directory to write into (made if missing): man/quietpost.1 and the rest, and
    /// completions/ for bash, zsh, fish, PowerShell and elvish.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(a: GenerateArgs) -> Result<()> {
    let man = a.out.join("man");
    let completions = a.out.join("completions");
    for dir in [&man, &completions] {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot make {}", dir.display()))?;
    }
    let mut command = super::Args::command();
    command.build();
    pages(&command, "quietpost", &man)
        .with_context(|| format!("cannot write the manual pages into {}", man.display()))?;
    use clap_complete::Shell;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        clap_complete::generate_to(shell, &mut command, "quietpost", &completions)
            .with_context(|| format!("cannot write the {shell} completions"))?;
    }
    println!(
        "Manual pages in {}, completions in {}.",
        man.display(),
        completions.display()
    );
    Ok(())
}

/// The page of `command` (called `name`: "quietpost-account-add" for `quietpost account add`)
/// and of each of its subcommands, but clap's own `help` and hidden ones.
fn pages(command: &clap::Command, name: &str, dir: &std::path::Path) -> std::io::Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone().name(name.to_owned())).render(&mut page)?;
    std::fs::write(dir.join(format!("{name}.1")), page)?;
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" || sub.is_hide_set() {
            continue;
        }
        pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}
