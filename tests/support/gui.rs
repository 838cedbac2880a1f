//! The window in iced's simulator, for the tests: the real `App` (its `update` and `view`),
//! with every task it starts run to completion (real cache, real files, real servers) and the
//! resulting messages fed back, as the iced runtime would. Clicks go through the simulator, so
//! a button without an action really does nothing.
#![allow(dead_code)]

#[path = "compositor.rs"]
mod compositor;

use futures::StreamExt;
use iced::Task;
use iced_test::simulator;
use quietpost::app::{App, Launch, Message, Screen};
use quietpost::screen::mailbox::Reader;
use quietpost_store::paths::Paths;
use std::collections::VecDeque;
use std::path::PathBuf;

/// The window's settings for iced's simulator: its embedded fonts, default font and size.
pub fn settings() -> iced::Settings {
    iced::Settings {
        fonts: quietpost::theme::FONTS.map(Into::into).to_vec(),
        default_font: quietpost::theme::FONT,
        default_text_size: quietpost::theme::TEXT_SIZE.into(),
        ..iced::Settings::default()
    }
}

pub struct Ui {
    pub app: App,
    pub runtime: tokio::runtime::Runtime,
    pub dir: PathBuf,
    pub launch: Launch,
}

impl Ui {
    /// The window as it starts on a machine with no account: the welcome screen.
    pub fn start(name: &str) -> Ui {
        Ui::start_with_config(name, None)
    }

    /// The window as it starts with `config` as config.toml (none: no file).
    pub fn start_with_config(name: &str, config: Option<&str>) -> Ui {
        Ui::start_as(name, config, |_| {})
    }

    /// As [`Ui::start_with_config`], with the launch changed by `how` (the demo, a mailto:
    /// link as the desktop hands it).
    pub fn start_as(name: &str, config: Option<&str>, how: impl FnOnce(&mut Launch)) -> Ui {
        let dir = std::env::temp_dir().join(format!("qp-gui-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("downloads")).unwrap();
        if let Some(text) = config {
            let file = Paths::profile(&dir.join("profile")).config_file();
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        let launch = Launch {
            paths: Paths::profile(&dir.join("profile")),
            demo: false,
            downloads: dir.join("downloads"),
            temp: dir.join("opened"),
            notices: Vec::new(),
            // A stand-in that notes what it was given (in DIR/opened), never the desktop's.
            opener: quietpost::system::Opener::program(dir.join("bin/open")),
            appearance: quietpost_model::Appearance::default(),
            mailto: None,
        };
        let mut launch = launch;
        how(&mut launch);
        Ui::launch(dir, launch)
    }

    /// The real App started with `launch`, its first tasks run.
    fn launch(dir: PathBuf, launch: Launch) -> Ui {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (app, task) = App::new(launch.clone());
        let mut ui = Ui {
            app,
            runtime,
            dir,
            launch,
        };
        ui.run(task);
        ui
    }

    /// A new window on `earlier`'s profile, as the next start finds it (after the earlier
    /// one died without closing).
    pub fn restart(earlier: &Ui, launch: Launch) -> Ui {
        Ui::launch(earlier.dir.clone(), launch)
    }

    /// Runs a task and everything the messages it produces start, to the end.
    pub fn run(&mut self, task: Task<Message>) {
        let mut queue: VecDeque<Message> = self.outputs(task).into();
        while let Some(message) = queue.pop_front() {
            let task = self.app.update(message);
            queue.extend(self.outputs(task));
        }
    }

    pub fn outputs(&self, task: Task<Message>) -> Vec<Message> {
        let Some(stream) = iced_test::runtime::task::into_stream(task) else {
            return Vec::new();
        };
        self.runtime.block_on(
            stream
                .filter_map(|action| async move {
                    match action {
                        iced_test::runtime::Action::Output(m) => Some(m),
                        _ => None, // widget operations (scrolling, focus): nothing to run here
                    }
                })
                .collect(),
        )
    }

    pub fn send(&mut self, message: Message) {
        let task = self.app.update(message);
        self.run(task);
    }

    /// Clicks the text `label` (exactly) and runs what the click asked for. Returns how many
    /// messages the click produced.
    pub fn click(&mut self, label: &str) -> usize {
        let messages: Vec<Message> = {
            let mut ui = simulator(self.app.view());
            ui.click(label)
                .unwrap_or_else(|e| panic!("cannot click {label:?}: {e}"));
            ui.into_messages().collect()
        };
        let n = messages.len();
        for m in messages {
            self.send(m);
        }
        n
    }

    /// Whether the text `label` (exactly) is on screen.
    pub fn shows(&self, label: &str) -> bool {
        let mut ui = simulator(self.app.view());
        ui.find(label).is_ok()
    }

    /// Makes the window's opener (`DIR/bin/open`, see `start`) a stand-in that notes what it
    /// was handed, in `DIR/bin/opened`.
    #[cfg(unix)]
    pub fn install_opener(&self) {
        use std::os::unix::fs::PermissionsExt;
        let bin = self.dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let opener = bin.join("open");
        std::fs::write(
            &opener,
            "#!/bin/sh\nprintf '%s' \"$1\" > \"$(dirname \"$0\")/opened\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// What the stand-in opener was handed (waiting up to five seconds for it to run).
    pub fn handed(&self) -> Option<String> {
        (0..50).find_map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            std::fs::read_to_string(self.dir.join("bin/opened")).ok()
        })
    }

    /// The first text on screen that contains `part`.
    pub fn text_containing(&self, part: &str) -> Option<String> {
        let mut ui = simulator(self.app.view());
        ui.find(|c: iced_test::selector::Candidate<'_>| match c {
            iced_test::selector::Candidate::Text { content, .. } if content.contains(part) => {
                Some(content.to_owned())
            }
            _ => None,
        })
        .ok()
    }

    /// The colour of the button labelled `label` (just inside its left edge), drawn in the
    /// light theme at 1280×800: tells a primary button (the accent) from a secondary one.
    pub fn button_colour(&self, label: &str) -> [u8; 3] {
        let settings = settings();
        let mut sim = iced_test::Simulator::with_size(settings, (1280.0, 800.0), self.app.view());
        let at = sim
            .find(label)
            .unwrap_or_else(|e| panic!("no {label:?}: {e}"))
            .bounds();
        let dir = self.dir.join("snapshots");
        std::fs::create_dir_all(&dir).unwrap();
        let snapshot = sim.snapshot(&quietpost::theme::light()).unwrap();
        // iced writes NAME-RENDERER.png beside the name given.
        let _ = snapshot.matches_image(dir.join("button"));
        let png = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "png"))
            .expect("the snapshot");
        let image = image::open(&png).unwrap().to_rgb8();
        std::fs::remove_dir_all(&dir).unwrap();
        // The snapshot is at twice the size (scale factor 2); the button's padding is left of
        // its text.
        let x = ((at.x - 4.0) * 2.0) as u32;
        let y = ((at.y + at.height / 2.0) * 2.0) as u32;
        image.get_pixel(x, y).0
    }

