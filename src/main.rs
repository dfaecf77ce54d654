//! The `sharesim` command line; see `sharesim --help`.

use clap::Parser;

fn main() {
    quiet_on_broken_pipe();
    let cli = sharesim::cli::Cli::parse();
    std::process::exit(sharesim::cli::main(cli));
}

/// `sharesim run ... | head` closes stdout early, and `println!` then panics with "failed
/// printing to stdout: Broken pipe". Stable Rust cannot restore the default SIGPIPE action without
/// unsafe code, so the panic hook turns exactly that panic into the exit a shell expects of a
/// killed writer (128 + SIGPIPE), silently; every other panic keeps the default report.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
