use super::*;
use serde_json::json;

fn read(
    input: &str,
    format: LabelledFormat,
    unit: OffsetUnit,
) -> Vec<Result<LabelledRecord, RecordProblem>> {
    LabelledReader::new(input.as_bytes(), format, unit)
        .unwrap()
        .collect()
}

fn span(start: usize, end: usize, label: &str) -> LabelledSpan {
    LabelledSpan {
        start,
        end,
        label: label.to_string(),
    }
}

fn ok(result: &Result<LabelledRecord, RecordProblem>) -> &LabelledRecord {
    match result {
        Ok(record) => record,
        Err(problem) => panic!("expected a record, got {problem}"),
    }
}

#[test]
fn doccano_utf16_spans_become_code_points() {
    let input = r#"{"id": 12, "text": "😀 Tokyo 𠮷野家", "label": [[3, 8, "LOC"], [9, 13, "ORG"]], "Comments": []}"#;
    let records = read(input, LabelledFormat::Doccano, OffsetUnit::Utf16);
    let record = ok(&records[0]);
    assert_eq!(record.id.as_deref(), Some("12"));
    assert_eq!(record.spans, vec![span(2, 7, "LOC"), span(8, 11, "ORG")]);
    assert_eq!(record.meta.get("Comments"), Some(&json!([])));
    assert!(record.problems.is_empty());
}

#[test]
fn doccano_classes_entities_and_cats() {
    let input = concat!(
        r#"{"text": "good", "label": ["pos", "short"]}"#,
        "\n",
        r#"{"text": "Ann met Bo", "entities": [{"id": 1, "start_offset": 0, "end_offset": 3, "label": "PER"}, [8, 10, "PER"]], "cats": ["meeting"], "relations": []}"#,
        "\n",
        r#"{"text": "solo", "label": "pos"}"#,
    );
    let records = read(input, LabelledFormat::Doccano, OffsetUnit::Utf16);
    assert_eq!(ok(&records[0]).labels, vec!["pos", "short"]);
    let second = ok(&records[1]);
    assert_eq!(second.spans, vec![span(0, 3, "PER"), span(8, 10, "PER")]);
    assert_eq!(second.labels, vec!["meeting"]);
    assert_eq!(second.meta.get("relations"), Some(&json!([])));
    assert_eq!(ok(&records[2]).labels, vec!["pos"]);
    assert_eq!(ok(&records[2]).string_label.as_deref(), Some("pos"));
    assert_eq!(ok(&records[0]).string_label, None);
    assert_eq!(ok(&records[1]).string_label, None);
}

#[test]
fn only_a_lone_string_in_a_field_that_may_hold_spans_is_marked() {
    let doccano = read(
        r#"{"text": "solo", "cats": "pos"}"#,
        LabelledFormat::Doccano,
        OffsetUnit::Utf16,
    );
    assert_eq!(ok(&doccano[0]).labels, vec!["pos"]);
    assert_eq!(ok(&doccano[0]).string_label, None);
    let ours = read(
        r#"{"text": "solo", "labels": "pos"}"#,
        LabelledFormat::Jsonl,
        OffsetUnit::CodePoint,
    );
    assert_eq!(ok(&ours[0]).labels, vec!["pos"]);
    assert_eq!(ok(&ours[0]).string_label, None);
}

#[test]
fn an_empty_span_is_reported_and_the_rest_of_the_record_kept() {
    let input = concat!(
        r#"{"text": "Bo met Ann", "spans": [{"start": 3, "end": 3, "label": "PER"}, {"start": 7, "end": 10, "label": "PER"}]}"#,
        "\n",
        r#"{"text": "😀", "label": [[2, 2, "EMO"]]}"#,
    );
    let records = read(input, LabelledFormat::Jsonl, OffsetUnit::CodePoint);
    let record = ok(&records[0]);
    assert_eq!(record.spans, vec![span(7, 10, "PER")]);
    let messages: Vec<String> = record.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        ["line 1: span #1 [3, 3) \"PER\" was left out: it is empty (it ends where it starts)"]
    );
    let doccano = read(input, LabelledFormat::Doccano, OffsetUnit::Utf16);
    let record = ok(&doccano[1]);
    assert!(record.spans.is_empty());
    assert_eq!(record.problems.len(), 1, "{:?}", record.problems);
}

