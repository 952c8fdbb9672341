//! The formats themselves. To add one: its jobs functions, an adapter in
//! `import.rs`/`export.rs` (or `text.rs`), an entry here, its menu labels
//! and dialog titles in `locales/` (`menu.import_{key}`, …), and
//! `cargo run --example readme_formats` for the README.

use super::Carries::{self, *};
use super::FormatOption::*;
use super::Settled::{Asked, Default, MenuEntry};
use super::{
    ExportSpec, FileType, Format, ImportSpec, Importer, OptionUse, Place, export, import, opt, text,
};
use crate::model::ShapeKind::{Keypoints, Mask, Polygon, Polyline, Rect, RotatedRect};
use crate::project::ProjectKind::{Images, Text};

const JSON: FileType = FileType {
    filter: "JSON",
    extensions: &["json"],
    default_name: "{name}.json",
};

const COCO_FILE: FileType = FileType {
    filter: "COCO JSON",
    extensions: &["json"],
    default_name: "{name}.coco.json",
};

const CVAT_FILE: FileType = FileType {
    filter: "CVAT XML",
    extensions: &["xml"],
    default_name: "annotations.xml",
};

const LABEL_STUDIO_FILE: FileType = FileType {
    filter: "Label Studio JSON",
    extensions: &["json"],
    default_name: "tasks.json",
};

const JSONL: FileType = FileType {
    filter: "JSON Lines",
    extensions: &["jsonl", "json"],
    default_name: "{name}.jsonl",
};

const SKIP_OUTSIDE: OptionUse = opt(SkipOutside, Default, "");
const MULTI_LABEL: OptionUse = opt(MultiLabel, Asked, "");
const READ_OFFSETS: OptionUse = opt(Offsets, Default, "");
const WRITE_OFFSETS: OptionUse = opt(Offsets, Default, "default: codepoint");

/// The YOLO layouts' import options: `--as-proposals` reads the layout's
/// predictions, each a menu entry of its own in the GUI.
const YOLO_IMPORT: &[OptionUse] = &[
    opt(
        AddUnknownClasses,
        Default,
        "add class ids the class list does not name, as classes `class<id>`; with --as-proposals also the classes the project lacks, which the GUI's predictions entries ask about",
    ),
    SKIP_OUTSIDE,
    opt(AsProposals, MenuEntry, ""),
    opt(Source, Default, "with --as-proposals"),
];

const BOXES: &[Carries] = &[Shape(Rect), Attributes];
const EVERY_SHAPE_AND_LABELS: &[Carries] = &[
    Shape(Rect),
    Shape(RotatedRect),
    Shape(Polygon),
    Shape(Polyline),
    Shape(Keypoints),
    Shape(Mask),
    Attributes,
    ImageLabels,
];

