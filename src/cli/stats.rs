use crate::project::{Access, ClassCount, ProjectKind};
use anyhow::Context;
use std::path::Path;

pub fn run(dir: &Path, json: bool) -> anyhow::Result<()> {
    let project = super::open_project(dir, Access::ReadOnly)?;
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
        "  new {}, in progress {}, submitted {}, accepted {}, rejected {}, unreadable {}",
        stats.items_new,
        stats.items_in_progress,
        stats.items_submitted,
        stats.items_accepted,
        stats.items_rejected,
        stats.items_broken
    );
    let text = project.kind() == ProjectKind::Text;
    let (annotations, count, per_class) = if text {
        ("spans", stats.spans, &stats.spans_per_class)
    } else {
        (
            "annotations",
            stats.annotations,
            &stats.annotations_per_class,
        )
    };
    println!("{annotations:<12} {count}");
    print_counts(per_class);
    if !text && !stats.annotations_per_kind.is_empty() {
        let kinds: Vec<String> = stats
            .annotations_per_kind
            .iter()
            .map(|k| format!("{} {}", k.kind, k.count))
            .collect();
        println!("  by shape: {}", kinds.join(", "));
    }
    let labels: u64 = stats.labels_per_class.iter().map(|c| c.count).sum();
    let labels_name = if text { "doc classes" } else { "image labels" };
    println!("{labels_name:<12} {labels}");
    print_counts(&stats.labels_per_class);
    if !stats.annotators.is_empty() {
        println!("annotators   items, submitted, accepted, rejected, rejection rate");
        for a in &stats.annotators {
            let rate = share(a.rejection_rate);
            println!(
                "  {:<12} {}, {}, {}, {}, {rate}",
                a.name, a.items, a.submitted, a.accepted, a.rejected
            );
        }
    }
    if !stats.throughput.is_empty() {
        println!("pace         submitted, hours worked, items per hour");
        for a in &stats.throughput {
            println!(
                "  {:<12} {}, {}, {:.1}",
                a.name, a.submitted, a.active_hours, a.items_per_hour
            );
        }
    }
    let agreement = &stats.agreement;
    if agreement.overlap_items > 0 || agreement.golden_items > 0 {
        println!(
            "agreement    {} overlap items, mean F1 {}; {} golden items",
            agreement.overlap_items,
            share(agreement.mean_f1),
            agreement.golden_items
        );
        println!("quality      overlap items, agreement F1, kappa, golden items, golden accuracy");
        for q in &stats.quality {
            println!(
                "  {:<12} {}, {}, {}, {}, {}",
                q.name,
                q.overlap_items,
                share(q.agreement_f1),
                q.kappa
                    .map_or_else(|| "-".to_string(), |k| format!("{k:.2}")),
                q.golden_items,
                share(q.golden_accuracy)
            );
        }
    }
    Ok(())
}

/// A 0–1 figure as a percentage, `-` when there is none.
fn share(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{:.0}%", v * 100.0))
}

fn print_counts(counts: &[ClassCount]) {
    for c in counts {
        println!("  {:<12} {}", c.name, c.count);
    }
}
