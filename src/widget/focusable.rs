//! Content the keyboard can reach. iced 0.14 gives the keyboard to text fields only: a toggle,
//! a radio button, a checkbox or a button cannot be reached with Tab, so a screen of them
//! (the settings) could not be used without a mouse. Wrapped in [`focusable`], Tab and
//! Shift+Tab stop on it in order with the text fields (it takes part in iced's own focus
//! operations), a ring drawn around it shows that it has the keyboard, and Space or Enter does
//! what a click does. A click anywhere takes the keyboard away from it, as from a text field.

use iced::advanced::layout::{self, Layout};
use iced::advanced::renderer::{self, Quad};
use iced::advanced::widget::operation::Focusable as FocusState;
use iced::advanced::widget::{Operation, Tree, tree};
use iced::advanced::{Clipboard, Shell, Widget, overlay};
use iced::keyboard::{self, key::Named};
use iced::{Background, Border, Color, Element, Event, Length, Rectangle, Size, Theme, Vector};
use iced::{mouse, touch};

pub struct Focusable<'a, Message, Renderer> {
    content: Element<'a, Message, Theme, Renderer>,
    on_activate: Option<Message>,
}

/// `content`, reachable with Tab; Space or Enter sends `on_activate` (none: a stop with
/// nothing to do, as for a disabled control).
pub fn focusable<'a, Message, Renderer>(
    content: impl Into<Element<'a, Message, Theme, Renderer>>,
    on_activate: Option<Message>,
) -> Focusable<'a, Message, Renderer> {
    Focusable {
        content: content.into(),
        on_activate,
    }
}

/// `b`, pressed by a click, or by Space or Enter once Tab reached it.
pub fn pressed<'a, Message: Clone + 'a>(
    b: iced::widget::Button<'a, Message>,
    m: Message,
) -> Element<'a, Message> {
    focusable(b.on_press(m.clone()), Some(m)).into()
}

#[derive(Debug, Default)]
struct State {
    focused: bool,
}

impl FocusState for State {
    fn is_focused(&self) -> bool {
        self.focused
    }

    fn focus(&mut self) {
        self.focused = true;
    }

    fn unfocus(&mut self) {
        self.focused = false;
    }
}

/// Whether the widget in `tree` has the keyboard (for tests).
pub fn is_focused(tree: &Tree) -> bool {
    tree.state.downcast_ref::<State>().focused
}

fn child<'a>(layout: Layout<'a>) -> Layout<'a> {
    layout.children().next().unwrap_or(layout)
}

impl<Message, Renderer> Widget<Message, Theme, Renderer> for Focusable<'_, Message, Renderer>
where
    Message: Clone,
    Renderer: renderer::Renderer,
{
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::default())
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        let node = self
            .content
            .as_widget_mut()
            .layout(&mut tree.children[0], renderer, limits);
        layout::Node::with_children(node.size(), vec![node])
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &Renderer,
        operation: &mut dyn Operation,
    ) {
        operation.focusable(None, layout.bounds(), tree.state.downcast_mut::<State>());
        self.content.as_widget_mut().operate(
            &mut tree.children[0],
            child(layout),
            renderer,
            operation,
        );
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        viewport: &Rectangle,
    ) {
        let state = tree.state.downcast_mut::<State>();
        match event {
            Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. })
                if state.focused
                    && matches!(key, keyboard::Key::Named(Named::Space | Named::Enter))
                    && !(modifiers.control() || modifiers.alt() || modifiers.logo()) =>
            {
                if let Some(m) = &self.on_activate {
                    shell.publish(m.clone());
                }
                shell.capture_event();
                return;
            }
            Event::Mouse(mouse::Event::ButtonPressed(_))
            | Event::Touch(touch::Event::FingerPressed { .. }) => state.focused = false,
            _ => {}
        }
        self.content.as_widget_mut().update(
            &mut tree.children[0],
            event,
            child(layout),
            cursor,
            renderer,
            clipboard,
            shell,
            viewport,
        );
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &Renderer,
    ) -> mouse::Interaction {
        self.content.as_widget().mouse_interaction(
            &tree.children[0],
            child(layout),
            cursor,
            viewport,
            renderer,
        )
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            child(layout),
            cursor,
            viewport,
        );
        if tree.state.downcast_ref::<State>().focused {
            // The ring sits just outside the content, in the text colour (the most contrast with
            // the background around it, in both themes).
            let b = layout.bounds().expand(3.0);
            renderer.fill_quad(
                Quad {
                    bounds: b,
                    border: Border {
                        color: theme.palette().text,
                        width: 2.0,
                        radius: 4.0.into(),
                    },
                    ..Quad::default()
                },
                Background::Color(Color::TRANSPARENT),
            );
        }
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, Message, Theme, Renderer>> {
        self.content.as_widget_mut().overlay(
            &mut tree.children[0],
            child(layout),
            renderer,
            viewport,
            translation,
        )
    }
}

impl<'a, Message, Renderer> From<Focusable<'a, Message, Renderer>>
    for Element<'a, Message, Theme, Renderer>
where
    Message: Clone + 'a,
    Renderer: renderer::Renderer + 'a,
{
    fn from(f: Focusable<'a, Message, Renderer>) -> Self {
        Element::new(f)
    }
}
