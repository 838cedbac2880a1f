//! The real window under Xvfb: `quietpost --demo` is started on a private X display at two
//! screen sizes (1280×800, and 800×600 where the window fits itself to the screen and the
//! folders fold away) in both themes, the phishing message is opened with the keyboard, and a
//! screenshot is written to `target/screenshots/window-WxH-THEME.png`. OCR (tesseract) then
//! reads the panes back, so the test fails if text did not render (no font), a pane is missing,
//! or the sender, the subject or the danger summary line cannot be read.
//!
//! Ignored by a bare `cargo test`: it needs Xvfb, xdotool, ImageMagick and tesseract, which
//! `scripts/test` installs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/photo.rs"]
mod photo;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(program: &str, args: &[&str], display: &str) -> String {
    let out = Command::new(program)
        .args(args)
        .env("DISPLAY", display)
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot run ({e}); scripts/test installs it"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        if start.elapsed() > Duration::from_secs(60) {
            let log = what
                .split("its log: ")
                .nth(1)
                .and_then(|p| std::fs::read_to_string(p.trim_end_matches(')')).ok())
                .unwrap_or_default();
            panic!("{what} never came\n{log}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One window at a time: two displays and two windows starting together on a 2-core machine
/// made one of them miss its time (and the fixed pauses below assume a machine not shared).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The demo running on a private X display, the keyboard given to its window.
struct Session {
    display: String,
    window: String,
    profile: std::path::PathBuf,
    // Dropped in this order: the app, then its display, then the turn.
    _app: Kill,
    _xvfb: Kill,
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl Session {
    /// The demo on a `width`×`height` screen in `theme`, named `name` (its profile's).
    fn start(name: &str, width: u32, height: u32, theme: &str) -> Session {
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        // Seen in a CI run: a fresh Xvfb answered xdotool, then the app's first connection was
        // refused ("could not be opened") and it exited. Such a start gets one more display,
        // never more; any other failure, or a second one, fails the test with the app's log.
        let (display, window, profile, app, xvfb) =
            match Session::attempt(name, width, height, theme) {
                Ok(started) => started,
                Err(first) => {
                    eprintln!("the window's first display refused it; one more: {first}");
                    Session::attempt(name, width, height, theme)
                        .unwrap_or_else(|log| panic!("the Quietpost window never came\n{log}"))
                }
            };
        // No window manager: the window gets the keyboard only when given focus.
        std::thread::sleep(Duration::from_millis(1500));
        run("xdotool", &["windowfocus", "--sync", &window], &display);
        Session {
            display,
            window,
            profile,
            _app: app,
            _xvfb: xvfb,
            _turn: turn,
        }
    }

    /// Xvfb and the app on it, until its window is there: the display, the window, the
    /// profile and both processes; or, when the app ended without a window because the
    /// display refused it, its log.
    #[allow(clippy::type_complexity)]
    fn attempt(
        name: &str,
        width: u32,
        height: u32,
        theme: &str,
    ) -> Result<(String, String, std::path::PathBuf, Kill, Kill), String> {
        // Xvfb picks a free display itself and says which (-displayfd): no clash with another
        // server or a stale lock.
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (scripts/test installs it)");
        let mut number = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(xvfb.stdout.take().unwrap()),
            &mut number,
        )
        .unwrap();
        let display = format!(":{}", number.trim());
        assert!(display.len() > 1, "Xvfb did not start");
        let xvfb = Kill(xvfb);
        // Xvfb names its display before it takes connections: a window opened at once found
        // no display (its log said so) when the machine was busy.
        wait_for("the X display", || {
            Command::new("xdotool")
                .arg("getdisplaygeometry")
                .env("DISPLAY", &display)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });

        let profile = std::env::temp_dir().join(format!(
            "qp-window-{}-{name}-{width}-{theme}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&profile);
        // The theme as the person chose it (window.toml, what the window remembers).
        let paths = quietpost_store::paths::Paths::profile(&profile);
        quietpost_store::appearance::save(
            &paths,
            &quietpost_model::Appearance {
                theme: match theme {
                    "dark" => quietpost_model::ThemeChoice::Dark,
                    _ => quietpost_model::ThemeChoice::Light,
                },
                ..Default::default()
            },
        )
        .unwrap();
        // What the app says, to show when its window does not come.
        let log = std::env::temp_dir().join(format!(
            "qp-window-{}-{name}-{width}-{theme}.log",
            std::process::id()
        ));
        let mut app = Kill(
            Command::new(env!("CARGO_BIN_EXE_quietpost"))
                .arg("--profile")
                .arg(&profile)
                .arg("--demo")
                .env("DISPLAY", &display)
                .env_remove("WAYLAND_DISPLAY")
                // No desktop portal here: files are chosen in the window's own picker.
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap(),
        );
        let started = Instant::now();
        loop {
            let window = Command::new("xdotool")
                .args(["search", "--name", "Quietpost"])
                .env("DISPLAY", &display)
                .output()
                .map(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_owned()
                })
                .unwrap_or_default();
            if !window.is_empty() {
                return Ok((display, window, profile, app, xvfb));
            }
            let said = || std::fs::read_to_string(&log).unwrap_or_default();
            if app.0.try_wait().ok().flatten().is_some() && said().contains("could not be opened") {
                return Err(said());
            }
            if started.elapsed() > Duration::from_secs(60) {
                panic!(
                    "the Quietpost window (its log: {}) never came\n{}",
                    log.display(),
                    said()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Keys pressed one after the other (xdotool's names: "j", "ctrl+Return").
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            run("xdotool", &["key", k], &self.display);
            std::thread::sleep(Duration::from_millis(400));
        }
    }

    /// Text typed as a keyboard would.
    fn type_text(&self, text: &str) {
        run("xdotool", &["type", "--delay", "30", text], &self.display);
        std::thread::sleep(Duration::from_millis(300));
    }

    /// The window's size.
    fn size(&self) -> (u32, u32) {
        let geometry = run(
            "xdotool",
            &["getwindowgeometry", &self.window],
            &self.display,
        );
        geometry
            .lines()
            .find_map(|l| l.trim().strip_prefix("Geometry: "))
            .and_then(|g| g.split_once('x'))
            .map(|(w, h)| (w.parse().unwrap(), h.parse().unwrap()))
            .unwrap_or_else(|| panic!("no geometry in {geometry}"))
    }

    /// The screen as `target/screenshots/NAME.png`.
    fn shoot(&self, name: &str) -> std::path::PathBuf {
        std::thread::sleep(Duration::from_millis(1500));
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let png = dir.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&png);
        run(
            "import",
            &["-window", "root", png.to_str().unwrap()],
            &self.display,
        );
        png
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// One screenshot: the demo on a `width`×`height` screen in `theme`, the phishing message
/// open. Returns the PNG and the window's size.
fn screenshot(width: u32, height: u32, theme: &str) -> (std::path::PathBuf, (u32, u32)) {
    let session = Session::start("read", width, height, theme);
    // The newest message (the welcome) is open from the start; the newsletter and the
    // phishing attempt follow.
    session.keys(&["j", "j"]);
    let size = session.size();
    let png = session.shoot(&format!("window-{width}x{height}-{theme}"));
    (png, size)
}

/// What OCR reads in the `geometry` (ImageMagick's WxH+X+Y) of `png`, enlarged and in black
/// text on white (a dark theme is inverted first).
fn read(png: &Path, pane: &str, geometry: &str, dark: bool) -> String {
    let crop = png.with_file_name(format!(
        "{}-{pane}.png",
        png.file_stem().unwrap().to_string_lossy()
    ));
    let crop = crop.to_str().unwrap();
    let mut args = vec![
        png.to_str().unwrap(),
        "-crop",
        geometry,
        "+repage",
        "-colorspace",
        "Gray",
    ];
    if dark {
        args.push("-negate");
    }
    // The cut between ink and paper: the dark theme's text is lighter than its badges' colours
    // once inverted, the light theme's muted text needs a higher cut to stay whole.
    let cut = if dark { "50%" } else { "60%" };
    args.extend(["-resize", "200%", "-threshold", cut, crop]);
    run("convert", &args, ":0");
    run("tesseract", &[crop, "-"], ":0")
}

#[test]
#[ignore = "needs Xvfb, xdotool, ImageMagick and tesseract (scripts/test installs them)"]
fn real_window_shows_the_demo_at_two_sizes_in_both_themes() {
    use quietpost::screen::mailbox::{Widths, layout};
    let defaults = quietpost_model::Appearance::default();
    let wanted = Widths {
        folders: defaults.folders_width,
        list: defaults.list_share,
    };
    for (width, height) in [(1280, 800), (800, 600)] {
        for theme in ["light", "dark"] {
            let (png, (w, h)) = screenshot(width, height, theme);
            assert!(
                w <= width && h <= height,
                "the window fits the screen: {w}x{h}"
            );
            let l = layout(w as f32, wanted);
            let folders = l.folders.map_or(0, |f| f as u32 + 7);
            let list = l.list as u32;
            let reader_x = folders + list + 7;
            let tall = h - 30;
            let mut panes = vec![
                (
                    "list",
                    format!("{list}x{tall}+{folders}+0"),
                    &["Brightshop", "Welcome to Quietpost"][..],
                ),
                (
                    "reader",
                    format!("{}x{tall}+{reader_x}+0", w - reader_x),
                    &[
                        "Your account has been limited",
                        "probably trying to deceive you",
                        "PayPal Service",
                        "service@xn--pypal-secure-x9j.example",
                        "Look-alike letters",
                    ][..],
                ),
            ];
            match l.folders {
                Some(f) => panes.push((
                    "folders",
                    format!("{}x{tall}+0+0", f as u32),
                    &["Drafts", "Trash"][..],
                )),
                // Folded away: the button that shows them.
                None => panes.push(("folded", format!("{list}x40+0+0"), &["Folders"][..])),
            }
            for (pane, geometry, expected) in panes {
                let seen = read(&png, pane, &geometry, theme == "dark");
                // OCR splits words at kerning (the bold link markers read as
                // "198.51.100.2 3"): compared without white space.
                let squeeze = |s: &str| s.split_whitespace().collect::<String>();
                for e in expected {
                    assert!(
                        squeeze(&seen).contains(&squeeze(e)),
                        "{e:?} is not readable in the {pane} pane of {}; OCR read:\n{seen}",
                        png.display()
                    );
                }
            }
        }
    }
}

/// Writing, as a person at the keyboard does: `c`, the addresses (a Bcc), the subject and the
/// text, a photo with its GPS position attached through the window's own picker
/// (Ctrl+Shift+A: no desktop portal under Xvfb), Ctrl+Enter — the first message from the
/// account shows what it reveals before it goes. The screenshot
/// (`target/screenshots/composer-reveal.png`) must read back the Bcc line and the photo's
/// metadata line.
#[test]
#[ignore = "needs Xvfb, xdotool, ImageMagick and tesseract (scripts/test installs them)"]
fn real_window_writes_a_message_and_shows_what_it_reveals() {
    let session = Session::start("compose", 1280, 800, "light");
    let photo = session.profile.join("IMG_2041.jpg");
    std::fs::write(&photo, photo::with_gps(b"")).unwrap();
    session.keys(&["c"]);
    session.type_text("sam@example.org");
    session.keys(&["Tab", "Tab"]);
    session.type_text("editor@example.net");
    session.keys(&["Tab"]);
    session.type_text("Photos from the trip");
    session.keys(&["Tab"]);
    session.type_text("Here is the view.");
    session.keys(&["ctrl+shift+a", "ctrl+a"]);
    session.type_text(photo.to_str().unwrap());
    session.keys(&["Return", "ctrl+Return"]);
    let png = session.shoot("composer-reveal");
    let (w, h) = session.size();
    let seen = read(&png, "reveal", &format!("{w}x{}+0+0", h - 30), false);
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    for e in [
        "What this message reveals",
        "editor@example.net: hidden from the other recipients",
        "IMG_2041.jpg",
        "the GPS position where the photo was taken",
    ] {
        assert!(
            squeeze(&seen).contains(&squeeze(e)),
            "{e:?} is not readable in {}; OCR read:\n{seen}",
            png.display()
        );
    }
}
