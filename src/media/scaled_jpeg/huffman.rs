//! Huffman decoding of baseline JPEG data, tuned for throughput: this loop is most of
//! the time of a thumbnail.
//!
//! - The bit buffer is 64 bits, refilled eight bytes at a time when those bytes hold no
//!   `FF` (almost always), else byte by byte with `FF 00` unstuffing; at a marker it
//!   feeds zeros and stops, so a restart marker is never read into the buffer.
//! - Codes of up to [`FAST_BITS`] bits are decoded by one table lookup. For AC tables a
//!   second table also decodes the coefficient's value when code and value together fit
//!   in [`FAST_BITS`] (as stb_image does), so most coefficients take one lookup.

/// Bits looked up at once.
const FAST_BITS: u32 = 10;
const FAST_SIZE: usize = 1 << FAST_BITS;
/// Bits looked up at once when passing over coefficients.
const SKIP_BITS: u32 = 12;
const SKIP_SIZE: usize = 1 << SKIP_BITS;
/// Fields of a skip entry: bits consumed (low 4), end of block (bit 4), positions
/// advanced (bits 5 and up).
const SKIP_EOB: u16 = 1 << 4;
const SKIP_ADVANCE_SHIFT: u16 = 5;

/// One DC or AC table, ready to decode.
#[derive(Debug, Clone)]
pub(crate) struct HuffmanTable {
    /// Per `FAST_BITS` prefix: `length << 8 | symbol`, or 0 when the code is longer.
    fast: Box<[u16; FAST_SIZE]>,
    /// AC only, per prefix: `value << 16 | run << 8 | total length` for a code whose
    /// value bits fit in the prefix too; 0 otherwise.
    fast_ac: Option<Box<[i32; FAST_SIZE]>>,
    /// AC only, per [`SKIP_BITS`] prefix: how to pass over the coefficients no longer
    /// kept, several at once (see [`skip_table`]).
    skip: Option<Box<[u16; SKIP_SIZE]>>,
    /// For lengths 1..=16 (index = length): the first code that is *too large* for this
    /// length, left-aligned in 16 bits (`u32` so that 1 << 16 fits).
    max_code: [u32; 18],
    /// For lengths 1..=16: symbol index = code + `delta[length]`.
    delta: [i32; 17],
    symbols: Vec<u8>,
}

impl HuffmanTable {
    /// Builds the canonical code from the counts per length (1..=16) and the symbols.
    /// `None` when the counts describe more codes than fit.
    pub fn new(counts: &[u8; 16], symbols: &[u8], ac: bool) -> Option<Self> {
        let mut fast = Box::new([0u16; FAST_SIZE]);
        let mut max_code = [0u32; 18];
        let mut delta = [0i32; 17];
        let mut code: u32 = 0;
        let mut index: usize = 0;
        for length in 1..=16u32 {
            let count = usize::from(counts[length as usize - 1]);
            delta[length as usize] = index as i32 - code as i32;
            for _ in 0..count {
                if code >= 1 << length {
                    return None;
                }
                let symbol = *symbols.get(index)?;
                if length <= FAST_BITS {
                    let shift = FAST_BITS - length;
                    let first = (code << shift) as usize;
                    for slot in &mut fast[first..first + (1 << shift)] {
                        *slot = (length as u16) << 8 | u16::from(symbol);
                    }
                }
                code += 1;
                index += 1;
            }
            max_code[length as usize] = code << (16 - length);
            code <<= 1;
        }
        max_code[17] = u32::MAX;
        let fast_ac = ac.then(|| fast_ac_table(&fast));
        let skip = ac.then(|| skip_table(&fast));
        Some(HuffmanTable {
            fast,
            fast_ac,
            skip,
            max_code,
            delta,
            symbols: symbols[..index].to_vec(),
        })
    }
}

