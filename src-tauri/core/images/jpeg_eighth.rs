//! The 1/8-scale picture of a baseline JPEG, read from each 8×8 block's DC
//! coefficient alone. A block's DC term is its average, which is exactly its
//! pixel at 1/8 scale, so no IDCT runs and the 63 AC coefficients are skipped
//! without being stored. This is the thumbnail's hot path: a 24 MP photo
//! becomes 750×500, and entropy decoding is nearly all the work left.
//!
//! Anything out of the ordinary (progressive or arithmetic coding, 12-bit,
//! CMYK, one scan per component, a stream that ends early or does not parse)
//! gives `None`, and the general decoder takes over with its own messages.

/// 8-bit pixels, RGB when `channels` is 3 and grey when it is 1.
pub(crate) struct Eighth {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub pixels: Vec<u8>,
}

/// `jpeg` decoded at 1/8 scale: `ceil(width / 8)` × `ceil(height / 8)` pixels.
pub(crate) fn decode_eighth(jpeg: &[u8]) -> Option<Eighth> {
    let mut tables = Tables::default();
    let mut pos = 2;
    if jpeg.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    loop {
        let marker = next_marker(jpeg, &mut pos)?;
        match marker {
            0xC0 | 0xC1 => tables.frame = Some(Frame::parse(segment(jpeg, &mut pos)?)?),
            0xC4 => tables.add_huffman(segment(jpeg, &mut pos)?)?,
            0xDB => tables.add_quant(segment(jpeg, &mut pos)?)?,
            0xDD => tables.restart_interval = usize::from(be16(segment(jpeg, &mut pos)?, 0)?),
            0xE0 => tables.jfif |= segment(jpeg, &mut pos)?.starts_with(b"JFIF\0"),
            0xEE => {
                let adobe = segment(jpeg, &mut pos)?;
                if adobe.starts_with(b"Adobe") {
                    tables.adobe_transform = Some(*adobe.get(11)?);
                }
            }
            0xDA => {
                let scan = Scan::parse(segment(jpeg, &mut pos)?, tables.frame.as_ref()?)?;
                return decode_scan(&tables, &scan, &jpeg[pos..]);
            }
            // Other frame kinds, DNL, stray RST/SOI/EOI: not for this decoder.
            0xC2..=0xCF | 0xD0..=0xD9 | 0xDC | 0x01 => return None,
            _ => {
                segment(jpeg, &mut pos)?;
            }
        }
    }
}

/// Skips fill bytes and returns the marker code after them.
fn next_marker(jpeg: &[u8], pos: &mut usize) -> Option<u8> {
    if *jpeg.get(*pos)? != 0xFF {
        return None;
    }
    while *jpeg.get(*pos)? == 0xFF {
        *pos += 1;
    }
    *pos += 1;
    Some(jpeg[*pos - 1])
}

/// The payload of the segment at `pos` (after its length field).
fn segment<'a>(jpeg: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let len = usize::from(be16(jpeg, *pos)?);
    let payload = jpeg.get(*pos + 2..*pos + len.checked_sub(2)? + 2)?;
    *pos += len;
    Some(payload)
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]))
}

struct Component {
    id: u8,
    h: usize,
    v: usize,
    quant: usize,
}

struct Frame {
    width: usize,
    height: usize,
    components: Vec<Component>,
}

