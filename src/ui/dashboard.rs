//! The statistics dashboard, drawn with `egui_plot` from [`ProjectStats`]:
//! items per status, labels per class, and per annotator their pace, rejection
//! rate, agreement on overlap items and accuracy on golden items. The figures
//! are those of `shugu stats --json`, computed on a worker thread.

use super::canvas::kind_name;
use super::item_list::status_name;
use super::theme;
use super::worker::Worker;
use crate::model::{ItemStatus, LabelSchema, ShapeKind};
use crate::project::{Access, Project, ProjectStats};
use eframe::egui::{self, Color32, RichText};
use egui_plot::{Bar, BarChart, Corner, Legend, Line, Plot, PlotPoint, Text, uniform_grid_spacer};
use rust_i18n::t;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Height of one chart.
const CHART_HEIGHT: f32 = 190.0;
/// Width of one chart; two sit side by side.
const CHART_WIDTH: f32 = 360.0;
/// The figures are recomputed at most this often while edits come in.
const REFRESH_EVERY: Duration = Duration::from_secs(2);
/// How often the window looks for figures a worker has finished.
const POLL_EVERY: Duration = Duration::from_millis(100);

/// The dashboard window. Its figures are computed on a worker thread, from
/// a read-only connection of its own to the project's folder (every edit is
/// committed), so a large project never holds up a frame; the window shows
/// the last figures meanwhile, with a hint that new ones are on their way.
pub struct Dashboard {
    pub open: bool,
    /// Computes the figures of the project in a folder, on the worker.
    source: FiguresSource,
    /// The figures shown, and what they are of.
    shown: Option<Figures>,
    /// Figures being computed, and what they will be of.
    computing: Option<(Revision, Worker<Result<ProjectStats, String>>)>,
    /// When the last computation started.
    started: Option<Instant>,
}

/// What computes the figures of the project in a folder.
pub type FiguresSource = Arc<dyn Fn(&Path) -> Result<ProjectStats, String> + Send + Sync>;

/// The figures of the project in `dir`, from a read-only open of it.
pub fn project_figures(dir: &Path) -> Result<ProjectStats, String> {
    Project::open(dir, Access::ReadOnly)
        .and_then(|p| p.stats())
        .map_err(|e| e.to_string())
}

impl Default for Dashboard {
    fn default() -> Self {
        Self {
            open: false,
            source: Arc::new(project_figures),
            shown: None,
            computing: None,
            started: None,
        }
    }
}

/// A project folder and the revision of the project open there.
type Revision = (PathBuf, u64);

fn revision_of(project: &Project) -> Revision {
    (project.dir().to_path_buf(), project.revision())
}

struct Figures {
    revision: Revision,
    stats: Result<ProjectStats, String>,
}

impl Dashboard {
    /// Computes the figures with `source` rather than [`project_figures`]
    /// (tests hold the worker to see what the window shows meanwhile).
    pub fn set_source(&mut self, source: FiguresSource) {
        self.source = source;
    }

    /// The figures shown, once there are some.
    pub fn figures(&self) -> Option<&Result<ProjectStats, String>> {
        self.shown.as_ref().map(|f| &f.stats)
    }

    /// Whether newer figures are being computed.
    pub fn is_updating(&self) -> bool {
        self.computing.is_some()
    }

    /// Takes figures that are ready, and starts computing new ones when
    /// there are none yet, or the project changed and the last computation
    /// started at least [`REFRESH_EVERY`] ago.
    fn refresh(&mut self, ctx: &egui::Context, project: &Project) {
        if let Some((revision, worker)) = &mut self.computing
            && let Some(end) = worker.poll()
        {
            let stats = end.unwrap_or_else(|e| Err(e.to_string()));
            self.shown = Some(Figures {
                revision: std::mem::take(revision),
                stats,
            });
            self.computing = None;
        }
        if self.computing.is_some() {
            ctx.request_repaint_after(POLL_EVERY);
            return;
        }
        let now = revision_of(project);
        let since = self.started.map_or(REFRESH_EVERY, |t| t.elapsed());
        match &self.shown {
            Some(f) if f.revision == now => {}
            Some(f) if f.revision.0 == now.0 && since < REFRESH_EVERY => {
                ctx.request_repaint_after(REFRESH_EVERY - since);
            }
            shown => {
                // Another project's figures are not shown while its own come.
                if shown.as_ref().is_some_and(|f| f.revision.0 != now.0) {
                    self.shown = None;
                }
                self.start(project);
                ctx.request_repaint_after(POLL_EVERY);
            }
        }
    }

