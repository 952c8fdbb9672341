use super::*;
use serde_json::json;

fn record<'a>(
    id: Option<&'a str>,
    text: &'a str,
    labels: &'a [&'a str],
    spans: &'a [(usize, usize, &'a str)],
) -> ExportRecord<'a> {
    ExportRecord {
        id,
        text,
        labels,
        spans,
        meta: None,
    }
}

fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

#[test]
fn jsonl_lines_in_code_points_and_utf16() {
    let meta = json!({"src": "web"});
    let meta = meta.as_object().unwrap();
    let rec = ExportRecord {
        meta: Some(meta),
        ..record(Some("7"), "😀 Tokyo", &["travel"], &[(2, 7, "LOC")])
    };
    let mut out = JsonlExporter::new(Vec::new(), OffsetUnit::CodePoint);
    out.write(&rec).unwrap();
    out.write(&record(None, "plain\r\n", &[], &[])).unwrap();
    assert_eq!(out.lines_written(), 2);
    assert_eq!(
        utf8(out.finish().unwrap()),
        concat!(
            r#"{"id":"7","text":"😀 Tokyo","labels":["travel"],"spans":[{"start":2,"end":7,"label":"LOC"}],"offset_unit":"codepoint","meta":{"src":"web"}}"#,
            "\n",
            r#"{"text":"plain\r\n","labels":[],"spans":[],"offset_unit":"codepoint","meta":{}}"#,
            "\n"
        )
    );
    let mut out = JsonlExporter::new(Vec::new(), OffsetUnit::Utf16);
    out.write(&rec).unwrap();
    let line = utf8(out.finish().unwrap());
    assert!(
        line.contains(r#""spans":[{"start":3,"end":8,"label":"LOC"}],"offset_unit":"utf16""#),
        "{line}"
    );
}

#[test]
fn a_span_that_does_not_fit_refuses_its_record_only() {
    for unit in OffsetUnit::ALL {
        let mut out = JsonlExporter::new(Vec::new(), unit);
        let err = out
            .write(&record(Some("9"), "短い", &[], &[(0, 1, "A"), (1, 3, "B")]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "record \"9\": span [1, 3) \"B\" cannot be written: offset 3 is beyond the end of the text, which is 2 code points long"
        );
        out.write(&record(Some("10"), "ok", &[], &[(0, 2, "A")]))
            .unwrap();
        let text = utf8(out.finish().unwrap());
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.starts_with(r#"{"id":"10""#));
    }
}

#[test]
fn doccano_layouts() {
    let meta = json!({"source": "news", "label": "dropped", "meta": {"k": 1}});
    let both = ExportRecord {
        meta: meta.as_object(),
        ..record(Some("12"), "𠮷 Ann", &["pos"], &[(2, 5, "PER")])
    };
    let write = |layout, rec: &ExportRecord| {
        let mut out = DoccanoExporter::new(Vec::new(), layout);
        out.write(rec).unwrap();
        utf8(out.finish().unwrap())
    };
    assert_eq!(
        write(DoccanoLayout::SequenceLabeling, &both),
        "{\"id\":12,\"text\":\"𠮷 Ann\",\"meta\":{\"k\":1},\"source\":\"news\",\"label\":[[3,6,\"PER\"]],\"cats\":[\"pos\"]}\n"
    );
    assert_eq!(
        write(DoccanoLayout::Classification, &both),
        "{\"id\":12,\"text\":\"𠮷 Ann\",\"meta\":{\"k\":1},\"source\":\"news\",\"label\":[\"pos\"],\"entities\":[[3,6,\"PER\"]]}\n"
    );
    assert_eq!(
        write(DoccanoLayout::SpansAndClasses, &both),
        "{\"id\":12,\"text\":\"𠮷 Ann\",\"meta\":{\"k\":1},\"source\":\"news\",\"entities\":[[3,6,\"PER\"]],\"cats\":[\"pos\"]}\n"
    );
    let plain = record(Some("007"), "x", &[], &[]);
    assert_eq!(
        write(DoccanoLayout::SequenceLabeling, &plain),
        "{\"id\":\"007\",\"text\":\"x\",\"label\":[]}\n"
    );
    assert_eq!(
        write(DoccanoLayout::Classification, &plain),
        "{\"id\":\"007\",\"text\":\"x\",\"label\":[]}\n"
    );
    assert_eq!(
        DoccanoLayout::for_contents(true, false),
        DoccanoLayout::SequenceLabeling
    );
    assert_eq!(
        DoccanoLayout::for_contents(false, true),
        DoccanoLayout::Classification
    );
    assert_eq!(
        DoccanoLayout::for_contents(true, true),
        DoccanoLayout::SpansAndClasses
    );
    assert_eq!(
        DoccanoLayout::for_contents(false, false),
        DoccanoLayout::SequenceLabeling
    );
}

#[test]
fn huggingface_single_label() {
    let mut out = HfClassificationExporter::new(Vec::new(), &["neg", "pos"], HfLabelMode::Single);
    assert!(out.write(&record(None, "good", &["pos"], &[])).unwrap());
    assert!(!out.write(&record(None, "unlabelled", &[], &[])).unwrap());
    assert!(
        !out.write(&record(None, "both", &["pos", "neg"], &[]))
            .unwrap()
    );
    assert!(
        out.write(&record(None, "bad", &["neg"], &[(0, 1, "X")]))
            .unwrap()
    );
    let err = out
        .write(&record(Some("4"), "odd", &["meh"], &[]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "record \"4\": class \"meh\" is not in the list of classes"
    );
    let (bytes, summary) = out.finish().unwrap();
    assert_eq!(
        utf8(bytes),
        "{\"text\":\"good\",\"label\":1,\"label_text\":\"pos\"}\n{\"text\":\"bad\",\"label\":0,\"label_text\":\"neg\"}\n"
    );
    assert_eq!(
        summary,
        HfSummary {
            written: 2,
            without_class: 1,
            with_several_classes: 1,
            labels_json: "[\n  \"neg\",\n  \"pos\"\n]\n".to_string(),
        }
    );
}

#[test]
fn huggingface_multi_label() {
    let classes = vec!["a".to_string(), "b".to_string(), "c".to_string()];
    let mut out = HfClassificationExporter::new(Vec::new(), &classes, HfLabelMode::Multi);
    out.write(&record(None, "t", &["c", "a"], &[])).unwrap();
    out.write(&record(None, "u", &[], &[])).unwrap();
    let (bytes, summary) = out.finish().unwrap();
    assert_eq!(
        utf8(bytes),
        "{\"text\":\"t\",\"label\":[2,0],\"label_text\":[\"c\",\"a\"]}\n"
    );
    assert_eq!((summary.written, summary.without_class), (1, 1));
}

#[test]
fn large_exports_reach_the_writer_whole() {
    let text = "中".repeat(1000);
    let mut out = JsonlExporter::new(Vec::new(), OffsetUnit::Utf16);
    for _ in 0..2000 {
        out.write(&record(Some("x"), &text, &[], &[(10, 20, "A")]))
            .unwrap();
    }
    let bytes = out.finish().unwrap();
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 2000);
    assert!(bytes.len() > FLUSH_AT);
}
