//! YUV to RGB with the matrix and range the video's own parameter sets name, as
//! players do. (OpenH264's converter knows only BT.601: an HD video tagged BT.709, as
//! generated videos are, came out a little off in hue, and a story that starts each
//! shot from the last one's frame would drift further with every shot.)

use image::RgbImage;

/// The YUV-to-RGB matrix (H.264 `matrix_coefficients`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Matrix {
    Bt601,
    Bt709,
    Bt2020,
}

/// How a track's pictures are to be turned into RGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Colours {
    pub matrix: Matrix,
    /// 0–255 luma instead of 16–235.
    pub full_range: bool,
}

impl Colours {
    /// From the stream's video signal description; untagged is BT.601 studio range,
    /// as ffmpeg reads it.
    pub fn from_signal(matrix_coefficients: Option<u8>, full_range: bool) -> Colours {
        let matrix = match matrix_coefficients {
            Some(1) => Matrix::Bt709,
            Some(9 | 10) => Matrix::Bt2020,
            _ => Matrix::Bt601,
        };
        Colours { matrix, full_range }
    }
}

/// One decoded 4:2:0 picture, copied out of the decoder.
#[derive(Debug, Default)]
pub(super) struct Planes {
    pub width: usize,
    pub height: usize,
    pub y: Vec<u8>,
    pub u: Vec<u8>,
    pub v: Vec<u8>,
    /// Bytes per row of `y`, and of `u` and `v`.
    pub y_stride: usize,
    pub uv_stride: usize,
}

impl Planes {
    /// Whether the planes hold every sample the picture's size needs.
    fn whole(&self) -> bool {
        let (cw, ch) = (self.width.div_ceil(2), self.height.div_ceil(2));
        self.width > 0
            && self.height > 0
            && self.y_stride >= self.width
            && self.uv_stride >= cw
            && self.y.len() >= self.y_stride * (self.height - 1) + self.width
            && self.u.len() >= self.uv_stride * (ch - 1) + cw
            && self.v.len() >= self.uv_stride * (ch - 1) + cw
    }

    /// The picture as RGB (each chroma sample covers its 2×2 block), `None` when the
    /// planes are short of the size they claim.
    pub fn to_rgb(&self, colours: Colours) -> Option<RgbImage> {
        if !self.whole() {
            return None;
        }
        let (kr, kb) = match colours.matrix {
            Matrix::Bt601 => (0.299, 0.114),
            Matrix::Bt709 => (0.2126, 0.0722),
            Matrix::Bt2020 => (0.2627, 0.0593),
        };
        let kg = 1.0 - kr - kb;
        let (y_offset, y_scale, c_scale) = if colours.full_range {
            (0.0, 1.0, 1.0)
        } else {
            (16.0, 255.0 / 219.0, 255.0 / 224.0)
        };
        let rv = 2.0 * (1.0 - kr) * c_scale;
        let bu = 2.0 * (1.0 - kb) * c_scale;
        let gu = -2.0 * kb * (1.0 - kb) / kg * c_scale;
        let gv = -2.0 * kr * (1.0 - kr) / kg * c_scale;
        let to_byte = |value: f32| value.round().clamp(0.0, 255.0) as u8;
        let mut rgb = vec![0u8; self.width * self.height * 3];
        for (row, out) in rgb.chunks_exact_mut(self.width * 3).enumerate() {
            let luma = &self.y[row * self.y_stride..][..self.width];
            let u = &self.u[row / 2 * self.uv_stride..];
            let v = &self.v[row / 2 * self.uv_stride..];
            for (x, (pixel, &y)) in out.chunks_exact_mut(3).zip(luma).enumerate() {
                let y = (f32::from(y) - y_offset) * y_scale;
                let cb = f32::from(u[x / 2]) - 128.0;
                let cr = f32::from(v[x / 2]) - 128.0;
                pixel[0] = to_byte(y + rv * cr);
                pixel[1] = to_byte(y + gu * cb + gv * cr);
                pixel[2] = to_byte(y + bu * cb);
            }
        }
        RgbImage::from_raw(self.width as u32, self.height as u32, rgb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(y: u8, u: u8, v: u8) -> Planes {
        Planes {
            width: 3,
            height: 3,
            y: vec![y; 9],
            u: vec![u; 4],
            v: vec![v; 4],
            y_stride: 3,
            uv_stride: 2,
        }
    }

    fn pixel(planes: &Planes, colours: Colours) -> [u8; 3] {
        planes.to_rgb(colours).unwrap().get_pixel(2, 2).0
    }

    #[test]
    fn studio_and_full_range_greys_span_black_to_white() {
        let studio = Colours::from_signal(None, false);
        assert_eq!(pixel(&flat(16, 128, 128), studio), [0, 0, 0]);
        assert_eq!(pixel(&flat(235, 128, 128), studio), [255, 255, 255]);
        let full = Colours::from_signal(Some(1), true);
        assert_eq!(pixel(&flat(0, 128, 128), full), [0, 0, 0]);
        assert_eq!(pixel(&flat(255, 128, 128), full), [255, 255, 255]);
    }

    #[test]
    fn the_named_matrix_is_used() {
        // Studio-range pure red in each matrix (Rec. 601 and Rec. 709 tables).
        let bt601 = Colours::from_signal(Some(6), false);
        let bt709 = Colours::from_signal(Some(1), false);
        let red = |[r, g, b]: [u8; 3]| r >= 253 && g <= 2 && b <= 2;
        assert!(red(pixel(&flat(81, 90, 240), bt601)));
        assert!(red(pixel(&flat(63, 102, 240), bt709)));
        // The same samples read with the other matrix are visibly another red.
        let [r, g, b] = pixel(&flat(63, 102, 240), bt601);
        assert!(r < 250 && (g > 0 || b > 0), "{r} {g} {b}");
        assert_eq!(Colours::from_signal(Some(9), false).matrix, Matrix::Bt2020);
        assert_eq!(Colours::from_signal(Some(2), false).matrix, Matrix::Bt601);
    }

    #[test]
    fn planes_short_of_their_size_give_nothing() {
        let mut short = flat(16, 128, 128);
        short.v.pop();
        assert!(short.to_rgb(Colours::from_signal(None, false)).is_none());
        let empty = Planes::default();
        assert!(empty.to_rgb(Colours::from_signal(None, false)).is_none());
    }
}