    pub fn mailbox(&self) -> &quietpost::screen::mailbox::Mailbox {
        match self.app.screen() {
            Screen::Mailbox(m) => m,
            _ => panic!("not on the mailbox screen"),
        }
    }

    pub fn open_demo(name: &str) -> Ui {
        let mut ui = Ui::start(name);
        assert!(ui.shows("Welcome to Quietpost"), "the first run welcomes");
        assert!(ui.shows("Add an account"));
        ui.click("Open the demo mailbox");
        ui
    }

    /// Opens the message with this exact subject from the list (selects its row, as a click
    /// on it does: the row may show the subject cut short).
    pub fn read(&mut self, subject: &str) {
        let index = self
            .mailbox()
            .rows()
            .iter()
            .position(|r| r.summary.subject == subject)
            .unwrap_or_else(|| panic!("no row with the subject {subject:?}"));
        self.send(Message::Mailbox(
            quietpost::screen::mailbox::Message::Select(index),
        ));
        match self.mailbox().reader() {
            Reader::Open(r) => assert_eq!(r.message().subject.as_str(), subject),
            _ => panic!("{subject} did not open"),
        }
    }
}

impl Ui {
    /// Feeds an account's engine (`app::account_sync`, which the simulator does not run as a
    /// subscription) into the window until `until` holds of a message (at most a minute).
    pub fn pump(
        &mut self,
        engine: &mut futures::stream::BoxStream<'static, Message>,
        until: impl Fn(&Message) -> bool,
    ) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let next = self
                .runtime
                .block_on(async { tokio::time::timeout(left, engine.next()).await });
            let message = match next {
                Ok(Some(m)) => m,
                other => panic!("the engine stopped or went quiet: {:?}", other.map(|_| ())),
            };
            let done = until(&message);
            self.send(message);
            if done {
                return;
            }
        }
    }
}

