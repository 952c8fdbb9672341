use std::path::Path;

/// The field or column that holds the text when none is named.
pub const DEFAULT_TEXT_FIELD: &str = "text";

/// How a file of texts to annotate is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextSource {
    /// One JSON object per line; the text is in `text_field`.
    Jsonl { text_field: String },
    /// CSV or TSV with a header row; the text is in the column named `text_field`.
    Delimited { delimiter: u8, text_field: String },
    /// One text per line.
    Txt,
}

/// The file's layout cannot be told, or its header does not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextSourceError {
    #[error(
        "cannot tell the format of `{file}` from its extension `{extension}`: expected .jsonl, .ndjson, .csv, .tsv or .txt"
    )]
    UnknownExtension { file: String, extension: String },

    #[error(
        "cannot tell the format of `{file}`: it has no extension (expected .jsonl, .ndjson, .csv, .tsv or .txt)"
    )]
    NoExtension { file: String },

    #[error("the file is empty: a header row naming the columns is required")]
    NoHeader,

    #[error("the header row is not valid UTF-8")]
    HeaderNotUtf8,

    #[error("the header row has no column `{wanted}` (its columns: {})", .columns.join(", "))]
    NoTextColumn {
        wanted: String,
        columns: Vec<String>,
    },

    #[error("cannot read the header row: {0}")]
    BadHeader(String),
}

impl TextSource {
    /// Picks the layout from the file extension (case-insensitive). `text_field`
    /// names the JSON field or CSV column of the text; `None` means `text`.
    pub fn from_path(path: &Path, text_field: Option<&str>) -> Result<Self, TextSourceError> {
        let file = path.display().to_string();
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .ok_or_else(|| TextSourceError::NoExtension { file: file.clone() })?;
        let text_field = text_field.unwrap_or(DEFAULT_TEXT_FIELD).to_string();
        Ok(match extension.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => TextSource::Jsonl { text_field },
            "csv" => TextSource::Delimited {
                delimiter: b',',
                text_field,
            },
            "tsv" => TextSource::Delimited {
                delimiter: b'\t',
                text_field,
            },
            "txt" => TextSource::Txt,
            _ => {
                return Err(TextSourceError::UnknownExtension {
                    file,
                    extension: format!(".{extension}"),
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_extension() {
        let source = |name: &str| TextSource::from_path(Path::new(name), None);
        let jsonl = TextSource::Jsonl {
            text_field: "text".into(),
        };
        assert_eq!(source("a/b.jsonl"), Ok(jsonl.clone()));
        assert_eq!(source("b.NDJSON"), Ok(jsonl));
        assert_eq!(
            source("b.tsv"),
            Ok(TextSource::Delimited {
                delimiter: b'\t',
                text_field: "text".into()
            })
        );
        assert_eq!(
            TextSource::from_path(Path::new("b.csv"), Some("body")),
            Ok(TextSource::Delimited {
                delimiter: b',',
                text_field: "body".into()
            })
        );
        assert_eq!(source("b.txt"), Ok(TextSource::Txt));
    }

    #[test]
    fn unknown_extension_is_named() {
        let err = TextSource::from_path(Path::new("notes.docx"), None).unwrap_err();
        assert!(err.to_string().contains("`.docx`"), "{err}");
        let err = TextSource::from_path(Path::new("README"), None).unwrap_err();
        assert!(err.to_string().contains("no extension"), "{err}");
    }
}
