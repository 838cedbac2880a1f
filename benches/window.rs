//! The window with a 100,000-message folder, from a seeded cache: time to the first frame,
//! frame time while scrolling, and memory (RSS) — beside the peer, iced's own `scrollable`
//! holding every row (what the list would cost without virtualisation), in the same run, in a
//! process of its own so each one's memory is its own. Prints the figures and the ratios.
//!
//! A frame is what iced's runtime does for one: build the view, lay it out, handle the event,
//! draw, and rasterise (tiny-skia, 1280×800), on the real `App`. Rasterising is measured two
//! ways: as the windowed compositor does it (only the region that changed since the last
//! frame, found by diffing the layers as `iced_tiny_skia`'s compositor does), and repainting
//! every pixel (the pessimistic figure).
//!
//! `cargo bench --bench window` (QP_BENCH_MESSAGES sets the folder's size).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "../tests/support/compositor.rs"]
mod compositor;

use futures::StreamExt;
use iced::{Color, Size, Task, Theme, mouse};
use iced_test::core::renderer::Headless;
use iced_test::runtime::user_interface::{Cache as UiCache, UserInterface};
use quietpost::app::{App, Launch, Message};
use quietpost_store::cache::{Cache, Flags, FolderInfo, Indexing, Role, Summary};
use quietpost_store::config::{Account, Config, Security, Server};
use quietpost_store::paths::Paths;
use std::path::Path;
use std::time::{Duration, Instant};

const SIZE: Size = Size::new(1280.0, 800.0);
const FRAMES: usize = 120;

fn seed(dir: &Path, messages: usize) -> Paths {
    let paths = Paths::profile(dir);
    let server = |port| Server {
        host: "bench.invalid".into(),
        port,
        security: Security::ImplicitTls,
        ca_file: None,
        pin_sha256: None,
        pin_key_sha256: None,
    };
    Config {
        accounts: vec![Account::new(
            "Bench",
            "robin@example.org",
            "robin",
            server(993),
            server(465),
        )],
    }
    .save(&paths)
    .unwrap();
    quietpost_store::paths::private_dir(&paths.cache).unwrap();
    let mut cache = Cache::open(&paths).unwrap();
    cache
        .set_folders(
            "Bench",
            &[FolderInfo {
                name: "INBOX".into(),
                delimiter: Some("/".into()),
                role: Some(Role::Inbox),
                selectable: true,
            }],
        )
        .unwrap();
    let inbox = cache.folder("Bench", "INBOX").unwrap().unwrap().id;
    cache.begin_folder(inbox, 1).unwrap();
    let subjects = [
        "Quarterly report",
        "Lunch on Friday?",
        "Re: Trip to the coast",
        "Your invoice is ready — please review before the end of the month",
        "[list] Weekly digest",
    ];
    for chunk in (1..=messages as u32).collect::<Vec<_>>().chunks(10_000) {
        let rows: Vec<Summary> = chunk
            .iter()
            .map(|&uid| Summary {
                uid,
                flags: if uid % 3 == 0 { Flags(0) } else { Flags::SEEN },
                received: Some(1_700_000_000 + i64::from(uid) * 60),
                subject: format!("{} #{uid}", subjects[uid as usize % subjects.len()]),
                from_name: format!("Sender {}", uid % 97),
                from_address: format!("sender{}@example.org", uid % 97),
                recipients: "Robin <robin@example.org>".into(),
                size: 4_000,
                attachments: uid % 7 == 0,
                ..Summary::default()
            })
            .collect();
        cache
            .store_summaries(inbox, &rows, Indexing::WithBody)
            .unwrap();
    }
    cache
        .set_folder_state(inbox, Some(messages as u32 + 1), None)
        .unwrap();
    paths
}

fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Window {
    app: App,
    runtime: tokio::runtime::Runtime,
    renderer: iced::Renderer,
    cache: Option<UiCache>,
    /// What the windowed compositor keeps: the last frame's layers and its pixels.
    compositor: compositor::Compositor,
}

impl Window {
    /// Runs a task and what its messages start, each message handled as it arrives (as the
    /// runtime does); `after` is called after each update.
    fn run(&mut self, task: Task<Message>, after: &mut dyn FnMut(&mut Window)) {
        let mut queue = std::collections::VecDeque::new();
        queue.push_back(task);
        while let Some(task) = queue.pop_front() {
            let Some(mut stream) = iced_test::runtime::task::into_stream(task) else {
                continue;
            };
            while let Some(action) = self.runtime.block_on(stream.next()) {
                if let iced_test::runtime::Action::Output(m) = action {
                    queue.push_back(self.app.update(m));
                    after(self);
                }
            }
        }
    }