    fn start(&mut self, project: &Project) {
        let dir = project.dir().to_path_buf();
        let source = self.source.clone();
        let worker = Worker::spawn("dashboard", move |_| source(&dir));
        self.computing = Some((revision_of(project), worker));
        self.started = Some(Instant::now());
    }

    /// Shows the window when open.
    pub fn show(&mut self, ctx: &egui::Context, project: &Project) {
        if !self.open {
            self.shown = None;
            self.computing = None;
            self.started = None;
            return;
        }
        self.refresh(ctx, project);
        let mut open = self.open;
        let schema = project.schema().clone();
        let text = project.kind() == crate::project::ProjectKind::Text;
        let updating = self.is_updating();
        egui::Window::new(t!("dashboard.title"))
            .open(&mut open)
            .default_width(2.0 * CHART_WIDTH + 3.0 * theme::SPACE_L)
            .default_pos(
                ctx.content_rect().center()
                    - egui::vec2(CHART_WIDTH + theme::SPACE_L, 2.0 * CHART_HEIGHT),
            )
            .show(ctx, |ui| match self.figures() {
                // No spinner: it would repaint every frame for as long as
                // a large project's figures take.
                None => {
                    ui.label(t!("dashboard.computing"));
                }
                Some(figures) => {
                    if updating {
                        ui.label(RichText::new(t!("dashboard.updating")).weak());
                    }
                    match figures {
                        Ok(stats) => charts(ui, stats, &schema, text),
                        Err(e) => {
                            ui.colored_label(ui.visuals().error_fg_color, e);
                        }
                    }
                }
            });
        self.open = open;
    }
}

fn charts(ui: &mut egui::Ui, stats: &ProjectStats, schema: &LabelSchema, text: bool) {
    summary(ui, stats);
    ui.add_space(theme::SPACE_M);
    egui::Grid::new("dashboard-charts")
        .num_columns(2)
        .spacing([theme::SPACE_L, theme::SPACE_L])
        .show(ui, |ui| {
            chart_cell(ui, &t!("dashboard.items_per_status"), |ui| {
                items_per_status(ui, stats)
            });
            chart_cell(ui, &t!("dashboard.labels_per_class"), |ui| {
                labels_per_class(ui, stats, schema, text)
            });
            ui.end_row();
            chart_cell(ui, &t!("dashboard.items_per_hour"), |ui| {
                items_per_hour(ui, stats)
            });
            chart_cell(ui, &t!("dashboard.rejection_rate"), |ui| {
                rejection_rate(ui, stats)
            });
            ui.end_row();
            chart_cell(ui, &t!("dashboard.agreement"), |ui| agreement(ui, stats));
            chart_cell(ui, &t!("dashboard.golden_accuracy"), |ui| {
                golden_accuracy(ui, stats)
            });
            ui.end_row();
        });
}

fn summary(ui: &mut egui::Ui, stats: &ProjectStats) {
    ui.horizontal(|ui| {
        let figure = |ui: &mut egui::Ui, label: std::borrow::Cow<'_, str>, n: usize| {
            ui.vertical(|ui| {
                ui.label(
                    RichText::new(n.to_string())
                        .size(theme::HEADING_SIZE)
                        .strong(),
                );
                ui.label(RichText::new(label).size(theme::SMALL_SIZE).weak());
            });
            ui.add_space(theme::SPACE_L);
        };
        figure(ui, t!("dashboard.items"), stats.items);
        figure(
            ui,
            status_name(ItemStatus::Submitted),
            stats.items_submitted,
        );
        figure(ui, status_name(ItemStatus::Accepted), stats.items_accepted);
        figure(ui, status_name(ItemStatus::Rejected), stats.items_rejected);
        figure(ui, t!("dashboard.annotators"), stats.annotators.len());
        // Annotations of each shape kind (none in a text project).
        for k in &stats.annotations_per_kind {
            if let Some(kind) = ShapeKind::parse(k.kind) {
                figure(ui, kind_name(kind).into(), k.count as usize);
            }
        }
    });
}

