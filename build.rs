//! Generates one `#[test]` per scenario file, so that each scenario runs alone by name
//! (`cargo test sc__share_portfolio`), fails on its own, and shards across machines
//! (`cargo nextest run --partition`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=scenarios");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let mut files = Vec::new();
    collect(&root.join("scenarios"), &mut files)?;
    files.sort();
    let mut out = String::new();
    for file in &files {
        let rel = file
            .strip_prefix(root.join("scenarios"))?
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        let ident: String = rel
            .replace('/', "__")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        writeln!(out, "#[test]\nfn {ident}() {{\n    check({rel:?});\n}}\n")?;
    }
    std::fs::write(
        PathBuf::from(std::env::var("OUT_DIR")?).join("scenario_tests.rs"),
        out,
    )?;
    Ok(())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ron") {
            out.push(path);
        }
    }
    Ok(())
}
