//! Reads a line-based file in pieces that end after a line break, so parsing
//! starts as soon as the first piece is in and the whole file never has to
//! sit in memory (nor be faulted in page by page) at once.

use std::io::Read;
use std::path::Path;

/// About this much of a file is read at a time; a piece grows past it only
/// to reach the end of a longer line.
pub(super) const PIECE_BYTES: usize = 8 << 20;

/// Where a piece sits in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PieceStart {
    /// Line breaks before the piece, so its first line is `lines_before + 1`.
    pub lines_before: usize,
    pub bytes_before: usize,
}

/// Calls `each` with every piece of `file` in order, each about
/// `piece_bytes` long: whole lines with their breaks, the last piece ending
/// where the file ends. `each` returns whether to go on.
pub(super) fn for_each_piece(
    file: &Path,
    piece_bytes: usize,
    mut each: impl FnMut(&[u8], PieceStart) -> bool,
) -> std::io::Result<()> {
    let source = super::super::safe_read::open_named(file).map_err(std::io::Error::other)?;
    for_each_piece_of(source, piece_bytes, &mut each)
}

fn for_each_piece_of(
    mut source: impl Read,
    piece_bytes: usize,
    each: &mut dyn FnMut(&[u8], PieceStart) -> bool,
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(piece_bytes * 2);
    let mut start = PieceStart {
        lines_before: 0,
        bytes_before: 0,
    };
    let mut ended = false;
    let mut fill_to = piece_bytes;
    while !ended {
        // Read until the buffer holds a whole piece or the file ends.
        while buf.len() < fill_to {
            let wanted = (fill_to - buf.len()) as u64;
            if source.by_ref().take(wanted).read_to_end(&mut buf)? == 0 {
                ended = true;
                break;
            }
        }
        let cut = if ended {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                // One line longer than a piece: read on until it ends.
                None => {
                    fill_to = buf.len() + piece_bytes;
                    continue;
                }
            }
        };
        fill_to = piece_bytes;
        if cut == 0 {
            break;
        }
        let piece = &buf[..cut];
        if !each(piece, start) {
            return Ok(());
        }
        start.lines_before += memchr::memchr_iter(b'\n', piece).count();
        start.bytes_before += cut;
        buf.drain(..cut);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &[u8], piece_bytes: usize) -> Vec<(Vec<u8>, PieceStart)> {
        let mut out = Vec::new();
        for_each_piece_of(input, piece_bytes, &mut |piece, start| {
            out.push((piece.to_vec(), start));
            true
        })
        .unwrap();
        out
    }

    #[test]
    fn pieces_end_after_a_line_break_and_cover_the_file() {
        let input = b"one\ntwo\r\nthree\n\nfour";
        let got = pieces(input, 6);
        let joined: Vec<u8> = got.iter().flat_map(|(p, _)| p.clone()).collect();
        assert_eq!(joined, input);
        for (piece, _) in &got[..got.len() - 1] {
            assert_eq!(piece.last(), Some(&b'\n'), "{piece:?}");
        }
        assert!(got.last().unwrap().0.ends_with(b"four"));
        let mut lines = 0;
        let mut bytes = 0;
        for (piece, start) in &got {
            assert_eq!(
                *start,
                PieceStart {
                    lines_before: lines,
                    bytes_before: bytes
                }
            );
            lines += piece.iter().filter(|&&b| b == b'\n').count();
            bytes += piece.len();
        }
    }

    #[test]
    fn a_line_longer_than_a_piece_stays_whole() {
        let long = format!("{}\n", "x".repeat(50));
        let input = format!("a\n{long}b\n");
        let got = pieces(input.as_bytes(), 8);
        for (piece, _) in &got {
            assert_eq!(piece.last(), Some(&b'\n'), "{piece:?}");
        }
        let whole = |p: &Vec<u8>| p.windows(long.len()).any(|w| w == long.as_bytes());
        assert!(got.iter().any(|(p, _)| whole(p)), "{got:?}");
        let joined: Vec<u8> = got.iter().flat_map(|(p, _)| p.clone()).collect();
        assert_eq!(joined, input.as_bytes());
    }

    #[test]
    fn an_empty_file_has_no_pieces() {
        assert!(pieces(b"", 8).is_empty());
    }

    #[test]
    fn stopping_early_reads_no_further() {
        let mut seen = 0;
        for_each_piece_of(&b"a\nb\nc\nd\n"[..], 2, &mut |_, _| {
            seen += 1;
            false
        })
        .unwrap();
        assert_eq!(seen, 1);
    }
}
