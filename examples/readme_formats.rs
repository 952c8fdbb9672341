//! Rewrites README.md's table of formats and options from the format
//! registry (`shugu::jobs::registry`), between its markers. The test
//! `format_registry::the_readme_table_is_the_registry` fails until this is
//! run after a change to the registry.
//!
//! ```sh
//! cargo run --example readme_formats
//! ```

use shugu::jobs::registry::{README_END, README_START, with_readme_table};
use std::path::Path;

fn main() -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let updated = with_readme_table(&readme).ok_or_else(|| {
        format!(
            "{}: no `{README_START}` … `{README_END}` markers",
            path.display()
        )
    })?;
    if updated == readme {
        println!("{} is up to date", path.display());
        return Ok(());
    }
    shugu::project::write_atomic(&path, |file| file.write_all(updated.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("rewrote the table of formats in {}", path.display());
    Ok(())
}
