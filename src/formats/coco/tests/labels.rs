use super::item;
use crate::formats::coco::{CocoError, write_image_labels_jsonl};
use crate::model::{ItemId, LabelId, LabelSchema};

fn label_schema() -> LabelSchema {
    let mut schema = LabelSchema::default();
    schema.add_image_label("晴天"); // 1
    schema.add_image_label("outdoor"); // 2
    schema
}

#[test]
fn writes_one_line_per_labelled_item_in_item_order() {
    let mut broken = item(4, "broken.jpg", 0, 0);
    broken.error = Some("truncated".into());
    let items = [
        item(3, "c/3.jpg", 10, 10),
        item(1, "a/1.jpg", 10, 10),
        item(2, "b/2.jpg", 10, 10),
        broken,
    ];
    let labels = [
        (ItemId(1), vec![LabelId(2), LabelId(1), LabelId(2)]),
        (ItemId(2), vec![]),
        (ItemId(3), vec![LabelId(1)]),
        (ItemId(4), vec![LabelId(1)]),
        (ItemId(99), vec![LabelId(1)]),
    ];
    let mut out = Vec::new();
    let lines = write_image_labels_jsonl(&items, &labels, &label_schema(), &mut out)
        .expect("writing to a Vec succeeds");
    assert_eq!(lines, 2);
    assert_eq!(
        String::from_utf8(out).expect("UTF-8"),
        "{\"file_name\":\"c/3.jpg\",\"labels\":[\"晴天\"]}\n\
         {\"file_name\":\"a/1.jpg\",\"labels\":[\"outdoor\",\"晴天\"]}\n"
    );
}

#[test]
fn names_the_item_with_an_unknown_label() {
    let items = [item(5, "x.jpg", 10, 10)];
    let labels = [(ItemId(5), vec![LabelId(1), LabelId(9)])];
    let err = write_image_labels_jsonl(&items, &labels, &label_schema(), Vec::new())
        .expect_err("label 9 is not defined");
    assert!(matches!(
        err,
        CocoError::UnknownLabel {
            item: ItemId(5),
            label: LabelId(9)
        }
    ));
    assert_eq!(
        err.to_string(),
        "item 5 has image label id 9, which the label schema does not define"
    );
}
