//! Text projects through the `shugu` binary: a dataset read with a BOM, CRLF and
//! a malformed line; doccano (UTF-16) labels imported; exports in code points
//! and back to doccano with the same offsets; Python slicing the exported text.

use crate::common::cli::{run_python_check, shugu, text};
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::path::Path;

fn ok<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> (String, String) {
    let out = shugu(args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "shugu failed: {stdout}{stderr}");
    (stdout, stderr)
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Texts whose code points, UTF-16 units and bytes all differ: Chinese, an
/// emoji, a ZWJ family, 𠮷 (CJK Ext. B), a combining accent and CRLF.
const TEXTS: [&str; 3] = [
    "贵州𠮷猕猴桃😀好吃",
    "👨\u{200d}👩\u{200d}👧 café = cafe\u{301}\r\nline two",
    "湄潭翠芽 tea, ¥38",
];

/// doccano spans in UTF-16 units with what they cover.
fn doccano_labels() -> Vec<Vec<(usize, usize, &'static str, &'static str)>> {
    vec![
        // 贵州 [0,2), 𠮷猕猴桃 is 5 units [2,7), 😀 [7,9)
        vec![
            (0, 2, "ORIGIN", "贵州"),
            (2, 7, "PRODUCT", "𠮷猕猴桃"),
            (7, 9, "EMOJI", "😀"),
        ],
        // the family is 8 units; " café" follows, then "cafe\u{301}" at 16..21
        vec![
            (0, 8, "EMOJI", "👨\u{200d}👩\u{200d}👧"),
            (16, 21, "PRODUCT", "cafe\u{301}"),
        ],
        vec![(0, 2, "ORIGIN", "湄潭"), (10, 13, "PRICE", "¥38")],
    ]
}

#[test]
fn a_text_dataset_round_trips_through_doccano_and_jsonl_with_exact_offsets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // The dataset: a BOM, CRLF line ends, a malformed line and an empty line.
    let mut dataset = String::from("\u{feff}");
    for (i, t) in TEXTS.iter().enumerate() {
        dataset.push_str(&json!({"id": format!("r{i}"), "text": t, "shop": "遵义"}).to_string());
        dataset.push_str("\r\n");
        if i == 0 {
            dataset.push_str("{\"text\": broken\r\n\r\n");
        }
    }
    let data = dir.join("评论.jsonl");
    std::fs::write(&data, dataset).unwrap();
    let project = dir.join("project");
    let (stdout, stderr) = ok([
        "new".as_ref(),
        project.as_os_str(),
        "--text".as_ref(),
        data.as_os_str(),
        "--classes".as_ref(),
        "PRODUCT,ORIGIN".as_ref(),
    ]);
    assert!(stdout.contains("3 texts"), "{stdout}");
    assert!(stderr.contains("line 2: not valid JSON"), "{stderr}");

    // doccano labels, matched by id; UTF-16 offsets by default.
    let doccano: String = TEXTS
        .iter()
        .zip(doccano_labels())
        .enumerate()
        .map(|(i, (t, spans))| {
            let label: Vec<Value> = spans.iter().map(|(s, e, l, _)| json!([s, e, l])).collect();
            format!(
                "{}\n",
                json!({"id": format!("r{i}"), "text": t, "label": label})
            )
        })
        .collect();
    let doccano_in = dir.join("doccano.jsonl");
    std::fs::write(&doccano_in, doccano).unwrap();
    let (stdout, _) = ok([
        "import".as_ref(),
        project.as_os_str(),
        doccano_in.as_os_str(),
        "--format".as_ref(),
        "doccano".as_ref(),
    ]);
    assert!(stdout.contains("3 matched to items, 0 added"), "{stdout}");
    assert!(stdout.contains("7 spans"), "{stdout}");

    // Our JSONL in code points: Python slices the labelled strings back out.
    let jsonl = dir.join("out.jsonl");
    ok([
        "export".as_ref(),
        project.as_os_str(),
        "-o".as_ref(),
        jsonl.as_os_str(),
    ]);
    let exported = lines(&jsonl);
    assert_eq!(exported.len(), 3);
    assert_eq!(
        exported[1]["text"], TEXTS[1],
        "CRLF and the combining accent kept"
    );
    assert_eq!(exported[1]["id"], "r1");
    assert_eq!(exported[1]["meta"]["shop"], "遵义");
    assert_eq!(exported[0]["offset_unit"], "codepoint");
    assert_eq!(
        exported[0]["spans"][1],
        json!({"start": 2, "end": 6, "label": "PRODUCT"})
    );
    let expected: Vec<Vec<(&str, &str)>> = doccano_labels()
        .iter()
        .map(|spans| spans.iter().map(|(_, _, l, c)| (*l, *c)).collect())
        .collect();
    let expected_file = dir.join("expected.json");
    std::fs::write(&expected_file, serde_json::to_string(&expected).unwrap()).unwrap();
    run_python_check(
        "check_text_offsets.py",
        &[jsonl.as_os_str(), expected_file.as_os_str()],
    );

    // Back to doccano: the same UTF-16 offsets as were imported.
    let doccano_out = dir.join("out.doccano.jsonl");
    ok([
        "export".as_ref(),
        project.as_os_str(),
        "--format".as_ref(),
        "doccano".as_ref(),
        "-o".as_ref(),
        doccano_out.as_os_str(),
    ]);
    for (line, spans) in lines(&doccano_out).iter().zip(doccano_labels()) {
        let want: Vec<Value> = spans.iter().map(|(s, e, l, _)| json!([s, e, l])).collect();
        let got = line.get("label").or(line.get("entities")).unwrap();
        assert_eq!(got, &Value::Array(want), "{line}");
    }
    run_python_check(
        "check_text_offsets.py",
        &[
            doccano_out.as_os_str(),
            expected_file.as_os_str(),
            "--doccano".as_ref(),
        ],
    );

    // UTF-16 and byte units on request.
    let utf16 = dir.join("utf16.jsonl");
    ok([
        "export".as_ref(),
        project.as_os_str(),
        "--offsets".as_ref(),
        "utf16".as_ref(),
        "-o".as_ref(),
        utf16.as_os_str(),
    ]);
    assert_eq!(
        lines(&utf16)[0]["spans"][1],
        json!({"start": 2, "end": 7, "label": "PRODUCT"})
    );
    run_python_check(
        "check_text_offsets.py",
        &[utf16.as_os_str(), expected_file.as_os_str()],
    );
}

