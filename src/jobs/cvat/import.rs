//! Reading a CVAT file, or a folder of them (datumaro writes one per
//! subset), into a [`BoxLabelPlan`]. Only the `.xml` files given are opened;
//! an `<image name>` is only a name to match, never opened.

use super::super::box_labels::{
    BoxImportOptions, BoxLabelPlan, BoxLabelReport, BoxPlacer, ClassKeypoints, LabelOptions,
    PlannedLabels, RecordClaims, ShapeIn, Target, apply_box_label_plan, check_size, find_item,
    item_matcher,
};
use super::super::export_common::{files_with_ext, read_capped};
use super::super::safe_read::read_found;
use super::super::{JobError, Progress};
use crate::formats::cvat::{CvatFile, CvatLabel, OCCLUDED, attribute_def, parse_cvat};
use crate::formats::label_paths::PathMatcher;
use crate::model::{AttributeDef, AttributeKind, Item, LabelSchema};
use crate::project::Project;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// CVAT files larger than this are refused.
const MAX_FILE: u64 = 2 << 30;
/// Images per progress step.
const IMAGES_PER_STEP: usize = 4096;
/// The folders CVAT adds to image paths, left out when matching.
const FORMAT_FOLDERS: [&str; 1] = ["images"];
/// The subset of a dataset that has none (CVAT's and datumaro's name for it).
const DEFAULT_SUBSET: &str = "default";

/// How a CVAT import treats what does not fit; "the dataset's own class list"
/// is the labels of the file's `<meta>`.
pub type CvatImportOptions = BoxImportOptions;

/// One CVAT file read: its name as reported, its content, and its subset
/// (its `<meta>`'s, else its file name's, as datumaro names them).
struct Source {
    shown: String,
    file: CvatFile,
    subset: Option<String>,
}

/// Reads the CVAT file `path`, or every `.xml` file under the folder `path`,
/// and plans their shapes and tags onto `items`, the project's items under
/// `image_root`. Labels declared in a file's `<meta>` or the schema are taken;
/// others only with `add_unknown_classes`.
pub fn read_cvat(
    path: &Path,
    items: &[Item],
    image_root: &Path,
    schema: &LabelSchema,
    options: CvatImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelPlan, JobError> {
    let mut plan = BoxLabelPlan::default();
    let sources = if path.is_dir() {
        read_folder(path, &mut plan)?
    } else {
        let shown = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let file = read_capped(path, MAX_FILE)
            .and_then(|bytes| parse_cvat(&bytes))
            .map_err(|e| JobError::Failed(format!("{}: {e}", path.display())))?;
        vec![source(shown, file)]
    };
    let matcher = item_matcher(items, image_root, &FORMAT_FOLDERS);
    plan_files(sources, &matcher, schema, options, &mut plan, progress);
    Ok(plan)
}

/// Reads and stores the CVAT file or folder `path`, as the current author.
pub fn import_cvat(
    project: &mut Project,
    path: &Path,
    options: CvatImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelReport, JobError> {
    let image_root = project.image_root();
    let plan = read_cvat(
        path,
        project.items(),
        &image_root,
        project.schema(),
        options,
        progress,
    )?;
    let labels = LabelOptions {
        add_unknown: true,
        multi_label: options.multi_label,
    };
    apply_box_label_plan(project, plan, labels)
}

fn source(shown: String, file: CvatFile) -> Source {
    let stem = shown.rsplit('/').next().unwrap_or_default();
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
    let subset = file
        .subset
        .clone()
        .unwrap_or_else(|| stem.to_string())
        .trim()
        .to_string();
    let subset =
        (!subset.is_empty() && !subset.eq_ignore_ascii_case(DEFAULT_SUBSET)).then_some(subset);
    Source {
        shown,
        file,
        subset,
    }
}

/// The CVAT files under `root`; files that are not CVAT for images are
/// reported in `plan`, and the import fails only when none is.
fn read_folder(root: &Path, plan: &mut BoxLabelPlan) -> Result<Vec<Source>, JobError> {
    let (names, errors) = files_with_ext(root, "xml");
    for (file, message) in errors {
        plan.problem(&file, "", message);
    }
    let mut sources = Vec::new();
    let mut refused = Vec::new();
    for rel in names {
        match read_found(&root.join(&rel), MAX_FILE).and_then(|b| parse_cvat(&b)) {
            Ok(file) => sources.push(source(rel, file)),
            Err(message) => refused.push((rel, message)),
        }
    }
    if sources.is_empty() {
        let why: Vec<String> = refused.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        return Err(JobError::Failed(format!(
            "{}: no CVAT for images XML file in this folder{}",
            root.display(),
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join("; "))
            }
        )));
    }
    for (rel, message) in refused {
        plan.problem(&rel, "", message);
    }
    Ok(sources)
}