/// A titled chart, or a note when there is nothing to draw yet.
fn chart_cell(ui: &mut egui::Ui, title: &str, chart: impl FnOnce(&mut egui::Ui) -> bool) {
    ui.vertical(|ui| {
        ui.set_width(CHART_WIDTH);
        ui.label(RichText::new(title).strong());
        ui.allocate_ui(egui::vec2(CHART_WIDTH, CHART_HEIGHT), |ui| {
            if !chart(ui) {
                ui.centered_and_justified(|ui| {
                    ui.label(RichText::new(t!("dashboard.no_data")).weak());
                });
            }
        });
    });
}

/// A bar chart over named categories; returns false when there are none.
/// The names are written under the bars inside the plot, shortened to fit:
/// the plot's own axis labels thin out when they crowd.
fn category_bars(
    ui: &mut egui::Ui,
    id: &str,
    bars: Vec<(String, f64, Color32)>,
    max_y: Option<f64>,
) -> bool {
    if bars.is_empty() {
        return false;
    }
    let top = bars
        .iter()
        .map(|(_, y, _)| *y)
        .fold(max_y.unwrap_or(0.0), f64::max)
        .max(1.0);
    // Less the y axis on the left.
    let per_bar = (CHART_WIDTH - 40.0) / bars.len() as f32;
    let labels: Vec<Text> = bars
        .iter()
        .enumerate()
        .map(|(i, (name, _, _))| {
            let point = PlotPoint::new(i as f64, -0.04 * top);
            let short = fit(name, per_bar);
            Text::new(
                name.clone(),
                point,
                RichText::new(short).size(theme::SMALL_SIZE),
            )
            .anchor(egui::Align2::CENTER_TOP)
            .color(ui.visuals().text_color())
        })
        .collect();
    let chart = BarChart::new(
        id,
        bars.into_iter()
            .enumerate()
            .map(|(i, (name, y, color))| Bar::new(i as f64, y).name(name).fill(color).width(0.6))
            .collect(),
    );
    still_plot(id)
        .show_grid([false, true])
        .show_axes([false, true])
        .include_y(top * 1.05)
        // Room under the bars for their names.
        .include_y(-0.2 * top)
        .show(ui, |plot_ui| {
            plot_ui.bar_chart(chart);
            for label in labels {
                plot_ui.text(label);
            }
        });
    true
}

/// A chart-sized plot that stays put: a dashboard is read, not explored.
fn still_plot(id: &str) -> Plot<'_> {
    Plot::new(id)
        .height(CHART_HEIGHT)
        .width(CHART_WIDTH)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
}

