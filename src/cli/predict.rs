//! `shugu predict`: runs a model (an ONNX file, or a model server) over a
//! project's images and stores what it finds as proposals from that model.

use crate::infer::catalog::{ModelEntry, ModelKind};
use crate::infer::open_predictor;
use crate::infer::runtime::RuntimeOptions;
use crate::jobs::predict::{ItemFilter, PredictReport, PredictRun, run_to_end, select_tasks};
use crate::project::{Access, Project};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `--kind`: what the model is (default: read from the file).
#[derive(Clone, Copy, Debug, Default, clap::ValueEnum)]
pub enum KindArg {
    #[default]
    Auto,
    /// PP-OCR text detection (with --rec, recognition): text lines with their text
    Ocr,
    /// A YOLO v5/v8/v11/YOLOX detector: boxes
    Yolo,
    /// An image classifier
    Classify,
    /// With --server: an X-AnyLabeling server (POST /v1/predict)
    Xanylabeling,
    /// With --server: a Label Studio ML backend (POST /predict)
    LabelStudio,
}

impl From<KindArg> for ModelKind {
    fn from(k: KindArg) -> ModelKind {
        match k {
            KindArg::Auto => ModelKind::Auto,
            KindArg::Ocr => ModelKind::Ocr,
            KindArg::Yolo => ModelKind::Yolo,
            KindArg::Classify => ModelKind::Classify,
            KindArg::Xanylabeling => ModelKind::XAnyLabelingServer,
            KindArg::LabelStudio => ModelKind::LabelStudioServer,
        }
    }
}

/// What `shugu predict` was asked to run.
pub struct PredictArgs {
    pub model: Option<PathBuf>,
    pub rec: Option<PathBuf>,
    pub server: Option<String>,
    pub server_model: Option<String>,
    pub kind: ModelKind,
    pub items: ItemFilter,
    pub threshold: Option<f32>,
    pub source: Option<String>,
    pub onnxruntime: Option<PathBuf>,
}

impl PredictArgs {
    fn entry(&self) -> anyhow::Result<ModelEntry> {
        let mut entry = match (&self.model, &self.server) {
            (Some(model), None) => ModelEntry::for_file(model.clone(), self.rec.clone(), self.kind),
            (None, Some(url)) => {
                let kind = match self.kind {
                    ModelKind::Auto => ModelKind::XAnyLabelingServer,
                    k @ (ModelKind::XAnyLabelingServer | ModelKind::LabelStudioServer) => k,
                    _ => anyhow::bail!("--server takes --kind xanylabeling or label-studio"),
                };
                ModelEntry::for_server(url, kind, self.server_model.clone())
            }
            _ => anyhow::bail!("name the model: --model FILE.onnx or --server URL"),
        };
        if let Some(t) = self.threshold {
            if !(0.0..=1.0).contains(&t) {
                anyhow::bail!("--threshold {t} is outside 0..1");
            }
            entry.set_min_score(t);
        }
        if let Some(source) = &self.source {
            if source.trim().is_empty() {
                anyhow::bail!("--source names the model: it cannot be blank");
            }
            entry.name = source.clone();
        }
        Ok(entry)
    }
}

pub fn run(dir: &Path, args: &PredictArgs) -> anyhow::Result<()> {
    let entry = args.entry()?;
    let mut project = Project::open(dir, Access::ReadWrite)?;
    let tasks = select_tasks(&project, args.items, None)?;
    if tasks.is_empty() {
        println!(
            "no {} items to predict in {}",
            args.items.as_str(),
            dir.display()
        );
        return Ok(());
    }
    let runtime = RuntimeOptions {
        library: args.onnxruntime.clone(),
        ..RuntimeOptions::default()
    };
    let predictor = open_predictor(&entry, &runtime)?;
    let decoders = crate::jobs::predict::default_decoders();
    let mut run = PredictRun::start(predictor, tasks, decoders);
    let interactive = std::io::stderr().is_terminal();
    let report = run_to_end(&mut project, &mut run, &mut |run, stored| {
        if let Some(f) = &stored.failed {
            eprintln!("{f}");
        }
        if interactive {
            let eta = run
                .eta()
                .map(|d| format!(", about {} s left", d.as_secs()))
                .unwrap_or_default();
            eprint!("\rpredicting… {}/{}{eta}   ", run.done(), run.total());
            let _ = std::io::stderr().flush();
        }
    })?;
    if interactive {
        eprintln!();
    }
    print_report(&report);
    if let Some(reason) = &report.stopped_because {
        anyhow::bail!(
            "stopped after {} of {} images: {reason}",
            report.images,
            report.total
        );
    }
    if report.all_failed() {
        let first = report
            .first_failure
            .as_deref()
            .unwrap_or("no image could be read");
        anyhow::bail!("nothing was stored: {first}");
    }
    Ok(())
}

fn print_report(report: &PredictReport) {
    println!(
        "stored {} proposals from model {:?} on {} of {} images{}",
        report.proposals,
        report.source,
        report.images - report.failed,
        report.total,
        if report.failed > 0 {
            format!("; {} images failed", report.failed)
        } else {
            String::new()
        }
    );
    if !report.new_classes.is_empty() {
        println!("added classes: {}", report.new_classes.join(", "));
    }
    for p in &report.problems {
        eprintln!("  {p}");
    }
    if report.problems_not_listed > 0 {
        eprintln!("  … and {} more", report.problems_not_listed);
    }
}
