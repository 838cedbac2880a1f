//! The real window under Xvfb: `quietpost --demo` is started on a private X display, the
//! phishing message is opened with the keyboard, and a screenshot is written to
//! `target/screenshots/demo-phishing.png`. OCR (tesseract) then reads the three panes back, so
//! the test fails if text did not render (no font) or a pane is missing.
//!
//! Ignored by a bare `cargo test`: it needs Xvfb, xdotool, ImageMagick and tesseract, which
//! `scripts/test` installs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

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
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} never came"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "needs Xvfb, xdotool, ImageMagick and tesseract (scripts/test installs them)"]
fn real_window_shows_the_demo_in_three_panes() {
    // Xvfb picks a free display itself and says which (-displayfd): no clash with another
    // server or a stale lock.
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
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
    let _xvfb = Kill(xvfb);

    let profile = std::env::temp_dir().join(format!("qp-window-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let _app = Kill(
        Command::new(env!("CARGO_BIN_EXE_quietpost"))
            .arg("--profile")
            .arg(&profile)
            .arg("--demo")
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut window = String::new();
    wait_for("the Quietpost window", || {
        window = Command::new("xdotool")
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
        !window.is_empty()
    });
    // No window manager: the window gets the keyboard only when given focus.
    std::thread::sleep(Duration::from_millis(1500));
    run("xdotool", &["windowfocus", "--sync", &window], &display);
    // The newest messages are the welcome, the newsletter and the phishing attempt: the third.
    for _ in 0..3 {
        run("xdotool", &["key", "j"], &display);
        std::thread::sleep(Duration::from_millis(400));
    }
    std::thread::sleep(Duration::from_millis(1500));

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("demo-phishing.png");
    let _ = std::fs::remove_file(&png);
    run(
        "import",
        &["-window", "root", png.to_str().unwrap()],
        &display,
    );
    let _ = std::fs::remove_dir_all(&profile);

    // Each pane read on its own (OCR mixes columns), enlarged and in black and white.
    let panes = [
        ("folders", "210x780+0+0", &["Drafts", "Trash"][..]),
        (
            "list",
            "425x780+212+0",
            &["Brightshop", "Welcome to Quietpost"][..],
        ),
        (
            "reader",
            "640x780+640+0",
            &[
                "Your account has been limited",
                "probably trying to deceive you",
                "service@xn--pypal-secure-x9j.example",
                "Look-alike letters",
                "Replies go elsewhere",
                "198.51.100.23",
            ][..],
        ),
    ];
    for (pane, geometry, expected) in panes {
        let crop = dir.join(format!("demo-phishing-{pane}.png"));
        let crop = crop.to_str().unwrap();
        run(
            "convert",
            &[
                png.to_str().unwrap(),
                "-crop",
                geometry,
                "+repage",
                "-colorspace",
                "Gray",
                "-resize",
                "200%",
                "-threshold",
                "60%",
                crop,
            ],
            &display,
        );
        let seen = run("tesseract", &[crop, "-"], &display);
        // OCR splits words at kerning (the bold link markers read as "198.51.100.2 3"):
        // compared without white space.
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