    fn rows(&self) -> usize {
        match self.app.screen() {
            quietpost::app::Screen::Mailbox(m) => m.rows().len(),
            _ => 0,
        }
    }

    /// One frame: view, layout, the events, then (with what they changed) view, layout, draw
    /// and rasterise, as iced's runtime does.
    /// Returns how long rasterising every pixel took (what `frame time` counts), and how long
    /// the windowed runtime's way took: repainting only the damaged region (not counted).
    fn frame(&mut self, events: &[iced::Event], cursor: mouse::Cursor) -> (Duration, Duration) {
        let mut messages = Vec::new();
        let mut ui = UserInterface::build(
            self.app.view(),
            SIZE,
            self.cache.take().unwrap_or_default(),
            &mut self.renderer,
        );
        let mut clipboard = iced_test::core::clipboard::Null;
        let _ = ui.update(
            events,
            cursor,
            &mut self.renderer,
            &mut clipboard,
            &mut messages,
        );
        let mut cache = ui.into_cache();
        if !messages.is_empty() {
            for m in messages {
                let task = self.app.update(m);
                self.run(task, &mut |_| {});
            }
        }
        let mut ui = UserInterface::build(self.app.view(), SIZE, cache, &mut self.renderer);
        ui.draw(
            &mut self.renderer,
            &quietpost::theme::light(),
            &iced_test::core::renderer::Style {
                text_color: Color::BLACK,
            },
            cursor,
        );
        cache = ui.into_cache();
        self.cache = Some(cache);
        let raster = Instant::now();
        let _pixels = self.renderer.screenshot(
            Size::new(SIZE.width as u32, SIZE.height as u32),
            1.0,
            Color::WHITE,
        );
        let raster = raster.elapsed();
        // What the window does instead: repaint only what changed since the last frame
        // (iced_tiny_skia's compositor: diff the layers, group the damage, draw it).
        let damaged = Instant::now();
        self.compositor.repaint(&mut self.renderer);
        (raster, damaged.elapsed())
    }
}

fn renderer() -> iced::Renderer {
    for font in quietpost::theme::FONTS {
        iced_test::renderer::graphics::text::font_system()
            .write()
            .expect("font system")
            .load_font(font.into());
    }
    futures::executor::block_on(<iced::Renderer as Headless>::new(
        quietpost::theme::FONT,
        quietpost::theme::TEXT_SIZE.into(),
        Some("tiny-skia"),
    ))
    .expect("a headless tiny-skia renderer")
}

/// Quietpost's window: prints `first-frame-ms first-frame-with-list-ms scroll-mean-ms
/// scroll-max-ms rss-mb`.
fn ours(dir: &Path) {
    let launch = Launch {
        paths: Paths::profile(dir),
        demo: false,
        downloads: dir.join("downloads"),
        temp: dir.to_owned(),
        notices: Vec::new(),
        opener: quietpost::system::Opener::program("/bin/false"),
        appearance: quietpost_model::Appearance::default(),
        mailto: None,
    };
    let start = Instant::now();
    let (app, task) = App::new(launch);
    let mut w = Window {
        app,
        runtime: tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
        renderer: renderer(),
        cache: None,
        compositor: compositor::Compositor::new(SIZE),
    };
    // The runtime shows the first frame while the boot task (folders, then the list) runs.
    w.frame(&[], mouse::Cursor::Unavailable);
    let first = start.elapsed();
    // Then the frame that first shows messages, and the whole folder read.
    let mut with_list = None;
    w.run(task, &mut |w| {
        if with_list.is_none() && w.rows() > 0 {
            w.frame(&[], mouse::Cursor::Unavailable);
            with_list = Some(start.elapsed());
        }
    });
    let all_loaded = start.elapsed();
    let with_list = with_list.expect("the list did not load");
    let rows = w.rows();

    // Scroll the list: the cursor over it, three lines per wheel step.
    let over_list = mouse::Cursor::Available(iced::Point::new(420.0, 400.0));
    let wheel = iced::Event::Mouse(mouse::Event::WheelScrolled {
        delta: mouse::ScrollDelta::Lines { x: 0.0, y: -3.0 },
    });
    let mut times = Vec::with_capacity(FRAMES);
    // Each frame two ways: as the window makes it (repainting the damaged region) and
    // repainting every pixel.
    let mut full = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        let t = Instant::now();
        let (all_pixels, damaged) = w.frame(std::slice::from_ref(&wheel), over_list);
        let elapsed = t.elapsed();
        times.push(elapsed - all_pixels);
        full.push(elapsed - damaged);
    }
    let full_mean = full.iter().sum::<Duration>() / FRAMES as u32;
    let full_max = full.iter().max().copied().unwrap_or_default();
    let mean = times.iter().sum::<Duration>() / FRAMES as u32;
    let max = times.iter().max().copied().unwrap_or_default();
    let (_, hwm) = rss_mb();
    println!(
        "{} {} {} {} {hwm} {rows} {} {} {}",
        first.as_secs_f64() * 1e3,
        with_list.as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        full_mean.as_secs_f64() * 1e3,
        all_loaded.as_secs_f64() * 1e3,
        full_max.as_secs_f64() * 1e3,
    );
}