/// Plans every file onto the items, then keeps the classes shapes use (in
/// the files' label order), the attribute definitions of their labels and
/// the points and edges of their skeletons, and names the labels nothing
/// uses.
fn plan_files(
    sources: Vec<Source>,
    matcher: &PathMatcher<Target>,
    schema: &LabelSchema,
    options: CvatImportOptions,
    plan: &mut BoxLabelPlan,
    progress: &mut dyn FnMut(Progress),
) {
    let mut claims = RecordClaims::default();
    let total = sources.iter().map(|s| s.file.images.len()).sum();
    let mut done = 0;
    progress(Progress {
        done,
        total: Some(total),
    });
    // Each label once, with the file that declared it first.
    let mut labels: Vec<(String, CvatLabel)> = Vec::new();
    for source in sources {
        for label in &source.file.labels {
            if !labels.iter().any(|(_, l)| l.name == label.name) {
                labels.push((source.shown.clone(), label.clone()));
            }
        }
        let mut step = |n: usize| {
            done += n;
            progress(Progress {
                done,
                total: Some(total),
            });
        };
        let matching = (matcher, &mut claims);
        plan_file(source, matching, schema, options, plan, &mut step);
    }
    claims.settle(plan);
    let order: Vec<&str> = labels.iter().map(|(_, l)| l.name.as_str()).collect();
    plan.keep_used_classes(&order);
    plan_attributes(&labels, plan);
    for (_, label) in &labels {
        if let Some(skeleton) = &label.skeleton
            && plan.class_names.contains(&label.name)
        {
            let declared = ClassKeypoints {
                names: skeleton.points.clone(),
                skeleton: skeleton.edges.clone(),
            };
            plan.class_keypoints.insert(label.name.clone(), declared);
        }
    }
    let tagged: HashSet<&str> = plan
        .labels
        .iter()
        .flat_map(|l| l.names.iter().map(String::as_str))
        .collect();
    plan.unused_labels = labels
        .iter()
        .map(|(_, l)| &l.name)
        .filter(|n| !plan.class_names.contains(n) && !tagged.contains(n.as_str()))
        .cloned()
        .collect();
    if !plan.shapes.is_empty() {
        plan.attribute_defs.push(AttributeDef::bool(OCCLUDED));
    }
    plan.declared = labels.into_iter().map(|(_, l)| l.name).collect();
}

/// Plans one file's images; `step` is told of the images done.
fn plan_file(
    source: Source,
    (matcher, claims): (&PathMatcher<Target>, &mut RecordClaims),
    schema: &LabelSchema,
    options: CvatImportOptions,
    plan: &mut BoxLabelPlan,
    step: &mut dyn FnMut(usize),
) {
    let Source {
        shown,
        file,
        subset,
    } = source;
    let shown = shown.as_str();
    plan.records += file.images.len();
    for p in &file.problems {
        plan.problem(shown, p.at.clone(), p.message.clone());
    }
    plan.count_skipped(file.skipped.clone());
    plan.note_converted(shown, &file.converted);
    let mut known: HashSet<String> = file.labels.iter().map(|l| l.name.clone()).collect();
    let mut known_tags = known.clone();
    known.extend(schema.classes.iter().map(|c| c.name.clone()));
    known_tags.extend(schema.image_labels.iter().map(|l| l.name.clone()));
    let mut placer = BoxPlacer::new(known, options);
    let mut unknown_tags: BTreeMap<String, usize> = BTreeMap::new();
    let count = file.images.len();
    let mut reported = 0;
    for (done, mut image) in file.images.into_iter().enumerate() {
        if done % IMAGES_PER_STEP == 0 && done > 0 {
            step(done - reported);
            reported = done;
        }
        if image.subset.is_none() {
            image.subset.clone_from(&subset);
        }
        let place = format!("image {} (`{}`)", image.index, image.name);
        // A project export's images lie under their subset's folder. Names
        // are only matched, never opened.
        let in_subset = image
            .subset
            .as_ref()
            .and_then(|subset| find_item(matcher, &format!("{subset}/{}", image.name)).ok());
        let matched = match in_subset.map_or_else(|| find_item(matcher, &image.name), Ok) {
            Ok(matched) => matched,
            Err(message) => {
                plan.problem(shown, place, message);
                continue;
            }
        };
        let target = matched.value;
        plan.matched += 1;
        let mark = plan.mark();
        check_size(plan, (shown, &place), image.size, target);
        for s in image.shapes {
            let (element, index) = (s.element, s.index);
            let at = (shown, || format!("{place}, {element} {index}"));
            let shape = ShapeIn::grouped(s.shape, s.group, s.attributes);
            placer.place_shape(plan, at, target, &s.label, shape);
        }
        let mut names = Vec::new();
        for tag in image.tags {
            if options.add_unknown_classes || known_tags.contains(&tag) {
                names.push(tag);
            } else {
                *unknown_tags.entry(tag).or_default() += 1;
            }
        }
        if !names.is_empty() {
            plan.labels.push(PlannedLabels {
                item: target.0,
                names,
                file: format!("{shown}: {place}"),
            });
        }
        claims.claim(plan, mark, (shown, &place), &matched);
    }
    step(count - reported);
    placer.report_unknown(plan, shown, "the file's <meta> labels");
    for (name, n) in unknown_tags {
        plan.problem(
            shown,
            "",
            format!(
                "image label `{name}` is in neither the project nor the file's <meta> labels; its {n} tag(s) were skipped (--add-unknown-classes adds it)"
            ),
        );
    }
}

