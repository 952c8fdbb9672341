//! The tables and frame of a sequential JPEG, read from the file in memory up to its
//! first scan: what [`super::decode_scaled`] needs and nothing more.
//!
//! Only what the fast path decodes is accepted: 8-bit baseline or extended sequential
//! Huffman frames whose components are all in one interleaved scan, with sampling
//! factors of 1 or 2. Anything else (progressive, arithmetic, lossless, 12-bit, a scan
//! per component, 4:1:1) is [`Unsupported`](HeaderError::Unsupported) and goes to the
//! general decoder.

use super::huffman::HuffmanTable;

/// Why the fast path does not take a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderError {
    /// A valid JPEG of a kind the fast path leaves to the general decoder.
    Unsupported(&'static str),
    /// The header is damaged.
    Corrupt(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Component {
    pub id: u8,
    pub h: usize,
    pub v: usize,
    pub quant: usize,
    pub dc_table: usize,
    pub ac_table: usize,
}

/// How the components are turned into RGB, as libjpeg decides it by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColourModel {
    Grey,
    YCbCr,
    Rgb,
    /// Four components. `inverted` when an Adobe marker is present (Photoshop stores ink
    /// as 255 − amount); `ycck` when its transform says the first three are YCC.
    Cmyk {
        inverted: bool,
        ycck: bool,
    },
}

#[derive(Debug)]
pub(crate) struct Frame {
    pub width: usize,
    pub height: usize,
    /// In scan order, which is frame order (one interleaved scan is required).
    pub components: Vec<Component>,
    /// Quantisation tables in zigzag order.
    pub quant: [Option<[u16; 64]>; 4],
    pub dc_tables: [Option<HuffmanTable>; 4],
    pub ac_tables: [Option<HuffmanTable>; 4],
    pub restart_interval: usize,
    pub colour: ColourModel,
    /// Offset of the first byte of entropy-coded data.
    pub scan_start: usize,
}

impl Frame {
    pub fn h_max(&self) -> usize {
        self.components.iter().map(|c| c.h).max().unwrap_or(1)
    }
    pub fn v_max(&self) -> usize {
        self.components.iter().map(|c| c.v).max().unwrap_or(1)
    }
}

fn corrupt(detail: impl Into<String>) -> HeaderError {
    HeaderError::Corrupt(detail.into())
}

/// Reads markers from the start of `data` up to the first start-of-scan.
pub(crate) fn read_frame(data: &[u8]) -> Result<Frame, HeaderError> {
    if data.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(corrupt("missing start-of-image marker"));
    }
    let mut pos = 2;
    let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
    let mut dc_tables: [Option<HuffmanTable>; 4] = Default::default();
    let mut ac_tables: [Option<HuffmanTable>; 4] = Default::default();
    let mut restart_interval = 0;
    let mut jfif = false;
    let mut adobe_transform = None;
    let mut frame: Option<(usize, usize, Vec<Component>)> = None;
    loop {
        // Markers may be preceded by any number of fill bytes (FF).
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(pos), data.get(pos + 1)) else {
            return Err(corrupt("expected a marker in the header"));
        };
        pos += 2;
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            continue;
        }
        if marker == 0xD9 {
            return Err(corrupt("end-of-image marker before any scan"));
        }
        let len = usize::from(u16::from_be_bytes([
            *data.get(pos).ok_or_else(|| corrupt("header ends early"))?,
            *data
                .get(pos + 1)
                .ok_or_else(|| corrupt("header ends early"))?,
        ]));
        let body = data
            .get(pos + 2..pos + len.max(2))
            .ok_or_else(|| corrupt("a header segment runs past the end of the file"))?;
        if len < 2 {
            return Err(corrupt("a header segment is shorter than its length field"));
        }
        pos += len;
        match marker {
            0xC0 | 0xC1 => frame = Some(read_sof(body)?),
            0xC2 | 0xC6 | 0xCA | 0xCE => return Err(HeaderError::Unsupported("progressive")),
            0xC3 | 0xC5 | 0xC7 | 0xC9 | 0xCB | 0xCD | 0xCF => {
                return Err(HeaderError::Unsupported(
                    "lossless, hierarchical or arithmetic",
                ));
            }
            0xC4 => read_dht(body, &mut dc_tables, &mut ac_tables)?,
            0xDB => read_dqt(body, &mut quant)?,
            0xDD => {
                let ri = body.get(..2).ok_or_else(|| corrupt("short DRI segment"))?;
                restart_interval = usize::from(u16::from_be_bytes([ri[0], ri[1]]));
            }
            0xE0 => jfif |= body.starts_with(b"JFIF\0"),
            0xEE if body.starts_with(b"Adobe") => adobe_transform = body.get(11).copied(),
            0xDA => {
                let (width, height, components) =
                    frame.ok_or_else(|| corrupt("start of scan before the frame header"))?;
                let components = read_sos(body, components)?;
                let colour = colour_model(&components, jfif, adobe_transform)?;
                return Ok(Frame {
                    width,
                    height,
                    components,
                    quant,
                    dc_tables,
                    ac_tables,
                    restart_interval,
                    colour,
                    scan_start: pos,
                });
            }
            _ => {}
        }
    }
}

