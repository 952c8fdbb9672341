//! The line reader every line-based text format shares: skips a UTF-8 BOM and
//! blank lines, drops the `\n` or `\r\n` terminator, numbers lines from 1, and
//! parses batches of lines in parallel while handing results out in file order.

use rayon::prelude::*;
use std::collections::VecDeque;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The length of a UTF-8 byte-order mark at the start of `bytes` (0 or 3).
pub(crate) fn bom_len(bytes: &[u8]) -> usize {
    if bytes.starts_with(BOM) { BOM.len() } else { 0 }
}

/// One non-blank line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    /// 1-based.
    pub number: usize,
    /// Without its terminator.
    pub content: &'a [u8],
    /// Offset in the whole input just past the line and its terminator.
    pub end: usize,
}

/// The non-blank lines of `bytes`. A line of ASCII whitespace only counts as blank.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    number: usize,
}

impl<'a> Lines<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            pos: bom_len(bytes),
            number: 0,
        }
    }

    /// The lines of a later piece of a file that was cut after a line break:
    /// no byte-order mark is looked for, and numbering goes on after the
    /// `lines_before` lines of the pieces before it.
    pub fn continuing(bytes: &'a [u8], lines_before: usize) -> Self {
        Lines {
            bytes,
            pos: 0,
            number: lines_before,
        }
    }

    /// How far into the input the lines handed out so far reach.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        while self.pos < self.bytes.len() {
            let rest = &self.bytes[self.pos..];
            let (raw, consumed) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], i + 1),
                None => (rest, rest.len()),
            };
            self.pos += consumed;
            self.number += 1;
            let content = raw.strip_suffix(b"\r").unwrap_or(raw);
            if !content.iter().all(u8::is_ascii_whitespace) {
                return Some(Line {
                    number: self.number,
                    content,
                    end: self.pos,
                });
            }
        }
        None
    }
}

/// Turns one line into a result; called from several threads at once.
pub(crate) trait LineParser: Sync {
    type Output: Send;
    fn parse(&self, number: usize, content: &[u8]) -> Self::Output;
}

/// Lines are parsed in batches this large (whichever limit comes first): large
/// enough that both threads of a small machine get going (waking a rayon worker
/// is slow in a VM), small enough that the records stay in cache until used.
/// Measured on 2 cores: 8192-line batches parse 1.5x slower than 1024-line
/// ones, 256-line ones barely run in parallel.
const BATCH_LINES: usize = 1024;
const BATCH_BYTES: usize = 1 << 20;

/// Parses lines with `P` on the rayon pool, yielding results in file order.
pub(crate) struct ParallelLines<'a, P: LineParser> {
    lines: Lines<'a>,
    parser: P,
    ready: VecDeque<(P::Output, usize)>,
    consumed: usize,
    /// Buffers kept from batch to batch: allocating them anew makes glibc
    /// consolidate its free lists every time, which costs more than the parsing.
    batch: Vec<Line<'a>>,
    parsed: Vec<(P::Output, usize)>,
}

impl<'a, P: LineParser> ParallelLines<'a, P> {
    pub fn new(bytes: &'a [u8], parser: P) -> Self {
        Self::over(Lines::new(bytes), parser)
    }

    /// See [`Lines::continuing`].
    pub fn continuing(bytes: &'a [u8], parser: P, lines_before: usize) -> Self {
        Self::over(Lines::continuing(bytes, lines_before), parser)
    }

    fn over(lines: Lines<'a>, parser: P) -> Self {
        ParallelLines {
            lines,
            parser,
            ready: VecDeque::new(),
            consumed: 0,
            batch: Vec::new(),
            parsed: Vec::new(),
        }
    }

    /// Bytes of input behind the results handed out so far.
    pub fn bytes_consumed(&self) -> usize {
        self.consumed
    }

    fn fill(&mut self) {
        self.batch.clear();
        let mut bytes = 0;
        while self.batch.len() < BATCH_LINES && bytes < BATCH_BYTES {
            let Some(line) = self.lines.next() else { break };
            bytes += line.content.len();
            self.batch.push(line);
        }
        let parser = &self.parser;
        self.batch
            .par_iter()
            .with_min_len(32)
            .map(|line| (parser.parse(line.number, line.content), line.end))
            .collect_into_vec(&mut self.parsed);
        self.ready.extend(self.parsed.drain(..));
    }
}

impl<P: LineParser> Iterator for ParallelLines<'_, P> {
    type Item = P::Output;

    fn next(&mut self) -> Option<P::Output> {
        if self.ready.is_empty() {
            self.fill();
        }
        match self.ready.pop_front() {
            Some((output, end)) => {
                self.consumed = end;
                Some(output)
            }
            None => {
                // Only blank lines (or nothing) were left.
                self.consumed = self.lines.position();
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(input: &[u8]) -> Vec<(usize, &[u8])> {
        Lines::new(input).map(|l| (l.number, l.content)).collect()
    }

    #[test]
    fn bom_crlf_and_blank_lines() {
        let input = b"\xEF\xBB\xBFone\r\n\r\n  \t\ntwo\nthree\r";
        assert_eq!(
            contents(input),
            vec![(1, &b"one"[..]), (4, &b"two"[..]), (5, &b"three"[..])]
        );
    }

    #[test]
    fn a_continuing_piece_numbers_on_and_keeps_a_leading_bom() {
        let piece = b"\xEF\xBB\xBFx\n\ny";
        let lines: Vec<_> = Lines::continuing(piece, 7)
            .map(|l| (l.number, l.content))
            .collect();
        assert_eq!(lines, vec![(8, &b"\xEF\xBB\xBFx"[..]), (10, &b"y"[..])]);
    }

    #[test]
    fn a_bom_after_the_start_is_kept() {
        let input = b"a\n\xEF\xBB\xBFb";
        assert_eq!(contents(input)[1].1, b"\xEF\xBB\xBFb");
    }

    struct Upper;
    impl LineParser for Upper {
        type Output = (usize, Vec<u8>);
        fn parse(&self, number: usize, content: &[u8]) -> Self::Output {
            (number, content.to_ascii_uppercase())
        }
    }

    #[test]
    fn parallel_results_keep_file_order_and_track_bytes() {
        let input: String = (1..=20_000).map(|i| format!("l{i}\n\n")).collect();
        let mut reader = ParallelLines::new(input.as_bytes(), Upper);
        let first = reader.next().unwrap();
        assert_eq!(first, (1, b"L1".to_vec()));
        assert_eq!(reader.bytes_consumed(), 3);
        let rest: Vec<_> = reader.by_ref().collect();
        assert_eq!(rest.len(), 19_999);
        for (i, (number, content)) in rest.iter().enumerate() {
            assert_eq!(*number, 2 * (i + 2) - 1);
            assert_eq!(content, format!("L{}", i + 2).as_bytes());
        }
        assert_eq!(reader.bytes_consumed(), input.len());
    }
}