pub(super) static FORMATS: &[Format] = &[
    Format {
        name: "coco",
        key: "coco",
        title: "COCO",
        kind: Images,
        about: "COCO instances JSON: boxes, polygons, RLE masks and keypoints with their categories; image labels in a `.labels.jsonl` beside an export",
        carries: &[
            Shape(Rect),
            Shape(RotatedRect),
            Shape(Polygon),
            Shape(Mask),
            Shape(Keypoints),
            Attributes,
            ImageLabels,
        ],
        import: Some(ImportSpec {
            place: Place::File(COCO_FILE),
            options: &[],
            run: Importer::Direct(import::coco),
        }),
        export: Some(ExportSpec {
            place: Place::File(COCO_FILE),
            options: &[opt(IncludeProposals, Default, "")],
            run: export::coco,
        }),
    },
    Format {
        name: "coco-results",
        key: "coco_results",
        title: "COCO results",
        kind: Images,
        about: "a model's predictions as a COCO results JSON array ({image_id or file_name, category_id, bbox, score}), imported as proposals",
        carries: &[Shape(Rect), Proposals],
        import: Some(ImportSpec {
            place: Place::File(JSON),
            options: &[
                opt(
                    AddUnknownClasses,
                    Asked,
                    "add the classes the project lacks",
                ),
                SKIP_OUTSIDE,
                opt(Source, Default, ""),
            ],
            run: Importer::Planned(import::coco_results),
        }),
        export: None,
    },
    Format {
        name: "yolo",
        key: "yolo",
        title: "YOLO",
        kind: Images,
        about: "a YOLO dataset folder: data.yaml or classes.txt, one label .txt per image; the import reads every Ultralytics layout, told apart by data.yaml and the rows' columns, the export writes detection boxes (other shapes as their bounding box); with --as-proposals, a model's predictions with a score column",
        carries: &[
            Shape(Rect),
            Shape(RotatedRect),
            Shape(Polygon),
            Shape(Keypoints),
            Proposals,
        ],
        import: Some(ImportSpec {
            place: Place::Folder,
            options: YOLO_IMPORT,
            run: Importer::Planned(import::yolo),
        }),
        export: Some(ExportSpec {
            place: Place::Folder,
            options: &[],
            run: export::yolo,
        }),
    },
    Format {
        name: "yolo-seg",
        key: "yolo_seg",
        title: "YOLO segmentation",
        kind: Images,
        about: "YOLO segmentation, `cls x1 y1 x2 y2 …`: the import reads every file as polygons, the export writes polygons (several parts joined as Ultralytics joins them, boxes and rotated boxes as their corners, masks as their outline)",
        carries: &[Shape(Polygon), Proposals],
        import: Some(ImportSpec {
            place: Place::Folder,
            options: YOLO_IMPORT,
            run: Importer::Planned(import::yolo_seg),
        }),
        export: Some(ExportSpec {
            place: Place::Folder,
            options: &[],
            run: export::yolo_seg,
        }),
    },
    Format {
        name: "yolo-obb",
        key: "yolo_obb",
        title: "YOLO oriented boxes",
        kind: Images,
        about: "YOLO oriented boxes, `cls x1 y1 … x4 y4`: rotated boxes by their corners (a quadrilateral that is no rectangle as a 4-point polygon); the export writes boxes at 0° and other regions as their minimum-area rotated box",
        carries: &[Shape(RotatedRect), Shape(Polygon), Proposals],
        import: Some(ImportSpec {
            place: Place::Folder,
            options: YOLO_IMPORT,
            run: Importer::Planned(import::yolo_obb),
        }),
        export: Some(ExportSpec {
            place: Place::Folder,
            options: &[],
            run: export::yolo_obb,
        }),
    },
    Format {
        name: "yolo-pose",
        key: "yolo_pose",
        title: "YOLO pose",
        kind: Images,
        about: "YOLO pose, `cls cx cy w h` then `x y v` per keypoint, with kpt_shape, flip_idx and kpt_names in data.yaml",
        carries: &[Shape(Rect), Shape(Keypoints), Proposals],
        import: Some(ImportSpec {
            place: Place::Folder,
            options: YOLO_IMPORT,
            run: Importer::Planned(import::yolo_pose),
        }),
        export: Some(ExportSpec {
            place: Place::Folder,
            options: &[],
            run: export::yolo_pose,
        }),
    },
    Format {
        name: "dota",
        key: "dota",
        title: "DOTA",
        kind: Images,
        about: "DOTA oriented boxes: `labelTxt/<image>.txt` beside `images/`, a line `x1 y1 x2 y2 x3 y3 x4 y4 class difficult` in pixels (`imagesource:`/`gsd:` lines kept out); difficult as an attribute",
        carries: &[Shape(RotatedRect), Shape(Polygon), Attributes],
        import: Some(ImportSpec {
            place: Place::Folder,
            options: &[SKIP_OUTSIDE],
            run: Importer::Planned(import::dota),
        }),
        export: Some(ExportSpec {
            place: Place::Folder,
            options: &[],
            run: export::dota,
        }),
    },
    Format {
        name: "yolo-cls",
        key: "yolo_cls",
        title: "YOLO classification",
        kind: Images,
        about: "Ultralytics classification folders: `train/<label>/` and `val/<label>/` holding each image under its one image label",
        carries: &[ImageLabels],
        import: None,
        export: Some(ExportSpec {
            place: Place::Folder,
            options: &[opt(Val, Default, ""), opt(Link, Default, "")],
            run: export::yolo_classify,
        }),
    },
    Format {
        name: "voc",
        key: "voc",
        title: "Pascal VOC",
        kind: Images,
        about: "a Pascal VOC root: Annotations/*.xml with 1-based pixel corners, ImageSets/Main, labelmap.txt; difficult/truncated/occluded as attributes (without Annotations/, every .xml below the folder, as labelImg saves them)",
        carries: BOXES,
        import: Some(ImportSpec {
            place: Place::Folder,
            options: &[
                opt(
                    AddUnknownClasses,
                    Asked,
                    "classes neither the project nor labelmap.txt names",
                ),
                SKIP_OUTSIDE,
            ],
            run: Importer::Planned(import::voc),
        }),
        export: Some(ExportSpec {
            place: Place::Folder,
            options: &[],
            run: export::voc,
        }),
    },
    Format {
        name: "cvat",
        key: "cvat",
        title: "CVAT for images 1.1",
        kind: Images,
        about: "a CVAT for images 1.1 XML file, or a folder of them, one per subset, as datumaro writes them: boxes (rotated too), polygons, polylines, points, masks (CVAT's RLE), skeletons as keypoints, ellipses as polygons; occluded, z_order and attributes; tags as image labels",
        carries: EVERY_SHAPE_AND_LABELS,
        import: Some(ImportSpec {
            place: Place::FileOrFolder(CVAT_FILE),
            options: &[
                opt(
                    AddUnknownClasses,
                    Asked,
                    "labels neither the project nor the file's `<meta>` declares",
                ),
                SKIP_OUTSIDE,
                MULTI_LABEL,
            ],
            run: Importer::Planned(import::cvat),
        }),
        export: Some(ExportSpec {
            place: Place::File(CVAT_FILE),
            options: &[],
            run: export::cvat,
        }),
    },
    Format {
        name: "labelme",
        key: "labelme",
        title: "labelme",
        kind: Images,
        about: "a folder of labelme JSON files, one per image: rectangles, oriented rectangles, polygons, lines and linestrips, points, masks (base64 PNG), circles as polygons; group_id, shape flags and description kept; file flags as image labels",
        carries: EVERY_SHAPE_AND_LABELS,
        import: Some(ImportSpec {
            place: Place::Folder,
            options: &[
                opt(
                    AddUnknownClasses,
                    Asked,
                    "flags the schema lacks, as image labels",
                ),
                SKIP_OUTSIDE,
                MULTI_LABEL,
            ],
            run: Importer::Planned(import::labelme),
        }),
        export: Some(ExportSpec {
            place: Place::Folder,
            options: &[],
            run: export::labelme,
        }),
    },
    Format {
        name: "labelstudio",
        key: "label_studio",
        title: "Label Studio (images)",
        kind: Images,
        about: "a Label Studio JSON export of image tasks: rectangles (rotated too), polygons (unfinished ones as polylines), keypoints, brushes (RLE), ellipses as polygons, per-region choices and text as attributes, choices as image labels; the export writes the labelling config beside the tasks",
        carries: EVERY_SHAPE_AND_LABELS,
        import: Some(ImportSpec {
            place: Place::File(LABEL_STUDIO_FILE),
            options: &[
                opt(
                    AddUnknownClasses,
                    Asked,
                    "choices the schema lacks, as image labels",
                ),
                SKIP_OUTSIDE,
                MULTI_LABEL,
            ],
            run: Importer::Planned(import::label_studio_images),
        }),
        export: Some(ExportSpec {
            place: Place::File(LABEL_STUDIO_FILE),
            options: &[],
            run: export::label_studio_images,
        }),
    },
    Format {
        name: "jsonl",
        key: "jsonl",
        title: "Shugu JSONL",
        kind: Text,
        about: "Shugu's JSONL: text, labels, spans, offset_unit, meta per line",
        carries: &[Spans, DocClasses],
        import: Some(ImportSpec {
            place: Place::File(JSONL),
            options: &[READ_OFFSETS],
            run: Importer::Direct(text::import_jsonl),
        }),
        export: Some(ExportSpec {
            place: Place::File(JSONL),
            options: &[WRITE_OFFSETS],
            run: text::export_jsonl,
        }),
    },
    Format {
        name: "doccano",
        key: "doccano",
        title: "doccano",
        kind: Text,
        about: "doccano JSONL, UTF-16 offsets (on import unless --offsets says otherwise)",
        carries: &[Spans, DocClasses],
        import: Some(ImportSpec {
            place: Place::File(JSONL),
            options: &[READ_OFFSETS],
            run: Importer::Direct(text::import_doccano),
        }),
        export: Some(ExportSpec {
            place: Place::File(JSONL),
            options: &[opt(
                Offsets,
                Default,
                "utf16 only: doccano counts UTF-16 units",
            )],
            run: text::export_doccano,
        }),
    },
    Format {
        name: "labelstudio",
        key: "label_studio_text",
        title: "Label Studio (texts)",
        kind: Text,
        about: "a Label Studio JSON export of text tasks: labels as spans, choices as document classes",
        carries: &[Spans, DocClasses],
        import: Some(ImportSpec {
            place: Place::File(LABEL_STUDIO_FILE),
            options: &[READ_OFFSETS],
            run: Importer::Direct(text::import_label_studio),
        }),
        export: None,
    },
    Format {
        name: "hf",
        key: "hf",
        title: "Hugging Face classification",
        kind: Text,
        about: "Hugging Face classification JSONL (text, label, label_text) and the class names in a `.labels.json` beside it",
        carries: &[DocClasses],
        import: None,
        export: Some(ExportSpec {
            place: Place::File(JSONL),
            options: &[],
            run: text::export_hf,
        }),
    },
];