fn read_sof(body: &[u8]) -> Result<(usize, usize, Vec<Component>), HeaderError> {
    let short = || corrupt("short frame header");
    let head = body.get(..6).ok_or_else(short)?;
    if head[0] != 8 {
        return Err(HeaderError::Unsupported("not 8 bits per sample"));
    }
    let height = usize::from(u16::from_be_bytes([head[1], head[2]]));
    let width = usize::from(u16::from_be_bytes([head[3], head[4]]));
    if height == 0 {
        return Err(HeaderError::Unsupported(
            "height given after the scan (DNL)",
        ));
    }
    if width == 0 {
        return Err(corrupt("the frame is 0 pixels wide"));
    }
    let count = usize::from(head[5]);
    if !matches!(count, 1 | 3 | 4) {
        return Err(HeaderError::Unsupported("an unusual number of components"));
    }
    let mut components = Vec::with_capacity(count);
    for i in 0..count {
        let c = body.get(6 + 3 * i..9 + 3 * i).ok_or_else(short)?;
        let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
        if !(1..=2).contains(&h) || !(1..=2).contains(&v) {
            return Err(HeaderError::Unsupported(
                "sampling factors other than 1 or 2",
            ));
        }
        if c[2] > 3 {
            return Err(corrupt("quantisation table number over 3"));
        }
        components.push(Component {
            id: c[0],
            h,
            v,
            quant: usize::from(c[2]),
            dc_table: 0,
            ac_table: 0,
        });
    }
    Ok((width, height, components))
}

fn read_sos(body: &[u8], mut components: Vec<Component>) -> Result<Vec<Component>, HeaderError> {
    let short = || corrupt("short start-of-scan segment");
    let count = usize::from(*body.first().ok_or_else(short)?);
    if count != components.len() {
        return Err(HeaderError::Unsupported("components in separate scans"));
    }
    let mut ordered = Vec::with_capacity(count);
    for i in 0..count {
        let s = body.get(1 + 2 * i..3 + 2 * i).ok_or_else(short)?;
        let index = components
            .iter()
            .position(|c| c.id == s[0])
            .ok_or_else(|| corrupt("the scan names a component the frame lacks"))?;
        let mut c = components.swap_remove(index);
        c.dc_table = usize::from(s[1] >> 4);
        c.ac_table = usize::from(s[1] & 15);
        if c.dc_table > 3 || c.ac_table > 3 {
            return Err(corrupt("Huffman table number over 3"));
        }
        ordered.push(c);
    }
    let tail = body.get(1 + 2 * count..4 + 2 * count).ok_or_else(short)?;
    if tail != [0, 63, 0] {
        return Err(HeaderError::Unsupported("a partial spectral selection"));
    }
    Ok(ordered)
}

fn read_dht(
    mut body: &[u8],
    dc: &mut [Option<HuffmanTable>; 4],
    ac: &mut [Option<HuffmanTable>; 4],
) -> Result<(), HeaderError> {
    while let Some((&class_id, rest)) = body.split_first() {
        let counts = rest
            .get(..16)
            .ok_or_else(|| corrupt("short Huffman table"))?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = rest
            .get(16..16 + total)
            .ok_or_else(|| corrupt("short Huffman table"))?;
        let mut lengths = [0u8; 16];
        lengths.copy_from_slice(counts);
        let (class, id) = (class_id >> 4, usize::from(class_id & 15));
        if id > 3 || class > 1 {
            return Err(corrupt("Huffman table class or number out of range"));
        }
        let table = HuffmanTable::new(&lengths, symbols, class == 1)
            .ok_or_else(|| corrupt("invalid Huffman table"))?;
        if class == 0 {
            dc[id] = Some(table);
        } else {
            ac[id] = Some(table);
        }
        body = &rest[16 + total..];
    }
    Ok(())
}

fn read_dqt(mut body: &[u8], quant: &mut [Option<[u16; 64]>; 4]) -> Result<(), HeaderError> {
    while let Some((&precision_id, rest)) = body.split_first() {
        let (wide, id) = (precision_id >> 4 != 0, usize::from(precision_id & 15));
        if id > 3 {
            return Err(corrupt("quantisation table number over 3"));
        }
        let size = if wide { 128 } else { 64 };
        let values = rest
            .get(..size)
            .ok_or_else(|| corrupt("short quantisation table"))?;
        let mut table = [0u16; 64];
        for (i, q) in table.iter_mut().enumerate() {
            *q = if wide {
                u16::from_be_bytes([values[2 * i], values[2 * i + 1]])
            } else {
                u16::from(values[i])
            };
        }
        quant[id] = Some(table);
        body = &rest[size..];
    }
    Ok(())
}

/// libjpeg's default colour space for the components and markers found.
fn colour_model(
    components: &[Component],
    jfif: bool,
    adobe_transform: Option<u8>,
) -> Result<ColourModel, HeaderError> {
    Ok(match components.len() {
        1 => ColourModel::Grey,
        3 => {
            let ids: Vec<u8> = components.iter().map(|c| c.id).collect();
            match (jfif, adobe_transform) {
                (true, _) => ColourModel::YCbCr,
                (false, Some(0)) => ColourModel::Rgb,
                (false, Some(_)) => ColourModel::YCbCr,
                (false, None) if ids == b"RGB" => ColourModel::Rgb,
                (false, None) => ColourModel::YCbCr,
            }
        }
        4 => ColourModel::Cmyk {
            inverted: adobe_transform.is_some(),
            ycck: adobe_transform == Some(2),
        },
        _ => return Err(HeaderError::Unsupported("an unusual number of components")),
    })
}
