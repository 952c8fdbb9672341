//! LEB128 numbers and a bounds-checked reader, for the packed values the
//! store keeps in blobs (`span_pack`, `text_block`). A reader's error says
//! what is wrong; the caller names the column.

pub(super) fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Zigzag, so small negative numbers stay short.
pub(super) fn put_int(out: &mut Vec<u8>, v: i64) {
    put_uint(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// A length-prefixed string.
pub(super) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_uint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// An optional string: 0 for none, else its length plus one.
pub(super) fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            put_uint(out, s.len() as u64 + 1);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// Reads what the `put_*` functions wrote, never past the end.
pub(super) struct ByteReader<'a>(pub &'a [u8]);

impl<'a> ByteReader<'a> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.0.len() < n {
            return Err("a value is cut short");
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    pub fn uint(&mut self) -> Result<u64, &'static str> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let [b] = self.take(1)? else {
                return Err("a number is cut short");
            };
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number is too long")
    }

    pub fn u32(&mut self) -> Result<u32, &'static str> {
        u32::try_from(self.uint()?).map_err(|_| "a number is out of range")
    }

    pub fn len(&mut self) -> Result<usize, &'static str> {
        usize::try_from(self.uint()?).map_err(|_| "a length is out of range")
    }

    pub fn int(&mut self) -> Result<i64, &'static str> {
        let v = self.uint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    pub fn str(&mut self) -> Result<&'a str, &'static str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| "a string is not UTF-8")
    }

    pub fn opt_str(&mut self) -> Result<Option<&'a str>, &'static str> {
        match self.len()? {
            0 => Ok(None),
            n => std::str::from_utf8(self.take(n - 1)?)
                .map(Some)
                .map_err(|_| "a string is not UTF-8"),
        }
    }

    /// Little-endian fixed-width numbers, for span pack layout 1.
    pub fn le_i64(&mut self) -> Result<i64, &'static str> {
        let mut b = [0; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(i64::from_le_bytes(b))
    }

    pub fn le_u32(&mut self) -> Result<u32, &'static str> {
        let mut b = [0; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    pub fn le_str(&mut self) -> Result<&'a str, &'static str> {
        let n = self.le_u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| "a string is not UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_round_trip() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, u64::MAX] {
            put_uint(&mut out, v);
        }
        for v in [0, -1, 1, i64::MIN, i64::MAX] {
            put_int(&mut out, v);
        }
        put_str(&mut out, "猕猴桃");
        put_opt_str(&mut out, None);
        put_opt_str(&mut out, Some(""));
        let mut r = ByteReader(&out);
        for v in [0, 1, 127, 128, u64::MAX] {
            assert_eq!(r.uint(), Ok(v));
        }
        for v in [0, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.int(), Ok(v));
        }
        assert_eq!(r.str(), Ok("猕猴桃"));
        assert_eq!(r.opt_str(), Ok(None));
        assert_eq!(r.opt_str(), Ok(Some("")));
        assert!(r.is_empty());
    }

    #[test]
    fn reading_past_the_end_is_an_error() {
        assert!(ByteReader(&[0x80]).uint().is_err());
        assert!(ByteReader(&[0xff; 11]).uint().is_err());
        assert!(ByteReader(&[5, b'a']).str().is_err());
        assert!(ByteReader(&[2, 0xff]).str().is_err());
    }
}
