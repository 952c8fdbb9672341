//! Reading a dataset of texts to annotate (`shugu new DIR --text FILE`): JSONL,
//! CSV/TSV or plain text, streamed record by record.

use super::lenient::{Fields, Scalar, parse_object_line, split_id};
use super::lines::{LineParser, ParallelLines, bom_len};
use super::problem::RecordProblem;
use super::source::{TextSource, TextSourceError};
use serde::de::MapAccess;
use serde_json::{Map, Value};

/// One text to annotate.
#[derive(Clone, Debug, PartialEq)]
pub struct TextRecord {
    /// 1-based line where the record starts.
    pub line: usize,
    /// The record's `id` field (JSONL) or column (CSV), numbers included as written.
    pub id: Option<String>,
    pub text: String,
    /// Every other field or column, kept as it was (CSV cells as strings).
    pub meta: Map<String, Value>,
}

/// The records of a file, in order, each a record or the problem that kept it out.
///
/// Lines of JSONL and text files are parsed on the rayon pool a batch at a time.
pub struct TextRecordReader<'a> {
    inner: Inner<'a>,
    total: usize,
}

enum Inner<'a> {
    Jsonl(ParallelLines<'a, JsonlParser>),
    Txt(ParallelLines<'a, TxtParser>),
    Delimited(Box<DelimitedRecords<'a>>),
}

impl<'a> TextRecordReader<'a> {
    /// Fails only when a CSV/TSV header is missing or lacks the text column;
    /// everything else is reported per record.
    pub fn new(bytes: &'a [u8], source: &TextSource) -> Result<Self, TextSourceError> {
        let inner = match source {
            TextSource::Jsonl { text_field } => Inner::Jsonl(ParallelLines::new(
                bytes,
                JsonlParser {
                    text_field: text_field.clone(),
                },
            )),
            TextSource::Txt => Inner::Txt(ParallelLines::new(bytes, TxtParser)),
            TextSource::Delimited {
                delimiter,
                text_field,
            } => Inner::Delimited(Box::new(DelimitedRecords::new(
                bytes, *delimiter, text_field,
            )?)),
        };
        Ok(TextRecordReader {
            inner,
            total: bytes.len(),
        })
    }

    /// Bytes of input behind the records handed out so far, for a progress bar.
    pub fn bytes_consumed(&self) -> usize {
        match &self.inner {
            Inner::Jsonl(lines) => lines.bytes_consumed(),
            Inner::Txt(lines) => lines.bytes_consumed(),
            Inner::Delimited(records) => records.bytes_consumed(),
        }
    }

    pub fn total_bytes(&self) -> usize {
        self.total
    }
}

impl Iterator for TextRecordReader<'_> {
    type Item = Result<TextRecord, RecordProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Jsonl(lines) => lines.next(),
            Inner::Txt(lines) => lines.next(),
            Inner::Delimited(records) => records.next(),
        }
    }
}

struct JsonlParser {
    text_field: String,
}

struct RecordFields<'a, 'f> {
    text_field: &'f str,
    text: Option<Scalar<'a>>,
    id: Option<Value>,
}

impl<'de> Fields<'de> for RecordFields<'de, '_> {
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        if key == self.text_field {
            self.text = Some(map.next_value()?);
        } else if key == "id" {
            self.id = Some(map.next_value()?);
        } else {
            return Ok(false);
        }
        Ok(true)
    }
}

impl LineParser for JsonlParser {
    type Output = Result<TextRecord, RecordProblem>;

    fn parse(&self, number: usize, content: &[u8]) -> Self::Output {
        let problem = |message: String| RecordProblem::at_line(number, message);
        let fields = RecordFields {
            text_field: &self.text_field,
            text: None,
            id: None,
        };
        let (fields, mut meta) = parse_object_line(content, fields).map_err(problem)?;
        let text = fields
            .text
            .ok_or_else(|| format!("the record has no `{}` field", self.text_field))
            .and_then(|text| text.into_string(|| format!("the `{}` field", self.text_field)))
            .map_err(problem)?;
        let id = fields.id.and_then(|id| split_id(id, &mut meta));
        Ok(TextRecord {
            line: number,
            id,
            text,
            meta,
        })
    }
}

struct TxtParser;

impl LineParser for TxtParser {
    type Output = Result<TextRecord, RecordProblem>;

    fn parse(&self, number: usize, content: &[u8]) -> Self::Output {
        let text = std::str::from_utf8(content).map_err(|err| {
            RecordProblem::at_line(
                number,
                format!(
                    "the line is not valid UTF-8 (bad byte at column {})",
                    err.valid_up_to() + 1
                ),
            )
        })?;
        Ok(TextRecord {
            line: number,
            id: None,
            text: text.to_string(),
            meta: Map::new(),
        })
    }
}

