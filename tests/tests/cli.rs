//! The command line: help for every command that does nothing else, and
//! usage errors that exit 2 before anything runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Output;

use hds_blackbox::{hds, run, Scratch};

/// Nothing listens here: a command that tried to reach the database would fail.
const NO_DATABASE: &str = "postgres://postgres@127.0.0.1:9/hds";

/// Every subcommand and the options its help must name.
const COMMANDS: &[(&str, &[&str])] = &[
    ("serve", &[]),
    ("migrate", &["--revert-all"]),
    ("seed", &[]),
    ("run-jobs", &["--at <RFC3339>"]),
    ("openapi", &[]),
    (
        "dev-token",
        &[
            "--role <ROLE>",
            "--pid <FNR>",
            "--org <ORGNR>",
            "--name <NAME>",
        ],
    ),
];

fn hds_offline(scratch: &Scratch, args: &[&str]) -> Output {
    run(&mut hds(NO_DATABASE, scratch, 9, args))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn hds_help_lists_every_command() {
    let scratch = Scratch::new();
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let out = hds_offline(&scratch, args);
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "hds {args:?}: {}",
            text(&out.stderr)
        );
        assert!(stdout.contains("Usage: hds <COMMAND>"), "{stdout}");
        for (command, _) in COMMANDS {
            assert!(
                stdout.lines().any(|l| l.trim_start().starts_with(command)),
                "hds {args:?} does not list {command}:\n{stdout}"
            );
        }
    }
}

#[test]
fn every_command_prints_its_usage_on_help_and_does_nothing_else() {
    let scratch = Scratch::new();
    for (command, options) in COMMANDS {
        for args in [
            vec![*command, "--help"],
            vec![*command, "-h"],
            vec!["help", *command],
        ] {
            let out = hds_offline(&scratch, &args);
            let stdout = text(&out.stdout);
            // exit 0 with no database to reach: nothing ran (serve, migrate,
            // seed and run-jobs would fail to connect, dev-token would write a key)
            assert_eq!(
                out.status.code(),
                Some(0),
                "hds {args:?}: {}",
                text(&out.stderr)
            );
            assert!(
                stdout.contains(&format!("Usage: hds {command}")),
                "hds {args:?}:\n{stdout}"
            );
            for option in *options {
                assert!(
                    stdout.contains(option),
                    "hds {args:?} names {option}:\n{stdout}"
                );
            }
            assert!(
                !stdout.contains("\"openapi\""),
                "hds {args:?} printed the contract"
            );
            assert!(out.stderr.is_empty(), "hds {args:?}: {}", text(&out.stderr));
        }
    }
    assert!(
        std::fs::read_dir(&scratch.0).unwrap().next().is_none(),
        "no dev issuer key written by a help"
    );
}

#[test]
fn run_jobs_help_does_not_run_the_jobs() {
    let scratch = Scratch::new();
    let out = hds_offline(&scratch, &["run-jobs", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Usage: hds run-jobs [OPTIONS]"), "{stdout}");
    assert!(!stdout.contains("reminder(s)"), "no job report: {stdout}");
    // the same command without --help does try the database and fails: the
    // exit 0 above is help's, not a run that happened to succeed
    let out = hds_offline(&scratch, &["run-jobs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot connect to the database"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn unknown_arguments_exit_2_with_a_message_before_anything_runs() {
    let scratch = Scratch::new();
    let cases: &[(&[&str], &str)] = &[
        (&[], "Usage: hds <COMMAND>"),
        (&["bogus"], "unrecognized subcommand 'bogus'"),
        (&["run-jobs", "--bogus"], "unexpected argument '--bogus'"),
        (&["run-jobs", "now"], "unexpected argument 'now'"),
        (
            &["run-jobs", "--at"],
            "a value is required for '--at <RFC3339>'",
        ),
        (&["run-jobs", "--at", "15.01.2027"], "RFC 3339"),
        (&["serve", "--port", "80"], "unexpected argument '--port'"),
        (&["migrate", "--revert"], "unexpected argument '--revert'"),
        (&["seed", "extra"], "unexpected argument 'extra'"),
        (&["openapi", "--yaml"], "unexpected argument '--yaml'"),
        (
            &["dev-token", "--role", "KING"],
            "use APPLICANT, CASE_HANDLER, CUSTODIAN or ADMIN",
        ),
        (&["dev-token", "--pid", "12345678901"], "--pid <FNR>"),
        (&["dev-token", "--org", "123"], "--org <ORGNR>"),
    ];
    for (args, message) in cases {
        let out = hds_offline(&scratch, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "hds {args:?}: {stderr}");
        assert!(stderr.contains(message), "hds {args:?}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "hds {args:?} wrote {}",
            text(&out.stdout)
        );
    }
}
