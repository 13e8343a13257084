//! A PostgreSQL cluster of a test's own (`initdb` in a temporary folder), for
//! tests that stop, start and restart the database under a running `hds`.
//! Like `scripts/db.sh`: as root, the server runs as the `postgres` user.

use std::path::PathBuf;
use std::process::Command;

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::free_port;

pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// A PostgreSQL tool run as the cluster's owner.
fn as_owner(program: &str, args: &[&str]) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command
            .args(["-u", "postgres", "--", program])
            .args(args)
            .current_dir("/");
        command
    } else {
        let mut command = Command::new(program);
        command.args(args);
        command
    }
}

fn ok(command: &mut Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| {
        panic!("{what}: {e} (PostgreSQL's initdb and pg_ctl must be on PATH, as for make test)")
    });
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    /// A new cluster, created but not started.
    pub fn create() -> Self {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("hds-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            ok(
                Command::new("chown").args(["postgres:", dir.to_str().unwrap()]),
                "chown",
            );
        }
        let cluster = Self { dir, port };
        let data = cluster.data();
        ok(
            &mut as_owner(
                "initdb",
                &[
                    "-D",
                    &data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                ],
            ),
            "initdb",
        );
        let conf = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = ''\n\
             max_connections = 100\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        );
        let path = PathBuf::from(&data).join("postgresql.conf");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&conf);
        std::fs::write(&path, text).unwrap();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").to_str().unwrap().to_owned()
    }

    fn log(&self) -> String {
        self.dir.join("server.log").to_str().unwrap().to_owned()
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) {
        ok(
            &mut as_owner(
                "pg_ctl",
                &[
                    "-D",
                    &self.data(),
                    "-l",
                    &self.log(),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            ),
            "pg_ctl start",
        );
    }

    /// Stops the server (fast: open connections are closed).
    pub fn stop(&self) {
        ok(
            &mut as_owner("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]),
            "pg_ctl stop",
        );
    }

    /// Stops and starts the server; returns once it accepts connections.
    pub fn restart(&self) {
        ok(
            &mut as_owner(
                "pg_ctl",
                &[
                    "-D",
                    &self.data(),
                    "-l",
                    &self.log(),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "60",
                    "restart",
                ],
            ),
            "pg_ctl restart",
        );
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates an empty database (the cluster must be running).
    pub fn create_database(&self, name: &str) {
        let mut admin = PgConnection::establish(&self.url("postgres")).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .unwrap();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_owner(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        )
        .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