/// CSV or TSV through the `csv` crate, which handles quoted fields spanning lines.
struct DelimitedRecords<'a> {
    reader: csv::Reader<&'a [u8]>,
    bom: usize,
    lines: LineCounter<'a>,
    columns: Vec<String>,
    text_column: usize,
    id_column: Option<usize>,
    record: csv::ByteRecord,
    finished: bool,
}

impl<'a> DelimitedRecords<'a> {
    fn new(bytes: &'a [u8], delimiter: u8, text_field: &str) -> Result<Self, TextSourceError> {
        let bom = bom_len(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(false)
            .from_reader(&bytes[bom..]);
        let header = reader
            .byte_headers()
            .map_err(|err| TextSourceError::BadHeader(err.to_string()))?;
        if header.is_empty() {
            return Err(TextSourceError::NoHeader);
        }
        let columns = header
            .iter()
            .map(|name| std::str::from_utf8(name).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| TextSourceError::HeaderNotUtf8)?;
        let text_column = columns
            .iter()
            .position(|c| c == text_field)
            .ok_or_else(|| TextSourceError::NoTextColumn {
                wanted: text_field.to_string(),
                columns: columns.clone(),
            })?;
        let id_column = columns
            .iter()
            .position(|c| c == "id")
            .filter(|&i| i != text_column);
        Ok(DelimitedRecords {
            reader,
            bom,
            lines: LineCounter::new(&bytes[bom..]),
            columns,
            text_column,
            id_column,
            record: csv::ByteRecord::new(),
            finished: false,
        })
    }

    fn bytes_consumed(&self) -> usize {
        let read = usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX);
        self.bom.saturating_add(read)
    }

    fn current(&mut self) -> Result<TextRecord, RecordProblem> {
        let line = self
            .lines
            .line_at(self.record.position().map_or(0, |p| p.byte()));
        let mut text = None;
        let mut id = None;
        let mut meta = Map::new();
        for (i, (cell, column)) in self.record.iter().zip(&self.columns).enumerate() {
            let cell = std::str::from_utf8(cell).map_err(|err| {
                RecordProblem::at_line(
                    line,
                    format!(
                        "column `{column}` is not valid UTF-8 (bad byte at position {} of the cell)",
                        err.valid_up_to() + 1
                    ),
                )
            })?;
            if i == self.text_column {
                text = Some(cell.to_string());
            } else if Some(i) == self.id_column {
                id = (!cell.is_empty()).then(|| cell.to_string());
            } else {
                meta.insert(column.clone(), Value::String(cell.to_string()));
            }
        }
        Ok(TextRecord {
            line,
            id,
            text: text.unwrap_or_default(),
            meta,
        })
    }
}

/// Line numbers of records from their byte offsets. The csv crate counts lines
/// itself, but one short after a CRLF header, and its record offsets point at
/// the `\n` of the previous line's CRLF; counting here gives the line where the
/// record's first cell really starts.
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line break.
    fn line_at(&mut self, offset: u64) -> usize {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += memchr::memchr_iter(b'\n', &self.bytes[self.pos..start]).count();
        self.pos = start;
        self.line
    }
}