/// `name`, cut with an ellipsis to about `width` points of small text.
fn fit(name: &str, width: f32) -> String {
    // Roughly: a CJK character is as wide as the font size, others half that.
    let char_width = |c: char| {
        if c.len_utf8() > 2 {
            theme::SMALL_SIZE
        } else {
            theme::SMALL_SIZE * 0.55
        }
    };
    let room = width - theme::SPACE_S;
    let mut used = 0.0;
    let mut out = String::new();
    for c in name.chars() {
        used += char_width(c);
        if used > room {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

fn items_per_status(ui: &mut egui::Ui, stats: &ProjectStats) -> bool {
    let counts = [
        (ItemStatus::New, stats.items_new),
        (ItemStatus::InProgress, stats.items_in_progress),
        (ItemStatus::Submitted, stats.items_submitted),
        (ItemStatus::Accepted, stats.items_accepted),
        (ItemStatus::Rejected, stats.items_rejected),
    ];
    if stats.items == 0 {
        return false;
    }
    let bars = counts
        .into_iter()
        .map(|(s, n)| {
            (
                status_name(s).into_owned(),
                n as f64,
                theme::status_color(s),
            )
        })
        .collect();
    category_bars(ui, "items-per-status", bars, None)
}

fn labels_per_class(
    ui: &mut egui::Ui,
    stats: &ProjectStats,
    schema: &LabelSchema,
    text: bool,
) -> bool {
    let annotations = if text {
        &stats.spans_per_class
    } else {
        &stats.annotations_per_class
    };
    let mut bars: Vec<(String, f64, Color32)> = annotations
        .iter()
        .map(|c| {
            let color = schema
                .classes
                .iter()
                .find(|k| k.id.0 == c.id)
                .map_or(Color32::GRAY, |k| theme::class_color(k.color));
            (c.name.clone(), c.count as f64, color)
        })
        .collect();
    bars.extend(stats.labels_per_class.iter().map(|c| {
        (
            c.name.clone(),
            c.count as f64,
            Color32::from_rgb(120, 144, 156),
        )
    }));
    category_bars(ui, "labels-per-class", bars, None)
}

fn rejection_rate(ui: &mut egui::Ui, stats: &ProjectStats) -> bool {
    let rates = stats.annotators.iter().map(|a| (&a.name, a.rejection_rate));
    let color = theme::status_color(ItemStatus::Rejected);
    percent_bars(ui, "rejection-rate", rates, color)
}

/// Each annotator's agreement F1 with the others on overlap items.
fn agreement(ui: &mut egui::Ui, stats: &ProjectStats) -> bool {
    let f1 = stats.quality.iter().map(|q| (&q.name, q.agreement_f1));
    percent_bars(ui, "agreement", f1, AGREEMENT_COLOR)
}

/// Each annotator's F1 against the golden answers.
fn golden_accuracy(ui: &mut egui::Ui, stats: &ProjectStats) -> bool {
    let f1 = stats.quality.iter().map(|q| (&q.name, q.golden_accuracy));
    percent_bars(ui, "golden-accuracy", f1, GOLDEN_COLOR)
}

/// One bar per annotator with a 0–1 figure, drawn in percent on a 0–100 axis.
fn percent_bars<'a>(
    ui: &mut egui::Ui,
    id: &str,
    figures: impl Iterator<Item = (&'a String, Option<f64>)>,
    color: Color32,
) -> bool {
    let bars = figures
        .filter_map(|(name, figure)| Some((name.clone(), figure? * 100.0, color)))
        .collect();
    category_bars(ui, id, bars, Some(100.0))
}

const AGREEMENT_COLOR: Color32 = Color32::from_rgb(66, 133, 244);
const GOLDEN_COLOR: Color32 = Color32::from_rgb(230, 176, 30);

/// Items submitted per hour, one line per annotator over the hours they worked.
fn items_per_hour(ui: &mut egui::Ui, stats: &ProjectStats) -> bool {
    let Some(first) = stats
        .throughput
        .iter()
        .filter_map(|a| a.per_hour.first())
        .map(|h| h.hour_start_ms)
        .min()
    else {
        return false;
    };
    const HOUR_MS: f64 = 3_600_000.0;
    let busiest = stats
        .throughput
        .iter()
        .flat_map(|a| a.per_hour.iter().map(|h| h.items))
        .max()
        .unwrap_or(0);
    still_plot("items-per-hour")
        .include_y(0.0)
        // Headroom above the lines for the legend.
        .include_y(busiest as f64 * 1.6)
        .legend(Legend::default().position(Corner::LeftTop))
        .x_grid_spacer(uniform_grid_spacer(|_| [1.0, 4.0, 24.0]))
        .x_axis_label(t!("dashboard.hours"))
        .show(ui, |plot_ui| {
            for (i, a) in stats.throughput.iter().enumerate() {
                let points: Vec<[f64; 2]> = a
                    .per_hour
                    .iter()
                    .map(|h| [(h.hour_start_ms - first) as f64 / HOUR_MS, h.items as f64])
                    .collect();
                let name = format!("{} ({:.1}/h)", a.name, a.items_per_hour);
                plot_ui.line(Line::new(name, points).color(series_color(i)).width(2.0));
            }
        });
    true
}

/// Distinct, readable colours for annotators' series.
fn series_color(i: usize) -> Color32 {
    const SERIES: [Color32; 6] = [
        Color32::from_rgb(66, 133, 244),
        Color32::from_rgb(234, 67, 53),
        Color32::from_rgb(52, 168, 83),
        Color32::from_rgb(251, 188, 5),
        Color32::from_rgb(171, 71, 188),
        Color32::from_rgb(0, 172, 193),
    ];
    SERIES[i % SERIES.len()]
}
