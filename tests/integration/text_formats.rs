//! The text-format layer end to end: offsets over hard Unicode, doccano (UTF-16)
//! round trips through our code-point JSONL, bad spans and bad lines reported by
//! line, CSV with multi-line fields, a Label Studio sample. Exported offsets are
//! checked independently by `tests/python/check_text_offsets.py`, which slices
//! with Python's own strings: plain python3 (or `$SHUGU_PYTHON`), and the tests
//! fail, never skip, when it is missing.

use serde_json::json;
use shugu::formats::text::{
    DoccanoExporter, DoccanoLayout, ExportRecord, JsonlExporter, LabelledFormat, LabelledReader,
    LabelledRecord, LabelledSpan, OffsetError, OffsetIndex, OffsetUnit, RecordProblem,
    TextRecordReader, TextSource,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Chinese, an emoji, a ZWJ family, 𠮷 (CJK Ext B), e + combining acute, CRLF.
const FAMILY: &str = "👨\u{200D}👩\u{200D}👧";
const ACCENTED: &str = "Cafe\u{301}";

// ---------------------------------------------------------------- helpers

fn python() -> PathBuf {
    std::env::var_os("SHUGU_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}

/// Runs the Python checker; panics (never skips) when Python cannot be started.
fn run_checker(export: &Path, expected: &serde_json::Value, doccano: bool) -> Output {
    let expected_path = export.with_extension("expected.json");
    std::fs::write(&expected_path, expected.to_string()).unwrap();
    let mut command = Command::new(python());
    command
        .arg(Path::new(REPO).join("tests/python/check_text_offsets.py"))
        .arg(export)
        .arg(&expected_path);
    if doccano {
        command.arg("--doccano");
    }
    command.output().unwrap_or_else(|err| {
        panic!(
            "cannot run {:?} ({err}): python3 is needed to check exported offsets (set SHUGU_PYTHON to another interpreter)",
            python()
        )
    })
}

fn assert_checker_passes(export: &Path, expected: &serde_json::Value, doccano: bool) {
    let out = run_checker(export, expected, doccano);
    assert!(
        out.status.success(),
        "check_text_offsets.py failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The UTF-16 span of the `nth` occurrence of `needle` in `text`, computed from
/// `encode_utf16` so it does not rely on the code under test.
fn utf16_span(text: &str, needle: &str) -> (usize, usize) {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let start = text[..byte].encode_utf16().count();
    (start, start + needle.encode_utf16().count())
}

/// A doccano sequence-labelling line, written the way doccano (and our exporter) lays it out.
fn doccano_line(id: u64, text: &str, spans: &[(&str, &str)]) -> String {
    let spans: Vec<String> = spans
        .iter()
        .map(|(needle, label)| {
            let (s, e) = utf16_span(text, needle);
            format!("[{s},{e},{}]", serde_json::to_string(label).unwrap())
        })
        .collect();
    format!(
        "{{\"id\":{id},\"text\":{},\"label\":[{}]}}\n",
        serde_json::to_string(text).unwrap(),
        spans.join(",")
    )
}

fn read_all(
    bytes: &[u8],
    format: LabelledFormat,
    unit: OffsetUnit,
) -> Vec<Result<LabelledRecord, RecordProblem>> {
    LabelledReader::new(bytes, format, unit).unwrap().collect()
}

fn records_only(results: Vec<Result<LabelledRecord, RecordProblem>>) -> Vec<LabelledRecord> {
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|p| panic!("unexpected problem: {p}")))
        .inspect(|r| {
            assert!(
                r.problems.is_empty(),
                "unexpected problems: {:?}",
                r.problems
            )
        })
        .collect()
}

/// Borrowed views of a record, as an export job would build them.
struct Borrowed<'a> {
    labels: Vec<&'a str>,
    spans: Vec<(usize, usize, &'a str)>,
}

impl<'a> Borrowed<'a> {
    fn of(record: &'a LabelledRecord) -> Self {
        Borrowed {
            labels: record.labels.iter().map(String::as_str).collect(),
            spans: record
                .spans
                .iter()
                .map(|s| (s.start, s.end, s.label.as_str()))
                .collect(),
        }
    }

    fn record(&'a self, source: &'a LabelledRecord) -> ExportRecord<'a> {
        ExportRecord {
            id: source.id.as_deref(),
            text: &source.text,
            labels: &self.labels,
            spans: &self.spans,
            meta: Some(&source.meta),
        }
    }
}

fn export_jsonl(records: &[LabelledRecord], unit: OffsetUnit) -> Vec<u8> {
    let mut out = JsonlExporter::new(Vec::new(), unit);
    for record in records {
        let borrowed = Borrowed::of(record);
        out.write(&borrowed.record(record)).unwrap();
    }
    out.finish().unwrap()
}

fn export_doccano(records: &[LabelledRecord], layout: DoccanoLayout) -> Vec<u8> {
    let mut out = DoccanoExporter::new(Vec::new(), layout);
    for record in records {
        let borrowed = Borrowed::of(record);
        out.write(&borrowed.record(record)).unwrap();
    }
    out.finish().unwrap()
}

fn covered(record: &LabelledRecord) -> Vec<(String, String)> {
    let index = OffsetIndex::new(&record.text);
    record
        .spans
        .iter()
        .map(|s| {
            (
                s.label.clone(),
                index.slice(s.start, s.end).unwrap().to_string(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- offsets

#[test]
fn offsets_over_chinese_emoji_zwj_ext_b_combining_and_crlf() {
    let text = format!("我在北京😀，{FAMILY}去了𠮷野家。{ACCENTED}\r\nend");
    let index = OffsetIndex::new(&text);
    for needle in [
        "北京",
        "😀",
        FAMILY,
        "𠮷野家",
        ACCENTED,
        "\r\n",
        "end",
        "e\u{301}",
    ] {
        let (u16_start, u16_end) = utf16_span(&text, needle);
        let byte = text.find(needle).unwrap();
        let cp_start = text[..byte].chars().count();
        let cp_end = cp_start + needle.chars().count();
        assert_eq!(
            index.to_code_points(OffsetUnit::Utf16, u16_start, u16_end),
            Ok((cp_start, cp_end)),
            "{needle:?}"
        );
        assert_eq!(
            index.to_code_points(OffsetUnit::Byte, byte, byte + needle.len()),
            Ok((cp_start, cp_end))
        );
        assert_eq!(
            index.from_code_points(OffsetUnit::Utf16, cp_start, cp_end),
            Ok((u16_start, u16_end))
        );
        assert_eq!(index.slice(cp_start, cp_end), Some(needle));
    }
    // Inside 😀's surrogate pair, inside the family's second emoji, inside 𠮷.
    let (emoji, _) = utf16_span(&text, "😀");
    let (family, _) = utf16_span(&text, FAMILY);
    let (ext_b, _) = utf16_span(&text, "𠮷");
    for (offset, ch) in [(emoji + 1, '😀'), (family + 4, '👩'), (ext_b + 1, '𠮷')] {
        assert_eq!(
            index.to_code_points(OffsetUnit::Utf16, offset, offset),
            Err(OffsetError::SplitsSurrogatePair { offset, ch })
        );
    }
    let ext_b_byte = text.find('𠮷').unwrap();
    assert!(matches!(
        index.to_code_points(OffsetUnit::Byte, ext_b_byte + 2, ext_b_byte + 4),
        Err(OffsetError::NotCharBoundary { ch: '𠮷', .. })
    ));
}

// ---------------------------------------------------------------- round trips

#[test]
fn doccano_round_trip_through_code_point_jsonl_is_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let first = format!("我在北京吃了😀，然后{FAMILY}去了𠮷野家。");
    let second = format!("{ACCENTED} au lait\r\nsecond line 😀 end");
    let input = [
        doccano_line(
            1,
            &first,
            &[
                ("北京", "LOC"),
                ("😀", "EMOJI"),
                (FAMILY, "FAMILY"),
                ("𠮷野家", "ORG"),
            ],
        ),
        doccano_line(
            2,
            &second,
            &[(ACCENTED, "FOOD"), ("\r\n", "BREAK"), ("😀", "EMOJI")],
        ),
        doccano_line(3, "no spans here", &[]),
    ]
    .concat();
    let expected = json!([
        [
            ["LOC", "北京"],
            ["EMOJI", "😀"],
            ["FAMILY", FAMILY],
            ["ORG", "𠮷野家"]
        ],
        [["FOOD", ACCENTED], ["BREAK", "\r\n"], ["EMOJI", "😀"]],
        []
    ]);

    let records = records_only(read_all(
        input.as_bytes(),
        LabelledFormat::Doccano,
        OffsetUnit::Utf16,
    ));
    assert_eq!(records.len(), 3);
    let want: Vec<(String, String)> = vec![
        ("FOOD".into(), ACCENTED.into()),
        ("BREAK".into(), "\r\n".into()),
        ("EMOJI".into(), "😀".into()),
    ];
    assert_eq!(covered(&records[1]), want);

    // Our JSONL, in code points, checked by Python's own slicing.
    let jsonl = export_jsonl(&records, OffsetUnit::CodePoint);
    let jsonl_path = tmp.path().join("export.jsonl");
    std::fs::write(&jsonl_path, &jsonl).unwrap();
    assert_checker_passes(&jsonl_path, &expected, false);
    let first_line: serde_json::Value =
        serde_json::from_slice(jsonl.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(
        first_line["spans"][0],
        json!({"start": 2, "end": 4, "label": "LOC"})
    );
    assert_eq!(first_line["offset_unit"], "codepoint");
    assert_eq!(first_line["id"], "1");

    // Back in, and out as doccano: the same bytes, offsets included.
    let again = records_only(read_all(
        &jsonl,
        LabelledFormat::Jsonl,
        OffsetUnit::CodePoint,
    ));
    assert_eq!(again, records);
    let doccano = export_doccano(&again, DoccanoLayout::SequenceLabeling);
    assert_eq!(String::from_utf8(doccano.clone()).unwrap(), input);
    let doccano_path = tmp.path().join("export.doccano.jsonl");
    std::fs::write(&doccano_path, &doccano).unwrap();
    assert_checker_passes(&doccano_path, &expected, true);
}

#[test]
fn doccano_spans_and_classes_round_trip_in_entities_and_cats() {
    let input = concat!(
        "{\"id\":5,\"text\":\"😀 Ann and Bo\",\"source\":\"chat\",\"entities\":[[3,6,\"PER\"],[11,13,\"PER\"]],\"cats\":[\"greeting\",\"short\"]}\n",
        "{\"id\":6,\"text\":\"nothing\",\"entities\":[],\"cats\":[]}\n",
    );
    let records = records_only(read_all(
        input.as_bytes(),
        LabelledFormat::Doccano,
        OffsetUnit::Utf16,
    ));
    assert_eq!(records[0].labels, vec!["greeting", "short"]);
    assert_eq!(
        records[0].spans,
        vec![
            LabelledSpan {
                start: 2,
                end: 5,
                label: "PER".into()
            },
            LabelledSpan {
                start: 10,
                end: 12,
                label: "PER".into()
            }
        ]
    );
    let layout = DoccanoLayout::for_contents(true, true);
    let out = export_doccano(&records, layout);
    assert_eq!(String::from_utf8(out).unwrap(), input);
}

#[test]
fn the_python_checker_catches_a_wrong_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("wrong.jsonl");
    // One code point short: covers "北" instead of "北京".
    let line = json!({"text": "在北京", "spans": [{"start": 1, "end": 2, "label": "LOC"}], "offset_unit": "codepoint"});
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let out = run_checker(&path, &json!([[["LOC", "北京"]]]), false);
    assert!(!out.status.success(), "the checker accepted a wrong span");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    // A UTF-16 offset inside a surrogate pair is refused too.
    let line = json!({"text": "😀", "label": [[1, 2, "EMOJI"]]});
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let out = run_checker(&path, &json!([[["EMOJI", "😀"]]]), true);
    assert!(
        !out.status.success(),
        "the checker accepted half a surrogate pair"
    );
}

// ---------------------------------------------------------------- problems

#[test]
fn split_surrogate_and_past_the_end_spans_are_reported_and_skipped() {
    let text = "Tokyo 😀 trip";
    let line1 = doccano_line(1, text, &[("Tokyo", "LOC")]);
    // 😀 is UTF-16 6..8: [7, 8) splits it. The text is 13 units: [9, 14) is past the end.
    let line2 = "{\"id\":2,\"text\":\"Tokyo 😀 trip\",\"label\":[[0,5,\"LOC\"],[7,8,\"EMOJI\"],[9,14,\"TRIP\"],[9,13,\"TRIP\"]]}\n";
    let input = format!("{line1}{line2}");
    let results = read_all(input.as_bytes(), LabelledFormat::Doccano, OffsetUnit::Utf16);
    let second = results[1].as_ref().unwrap();
    assert_eq!(second.line, 2);
    // Kept spans are the good ones, unchanged; nothing was moved to fit.
    assert_eq!(
        covered(second),
        vec![
            ("LOC".into(), "Tokyo".into()),
            ("TRIP".into(), "trip".into())
        ]
    );
    let messages: Vec<String> = second.problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("line 2: span #2 [7, 8) \"EMOJI\" was left out: UTF-16 offset 7 falls between the two halves of the surrogate pair of '😀'"),
        "{}",
        messages[0]
    );
    assert_eq!(
        messages[1],
        "line 2: span #3 [9, 14) \"TRIP\" was left out: offset 14 is beyond the end of the text, which is 13 UTF-16 units long"
    );
}

#[test]
fn a_malformed_line_is_reported_and_the_rest_read() {
    let input = "{\"text\":\"one\",\"label\":[]}\n{\"text\":\"two\",\"label\":[[0,3,\"X\"]\n{\"text\":\"three\",\"label\":[\"pos\"]}\n";
    let results = read_all(input.as_bytes(), LabelledFormat::Doccano, OffsetUnit::Utf16);
    assert_eq!(results.len(), 3);
    let problem = results[1].as_ref().unwrap_err();
    assert_eq!(problem.line, 2);
    assert!(
        problem.to_string().starts_with("line 2: not valid JSON: "),
        "{problem}"
    );
    assert_eq!(results[2].as_ref().unwrap().labels, vec!["pos"]);
}

#[test]
fn a_bom_is_skipped() {
    let input = "\u{FEFF}{\"text\":\"😀x\",\"label\":[[2,3,\"X\"]]}\n";
    let records = records_only(read_all(
        input.as_bytes(),
        LabelledFormat::Doccano,
        OffsetUnit::Utf16,
    ));
    assert_eq!(covered(&records[0]), vec![("X".into(), "x".into())]);
    let texts: Vec<String> =
        TextRecordReader::new("\u{FEFF}first\nsecond".as_bytes(), &TextSource::Txt)
            .unwrap()
            .map(|r| r.unwrap().text)
            .collect();
    assert_eq!(texts, vec!["first", "second"]);
}

#[test]
fn crlf_line_ends_are_not_text_but_crlf_inside_text_is() {
    let input = "{\"text\":\"a\\r\\nb\",\"label\":[[1,3,\"BR\"]]}\r\n\r\n{\"text\":\"c\"}\r\n";
    let records = records_only(read_all(
        input.as_bytes(),
        LabelledFormat::Doccano,
        OffsetUnit::Utf16,
    ));
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].text, "a\r\nb");
    assert_eq!(covered(&records[0]), vec![("BR".into(), "\r\n".into())]);
    assert_eq!((records[1].line, records[1].text.as_str()), (3, "c"));
    let texts: Vec<String> = TextRecordReader::new(b"one\r\ntwo\r\n", &TextSource::Txt)
        .unwrap()
        .map(|r| r.unwrap().text)
        .collect();
    assert_eq!(texts, vec!["one", "two"]);
}

// ---------------------------------------------------------------- sources

#[test]
fn csv_with_a_quoted_multi_line_field() {
    let input = "id,text,source\n\
                 a1,\"first line\nsecond line, with \"\"quotes\"\"\",web\n\
                 a2,单行,book\n";
    let source = TextSource::from_path(Path::new("texts.csv"), None).unwrap();
    let records: Vec<_> = TextRecordReader::new(input.as_bytes(), &source)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].line, 2);
    assert_eq!(records[0].id.as_deref(), Some("a1"));
    assert_eq!(records[0].text, "first line\nsecond line, with \"quotes\"");
    assert_eq!(records[0].meta.get("source"), Some(&json!("web")));
    assert_eq!((records[1].line, records[1].text.as_str()), (4, "单行"));
}

#[test]
fn label_studio_sample_exports_checked_offsets() {
    let sample = json!([
        {
            "id": 1,
            "data": {"text": "张三在北京工作 😀"},
            "annotations": [{
                "was_cancelled": false,
                "result": [
                    {"type": "labels", "value": {"start": 0, "end": 2, "text": "张三", "labels": ["PER"]}},
                    {"type": "labels", "value": {"start": 3, "end": 5, "text": "北京", "labels": ["LOC"]}},
                    {"type": "labels", "value": {"start": 8, "end": 9, "text": "😀", "labels": ["EMOJI"]}},
                    {"type": "choices", "value": {"choices": ["work"]}}
                ]
            }]
        },
        {"id": 2, "data": {"text": "nothing labelled"}, "annotations": []}
    ]);
    let bytes = serde_json::to_vec_pretty(&sample).unwrap();
    let records = records_only(read_all(
        &bytes,
        LabelledFormat::LabelStudio,
        OffsetUnit::CodePoint,
    ));
    assert_eq!(records[0].id.as_deref(), Some("1"));
    assert_eq!(records[0].labels, vec!["work"]);
    assert_eq!(records[1].line, 2);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ls.jsonl");
    std::fs::write(&path, export_jsonl(&records, OffsetUnit::Utf16)).unwrap();
    let expected = json!([[["PER", "张三"], ["LOC", "北京"], ["EMOJI", "😀"]], []]);
    assert_checker_passes(&path, &expected, false);
}

// ---------------------------------------------------------------- speed
