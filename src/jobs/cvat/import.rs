//! Reading a CVAT file into a [`BoxLabelPlan`]. Only the file itself is
//! opened; an `<image name>` is only a name to match, never opened.

use super::super::box_labels::{
    BoxImportOptions, BoxLabelPlan, BoxLabelReport, BoxPlacer, PlannedLabels, RecordClaims, Target,
    apply_box_label_plan, check_size, find_item, item_matcher,
};
use super::super::export_common::read_capped;
use super::super::{JobError, Progress};
use crate::formats::cvat::{CvatFile, OCCLUDED, attribute_def, parse_cvat};
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

/// How a CVAT import treats what does not fit; "the dataset's own class list"
/// is the labels of the file's `<meta>`.
pub type CvatImportOptions = BoxImportOptions;

/// Reads the CVAT file `path` and plans its boxes and tags onto `items`, the
/// project's items under `image_root`.
/// Labels declared in the file's `<meta>` or the schema are taken; others only
/// with `add_unknown_classes`.
pub fn read_cvat(
    path: &Path,
    items: &[Item],
    image_root: &Path,
    schema: &LabelSchema,
    options: CvatImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelPlan, JobError> {
    let fail = |e: String| JobError::Failed(format!("{}: {e}", path.display()));
    if path.is_dir() {
        return Err(fail(
            "is a folder; give the CVAT for images XML file (annotations.xml)".into(),
        ));
    }
    let file = read_capped(path, MAX_FILE)
        .and_then(|bytes| parse_cvat(&bytes))
        .map_err(fail)?;
    let shown = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let matcher = item_matcher(items, image_root, &FORMAT_FOLDERS);
    Ok(plan_file(&shown, file, &matcher, schema, options, progress))
}

/// Reads and stores the CVAT file `path`, as the current author.
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
    apply_box_label_plan(project, plan, true)
}

fn plan_file(
    shown: &str,
    file: CvatFile,
    matcher: &PathMatcher<Target>,
    schema: &LabelSchema,
    options: CvatImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> BoxLabelPlan {
    let mut plan = BoxLabelPlan {
        records: file.images.len(),
        ..BoxLabelPlan::default()
    };
    for p in &file.problems {
        plan.problem(shown, p.at.clone(), p.message.clone());
    }
    plan.count_skipped(file.skipped.clone());
    plan_schema(shown, &file, &mut plan);
    let mut known: HashSet<String> = file.labels.iter().map(|l| l.name.clone()).collect();
    let mut known_tags = known.clone();
    known.extend(schema.classes.iter().map(|c| c.name.clone()));
    known_tags.extend(schema.image_labels.iter().map(|l| l.name.clone()));
    let mut placer = BoxPlacer::new(known, options);
    let mut unknown_tags: BTreeMap<String, usize> = BTreeMap::new();
    let mut claims = RecordClaims::default();
    let count = file.images.len();
    let total = Some(count);
    progress(Progress { done: 0, total });
    for (done, image) in file.images.into_iter().enumerate() {
        if done % IMAGES_PER_STEP == 0 && done > 0 {
            progress(Progress { done, total });
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
        check_size(&mut plan, (shown, &place), image.size, target);
        for b in image.boxes {
            let at = (shown, || format!("{place}, box {}", b.index));
            placer.place(&mut plan, at, target, &b.label, b.bbox, b.attributes);
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
        claims.claim(&plan, mark, (shown, &place), &matched);
    }
    claims.settle(&mut plan);
    progress(Progress { done: count, total });
    placer.report_unknown(&mut plan, shown, "the file's <meta> labels");
    for (name, n) in unknown_tags {
        plan.problem(
            shown,
            "",
            format!(
                "image label `{name}` is in neither the project nor the file's <meta> labels; its {n} tag(s) were skipped (--add-unknown-classes adds it)"
            ),
        );
    }
    if !plan.boxes.is_empty() {
        plan.attribute_defs.push(AttributeDef::bool(OCCLUDED));
    }
    plan
}

/// The file's labels that are box classes (in the file's order, so new
/// classes keep it) and its attribute definitions. A label is a class unless
/// its `<type>` is `tag` or the file uses it on tags only.
fn plan_schema(shown: &str, file: &CvatFile, plan: &mut BoxLabelPlan) {
    let boxed: HashSet<&str> = file
        .images
        .iter()
        .flat_map(|i| i.boxes.iter().map(|b| b.label.as_str()))
        .collect();
    let tagged: HashSet<&str> = file
        .images
        .iter()
        .flat_map(|i| i.tags.iter().map(String::as_str))
        .collect();
    // Attribute name → the label and input type that declared it first.
    let mut declared_by: BTreeMap<String, (String, &str)> = BTreeMap::new();
    let mut notes = Vec::new();
    for label in &file.labels {
        let tag_only = label.kind.as_deref() == Some("tag")
            || (tagged.contains(label.name.as_str()) && !boxed.contains(label.name.as_str()));
        if tag_only {
            continue;
        }
        plan.class(&label.name);
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
                    notes.push(format!(
                        "attribute `{}` is {} on label `{}` but {input} on label `{by}`; \
                         the first is kept and values that do not fit it are left out",
                        def.name,
                        spec.input_type.as_str(),
                        label.name
                    ));
                }
            }
        }
    }
    for note in notes {
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
        let matcher = item_matcher(&items, Path::new("/project"), &FORMAT_FOLDERS);
        plan_file("f.xml", file, &matcher, schema, options, &mut |_| {})
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

    #[test]
    fn tag_only_labels_are_image_labels_and_specs_merge() {
        let xml = format!(
            "<annotations>{LABELS}<image name=\"images/a.jpg\"><tag label=\"night\"/>\
             <box label=\"car\" xtl=\"1\" ytl=\"1\" xbr=\"2\" ybr=\"2\"/></image></annotations>"
        );
        let p = plan(&xml, &LabelSchema::default());
        assert_eq!(p.class_names, ["car", "bus", "truck"]);
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
    fn ambiguous_names_and_unknown_tags_are_reported() {
        let xml = format!(
            "<annotations>{LABELS}<image name=\"b.jpg\"><box label=\"car\" xtl=\"1\" ytl=\"1\" xbr=\"2\" ybr=\"2\"/></image>\
             <image name=\"a.jpg\"><tag label=\"fog\"/></image></annotations>"
        );
        let p = plan(&xml, &LabelSchema::default());
        assert!(p.boxes.is_empty() && p.labels.is_empty());
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
            p.boxes[0].item,
            ItemId(3),
            "y/b.jpg, not the ambiguous b.jpg"
        );
    }
}
