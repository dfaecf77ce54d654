//! The `sharesim` command line; see `sharesim --help`.

use clap::Parser;

fn main() {
    let cli = sharesim::cli::Cli::parse();
    std::process::exit(sharesim::cli::main(cli));
}
