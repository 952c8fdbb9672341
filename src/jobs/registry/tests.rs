use super::*;

#[test]
fn a_name_is_one_format_per_kind_and_every_format_goes_somewhere() {
    for f in FORMATS {
        assert!(
            f.goes(Direction::Import) || f.goes(Direction::Export),
            "{}",
            f.name
        );
        let same = FORMATS
            .iter()
            .filter(|g| g.name == f.name && g.kind == f.kind)
            .count();
        assert_eq!(same, 1, "{}", f.name);
        let keys = FORMATS.iter().filter(|g| g.key == f.key).count();
        assert_eq!(keys, 1, "{}", f.key);
    }
}

#[test]
fn resolve_finds_the_format_of_the_project_kind_or_says_why_not() {
    let ls = resolve("labelstudio", ProjectKind::Text, Direction::Import).unwrap();
    assert_eq!(ls.key, "label_studio_text");
    let ls = resolve("labelstudio", ProjectKind::Images, Direction::Export).unwrap();
    assert_eq!(ls.key, "label_studio");

    let err = resolve("labelstudio", ProjectKind::Text, Direction::Export).unwrap_err();
    assert!(err.starts_with("labelstudio is an import format"), "{err}");
    assert!(err.contains("jsonl, doccano, hf"), "{err}");
    let err = resolve("hf", ProjectKind::Images, Direction::Export).unwrap_err();
    assert!(
        err.contains("hf is a format of text projects, and this is an image project"),
        "{err}"
    );
    let err = resolve("yolo-cls", ProjectKind::Images, Direction::Import).unwrap_err();
    assert!(err.starts_with("yolo-cls is an export format"), "{err}");
    let err = resolve("tfrecord", ProjectKind::Images, Direction::Import).unwrap_err();
    assert!(err.starts_with("unknown format `tfrecord`"), "{err}");
}

#[test]
fn an_option_a_format_does_not_take_is_refused_naming_those_that_do() {
    let yolo = resolve("yolo", ProjectKind::Images, Direction::Import).unwrap();
    assert!(check_options(yolo, Direction::Import, &[FormatOption::AsProposals]).is_ok());
    let err = check_options(yolo, Direction::Import, &[FormatOption::MultiLabel]).unwrap_err();
    assert!(err.contains("--multi-label"), "{err}");
    assert!(err.contains("cvat, labelme, labelstudio"), "{err}");
    let coco = resolve("coco", ProjectKind::Images, Direction::Export).unwrap();
    assert!(check_options(coco, Direction::Export, &[FormatOption::IncludeProposals]).is_ok());
    assert!(check_options(coco, Direction::Export, &[FormatOption::Offsets]).is_err());
}

#[test]
fn the_defaults_are_coco_and_jsonl() {
    assert_eq!(default_format(ProjectKind::Images).name, "coco");
    assert_eq!(default_format(ProjectKind::Text).name, "jsonl");
}

#[test]
fn the_gui_reads_what_it_asks_about_as_if_the_answer_were_yes() {
    let voc = resolve("voc", ProjectKind::Images, Direction::Import).unwrap();
    let options = ImportOptions::for_asking(voc, false);
    assert!(options.add_unknown_classes);
    let yolo = resolve("yolo", ProjectKind::Images, Direction::Import).unwrap();
    let options = ImportOptions::for_asking(yolo, true);
    assert!(!options.add_unknown_classes && options.as_proposals);
}
