//! Masks on the canvas: each mask's RLE decoded once into a translucent texture
//! of its class colour, cropped to the mask's bounds, and kept per annotation
//! while its counts and colour stay the same. No mask editing.

use super::scene::Scene;
use crate::model::{AnnotationId, Rle, Shape};
use eframe::egui::{self, Color32, ColorImage, TextureHandle, TextureOptions};
use std::collections::HashMap;

/// Alpha of a mask's set pixels.
const MASK_ALPHA: u8 = 110;
/// Masks wider or taller than this are sampled down to it: a texture side any
/// GPU takes.
const MAX_SIDE: u32 = 4096;

/// The texture of one mask and the image rectangle it covers.
pub struct MaskTexture {
    pub texture: TextureHandle,
    /// `[min_x, min_y, max_x, max_y]` in image pixels.
    pub bounds: [f32; 4],
}

struct Entry {
    key: u64,
    mask: MaskTexture,
}

#[derive(Default)]
pub struct MaskTextures {
    generation: u64,
    entries: HashMap<AnnotationId, Entry>,
}

fn key_of(rle: &Rle, color: Color32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let words = [
        rle.height(),
        rle.width(),
        u32::from_le_bytes(color.to_array()),
    ];
    for v in words.iter().chain(rle.counts()) {
        h ^= u64::from(*v);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The mask's set pixels inside its bounds as an image of `color`, sampled
/// down by a whole step when larger than [`MAX_SIDE`]. `None` for an empty
/// mask.
pub fn mask_image(rle: &Rle, color: Color32) -> Option<(ColorImage, [f32; 4])> {
    let [x, y, w, h] = rle.to_bbox();
    if w <= 0.0 || h <= 0.0 {
        return None;
    }
    let (x0, y0, w, h) = (x as u32, y as u32, w as u32, h as u32);
    let step = w.max(h).div_ceil(MAX_SIDE).max(1);
    let (tw, th) = (w.div_ceil(step), h.div_ceil(step));
    // Column-major, as COCO keeps masks.
    let bits = rle.decode();
    let rows = rle.height() as usize;
    let [r, g, b, _] = color.to_array();
    let on = Color32::from_rgba_unmultiplied(r, g, b, MASK_ALPHA);
    let mut pixels = vec![Color32::TRANSPARENT; (tw * th) as usize];
    for ty in 0..th {
        for tx in 0..tw {
            let (ix, iy) = ((x0 + tx * step) as usize, (y0 + ty * step) as usize);
            if bits.get(ix * rows + iy).is_some_and(|&v| v != 0) {
                pixels[(ty * tw + tx) as usize] = on;
            }
        }
    }
    let image = ColorImage::new([tw as usize, th as usize], pixels);
    let bounds = [x0 as f32, y0 as f32, (x0 + w) as f32, (y0 + h) as f32];
    Some((image, bounds))
}

impl MaskTextures {
    /// Textures for the scene's masks, made or kept; `color` gives a class's.
    pub fn refresh(
        &mut self,
        ctx: &egui::Context,
        scene: &Scene,
        color: impl Fn(crate::model::ClassId) -> Color32,
    ) {
        if scene.generation() == self.generation {
            return;
        }
        self.generation = scene.generation();
        let mut old = std::mem::take(&mut self.entries);
        for s in &scene.shapes {
            let Shape::Mask(rle) = &s.shape else {
                continue;
            };
            let c = color(s.class);
            let key = key_of(rle, c);
            let entry = match old.remove(&s.id) {
                Some(e) if e.key == key => Some(e),
                _ => mask_image(rle, c).map(|(image, bounds)| Entry {
                    key,
                    mask: MaskTexture {
                        texture: ctx.load_texture(
                            format!("mask-{}", s.id.0),
                            image,
                            TextureOptions::NEAREST,
                        ),
                        bounds,
                    },
                }),
            };
            if let Some(e) = entry {
                self.entries.insert(s.id, e);
            }
        }
    }

    pub fn get(&self, id: AnnotationId) -> Option<&MaskTexture> {
        self.entries.get(&id).map(|e| &e.mask)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_becomes_its_bounds_in_class_colour() {
        // A 4×3 image (h=3, w=4), column-major: pixels (1,1) and (2,1) set.
        let mut bits = vec![0u8; 12];
        bits[3 + 1] = 1;
        bits[2 * 3 + 1] = 1;
        let rle = Rle::encode(3, 4, &bits).unwrap();
        let (image, bounds) = mask_image(&rle, Color32::RED).unwrap();
        assert_eq!(bounds, [1.0, 1.0, 3.0, 2.0]);
        assert_eq!(image.size, [2, 1]);
        assert!(image.pixels.iter().all(|p| p.a() == MASK_ALPHA));
        let empty = Rle::encode(3, 4, &[0; 12]).unwrap();
        assert!(mask_image(&empty, Color32::RED).is_none());
    }
}
