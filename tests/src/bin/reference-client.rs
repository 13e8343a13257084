//! The reference custodian client (see `hds_blackbox::client` and
//! docs/integration.md): long-polls the feed, fetches and acknowledges new
//! tasks, keeps its sequence in a file.
//!
//! ```text
//! HDS_TOKEN=$(hds dev-token --role CUSTODIAN --org 983744516) \
//!   reference-client --base http://127.0.0.1:8080 --state fhi.seq [--wait 25] [--rounds N]
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use hds_blackbox::client::{ClientConfig, CustodianClient};

fn main() -> ExitCode {
    let mut base = "http://127.0.0.1:8080".to_owned();
    let mut state = "custodian.seq".to_owned();
    let mut wait = 25;
    let mut rounds: Option<u32> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_default();
        match arg.as_str() {
            "--base" => base = value,
            "--state" => state = value,
            "--wait" => wait = value.parse().unwrap_or(25),
            "--rounds" => rounds = value.parse().ok(),
            _ => {
                eprintln!("usage: reference-client --base URL --state FILE [--wait S] [--rounds N] (token in HDS_TOKEN)");
                return ExitCode::from(2);
            }
        }
    }
    let Ok(token) = std::env::var("HDS_TOKEN") else {
        eprintln!("set HDS_TOKEN to a CUSTODIAN token");
        return ExitCode::from(2);
    };
    let client = match CustodianClient::new(ClientConfig {
        base,
        token,
        state_file: state.into(),
        wait_seconds: wait,
    }) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut done = 0;
    while rounds.is_none_or(|n| done < n) {
        match client.round() {
            Ok(round) => {
                for id in &round.acknowledged {
                    println!("acknowledged {id}");
                }
                println!("sequence {}", round.sequence);
            }
            Err(e) => {
                eprintln!("{e}; retrying in 5 s");
                std::thread::sleep(std::time::Duration::from_secs(5));
            }
        }
        done += 1;
    }
    ExitCode::SUCCESS
}