impl Iterator for DelimitedRecords<'_> {
    type Item = Result<TextRecord, RecordProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let before = self.reader.position().byte();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => Some(self.current()),
            Ok(false) => {
                self.finished = true;
                None
            }
            Err(err) => {
                // Reading from a slice cannot fail for good, but never spin.
                self.finished = self.reader.position().byte() == before;
                let line = self
                    .lines
                    .line_at(err.position().map_or(before, |p| p.byte()));
                let message = match err.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "the record has {len} fields but the header has {expected_len}; it was left out"
                    ),
                    _ => format!("cannot read the record: {err}"),
                };
                Some(Err(RecordProblem::at_line(line, message)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], source: &TextSource) -> Vec<Result<TextRecord, RecordProblem>> {
        TextRecordReader::new(bytes, source).unwrap().collect()
    }

    fn jsonl() -> TextSource {
        TextSource::Jsonl {
            text_field: "text".into(),
        }
    }

    fn csv() -> TextSource {
        TextSource::Delimited {
            delimiter: b',',
            text_field: "text".into(),
        }
    }

    #[test]
    fn jsonl_keeps_id_and_meta_and_reports_bad_lines() {
        let input = "\u{FEFF}{\"id\": 7, \"text\": \"a\\r\\nb\", \"src\": \"x\"}\r\n\
                     \r\n\
                     {\"text\": 5}\n\
                     {\"text\": \"ok\", \"id\": \"k-1\"\n\
                     {\"title\": \"no text\"}\n\
                     {\"id\": [1], \"text\": \"odd id\"}\n";
        let records = read(input.as_bytes(), &jsonl());
        let first = records[0].as_ref().unwrap();
        assert_eq!(first.line, 1);
        assert_eq!(first.id.as_deref(), Some("7"));
        assert_eq!(first.text, "a\r\nb");
        assert_eq!(first.meta.get("src"), Some(&Value::from("x")));
        let problem = records[1].as_ref().unwrap_err();
        assert_eq!(problem.line, 3);
        assert_eq!(
            problem.message,
            "the `text` field is a number, not a string"
        );
        let problem = records[2].as_ref().unwrap_err();
        assert_eq!(problem.line, 4);
        assert!(problem.message.starts_with("not valid JSON"), "{problem}");
        assert_eq!(
            records[3].as_ref().unwrap_err().to_string(),
            "line 5: the record has no `text` field"
        );
        let odd = records[4].as_ref().unwrap();
        assert_eq!(odd.id, None);
        assert_eq!(odd.meta.get("id"), Some(&serde_json::json!([1])));
        assert_eq!(records.len(), 5);
    }

    #[test]
    fn jsonl_text_field_is_configurable() {
        let source = TextSource::Jsonl {
            text_field: "body".into(),
        };
        let records = read(br#"{"body":"hi","text":"kept in meta"}"#, &source);
        let record = records[0].as_ref().unwrap();
        assert_eq!(record.text, "hi");
        assert_eq!(record.meta.get("text"), Some(&Value::from("kept in meta")));
    }

    #[test]
    fn txt_drops_terminators_and_blank_lines() {
        let input = b"\xEF\xBB\xBFfirst\r\n\nsecond line \n\xFF\xFEbad\nlast";
        let records = read(input, &TextSource::Txt);
        let ok: Vec<_> = records
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|r| (r.line, r.text.as_str()))
            .collect();
        assert_eq!(ok, vec![(1, "first"), (3, "second line "), (5, "last")]);
        let problem = records[2].as_ref().unwrap_err();
        assert_eq!(problem.line, 4);
        assert!(problem.message.contains("not valid UTF-8"), "{problem}");
    }

    #[test]
    fn csv_reads_quoted_multi_line_fields_with_their_starting_line() {
        let input = "\u{FEFF}id,text,lang\r\n\
                     1,\"plain\",en\r\n\
                     2,\"two\r\nlines, \"\"quoted\"\"\",en\r\n\
                     3,short\r\n\
                     ,中文,zh\r\n";
        let records = read(input.as_bytes(), &csv());
        let first = records[0].as_ref().unwrap();
        assert_eq!(
            (first.line, first.id.as_deref(), first.text.as_str()),
            (2, Some("1"), "plain")
        );
        assert_eq!(first.meta.get("lang"), Some(&Value::from("en")));
        let second = records[1].as_ref().unwrap();
        assert_eq!(second.line, 3);
        assert_eq!(second.text, "two\r\nlines, \"quoted\"");
        let short = records[2].as_ref().unwrap_err();
        assert_eq!(short.line, 5);
        assert!(
            short.message.contains("2 fields but the header has 3"),
            "{short}"
        );
        let last = records[3].as_ref().unwrap();
        assert_eq!(
            (last.line, last.id.as_deref(), last.text.as_str()),
            (6, None, "中文")
        );
        assert_eq!(records.len(), 4);
    }

    #[test]
    fn tsv_and_header_errors() {
        let source = TextSource::Delimited {
            delimiter: b'\t',
            text_field: "sentence".into(),
        };
        let records = read(b"sentence\tlabel\nhello, world\tpos\n", &source);
        assert_eq!(records[0].as_ref().unwrap().text, "hello, world");
        let err = TextRecordReader::new(b"a,b\n1,2\n", &csv()).err().unwrap();
        assert_eq!(
            err.to_string(),
            "the header row has no column `text` (its columns: a, b)"
        );
        assert_eq!(
            TextRecordReader::new(b"", &csv()).err(),
            Some(TextSourceError::NoHeader)
        );
    }

    #[test]
    fn bytes_consumed_reaches_the_end() {
        for (input, source) in [
            (&b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n\n"[..], jsonl()),
            (&b"text\na\nb\n"[..], csv()),
            (&b"a\nb\n\n"[..], TextSource::Txt),
        ] {
            let mut reader = TextRecordReader::new(input, &source).unwrap();
            assert!(reader.next().is_some());
            assert!(reader.bytes_consumed() > 0 && reader.bytes_consumed() < input.len());
            while reader.next().is_some() {}
            assert_eq!(reader.bytes_consumed(), input.len(), "{source:?}");
            assert_eq!(reader.total_bytes(), input.len());
        }
    }

    #[test]
    fn never_panics_on_junk() {
        let junk: &[&[u8]] = &[
            b"\xFF\n{",
            b"{\"text\":\"\\ud800\"}",
            b"\"",
            b"[[[[[[",
            b"\r\r\r\n",
        ];
        for input in junk {
            for source in [jsonl(), csv(), TextSource::Txt] {
                if let Ok(reader) = TextRecordReader::new(input, &source) {
                    reader.for_each(drop);
                }
            }
        }
    }
}
