use std::fmt;

/// What a problem's number counts: lines of a line-based file, or tasks of a
/// Label Studio export (a JSON array, where a line number would say little).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Line,
    Task,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Line => "line",
            Place::Task => "task",
        }
    }
}

/// Something wrong with one record: the record, or the part of it named in the
/// message, was left out and reading went on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordProblem {
    /// 1-based line of the file, or 1-based index of the task when `place` is
    /// [`Place::Task`].
    pub line: usize,
    pub place: Place,
    pub message: String,
}

impl RecordProblem {
    pub fn at_line(line: usize, message: impl Into<String>) -> Self {
        RecordProblem {
            line,
            place: Place::Line,
            message: message.into(),
        }
    }
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.place.as_str(), self.line, self.message)
    }
}

impl std::error::Error for RecordProblem {}
