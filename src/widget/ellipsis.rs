//! One line of text that ends in "…" when it does not fit, instead of being clipped mid-letter.
//! iced 0.14 has no ellipsis of its own. The cut is found by measuring (a binary search over the
//! text's character boundaries) and kept in the widget's state until the text or the width
//! changes, so a list row scrolled past is not measured again.

use iced::advanced::layout::{self, Layout};
use iced::advanced::renderer;
use iced::advanced::text::{self, Paragraph as _};
use iced::advanced::widget::{self, Tree, Widget, tree};
use iced::{Color, Element, Font, Length, Pixels, Point, Rectangle, Size, Theme, mouse};
use std::borrow::Cow;

/// A line of text cut with an ellipsis to the width it is given.
pub struct Ellipsis<'a> {
    content: Cow<'a, str>,
    font: Font,
    size: Pixels,
    width: Length,
    /// Takes only the width its text needs (within what it is given), so what follows it in a
    /// row stands right after it.
    hug: bool,
    color: Option<fn(&Theme) -> Color>,
}

/// `content` on one line, cut with "…" to fit.
pub fn ellipsis<'a>(content: impl Into<Cow<'a, str>>) -> Ellipsis<'a> {
    Ellipsis {
        content: content.into(),
        font: crate::theme::FONT,
        size: Pixels(crate::theme::TEXT_SIZE),
        width: Length::Fill,
        hug: false,
        color: None,
    }
}

impl Ellipsis<'_> {
    pub fn font(mut self, font: Font) -> Self {
        self.font = font;
        self
    }

    pub fn size(mut self, size: impl Into<Pixels>) -> Self {
        self.size = size.into();
        self
    }

    pub fn width(mut self, width: impl Into<Length>) -> Self {
        self.width = width.into();
        self
    }

    /// Laid out after the fixed-width parts of a row (it gives way to them), but only as wide
    /// as its text: a name followed by an address that must never be cut.
    pub fn hug(mut self) -> Self {
        self.width = Length::Fill;
        self.hug = true;
        self
    }

    /// The colour, from the theme (the theme's text colour when unset).
    pub fn color(mut self, color: fn(&Theme) -> Color) -> Self {
        self.color = Some(color);
        self
    }
}

struct State<P> {
    /// What was measured: the text and the width it had to fit.
    content: String,
    font: Font,
    size: Pixels,
    max_width: f32,
    /// What is shown (the text, or a prefix and "…").
    shown: String,
    paragraph: P,
}

fn paragraph<P: text::Paragraph<Font = Font>>(content: &str, font: Font, size: Pixels) -> P {
    P::with_text(text::Text {
        content,
        bounds: Size::INFINITE,
        size,
        line_height: text::LineHeight::default(),
        font,
        align_x: text::Alignment::Left,
        align_y: iced::alignment::Vertical::Top,
        shaping: text::Shaping::Advanced,
        wrapping: text::Wrapping::None,
    })
}

/// The longest prefix of `content` that fits in `max_width` with "…" after it, measured.
fn cut<P: text::Paragraph<Font = Font>>(
    content: &str,
    font: Font,
    size: Pixels,
    max_width: f32,
) -> (String, P) {
    let whole: P = paragraph(content, font, size);
    if whole.min_bounds().width <= max_width {
        return (content.to_owned(), whole);
    }
    let boundaries: Vec<usize> = content.char_indices().map(|(i, _)| i).collect();
    // Invariant: boundaries[..lo] fit, boundaries[hi..] do not (as prefix lengths).
    let (mut lo, mut hi) = (0usize, boundaries.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate = format!("{}…", content[..boundaries[mid - 1]].trim_end());
        let width = paragraph::<P>(&candidate, font, size).min_bounds().width;
        if width <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let shown = if lo == 0 {
        // Not even "…" fits: nothing, rather than a mark drawn over what follows.
        let mark: P = paragraph("…", font, size);
        if mark.min_bounds().width <= max_width {
            "…".to_owned()
        } else {
            String::new()
        }
    } else {
        format!("{}…", content[..boundaries[lo - 1]].trim_end())
    };
    let p = paragraph(&shown, font, size);
    (shown, p)
}

impl<Message, R> Widget<Message, Theme, R> for Ellipsis<'_>
where
    R: text::Renderer<Font = Font>,
{
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State<R::Paragraph>>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::<R::Paragraph> {
            content: String::new(),
            font: self.font,
            size: self.size,
            max_width: -1.0,
            shown: String::new(),
            paragraph: R::Paragraph::default(),
        })
    }

    fn size(&self) -> Size<Length> {
        Size::new(self.width, Length::Shrink)
    }

    fn layout(&mut self, tree: &mut Tree, _renderer: &R, limits: &layout::Limits) -> layout::Node {
        let state = tree.state.downcast_mut::<State<R::Paragraph>>();
        let max_width = limits.max().width;
        if state.content != *self.content
            || state.max_width != max_width
            || state.font != self.font
            || state.size != self.size
        {
            let (shown, paragraph) = cut(&self.content, self.font, self.size, max_width);
            *state = State {
                content: self.content.to_string(),
                font: self.font,
                size: self.size,
                max_width,
                shown,
                paragraph,
            };
        }
        let natural = state.paragraph.min_bounds();
        let width = match self.width {
            _ if self.hug => natural.width.min(max_width),
            Length::Shrink => natural.width.min(max_width),
            _ => max_width,
        };
        let height = limits.resolve(self.width, Length::Shrink, natural).height;
        layout::Node::new(Size::new(width, height))
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut R,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        _cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        let state = tree.state.downcast_ref::<State<R::Paragraph>>();
        let bounds = layout.bounds();
        let color = self.color.map_or(style.text_color, |c| c(theme));
        let position = Point::new(bounds.x, bounds.y);
        renderer.with_layer(bounds, |renderer| {
            renderer.fill_paragraph(&state.paragraph, position, color, *viewport);
        });
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        _renderer: &R,
        operation: &mut dyn widget::Operation,
    ) {
        let state = tree.state.downcast_ref::<State<R::Paragraph>>();
        operation.text(None, layout.bounds(), &state.shown);
    }
}

impl<'a, Message, R> From<Ellipsis<'a>> for Element<'a, Message, Theme, R>
where
    R: text::Renderer<Font = Font> + 'a,
{
    fn from(e: Ellipsis<'a>) -> Self {
        Element::new(e)
    }
}