#[test]
fn spans_that_split_a_character_are_reported_with_their_line_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("t.txt");
    std::fs::write(&data, "贵州𠮷猕猴桃\nplain\n").unwrap();
    let project = dir.join("p");
    ok([
        "new".as_ref(),
        project.as_os_str(),
        "--text".as_ref(),
        data.as_os_str(),
    ]);
    let doccano_in = dir.join("d.jsonl");
    std::fs::write(
        &doccano_in,
        "{\"text\": \"贵州𠮷猕猴桃\", \"label\": [[3, 4, \"X\"], [0, 2, \"ORIGIN\"]]}\n\
         {\"text\": \"plain\", \"label\": [[2, 40, \"X\"]]}\n{oops\n",
    )
    .unwrap();
    let (stdout, stderr) = ok([
        "import".as_ref(),
        project.as_os_str(),
        doccano_in.as_os_str(),
        "--format".as_ref(),
        "doccano".as_ref(),
    ]);
    assert!(stdout.contains("1 spans"), "{stdout}");
    assert!(stderr.contains("line 1: span #1 [3, 4)"), "{stderr}");
    assert!(stderr.contains("surrogate pair"), "{stderr}");
    assert!(stderr.contains("line 2: span #1 [2, 40)"), "{stderr}");
    assert!(stderr.contains("line 3:"), "{stderr}");
    let stats: Value = serde_json::from_slice(
        &shugu(["stats".as_ref(), project.as_os_str(), "--json".as_ref()]).stdout,
    )
    .unwrap();
    assert_eq!(stats["spans"], 1);
    assert_eq!(stats["spans_per_class"][0]["name"], "ORIGIN");
}
