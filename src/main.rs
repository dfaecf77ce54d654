//! The `sharesim` command line.
fn main() {}