/// The peer: the same rows (the same row widget) in iced's `scrollable`, every one laid out.
fn naive(dir: &Path) {
    use iced::widget::{column, scrollable};
    let start = Instant::now();
    let cache = Cache::open(&Paths::profile(dir)).unwrap();
    let rows = cache
        .list(&quietpost_store::cache::ListQuery {
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap();
    let read = start.elapsed();
    let mut renderer = renderer();
    let view = || -> iced::Element<'_, ()> {
        scrollable(column(rows.iter().map(|r| {
            quietpost::widget::message_list::row(r, false, |_| String::new(), None, ())
        })))
        .into()
    };
    let draw = |ui: &mut UserInterface<'_, (), Theme, iced::Renderer>, r: &mut iced::Renderer| {
        ui.draw(
            r,
            &quietpost::theme::light(),
            &iced_test::core::renderer::Style {
                text_color: Color::BLACK,
            },
            mouse::Cursor::Unavailable,
        );
    };
    let mut ui = UserInterface::build(view(), SIZE, UiCache::default(), &mut renderer);
    draw(&mut ui, &mut renderer);
    let cache_ui = ui.into_cache();
    let _ = renderer.screenshot(Size::new(1280, 800), 1.0, Color::WHITE);
    let first = start.elapsed();
    let over = mouse::Cursor::Available(iced::Point::new(420.0, 400.0));
    let wheel = iced::Event::Mouse(mouse::Event::WheelScrolled {
        delta: mouse::ScrollDelta::Lines { x: 0.0, y: -3.0 },
    });
    let mut cache_ui = Some(cache_ui);
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut ui = UserInterface::build(view(), SIZE, cache_ui.take().unwrap(), &mut renderer);
        let mut messages = Vec::new();
        let _ = ui.update(
            std::slice::from_ref(&wheel),
            over,
            &mut renderer,
            &mut iced_test::core::clipboard::Null,
            &mut messages,
        );
        draw(&mut ui, &mut renderer);
        cache_ui = Some(ui.into_cache());
        let _ = renderer.screenshot(Size::new(1280, 800), 1.0, Color::WHITE);
        times.push(t.elapsed());
    }
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let (_, hwm) = rss_mb();
    println!(
        "{} {} {} {} {hwm} {} {} {} {}",
        first.as_secs_f64() * 1e3,
        first.as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        times.iter().max().unwrap().as_secs_f64() * 1e3,
        rows.len(),
        mean.as_secs_f64() * 1e3,
        read.as_secs_f64() * 1e3,
        times.iter().max().unwrap().as_secs_f64() * 1e3,
    );
}

fn measure(mode: &str, dir: &Path) -> Vec<f64> {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--mode", mode])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--mode") {
        let dir = Path::new(&args[i + 2]);
        match args[i + 1].as_str() {
            "ours" => ours(dir),
            _ => naive(dir),
        }
        return;
    }
    let messages: usize = std::env::var("QP_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("qp-bench-window-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let t = Instant::now();
    seed(&dir, messages);
    println!(
        "seeded a {messages}-message folder in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let q = measure("ours", &dir);
    let n = measure("naive", &dir);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "window, {} messages, 1280x800, tiny-skia        quietpost   iced scrollable   ratio",
        q[5]
    );
    // label, unit, index in the printed figures, decimals, target
    let rows: [(&str, &str, usize, usize, &str); 8] = [
        ("first frame", "ms", 0, 1, "(target < 300)"),
        ("first frame showing messages", "ms", 1, 1, ""),
        ("whole folder read", "ms", 7, 1, ""),
        (
            "scroll frame as the window paints it, mean",
            "ms",
            2,
            2,
            "(target < 16)",
        ),
        (
            "scroll frame as the window paints it, worst",
            "ms",
            3,
            2,
            "",
        ),
        ("scroll frame repainting every pixel, mean", "ms", 6, 2, ""),
        ("scroll frame repainting every pixel, worst", "ms", 8, 2, ""),
        ("peak RSS", "MB", 4, 0, "(target < 250)"),
    ];
    for (label, unit, i, d, target) in rows {
        println!(
            "  {label:<44} {unit}  {:>9.d$}   {:>15.d$}   {:>6.3}   {target}",
            q[i],
            n[i],
            q[i] / n[i]
        );
    }
}