fn fast_ac_table(fast: &[u16; FAST_SIZE]) -> Box<[i32; FAST_SIZE]> {
    let mut table = Box::new([0i32; FAST_SIZE]);
    for (prefix, (&entry, slot)) in fast.iter().zip(table.iter_mut()).enumerate() {
        if entry == 0 {
            continue;
        }
        let length = u32::from(entry >> 8);
        let symbol = entry & 0xFF;
        let (run, size) = (u32::from(symbol >> 4), u32::from(symbol & 15));
        if size != 0 && length + size <= FAST_BITS {
            let bits = (prefix as u32 >> (FAST_BITS - length - size)) & ((1 << size) - 1);
            let value = extend(bits, size);
            *slot = value << 16 | (run << 8) as i32 | (length + size) as i32;
        }
    }
    table
}

/// Per 12-bit prefix, the longest run of whole AC codes *with* their value bits that
/// it holds (at most four): the bits they take, the zigzag positions they advance
/// (run + 1 each, 16 for a run of zeros, none for the end of block, which ends the
/// run). Most coefficients past the kept ones are passed over two or three at a time,
/// which is what makes the reduced decode faster than a full one. 0 when not even the
/// first code and its value fit.
fn skip_table(fast: &[u16; FAST_SIZE]) -> Box<[u16; SKIP_SIZE]> {
    let mut table = Box::new([0u16; SKIP_SIZE]);
    for (prefix, slot) in table.iter_mut().enumerate() {
        let (mut used, mut advance, mut eob) = (0u32, 0u16, false);
        for _ in 0..4 {
            let left = SKIP_BITS - used;
            let rest = ((prefix as u32) << used) & (SKIP_SIZE as u32 - 1);
            let entry = fast[(rest >> (SKIP_BITS - FAST_BITS)) as usize];
            let length = u32::from(entry >> 8);
            if entry == 0 || length > left {
                break;
            }
            let symbol = entry & 0xFF;
            let (run, size) = (symbol >> 4, u32::from(symbol & 15));
            if length + size > left {
                break;
            }
            used += length + size;
            if size == 0 && run != 15 {
                eob = true;
                break;
            }
            advance += if size == 0 { 16 } else { run + 1 };
        }
        if used > 0 {
            *slot = used as u16 | if eob { SKIP_EOB } else { 0 } | advance << SKIP_ADVANCE_SHIFT;
        }
    }
    table
}

/// JPEG's sign extension of an `size`-bit magnitude category value.
#[inline(always)]
fn extend(bits: u32, size: u32) -> i32 {
    if size == 0 {
        0
    } else if bits < 1 << (size - 1) {
        bits as i32 - (1 << size) + 1
    } else {
        bits as i32
    }
}

/// Reads the entropy-coded data of one scan.
pub(crate) struct BitReader<'a> {
    data: &'a [u8],
    pub pos: usize,
    /// Valid bits, left-aligned.
    bits: u64,
    count: u32,
    /// Zero bytes fed after reaching a marker or the end of the data.
    padded: u32,
}

/// What one AC code says.
enum AcStep {
    EndOfBlock,
    /// A run of zeros (16 positions).
    Zeros(usize),
    /// A run of zeros, then a coefficient.
    Value(usize, i32),
}

/// A code no table holds: the data is damaged.
#[derive(Debug)]
pub(crate) struct BadCode;