/// The engine's event a window message carries, if it carries one.
#[allow(dead_code)]
pub fn engine_event(m: &Message) -> Option<&quietpost_core::engine::Event> {
    match m {
        Message::Engine(_, quietpost::app::EngineUpdate::Event(e)) => Some(e),
        _ => None,
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The window as the iced runtime keeps it: one widget tree, diffed against every new view,
/// instead of a fresh simulator per step. Bugs in how widget state is carried from one view to
/// the next (the keyed list's "Downcast on stateless state") only show this way.
pub struct Window {
    cache: Option<iced_test::runtime::user_interface::Cache>,
    renderer: iced::Renderer,
    /// What the windowed compositor keeps between frames (see `paint`).
    compositor: compositor::Compositor,
    pub size: iced::Size,
    cursor: iced::mouse::Cursor,
}

impl Window {
    /// A window of `size` logical pixels, with the app's own fonts.
    pub fn new(size: (f32, f32)) -> Window {
        use iced_test::core::renderer::Headless;
        {
            let mut fonts = iced_test::renderer::graphics::text::font_system()
                .write()
                .expect("font system");
            for font in quietpost::theme::FONTS {
                fonts.load_font(font.into());
            }
        }
        let renderer = futures::executor::block_on(<iced::Renderer as Headless>::new(
            quietpost::theme::FONT,
            quietpost::theme::TEXT_SIZE.into(),
            Some("tiny-skia"),
        ))
        .expect("a headless renderer");
        Window {
            cache: Some(Default::default()),
            renderer,
            compositor: compositor::Compositor::new(size.into()),
            size: size.into(),
            cursor: iced::mouse::Cursor::Unavailable,
        }
    }

    /// Builds the app's view against the kept tree (as the runtime does after each update),
    /// runs `f` on it, and keeps the tree.
    fn with<R>(
        &mut self,
        app: &App,
        f: impl FnOnce(
            &mut iced_test::runtime::UserInterface<'_, Message, iced::Theme, iced::Renderer>,
            &mut iced::Renderer,
            iced::mouse::Cursor,
        ) -> R,
    ) -> R {
        let mut ui = iced_test::runtime::UserInterface::build(
            app.view(),
            self.size,
            self.cache.take().expect("the tree is kept between steps"),
            &mut self.renderer,
        );
        let out = f(&mut ui, &mut self.renderer, self.cursor);
        ui.draw(
            &mut self.renderer,
            &quietpost::theme::light(),
            &iced_test::core::renderer::Style::default(),
            self.cursor,
        );
        self.cache = Some(ui.into_cache());
        out
    }

    /// The frame as it is drawn now, twice: repainting only what changed since the last
    /// `paint` (as the window does), and every pixel. Both RGBA, row by row.
    pub fn paint(&mut self, app: &App) -> (Vec<u8>, Vec<u8>) {
        self.refresh(app);
        use iced_test::core::renderer::Headless;
        self.compositor.repaint(&mut self.renderer);
        let full = self.renderer.screenshot(
            iced::Size::new(self.size.width as u32, self.size.height as u32),
            1.0,
            iced::Color::WHITE,
        );
        (self.compositor.pixels.clone(), full)
    }

    /// Rebuilds the view (what every update causes).
    pub fn refresh(&mut self, app: &App) {
        self.with(app, |_, _, _| ());
    }

    /// Gives the keyboard to the widget `id` (as a focus task does), on the kept tree.
    pub fn focus(&mut self, app: &App, id: &'static str) {
        use iced_test::core::widget::operation::{black_box, focusable};
        self.with(app, |ui, renderer, _| {
            let mut op = focusable::focus::<()>(iced::widget::Id::new(id));
            ui.operate(renderer, &mut black_box(&mut op));
        });
    }

    /// Tab, as the window's keyboard subscription does it (iced's `focus_next`, run to its
    /// end: it counts the focusable widgets first), on the kept tree.
    pub fn tab(&mut self, app: &App) {
        use iced_test::core::widget::Operation;
        use iced_test::core::widget::operation::{Outcome, black_box, focusable};
        self.with(app, |ui, renderer, _| {
            let mut op: Box<dyn Operation<()>> = Box::new(focusable::focus_next::<()>());
            loop {
                ui.operate(renderer, &mut black_box(op.as_mut()));
                match op.finish() {
                    Outcome::Chain(next) => op = next,
                    _ => break,
                }
            }
        });
    }

    /// Tab `stops` times, pressing Space at each stop: the messages that made, in order
    /// (none is sent to the app).
    pub fn tab_through(&mut self, app: &App, stops: usize) -> Vec<Message> {
        use iced::keyboard::key::Named;
        let mut out = Vec::new();
        for _ in 0..stops {
            self.tab(app);
            let space = vec![
                iced_test::simulator::press_key(Named::Space, None),
                iced_test::simulator::release_key(Named::Space),
            ];
            out.extend(self.events(app, iced::Point::ORIGIN, space));
        }
        out
    }

    /// The widget that has the keyboard, if any.
    pub fn focused(&mut self, app: &App) -> Option<iced::widget::Id> {
        use iced_test::core::widget::Operation;
        use iced_test::core::widget::operation::{Outcome, black_box, focusable};
        self.with(app, |ui, renderer, _| {
            let mut op = focusable::find_focused();
            ui.operate(renderer, &mut black_box(&mut op));
            match op.finish() {
                Outcome::Some(id) => Some(id),
                _ => None,
            }
        })
    }

    /// Where the text `label` (exactly) is drawn, if it is on screen.
    pub fn bounds_of(&mut self, app: &App, label: &str) -> Option<iced::Rectangle> {
        use iced_test::core::widget::Operation;
        use iced_test::selector::Selector;
        self.with(app, |ui, renderer, _| {
            let mut operation = Selector::find(label);
            ui.operate(
                renderer,
                &mut iced_test::core::widget::operation::black_box(&mut operation),
            );
            match operation.finish() {
                iced_test::core::widget::operation::Outcome::Some(Some(target)) => {
                    target.visible_bounds()
                }
                _ => None,
            }
        })
    }

    /// Sends raw events with the cursor at `at`, and returns the messages they produced.
    pub fn events(&mut self, app: &App, at: iced::Point, events: Vec<iced::Event>) -> Vec<Message> {
        self.cursor = iced::mouse::Cursor::Available(at);
        self.with(app, |ui, renderer, cursor| {
            let mut messages = Vec::new();
            let _ = ui.update(
                &events,
                cursor,
                renderer,
                &mut iced_test::core::clipboard::Null,
                &mut messages,
            );
            messages
        })
    }

    /// A click at `at`, its messages run through the app, and the view rebuilt after each.
    pub fn click_at(&mut self, ui: &mut Ui, at: iced::Point) -> usize {
        let messages = self.events(&ui.app, at, iced_test::simulator::click().collect());
        let n = messages.len();
        for m in messages {
            ui.send(m);
            self.refresh(&ui.app);
        }
        n
    }

    /// The mouse wheel over `at`, by `dy` pixels (negative: down the list).
    pub fn scroll_at(&mut self, ui: &mut Ui, at: iced::Point, dy: f32) {
        let wheel = iced::Event::Mouse(iced::mouse::Event::WheelScrolled {
            delta: iced::mouse::ScrollDelta::Pixels { x: 0.0, y: dy },
        });
        for m in self.events(&ui.app, at, vec![wheel]) {
            ui.send(m);
            self.refresh(&ui.app);
        }
    }

    /// Sends `message` to the app and rebuilds the view, as the runtime does.
    pub fn send(&mut self, ui: &mut Ui, message: Message) {
        ui.send(message);
        self.refresh(&ui.app);
    }
}

/// Collects every text on screen with where it is drawn.
struct Texts(Vec<(String, iced::Rectangle)>);

impl iced_test::core::widget::Operation for Texts {
    fn traverse(
        &mut self,
        operate: &mut dyn FnMut(&mut dyn iced_test::core::widget::Operation<()>),
    ) {
        operate(self);
    }

    fn text(
        &mut self,
        _id: Option<&iced_test::core::widget::Id>,
        bounds: iced::Rectangle,
        text: &str,
    ) {
        self.0.push((text.to_owned(), bounds));
    }
}

impl Window {
    /// Every text in the window, in drawing order, with its bounds.
    pub fn texts(&mut self, app: &App) -> Vec<(String, iced::Rectangle)> {
        self.with(app, |ui, renderer, _| {
            let mut texts = Texts(Vec::new());
            ui.operate(renderer, &mut texts);
            texts.0
        })
    }
}

/// The width `text` needs on one line at `size` in the app's regular (or bold) font: a text
/// whose drawn bounds are narrower has been cut.
pub fn natural_width(text: &str, size: f32, bold: bool) -> f32 {
    use iced::advanced::text::Paragraph as _;
    type P = <iced::Renderer as iced::advanced::text::Renderer>::Paragraph;
    P::with_text(iced::advanced::text::Text {
        content: text,
        bounds: iced::Size::INFINITE,
        size: size.into(),
        line_height: Default::default(),
        font: if bold {
            quietpost::theme::BOLD
        } else {
            quietpost::theme::FONT
        },
        align_x: iced::advanced::text::Alignment::Left,
        align_y: iced::alignment::Vertical::Top,
        shaping: iced::advanced::text::Shaping::Advanced,
        wrapping: iced::advanced::text::Wrapping::None,
    })
    .min_bounds()
    .width
}