#[test]
fn bad_spans_are_reported_with_their_line_and_skipped_not_shifted() {
    let input = concat!(
        r#"{"text": "ok", "label": []}"#,
        "\n",
        // 😀 is UTF-16 units 0..2: 1 splits it; 9 is past the end (8 units).
        r#"{"text": "😀 hello", "label": [[1, 2, "EMO"], [3, 9, "LONG"], [3, 8, "GREET"], [5, 4, "REV"]]}"#,
    );
    let records = read(input, LabelledFormat::Doccano, OffsetUnit::Utf16);
    let record = ok(&records[1]);
    assert_eq!(record.spans, vec![span(2, 7, "GREET")]);
    let messages: Vec<String> = record.problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].starts_with("line 2: span #1 [1, 2) \"EMO\" was left out: UTF-16 offset 1 falls between the two halves of the surrogate pair"), "{}", messages[0]);
    assert_eq!(
        messages[1],
        "line 2: span #2 [3, 9) \"LONG\" was left out: offset 9 is beyond the end of the text, which is 8 UTF-16 units long"
    );
    assert!(
        messages[2].contains("the end 4 is before the start 5"),
        "{}",
        messages[2]
    );
}

#[test]
fn malformed_entries_are_named() {
    let input = r#"{"text": "abc", "label": [5, [0, 1], [0, 1, 7], [0, "1", "X"], {"start_offset": 0, "label": "Y"}, ""], "cats": [[1]]}"#;
    let records = read(input, LabelledFormat::Doccano, OffsetUnit::Utf16);
    let record = ok(&records[0]);
    assert!(record.spans.is_empty() && record.labels.is_empty());
    let messages: Vec<&str> = record.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "entry #1 of `label` is a number, not a class name nor a span; it was left out",
            "entry #2 of `label` has 2 elements, not [start, end, label]; it was left out",
            "entry #1 of `cats` is an array, not a class name; it was left out",
            "class #1 is an empty string; it was left out",
            "span #1 [0, 1) 7 was left out: its label is a number, not a string",
            "span #2 [0, \"1\") \"X\" was left out: its end is a string, not a non-negative integer",
            "span #3 [0, ?) \"Y\" was left out: it has no end offset",
        ]
    );
}

#[test]
fn bom_crlf_blank_and_malformed_lines() {
    let input = "\u{FEFF}{\"text\": \"a\\r\\nb\", \"label\": [[0, 4, \"ALL\"]]}\r\n\
                 \r\n\
                 {\"text\": \"broken\", \"label\": [[0, 1, \"X\"]\r\n\
                 {\"label\": [\"pos\"]}\r\n\
                 {\"text\": [\"not text\"]}\r\n\
                 {\"text\": \"last\"}\r\n";
    let records = read(input, LabelledFormat::Doccano, OffsetUnit::Utf16);
    assert_eq!(records.len(), 5);
    let first = ok(&records[0]);
    assert_eq!((first.line, first.text.as_str()), (1, "a\r\nb"));
    assert_eq!(first.spans, vec![span(0, 4, "ALL")]);
    let broken = records[1].as_ref().unwrap_err();
    assert_eq!(broken.line, 3);
    assert!(broken.message.starts_with("not valid JSON"), "{broken}");
    assert_eq!(
        records[2].as_ref().unwrap_err().to_string(),
        "line 4: the record has no `text` field"
    );
    assert_eq!(
        records[3].as_ref().unwrap_err().to_string(),
        "line 5: the `text` field is an array, not a string"
    );
    let last = ok(&records[4]);
    assert_eq!((last.line, last.text.as_str()), (6, "last"));
}

#[test]
fn own_jsonl_offset_unit_wins_and_meta_is_kept() {
    let input = concat!(
        r#"{"id": "a1", "text": "😀x", "labels": ["c"], "spans": [{"start": 2, "end": 3, "label": "X"}], "offset_unit": "utf16", "meta": {"src": "web"}, "extra": 1}"#,
        "\n",
        r#"{"text": "😀x", "spans": [{"start": 1, "end": 2, "label": "X"}]}"#,
        "\n",
        r#"{"text": "😀x", "offset_unit": "utf-16"}"#,
    );
    let records = read(input, LabelledFormat::Jsonl, OffsetUnit::CodePoint);
    let first = ok(&records[0]);
    assert_eq!(first.id.as_deref(), Some("a1"));
    assert_eq!(first.labels, vec!["c"]);
    assert_eq!(first.spans, vec![span(1, 2, "X")]);
    assert_eq!(
        serde_json::Value::Object(first.meta.clone()),
        json!({"src": "web", "extra": 1})
    );
    assert_eq!(ok(&records[1]).spans, vec![span(1, 2, "X")]);
    let bad = records[2].as_ref().unwrap_err();
    assert_eq!(bad.line, 3);
    assert!(
        bad.message.contains("unknown offset unit `utf-16`"),
        "{bad}"
    );
}

const LABEL_STUDIO: &str = r#"[
  {"id": 101, "data": {"text": "Alice lives in 北京 😀"},
   "annotations": [
     {"was_cancelled": true, "result": [{"type": "choices", "value": {"choices": ["wrong"]}}]},
     {"was_cancelled": false, "result": [
       {"type": "labels", "from_name": "label", "to_name": "text",
        "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}},
       {"type": "labels", "value": {"start": 15, "end": 17, "text": "北京", "labels": ["LOC", "GPE"]}},
       {"type": "labels", "value": {"start": 0, "end": 3, "text": "Bob", "labels": ["PER"]}},
       {"type": "choices", "value": {"choices": ["travel"]}},
       {"type": "relation", "from_id": "a", "to_id": "b"}
     ]}
   ],
   "predictions": [], "created_at": "2024-01-01"},
  {"id": 102, "data": {"source": 3, "body": "no text key", "more": "x"}, "annotations": []},
  {"id": 103, "data": {"n": 1}},
  "not a task",
  {"data": {"text": 5}}
]"#;