impl Frame {
    fn parse(p: &[u8]) -> Option<Frame> {
        let (precision, height, width) = (*p.first()?, be16(p, 1)?, be16(p, 3)?);
        let count = usize::from(*p.get(5)?);
        if precision != 8 || height == 0 || width == 0 || !(count == 1 || count == 3) {
            return None;
        }
        let components = (0..count)
            .map(|i| {
                let c = p.get(6 + 3 * i..9 + 3 * i)?;
                let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
                let ok = (1..=4).contains(&h) && (1..=4).contains(&v) && c[2] < 4;
                ok.then_some(Component {
                    id: c[0],
                    h,
                    v,
                    quant: usize::from(c[2]),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Frame {
            width: usize::from(width),
            height: usize::from(height),
            components,
        })
    }

    fn max_h(&self) -> usize {
        self.components.iter().map(|c| c.h).max().unwrap_or(1)
    }

    fn max_v(&self) -> usize {
        self.components.iter().map(|c| c.v).max().unwrap_or(1)
    }

    /// The colour model, decided as libjpeg and jpeg-decoder do.
    fn is_rgb(&self, tables: &Tables) -> Option<bool> {
        let ids: Vec<u8> = self.components.iter().map(|c| c.id).collect();
        match ids[..] {
            [_] | [1, 2, 3] => Some(false),
            [82, 71, 66] => Some(true),
            [1, 34, 35] | [114, 103, 98] => None,
            _ if tables.jfif => Some(false),
            _ => match tables.adobe_transform {
                Some(0) => Some(true),
                None | Some(1) => Some(false),
                Some(_) => None,
            },
        }
    }
}

/// One component of the scan: which frame component, and its Huffman tables.
struct ScanComponent {
    index: usize,
    dc: usize,
    ac: usize,
}

struct Scan {
    components: Vec<ScanComponent>,
}

impl Scan {
    /// Only a single scan carrying every component, as baseline encoders write.
    fn parse(p: &[u8], frame: &Frame) -> Option<Scan> {
        let count = usize::from(*p.first()?);
        if count != frame.components.len() {
            return None;
        }
        let mut components: Vec<ScanComponent> = Vec::with_capacity(count);
        for i in 0..count {
            let c = p.get(1 + 2 * i..3 + 2 * i)?;
            let index = frame.components.iter().position(|f| f.id == c[0])?;
            if components.iter().any(|s| s.index == index) {
                return None;
            }
            let (dc, ac) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
            if dc > 3 || ac > 3 {
                return None;
            }
            components.push(ScanComponent { index, dc, ac });
        }
        let spectral = p.get(1 + 2 * count..4 + 2 * count)?;
        (spectral == [0, 63, 0]).then_some(Scan { components })
    }
}

#[derive(Default)]
struct Tables {
    frame: Option<Frame>,
    /// The DC entry of each quantisation table (the only one this decoder needs).
    quant_dc: [Option<u16>; 4],
    dc: [Option<Box<Huffman>>; 4],
    ac: [Option<Box<Huffman>>; 4],
    restart_interval: usize,
    jfif: bool,
    adobe_transform: Option<u8>,
}

impl Tables {
    fn add_huffman(&mut self, mut p: &[u8]) -> Option<()> {
        while let [class_and_id, rest @ ..] = p {
            let (class, id) = (class_and_id >> 4, usize::from(class_and_id & 15));
            let counts: &[u8; 16] = rest.get(..16)?.try_into().ok()?;
            let total = counts.iter().map(|&n| usize::from(n)).sum::<usize>();
            let values = rest.get(16..16 + total)?;
            let table = Box::new(Huffman::new(counts, values, class == 1)?);
            match (class, id) {
                (0, 0..=3) => self.dc[id] = Some(table),
                (1, 0..=3) => self.ac[id] = Some(table),
                _ => return None,
            }
            p = &rest[16 + total..];
        }
        Some(())
    }

    fn add_quant(&mut self, mut p: &[u8]) -> Option<()> {
        while let [precision_and_id, rest @ ..] = p {
            let (wide, id) = (precision_and_id >> 4, usize::from(precision_and_id & 15));
            let len = if wide == 0 { 64 } else { 128 };
            let first = match wide {
                0 => u16::from(*rest.first()?),
                1 => be16(rest, 0)?,
                _ => return None,
            };
            *self.quant_dc.get_mut(id)? = Some(first);
            p = rest.get(len..)?;
        }
        Some(())
    }
}

/// Codes up to this long are decoded with one table lookup.
const LUT_BITS: u32 = 10;
const LUT_MASK: usize = (1 << LUT_BITS) - 1;
/// In an AC table's lookup entry: the block ends here.
const END_OF_BLOCK: u32 = 1 << 16;

/// A Huffman table. Its lookup is indexed by the next `LUT_BITS` bits; 0 means
/// "longer code (or a symbol needing care): take the slow path". A DC entry is
/// `code length | symbol << 8`. An AC entry already knows how to *skip* the
/// coefficient: `bits to drop (code and value) | zig-zag steps << 8`, or
/// `code length | END_OF_BLOCK`.
struct Huffman {
    lut: [u32; 1 << LUT_BITS],
    /// Largest code of each length, -1 when there is none.
    max_code: [i32; 17],
    /// Added to a code of each length to index `values`.
    value_offset: [i32; 17],
    values: Vec<u8>,
}

impl Huffman {
    fn new(counts: &[u8; 16], values: &[u8], ac: bool) -> Option<Huffman> {
        let mut table = Huffman {
            lut: [0; 1 << LUT_BITS],
            max_code: [-1; 17],
            value_offset: [0; 17],
            values: values.to_vec(),
        };
        let (mut code, mut k) = (0u32, 0usize);
        for len in 1..=16u32 {
            let n = usize::from(counts[len as usize - 1]);
            table.value_offset[len as usize] = k as i32 - code as i32;
            for _ in 0..n {
                if code >= 1 << len {
                    return None;
                }
                if len <= LUT_BITS {
                    let entry = lookup_entry(len, values[k], ac);
                    let shift = LUT_BITS - len;
                    table.lut[(code << shift) as usize..((code + 1) << shift) as usize].fill(entry);
                }
                code += 1;
                k += 1;
            }
            if n > 0 {
                table.max_code[len as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        Some(table)
    }

    /// The next symbol, its code consumed. Needs at least 16 bits buffered.
    #[inline(always)]
    fn decode(&self, bits: &mut Bits) -> Option<u32> {
        let entry = self.lut[bits.peek(LUT_BITS) as usize & LUT_MASK];
        if entry != 0 {
            bits.consume(entry & 0xFF);
            return Some(entry >> 8);
        }
        self.decode_slow(bits)
    }

    #[cold]
    fn decode_slow(&self, bits: &mut Bits) -> Option<u32> {
        for len in 1..=16u32 {
            let code = bits.peek(len) as i32;
            if code <= self.max_code[len as usize] {
                bits.consume(len);
                let at = usize::try_from(code + self.value_offset[len as usize]).ok()?;
                return self.values.get(at).map(|&s| u32::from(s));
            }
        }
        None
    }
}

fn lookup_entry(len: u32, symbol: u8, ac: bool) -> u32 {
    let (run, size) = (u32::from(symbol >> 4), u32::from(symbol & 15));
    match (ac, symbol) {
        (false, 0..=11) => len | u32::from(symbol) << 8,
        (false, _) => 0,
        (true, 0x00) => len | END_OF_BLOCK,
        (true, 0xF0) => len | 16 << 8,
        (true, _) if size == 0 || size > 10 => 0,
        (true, _) => (len + size) | (run + 1) << 8,
    }
}

/// The entropy-coded bits, MSB first, with byte stuffing removed. At a marker
/// or the end of the data it feeds zeros and counts them, so a stream that
/// ends early is noticed instead of read past.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u64,
    count: u32,
    fed_zeros: u32,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8]) -> Self {
        Bits {
            data,
            pos: 0,
            buf: 0,
            count: 0,
            fed_zeros: 0,
        }
    }

    /// Tops the buffer up to at least 56 bits. Eight bytes without 0xFF (the
    /// usual case) go in at once; the extra bits that lands below `count` are
    /// the following bytes' own bits, so loading them again later is harmless.
    #[inline(always)]
    fn refill(&mut self) {
        if let Some(next) = self.data.get(self.pos..self.pos + 8) {
            let word = u64::from_be_bytes(next.try_into().unwrap_or_default());
            if !has_ff_byte(word) {
                self.buf |= word >> self.count;
                self.pos += ((63 - self.count) >> 3) as usize;
                self.count |= 56;
                return;
            }
        }
        self.refill_bytewise();
    }

    #[cold]
    fn refill_bytewise(&mut self) {
        while self.count <= 56 {
            let byte = match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
                (Some(0xFF), Some(0x00)) => {
                    self.pos += 2;
                    0xFF
                }
                (Some(0xFF), _) | (None, _) => {
                    self.fed_zeros += 8;
                    0
                }
                (Some(&b), _) => {
                    self.pos += 1;
                    b
                }
            };
            self.buf |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    #[inline(always)]
    fn ensure(&mut self, bits: u32) {
        if self.count < bits {
            self.refill();
        }
    }

    #[inline(always)]
    fn peek(&self, n: u32) -> u32 {
        (self.buf >> (64 - n)) as u32
    }

    #[inline(always)]
    fn consume(&mut self, n: u32) {
        self.buf <<= n;
        self.count -= n;
    }

    /// Whether decoding used any of the zeros fed past the data's end.
    fn overran(&self) -> bool {
        self.fed_zeros > self.count
    }

    /// Steps over the RSTn marker that ends a restart interval.
    fn restart(&mut self) -> Option<()> {
        if self.overran() {
            return None;
        }
        let mut pos = self.pos;
        while self.data.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        if pos == self.pos || !(0xD0..=0xD7).contains(self.data.get(pos)?) {
            return None;
        }
        *self = Bits::new(&self.data[pos + 1..]);
        Some(())
    }
}

fn has_ff_byte(word: u64) -> bool {
    let inverted = !word;
    (inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080) != 0
}

/// `bits` raw bits read as a signed JPEG value (the "EXTEND" procedure).
#[inline(always)]
fn extend(raw: u32, bits: u32) -> i32 {
    if raw < 1 << (bits - 1) {
        raw as i32 - (1 << bits) + 1
    } else {
        raw as i32
    }
}

/// One block: returns the DC difference and skips the AC coefficients.
#[inline(always)]
fn block(bits: &mut Bits, dc: &Huffman, ac: &Huffman) -> Option<i32> {
    bits.ensure(32);
    let size = dc.decode(bits)?;
    let diff = match size {
        0 => 0,
        1..=11 => {
            let raw = bits.peek(size);
            bits.consume(size);
            extend(raw, size)
        }
        _ => return None,
    };
    let mut k = 1;
    while k < 64 {
        bits.ensure(32);
        let entry = ac.lut[bits.peek(LUT_BITS) as usize & LUT_MASK];
        if entry != 0 {
            bits.consume(entry & 0xFF);
            if entry & END_OF_BLOCK != 0 {
                return Some(diff);
            }
            k += (entry >> 8) & 0xFF;
            continue;
        }
        let symbol = ac.decode_slow(bits)?;
        match (symbol >> 4, symbol & 15) {
            (0, 0) => return Some(diff),
            (15, 0) => k += 16,
            (_, 0) | (_, 11..) => return None,
            (run, size) => {
                bits.consume(size);
                k += run + 1;
            }
        }
    }
    (k == 64).then_some(diff)
}

/// DC samples of one component, one per block, already as 8-bit pixels.
struct Plane {
    stride: usize,
    samples: Vec<u8>,
}

fn decode_scan(tables: &Tables, scan: &Scan, data: &[u8]) -> Option<Eighth> {
    let frame = tables.frame.as_ref()?;
    let single = frame.components.len() == 1;
    // A lone component is coded block by block, whatever its sampling factors.
    let (max_h, max_v) = if single {
        (1, 1)
    } else {
        (frame.max_h(), frame.max_v())
    };
    let mcus_x = frame.width.div_ceil(8 * max_h);
    let mcus_y = frame.height.div_ceil(8 * max_v);
    let layout = |c: &Component| if single { (1, 1) } else { (c.h, c.v) };
    if !data_can_hold(scan, frame, mcus_x * mcus_y, data.len(), layout) {
        return None;
    }
    let mut planes: Vec<Plane> = frame
        .components
        .iter()
        .map(|c| {
            let (h, v) = layout(c);
            Plane {
                stride: mcus_x * h,
                samples: vec![0; mcus_x * h * mcus_y * v],
            }
        })
        .collect();
    let coded: Vec<_> = scan
        .components
        .iter()
        .map(|s| {
            let c = &frame.components[s.index];
            let quant = i32::from(tables.quant_dc[c.quant]?);
            let tables = (tables.dc[s.dc].as_deref()?, tables.ac[s.ac].as_deref()?);
            Some((s.index, layout(c), quant, tables))
        })
        .collect::<Option<_>>()?;
    let mut predictions = [0i32; 3];
    let mut bits = Bits::new(data);
    for mcu in 0..mcus_x * mcus_y {
        if tables.restart_interval > 0 && mcu > 0 && mcu % tables.restart_interval == 0 {
            bits.restart()?;
            predictions = [0; 3];
        }
        let (mx, my) = (mcu % mcus_x, mcu / mcus_x);
        for &(index, (h, v), quant, (dc, ac)) in &coded {
            let plane = &mut planes[index];
            for by in 0..v {
                for bx in 0..h {
                    predictions[index] += block(&mut bits, dc, ac)?;
                    let at = (my * v + by) * plane.stride + mx * h + bx;
                    plane.samples[at] = dc_pixel(predictions[index], quant);
                }
            }
        }
    }
    if bits.overran() {
        return None;
    }
    let rgb = frame.is_rgb(tables)?;
    Some(assemble(frame, &planes, (max_h, max_v), layout, rgb))
}

/// Every block takes at least two bits (a DC code and an end-of-block code). A header
/// promising more blocks than the data can hold is refused before the planes are
/// allocated: a file of a few hundred bytes must not reserve hundreds of megabytes.
fn data_can_hold(
    scan: &Scan,
    frame: &Frame,
    mcus: usize,
    data_len: usize,
    layout: impl Fn(&Component) -> (usize, usize),
) -> bool {
    let per_mcu: usize = scan
        .components
        .iter()
        .map(|s| {
            let (h, v) = layout(&frame.components[s.index]);
            h * v
        })
        .sum();
    mcus.saturating_mul(per_mcu) <= data_len.saturating_mul(4)
}

/// The block's average as a pixel, rounded as jpeg-decoder's 1×1 IDCT does.
#[inline(always)]
fn dc_pixel(dc: i32, quant: i32) -> u8 {
    ((dc.saturating_mul(quant).saturating_add(1024)) / 8).clamp(0, 255) as u8
}

/// The output picture, chroma planes stretched to the luma grid.
fn assemble(
    frame: &Frame,
    planes: &[Plane],
    (max_h, max_v): (usize, usize),
    layout: impl Fn(&Component) -> (usize, usize),
    rgb: bool,
) -> Eighth {
    let (width, height) = (frame.width.div_ceil(8), frame.height.div_ceil(8));
    let channels = planes.len();
    let mut pixels = Vec::with_capacity(width * height * channels);
    let columns: Vec<Vec<usize>> = frame
        .components
        .iter()
        .map(|c| (0..width).map(|x| x * layout(c).0 / max_h).collect())
        .collect();
    for y in 0..height {
        let rows: Vec<&[u8]> = frame
            .components
            .iter()
            .zip(planes)
            .map(|(c, p)| {
                let row = y * layout(c).1 / max_v;
                &p.samples[row * p.stride..(row + 1) * p.stride]
            })
            .collect();
        for x in 0..width {
            if channels == 1 {
                pixels.push(rows[0][x]);
                continue;
            }
            let sample = |c: usize| rows[c][columns[c][x]];
            let (a, b, c) = (sample(0), sample(1), sample(2));
            pixels.extend_from_slice(&if rgb {
                [a, b, c]
            } else {
                ycbcr_to_rgb(a, b, c)
            });
        }
    }
    Eighth {
        width: width as u32,
        height: height as u32,
        channels: channels as u8,
        pixels,
    }
}

/// JFIF's YCbCr → RGB in 20-bit fixed point, as jpeg-decoder computes it.
fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    const SHIFT: u32 = 20;
    let fixed = |x: f32| (x * (1 << SHIFT) as f32 + 0.5) as i32;
    let y = (i32::from(y) << SHIFT) + (1 << (SHIFT - 1));
    let (cb, cr) = (i32::from(cb) - 128, i32::from(cr) - 128);
    let clamp = |v: i32| (v >> SHIFT).clamp(0, 255) as u8;
    [
        clamp(y + fixed(1.402) * cr),
        clamp(y - fixed(0.34414) * cb - fixed(0.71414) * cr),
        clamp(y + fixed(1.772) * cb),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

    /// Gradients, a slow wave and pixel noise: the noise fills the AC
    /// coefficients with values of every size, and averages out at 1/8 scale,
    /// where the picture is smooth enough that chroma stretching methods agree.
    fn photo(w: u32, h: u32) -> Vec<u8> {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut px = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let noise = (seed % 41) as i32 - 20;
                let wave = ((x as f32 / 60.0).sin() * (y as f32 / 45.0).cos() * 50.0) as i32;
                px.push((x * 255 / w) as i32 + wave + noise);
                px.push((y * 255 / h) as i32 - wave + noise);
                px.push(((x + y) * 255 / (w + h)) as i32 + noise);
            }
        }
        px.into_iter().map(|v| v.clamp(0, 255) as u8).collect()
    }

    struct Options {
        size: (u16, u16),
        color: ColorType,
        sampling: SamplingFactor,
        restart: Option<u16>,
        progressive: bool,
    }

    impl Default for Options {
        fn default() -> Self {
            Options {
                size: (640, 480),
                color: ColorType::Rgb,
                sampling: SamplingFactor::F_2_2,
                restart: None,
                progressive: false,
            }
        }
    }

    fn jpeg(o: Options) -> Vec<u8> {
        let (w, h) = o.size;
        let rgb = photo(u32::from(w), u32::from(h));
        let pixels: Vec<u8> = match o.color {
            ColorType::Luma => rgb.chunks(3).map(|p| p[1]).collect(),
            ColorType::Cmyk => rgb.chunks(3).flat_map(|p| [p[0], p[1], p[2], 0]).collect(),
            _ => rgb,
        };
        let mut out = Vec::new();
        let mut encoder = Encoder::new(&mut out, 90);
        encoder.set_sampling_factor(o.sampling);
        encoder.set_progressive(o.progressive);
        if let Some(interval) = o.restart {
            encoder.set_restart_interval(interval);
        }
        encoder.encode(&pixels, w, h, o.color).expect("encode");
        out
    }

    /// What the general decoder makes of `jpeg` at 1/8 scale.
    fn reference(jpeg: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut decoder = jpeg_decoder::Decoder::new(jpeg);
        decoder.read_info().expect("info");
        let info = decoder.info().expect("info");
        let w = u32::from(info.width).div_ceil(8);
        decoder.scale(w as u16, u16::MAX).expect("scale");
        let pixels = decoder.decode().expect("decode");
        let info = decoder.info().expect("info");
        (u32::from(info.width), u32::from(info.height), pixels)
    }

    /// Mean and largest difference per sample against the general decoder.
    fn difference(o: Options) -> (f64, u8) {
        let bytes = jpeg(o);
        let ours = decode_eighth(&bytes).expect("a baseline JPEG takes the fast path");
        let (w, h, theirs) = reference(&bytes);
        assert_eq!((ours.width, ours.height), (w, h));
        assert_eq!(ours.pixels.len(), theirs.len());
        let diffs = ours.pixels.iter().zip(&theirs).map(|(a, b)| a.abs_diff(*b));
        let max = diffs.clone().max().unwrap_or(0);
        let mean = diffs.map(f64::from).sum::<f64>() / theirs.len() as f64;
        (mean, max)
    }

    #[test]
    fn full_resolution_chroma_and_grey_match_the_general_decoder() {
        for size in [(640, 480), (333, 251), (7, 9)] {
            for color in [ColorType::Rgb, ColorType::Luma] {
                let o = Options {
                    size,
                    color,
                    sampling: SamplingFactor::F_1_1,
                    ..Options::default()
                };
                // Its colour conversion may round the other way (SIMD).
                let (mean, max) = difference(o);
                assert!(mean < 0.01 && max <= 1, "{size:?} {color:?}: {mean} {max}");
            }
        }
    }

    #[test]
    fn subsampled_chroma_stays_within_a_shade_of_the_general_decoder() {
        let layouts = [
            SamplingFactor::F_2_1,
            SamplingFactor::F_2_2,
            SamplingFactor::F_1_2,
        ];
        for sampling in layouts {
            for size in [(640, 480), (333, 251)] {
                let (mean, max) = difference(Options {
                    size,
                    sampling,
                    ..Options::default()
                });
                // Only the way chroma is stretched differs (repeated here,
                // interpolated there): about a quarter of the step between two
                // chroma samples. A block out of place would be far off.
                assert!(
                    mean < 2.5 && max < 16,
                    "{sampling:?} {size:?}: {mean} {max}"
                );
            }
        }
    }

    #[test]
    fn restart_intervals_are_followed() {
        for restart in [1, 3, 7] {
            let (mean, max) = difference(Options {
                size: (333, 251),
                sampling: SamplingFactor::F_1_1,
                restart: Some(restart),
                ..Options::default()
            });
            assert!(
                mean < 0.01 && max <= 1,
                "restart every {restart}: {mean} {max}"
            );
        }
    }

    #[test]
    fn progressive_cmyk_and_one_scan_per_component_are_left_to_the_general_decoder() {
        let progressive = jpeg(Options {
            progressive: true,
            ..Options::default()
        });
        assert!(decode_eighth(&progressive).is_none());
        let cmyk = jpeg(Options {
            color: ColorType::Cmyk,
            ..Options::default()
        });
        assert!(decode_eighth(&cmyk).is_none());
        // This encoder writes 4:1:1 as three scans, one per component.
        let separate_scans = jpeg(Options {
            sampling: SamplingFactor::F_4_1,
            ..Options::default()
        });
        assert!(decode_eighth(&separate_scans).is_none());
        assert!(jpeg_decoder::Decoder::new(&separate_scans[..])
            .decode()
            .is_ok());
    }

    #[test]
    fn a_stream_that_ends_early_is_not_padded_into_a_picture() {
        let whole = jpeg(Options::default());
        for keep in [whole.len() / 2, whole.len() - 200] {
            assert!(decode_eighth(&whole[..keep]).is_none(), "cut at {keep}");
        }
        let restarts = jpeg(Options {
            restart: Some(2),
            ..Options::default()
        });
        assert!(decode_eighth(&restarts[..restarts.len() / 2]).is_none());
    }

    #[test]
    fn damaged_bytes_give_a_picture_or_none_never_a_panic() {
        let whole = jpeg(Options {
            size: (200, 120),
            restart: Some(4),
            ..Options::default()
        });
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2000 {
            let mut damaged = whole.clone();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed % damaged.len() as u64) as usize;
                damaged[at] = (seed >> 32) as u8;
            }
            if let Some(e) = decode_eighth(&damaged) {
                assert_eq!(
                    e.pixels.len(),
                    (e.width * e.height * u32::from(e.channels)) as usize
                );
            }
        }
    }

    #[test]
    fn ff_bytes_are_found_in_any_position() {
        assert!(!has_ff_byte(0x0102_0304_0506_07FE));
        for shift in (0..64).step_by(8) {
            assert!(has_ff_byte(0xFFu64 << shift), "byte at {shift}");
            assert!(has_ff_byte(
                (0xFFu64 << shift) | 0x0101_0101_0101_0101 & !(0xFFu64 << shift)
            ));
        }
    }
}
