//! Start the real `hds` binary against a database of its own and talk to it
//! over HTTP, as an operator or a client would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub use hds_persistence::test_support::TestDatabase;

/// The `hds` binary: `HDS_BIN`, or `hds` beside this test's own executable's folder.
pub fn hds_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("HDS_BIN") {
        return bin.into();
    }
    let exe = std::env::current_exe().unwrap();
    let debug_dir = exe.parent().unwrap().parent().unwrap();
    let bin = debug_dir.join("hds");
    assert!(
        bin.exists(),
        "{} not built: run `cargo build --bin hds` (make test does)",
        bin.display()
    );
    // cargo builds a test's own package, not another package's binary: a
    // change to the server's code since the binary was built would be tested
    // against the old server. cargo lists the files the binary was built
    // from beside it (`hds.d`).
    if let Some(newer) = changed_since_built(&bin) {
        panic!(
            "{} is older than {}: run `cargo build --bin hds` (make test does)",
            bin.display(),
            newer.display()
        );
    }
    bin
}

/// A file the binary was built from that changed after it was, if any.
fn changed_since_built(bin: &std::path::Path) -> Option<PathBuf> {
    let modified = |path: &std::path::Path| std::fs::metadata(path).and_then(|m| m.modified());
    let built = modified(bin).ok()?;
    let deps = std::fs::read_to_string(bin.with_extension("d")).ok()?;
    let (_, files) = deps.lines().next()?.split_once(": ")?;
    files
        .replace("\\ ", "\0")
        .split_whitespace()
        .map(|file| PathBuf::from(file.replace('\0', " ")))
        .find(|file| modified(file).is_ok_and(|at| at > built))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A scratch folder for keys and logs, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "hds-blackbox-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `hds <args>` with the environment of the local default pointed at `database_url`.
pub fn hds(database_url: &str, scratch: &Scratch, port: u16, args: &[&str]) -> Command {
    let mut command = Command::new(hds_bin());
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("HDS_BIND", format!("127.0.0.1:{port}"))
        .env("HDS_LOCAL_DIR", &scratch.0)
        .env("HDS_DEV_KEY_PATH", scratch.0.join("dev-key.pem"))
        .env("RUST_LOG", "info");
    command
}

pub fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

/// A running `hds serve`.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub base: String,
}

impl Server {
    pub fn start(database_url: &str, scratch: &Scratch) -> Self {
        Self::start_on(database_url, scratch, free_port())
    }

    pub fn start_on(database_url: &str, scratch: &Scratch, port: u16) -> Self {
        Self::start_with(database_url, scratch, port, &[])
    }

    /// Starts `hds serve` with extra environment (e.g. a shared `HDS_PUBLIC_URL`
    /// for replicas behind one address).
    pub fn start_with(
        database_url: &str,
        scratch: &Scratch,
        port: u16,
        env: &[(&str, &str)],
    ) -> Self {
        let server = Self::launch(database_url, scratch, port, env);
        server.wait_ready(scratch);
        server
    }

    /// Starts `hds serve` without waiting for it to become ready; its log
    /// (stderr) goes to [`Server::log`].
    pub fn launch(database_url: &str, scratch: &Scratch, port: u16, env: &[(&str, &str)]) -> Self {
        let log = std::fs::File::create(scratch.0.join(format!("server-{port}.log"))).unwrap();
        let child = hds(database_url, scratch, port, &["serve"])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        Self {
            child,
            port,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// What the server has logged so far.
    pub fn log(&self, scratch: &Scratch) -> String {
        std::fs::read_to_string(scratch.0.join(format!("server-{}.log", self.port)))
            .unwrap_or_default()
    }

    /// Waits (up to 60 s) until `/health/ready` answers 200.
    pub fn wait_ready(&self, scratch: &Scratch) {
        let client = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/health/ready", self.base)).send() {
                if r.status().as_u16() == 200 {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(scratch.0.join(format!("server-{}.log", self.port)))
            .unwrap_or_default();
        panic!("hds serve did not become ready within 60 s; log:\n{log}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "hds did not stop within 20 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub mod client;
pub mod cluster;
