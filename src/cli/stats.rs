use crate::project::{Access, Project};
use anyhow::Context;
use std::path::Path;

pub fn run(dir: &Path, json: bool) -> anyhow::Result<()> {
    let project = Project::open(dir, Access::ReadOnly)?;
    let stats = project.stats()?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&stats).context("writing JSON")?
        );
        return Ok(());
    }
    println!("project      {}", project.name());
    println!("items        {}", stats.items);
    println!(
        "  new {}, in progress {}, done {}, unreadable {}",
        stats.items_new, stats.items_in_progress, stats.items_done, stats.items_broken
    );
    println!("boxes        {}", stats.boxes);
    for c in &stats.boxes_per_class {
        println!("  {:<12} {}", c.name, c.count);
    }
    let labels: u64 = stats.labels_per_class.iter().map(|c| c.count).sum();
    println!("image labels {labels}");
    for c in &stats.labels_per_class {
        println!("  {:<12} {}", c.name, c.count);
    }
    Ok(())
}
