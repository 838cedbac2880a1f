//! The window in iced's simulator, for the tests: the real `App` (its `update` and `view`),
//! with every task it starts run to completion (real cache, real files, real servers) and the
//! resulting messages fed back, as the iced runtime would. Clicks go through the simulator, so
//! a button without an action really does nothing.
#![allow(dead_code)]

use futures::StreamExt;
use iced::Task;
use iced_test::simulator;
use quietpost::app::{App, Launch, Message, Screen};
use quietpost::screen::mailbox::Reader;
use quietpost_store::paths::Paths;
use std::collections::VecDeque;
use std::path::PathBuf;

pub struct Ui {
    pub app: App,
    pub runtime: tokio::runtime::Runtime,
    pub dir: PathBuf,
    pub launch: Launch,
}

impl Ui {
    /// The window as it starts on a machine with no account: the welcome screen.
    pub fn start(name: &str) -> Ui {
        let dir = std::env::temp_dir().join(format!("qp-gui-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("downloads")).unwrap();
        let launch = Launch {
            paths: Paths::profile(&dir.join("profile")),
            demo: false,
            downloads: dir.join("downloads"),
            temp: dir.join("opened"),
        };
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

    /// Opens the message with this exact subject from the list.
    pub fn read(&mut self, subject: &str) {
        self.click(subject);
        match self.mailbox().reader() {
            Reader::Open(r) => assert_eq!(r.message().subject.as_str(), subject),
            _ => panic!("{subject} did not open"),
        }
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
