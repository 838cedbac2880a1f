//! What the windowed compositor does with a frame (iced_tiny_skia's own steps): diff the
//! layers with the last frame, group the damage, repaint only that region of the kept pixels.
//! The window benchmark times it; the repaint test compares it with a full repaint.
#![allow(dead_code)]

use iced::{Color, Size};

pub struct Compositor {
    size: Size,
    /// The last frame's layers, and its pixels as the window keeps them.
    last: Option<Vec<iced_tiny_skia::Layer>>,
    pub pixels: Vec<u8>,
    mask: tiny_skia::Mask,
}

impl Compositor {
    pub fn new(size: Size) -> Compositor {
        let (w, h) = (size.width as u32, size.height as u32);
        Compositor {
            size,
            last: None,
            pixels: vec![0; (w * h * 4) as usize],
            mask: tiny_skia::Mask::new(w, h).expect("a mask"),
        }
    }

    /// Repaints what changed since the last frame drawn into `renderer` (all of it the first
    /// time) into the kept pixels.
    pub fn repaint(&mut self, renderer: &mut iced::Renderer) {
        let (w, h) = (self.size.width as u32, self.size.height as u32);
        let viewport =
            iced_test::renderer::graphics::Viewport::with_physical_size(Size::new(w, h), 1.0);
        let full = iced::Rectangle::with_size(self.size);
        let current = renderer.layers().to_vec();
        let damage = match &self.last {
            Some(last) => iced_test::renderer::graphics::damage::diff(
                last,
                &current,
                |l| vec![l.bounds],
                iced_tiny_skia::Layer::damage,
            ),
            None => vec![full],
        };
        if !damage.is_empty() {
            let damage = iced_test::renderer::graphics::damage::group(damage, full);
            let mut pixmap = tiny_skia::PixmapMut::from_bytes(&mut self.pixels, w, h)
                .expect("a pixmap of the window's size");
            renderer.draw(
                &mut pixmap,
                &mut self.mask,
                &viewport,
                &damage,
                Color::WHITE,
            );
        }
        self.last = Some(current);
    }
}