/// The attribute definitions of the labels that are classes, merged
/// across labels: one-of values are joined, and a name declared with
/// another type keeps its first declaration (noted).
fn plan_attributes(labels: &[(String, CvatLabel)], plan: &mut BoxLabelPlan) {
    // Attribute name → the label and input type that declared it first.
    let mut declared_by: BTreeMap<String, (String, &str)> = BTreeMap::new();
    let mut notes = Vec::new();
    let classes = labels
        .iter()
        .filter(|(_, l)| plan.class_names.contains(&l.name));
    for (shown, label) in classes {
        for spec in &label.attributes {
            let def = attribute_def(spec);
            let Some(first) = plan.attribute_defs.iter_mut().find(|d| d.name == def.name) else {
                let by = (label.name.clone(), spec.input_type.as_str());
                declared_by.insert(def.name.clone(), by);
                plan.attribute_defs.push(def);
                continue;
            };
            match (&mut first.kind, def.kind) {
                (AttributeKind::OneOf(options), AttributeKind::OneOf(more)) => {
                    for option in more {
                        if !options.contains(&option) {
                            options.push(option);
                        }
                    }
                }
                (kind, other) if *kind == other => {}
                _ => {
                    let (by, input) = declared_by
                        .get(&def.name)
                        .map_or(("?", "?"), |(l, i)| (l.as_str(), *i));
                    notes.push((
                        shown,
                        format!(
                            "attribute `{}` is {} on label `{}` but {input} on label `{by}`; \
                         the first is kept and values that do not fit it are left out",
                            def.name,
                            spec.input_type.as_str(),
                            label.name
                        ),
                    ));
                }
            }
        }
    }
    for (shown, note) in notes {
        plan.problem(shown, "<meta>", note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ItemId, ItemStatus};

    fn item(id: i64, path: &str) -> Item {
        Item {
            id: ItemId(id),
            rel_path: path.into(),
            width: 100,
            height: 100,
            status: ItemStatus::New,
            error: None,
        }
    }

    fn plan(xml: &str, schema: &LabelSchema) -> BoxLabelPlan {
        let items = [item(1, "a.jpg"), item(2, "x/b.jpg"), item(3, "y/b.jpg")];
        let file = parse_cvat(xml.as_bytes()).unwrap();
        let options = CvatImportOptions::default();
        let mut plan = BoxLabelPlan::default();
        let sources = vec![source("f.xml".into(), file)];
        let matcher = item_matcher(&items, Path::new("/project"), &FORMAT_FOLDERS);
        plan_files(sources, &matcher, schema, options, &mut plan, &mut |_| {});
        plan
    }

    const LABELS: &str = "<meta><task><labels>\
        <label><name>car</name><attributes>\
          <attribute><name>kind</name><input_type>select</input_type><values>a\nb</values></attribute>\
        </attributes></label>\
        <label><name>bus</name><attributes>\
          <attribute><name>kind</name><input_type>select</input_type><values>b\nc</values></attribute>\
          <attribute><name>n</name><input_type>number</input_type><values>0\n9\n1</values></attribute>\
        </attributes></label>\
        <label><name>truck</name><attributes>\
          <attribute><name>n</name><input_type>checkbox</input_type><values>false</values></attribute>\
        </attributes></label>\
        <label><name>night</name><attributes/></label>\
        <label><name>rain</name><type>tag</type><attributes/></label>\
        </labels></task></meta>";

    fn boxes(labels: &[&str]) -> String {
        labels
            .iter()
            .map(|l| format!("<box label=\"{l}\" xtl=\"1\" ytl=\"1\" xbr=\"2\" ybr=\"2\"/>"))
            .collect()
    }

    #[test]
    fn tag_only_labels_are_image_labels_and_specs_merge() {
        let xml = format!(
            "<annotations>{LABELS}<image name=\"images/a.jpg\"><tag label=\"night\"/>{}</image></annotations>",
            boxes(&["truck", "car", "bus"])
        );
        let p = plan(&xml, &LabelSchema::default());
        assert_eq!(p.class_names, ["car", "bus", "truck"], "in <meta>'s order");
        assert_eq!(p.unused_labels, ["rain"]);
        assert_eq!(p.labels.len(), 1);
        assert_eq!(p.labels[0].names, ["night"]);
        let kind = p.attribute_defs.iter().find(|d| d.name == "kind").unwrap();
        assert_eq!(
            kind.kind,
            AttributeKind::OneOf(vec!["a".into(), "b".into(), "c".into()])
        );
        let n = p.attribute_defs.iter().find(|d| d.name == "n").unwrap();
        assert_eq!(n.kind, AttributeKind::Text, "the first declaration is kept");
        assert!(
            p.problems
                .iter()
                .any(|q| q.message.contains("`n` is checkbox on label `truck`")),
            "{:?}",
            p.problems
        );
        assert!(p.attribute_defs.iter().any(|d| d.name == OCCLUDED));
    }

    #[test]
    fn labels_no_box_uses_are_not_classes_nor_their_attributes() {
        let xml = format!(
            "<annotations>{LABELS}<image name=\"a.jpg\">{}</image></annotations>",
            boxes(&["car"])
        );
        let p = plan(&xml, &LabelSchema::default());
        assert_eq!(p.class_names, ["car"]);
        assert_eq!(p.unused_labels, ["bus", "truck", "night", "rain"]);
        let names: Vec<&str> = p.attribute_defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["kind", OCCLUDED],
            "not `n`, which only unused labels declare"
        );
    }

    #[test]
    fn ambiguous_names_and_unknown_tags_are_reported() {
        let xml = format!(
            "<annotations>{LABELS}<image name=\"b.jpg\"><box label=\"car\" xtl=\"1\" ytl=\"1\" xbr=\"2\" ybr=\"2\"/></image>\
             <image name=\"a.jpg\"><tag label=\"fog\"/></image></annotations>"
        );
        let p = plan(&xml, &LabelSchema::default());
        assert!(p.shapes.is_empty() && p.labels.is_empty());
        let said = |what: &str| p.problems.iter().any(|q| q.to_string().contains(what));
        assert!(said("f.xml: image 0 (`b.jpg`): several images match"));
        assert!(said(
            "image label `fog` is in neither the project nor the file's <meta> labels"
        ));
        assert_eq!((p.records, p.matched), (2, 1));
    }

    #[test]
    fn a_project_exports_subset_finds_its_folder() {
        let xml = format!(
            "<annotations>{LABELS}<image name=\"b.jpg\" subset=\"y\">\
             <box label=\"car\" xtl=\"1\" ytl=\"1\" xbr=\"2\" ybr=\"2\"/></image></annotations>"
        );
        let p = plan(&xml, &LabelSchema::default());
        assert!(
            p.problems.iter().all(|q| q.at == "<meta>"),
            "{:?}",
            p.problems
        );
        assert_eq!(
            p.shapes[0].item,
            ItemId(3),
            "y/b.jpg, not the ambiguous b.jpg"
        );
    }

    #[test]
    fn a_task_files_subset_is_its_metas_or_its_name() {
        let items = [item(1, "a.jpg"), item(2, "x/b.jpg"), item(3, "y/b.jpg")];
        let image = format!("<image name=\"b.jpg\">{}</image>", boxes(&["car"]));
        let in_meta = LABELS.replace("<task><labels>", "<task><subset>y</subset><labels>");
        for (name, meta) in [("y.xml", LABELS.to_string()), ("annotations.xml", in_meta)] {
            let xml = format!("<annotations>{meta}{image}</annotations>");
            let file = parse_cvat(xml.as_bytes()).unwrap();
            let mut p = BoxLabelPlan::default();
            let sources = vec![source(name.into(), file)];
            let options = CvatImportOptions::default();
            let matcher = item_matcher(&items, Path::new("/project"), &FORMAT_FOLDERS);
            plan_files(
                sources,
                &matcher,
                &LabelSchema::default(),
                options,
                &mut p,
                &mut |_| {},
            );
            assert_eq!(p.shapes.len(), 1, "{name}: {:?}", p.problems);
            assert_eq!(p.shapes[0].item, ItemId(3), "{name}");
        }
        let default = source("default.xml".into(), CvatFile::default());
        assert_eq!(default.subset, None);
    }
}