impl<'a> BitReader<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        BitReader {
            data,
            pos,
            bits: 0,
            count: 0,
            padded: 0,
        }
    }

    /// Bits consumed beyond the end of the data (past a marker or the file's end) since
    /// the last restart: a few are normal padding, many mean the data ended early.
    pub fn overrun_bits(&self) -> u32 {
        (self.padded * 8).saturating_sub(self.count)
    }

    #[inline(always)]
    fn refill(&mut self) {
        // 32 bits cover any code and its value; topping up only below that keeps the
        // eight-byte load off most coefficients.
        if self.count >= 32 {
            return;
        }
        if let Some(chunk) = self.data.get(self.pos..self.pos + 8) {
            let word = u64::from_be_bytes([
                chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
            ]);
            // No byte equal to FF: the classic "has zero byte" test on the complement.
            let inverse = !word;
            let has_ff =
                inverse.wrapping_sub(0x0101_0101_0101_0101) & !inverse & 0x8080_8080_8080_8080;
            if has_ff == 0 && self.padded == 0 {
                let bytes = (64 - self.count) / 8;
                self.bits |= (word >> (64 - 8 * bytes)) << (64 - self.count - 8 * bytes);
                self.count += 8 * bytes;
                self.pos += bytes as usize;
                return;
            }
        }
        self.refill_slow();
    }

    #[cold]
    fn refill_slow(&mut self) {
        while self.count <= 56 {
            let byte = match (self.padded, self.data.get(self.pos)) {
                (0, Some(&0xFF)) if self.data.get(self.pos + 1) == Some(&0x00) => {
                    self.pos += 2;
                    0xFF
                }
                (0, Some(&b)) if b != 0xFF => {
                    self.pos += 1;
                    b
                }
                // A marker or the end of the data: feed zeros from here on.
                _ => {
                    self.padded += 1;
                    0
                }
            };
            self.bits |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    #[inline(always)]
    fn consume(&mut self, n: u32) {
        self.bits <<= n;
        self.count -= n;
    }

    /// Reads `n` (≤ 16) bits as an unsigned number.
    #[inline(always)]
    fn take(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        self.refill();
        let v = (self.bits >> (64 - n)) as u32;
        self.consume(n);
        v
    }

    /// Decodes one symbol.
    #[inline(always)]
    fn symbol(&mut self, table: &HuffmanTable) -> Result<u8, BadCode> {
        self.refill();
        let entry = table.fast[(self.bits >> (64 - FAST_BITS)) as usize];
        if entry != 0 {
            self.consume(u32::from(entry >> 8));
            return Ok(entry as u8);
        }
        self.symbol_slow(table)
    }

    #[cold]
    fn symbol_slow(&mut self, table: &HuffmanTable) -> Result<u8, BadCode> {
        let top = (self.bits >> 48) as u32;
        let mut length = FAST_BITS as usize + 1;
        while top >= table.max_code[length] {
            length += 1;
        }
        if length > 16 {
            return Err(BadCode);
        }
        let code = (self.bits >> (64 - length)) as i32;
        self.consume(length as u32);
        let index = code + table.delta[length];
        usize::try_from(index)
            .ok()
            .and_then(|i| table.symbols.get(i))
            .copied()
            .ok_or(BadCode)
    }

    /// Decodes one block's DC difference and AC coefficients, keeping those whose zigzag
    /// index is below `keep.len()` (the rest are decoded and dropped), dequantised with
    /// `quant` (zigzag order). `prediction` is the component's running DC value.
    #[inline(always)]
    pub fn block(
        &mut self,
        dc: &HuffmanTable,
        ac: &HuffmanTable,
        quant: &[u16; 64],
        prediction: &mut i32,
        keep: &mut [i32],
    ) -> Result<(), BadCode> {
        keep.fill(0);
        let size = u32::from(self.symbol(dc)?);
        if size > 16 {
            return Err(BadCode);
        }
        let diff = extend(self.take(size), size);
        *prediction = prediction.wrapping_add(diff);
        if let Some(first) = keep.first_mut() {
            *first = prediction.wrapping_mul(i32::from(quant[0]));
        }
        let (Some(fast_ac), Some(skip)) = (ac.fast_ac.as_deref(), ac.skip.as_deref()) else {
            return Err(BadCode);
        };
        let mut k: usize = 1;
        // The kept coefficients, one at a time with their values.
        while k < keep.len() {
            self.refill();
            let entry = fast_ac[(self.bits >> (64 - FAST_BITS)) as usize];
            if entry != 0 {
                k += ((entry >> 8) & 15) as usize;
                self.consume((entry & 0xFF) as u32);
                if let (Some(slot), Some(&q)) = (keep.get_mut(k), quant.get(k)) {
                    *slot = (entry >> 16) * i32::from(q);
                }
                k += 1;
                continue;
            }
            match self.ac_slow(ac)? {
                AcStep::EndOfBlock => return Ok(()),
                AcStep::Zeros(run) => k += run,
                AcStep::Value(run, value) => {
                    k += run;
                    if let (Some(slot), Some(&q)) = (keep.get_mut(k), quant.get(k)) {
                        *slot = value * i32::from(q);
                    }
                    k += 1;
                }
            }
        }
        // The rest only need passing over, several at a time when they fit.
        while k < 64 {
            self.refill();
            let entry = skip[(self.bits >> (64 - SKIP_BITS)) as usize];
            let advance = usize::from(entry >> SKIP_ADVANCE_SHIFT);
            // A block whose last coefficient is at 63 has no end-of-block code: a
            // run must not reach into the next block, and an end of block in it
            // must come before position 64.
            let end = if entry & SKIP_EOB != 0 { 63 } else { 64 };
            if entry != 0 && k + advance <= end {
                self.consume(u32::from(entry & 15));
                if entry & SKIP_EOB != 0 {
                    return Ok(());
                }
                k += advance;
                continue;
            }
            match self.ac_slow(ac)? {
                AcStep::EndOfBlock => return Ok(()),
                AcStep::Zeros(run) => k += run,
                AcStep::Value(run, _) => k += run + 1,
            }
        }
        Ok(())
    }

    /// One AC code and its value, the long way.
    #[inline(always)]
    fn ac_slow(&mut self, ac: &HuffmanTable) -> Result<AcStep, BadCode> {
        let rs = self.symbol(ac)?;
        let (run, size) = (usize::from(rs >> 4), u32::from(rs & 15));
        Ok(match (size, run) {
            (0, 15) => AcStep::Zeros(16),
            (0, _) => AcStep::EndOfBlock,
            _ => AcStep::Value(run, extend(self.take(size), size)),
        })
    }

    /// Moves past a restart marker: drops the bits left of the interval, then skips to
    /// just after the next RST marker. `false` when there is none.
    pub fn restart(&mut self) -> bool {
        self.bits = 0;
        self.count = 0;
        self.padded = 0;
        while let Some(&b) = self.data.get(self.pos) {
            if b == 0xFF
                && let Some(0xD0..=0xD7) = self.data.get(self.pos + 1)
            {
                self.pos += 2;
                return true;
            }
            self.pos += 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extend_follows_the_standard() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b00, 2), -3);
        assert_eq!(extend(0b01, 2), -2);
        assert_eq!(extend(0b10, 2), 2);
        assert_eq!(extend(0b11, 2), 3);
    }

    #[test]
    fn refuses_an_overfull_code() {
        let mut counts = [0u8; 16];
        counts[0] = 3; // three codes of one bit cannot exist
        assert!(HuffmanTable::new(&counts, &[1, 2, 3], false).is_none());
    }

    #[test]
    fn decodes_symbols_and_stops_at_a_marker() {
        // Codes: 0 -> 'a' (len 1), 10 -> 'b' (len 2), 110 -> 'c' (len 3), 1110 -> 'd'.
        let mut counts = [0u8; 16];
        counts[..4].copy_from_slice(&[1, 1, 1, 1]);
        let table = HuffmanTable::new(&counts, b"abcd", false).unwrap();
        // b c a d a b = 10 110 0 1110 0 10, padded with zeros, then the end-of-image
        // marker, which the reader must not read as data.
        let data = [0b1011_0011, 0b1001_0000, 0xFF, 0xD9];
        let mut r = BitReader::new(&data, 0);
        let got: Vec<u8> = (0..6).map(|_| r.symbol(&table).unwrap()).collect();
        assert_eq!(got, b"bcadab");
    }
}