#[test]
fn label_studio_tasks() {
    let records = read(
        LABEL_STUDIO,
        LabelledFormat::LabelStudio,
        OffsetUnit::CodePoint,
    );
    assert_eq!(records.len(), 5);
    let first = ok(&records[0]);
    assert_eq!(first.id.as_deref(), Some("101"));
    assert_eq!(first.line, 1);
    assert_eq!(
        first.spans,
        vec![span(0, 5, "PER"), span(15, 17, "LOC"), span(15, 17, "GPE")]
    );
    assert_eq!(first.labels, vec!["travel"]);
    assert!(first.meta.is_empty());
    let messages: Vec<String> = first.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        vec![
            "task 1: result #5 is of type `relation`, which is not imported; it was left out",
            "task 1: span #4 [0, 3) \"PER\" was left out: the file says it covers \"Bob\", but the text there is \"Ali\"",
        ]
    );
    let second = ok(&records[1]);
    assert_eq!(second.text, "no text key");
    assert_eq!(
        serde_json::Value::Object(second.meta.clone()),
        json!({"source": 3, "more": "x"})
    );
    assert_eq!(
        records[2].as_ref().unwrap_err().to_string(),
        "task 3: `data` has no `text` field and no other string field"
    );
    assert_eq!(
        records[3].as_ref().unwrap_err().to_string(),
        "task 4: the task is a string, not an object"
    );
    assert_eq!(
        records[4].as_ref().unwrap_err().to_string(),
        "task 5: the `data.text` field is a number, not a string"
    );
}

#[test]
fn label_studio_file_errors_name_line_and_column() {
    let err = LabelledReader::new(
        b"[{\"data\": {}},\n  oops]",
        LabelledFormat::LabelStudio,
        OffsetUnit::CodePoint,
    )
    .err()
    .unwrap();
    let LabelledFileError::LabelStudio { line, .. } = &err;
    assert_eq!(*line, 2);
    assert!(
        err.to_string()
            .starts_with("cannot read the Label Studio export: not valid JSON"),
        "{err}"
    );
    assert!(
        LabelledReader::new(b"{}", LabelledFormat::LabelStudio, OffsetUnit::CodePoint).is_err()
    );
    assert!(
        LabelledReader::new(
            b"\xEF\xBB\xBF[]",
            LabelledFormat::LabelStudio,
            OffsetUnit::CodePoint
        )
        .is_ok()
    );
}

#[test]
fn formats_parse_by_name() {
    for format in LabelledFormat::ALL {
        assert_eq!(format.as_str().parse::<LabelledFormat>(), Ok(format));
    }
    assert!(
        "conll"
            .parse::<LabelledFormat>()
            .unwrap_err()
            .contains("doccano, labelstudio or jsonl")
    );
    assert_eq!(LabelledFormat::Doccano.default_unit(), OffsetUnit::Utf16);
}

#[test]
fn never_panics_on_junk() {
    let junk: &[&[u8]] = &[
        b"\xFF\xFE",
        b"{\"text\":\"\\ud83d\"}",
        b"{\"text\":\"x\",\"label\":[[18446744073709551615,18446744073709551615,\"A\"]]}",
        b"{\"text\":\"x\",\"label\":[[-1,1e300,\"A\"]]}",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        b"{\"text\":\"x\",\"spans\":[{\"start\":0,\"end\":1,\"label\":{}}]}",
    ];
    for input in junk {
        for format in LabelledFormat::ALL {
            for unit in OffsetUnit::ALL {
                if let Ok(reader) = LabelledReader::new(input, format, unit) {
                    reader.for_each(drop);
                }
            }
        }
    }
}

#[test]
fn a_line_that_is_not_utf8_is_reported_with_its_column_and_the_rest_is_read() {
    let input =
        b"{\"text\":\"\xE8\xB4\xB5\xE5\xB7\x9E\"}\n{\"text\":\"a\xFFb\"}\n{\"text\":\"ok\"}\n";
    let results: Vec<_> = LabelledReader::new(input, LabelledFormat::Jsonl, OffsetUnit::CodePoint)
        .unwrap()
        .collect();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().text, "贵州");
    let problem = results[1].as_ref().unwrap_err();
    assert_eq!(problem.line, 2);
    assert!(
        problem.message.contains("(column 11)"),
        "{}",
        problem.message
    );
    assert_eq!(results[2].as_ref().unwrap().text, "ok");
}
