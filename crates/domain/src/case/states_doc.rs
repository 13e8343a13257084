//! The state document (`docs/case-states.md`) and its Mermaid diagram,
//! generated from the transition table in [`super::table`].

use std::fmt::Write as _;

use super::table::{allowed_commands, CaseState, TRANSITIONS};

use CaseState as S;

/// The name of the event that creates a case; the diagram's entry arrow.
pub const SUBMIT: &str = "SUBMIT";

/// The state diagram as Mermaid `stateDiagram-v2`, generated from
/// [`TRANSITIONS`].
pub fn mermaid_diagram() -> String {
    let mut out = String::from("stateDiagram-v2\n");
    let _ = writeln!(out, "    [*] --> {}: {SUBMIT}", S::Submitted.as_str());
    let mut loops_drawn = Vec::new();
    for t in TRANSITIONS {
        if t.from == t.to {
            // Self-loops (commands that keep the state) are drawn once per
            // state, their commands listed together; the conditions are in
            // the transitions table.
            if loops_drawn.contains(&t.from) {
                continue;
            }
            loops_drawn.push(t.from);
            let mut commands: Vec<&str> = Vec::new();
            for c in TRANSITIONS
                .iter()
                .filter(|r| r.from == t.from && r.to == t.from)
                .map(|r| r.command.as_str())
            {
                if !commands.contains(&c) {
                    commands.push(c);
                }
            }
            let _ = writeln!(
                out,
                "    {} --> {}: {}",
                t.from.as_str(),
                t.to.as_str(),
                commands.join(", ")
            );
            continue;
        }
        let _ = write!(
            out,
            "    {} --> {}: {}",
            t.from.as_str(),
            t.to.as_str(),
            t.command.as_str()
        );
        if let Some(when) = t.when {
            let _ = write!(out, " ({when})");
        }
        out.push('\n');
    }
    for s in CaseState::ALL.into_iter().filter(|s| s.is_final()) {
        let _ = writeln!(out, "    {} --> [*]", s.as_str());
    }
    out
}

/// The whole of `docs/case-states.md`: diagram, states and transitions.
pub fn states_document() -> String {
    let mut out = String::new();
    out.push_str("# Case states\n\n");
    out.push_str(
        "<!-- Generated from crates/domain/src/case/table.rs by \
         hds_domain::case::states_document(). Do not edit by hand: change the table and run \
         `UPDATE_DOCS=1 cargo test -p hds-domain case_states_doc`. -->\n\n",
    );
    out.push_str(
        "A case is one application as HDS handles it. Each arrow is a command; the \
         function of the same name on `hds_domain::case::Case` carries it out and returns \
         the new case and its events, or an error naming why it is not allowed. Where two \
         arrows leave a state with the same command, the case data decides (shown in \
         parentheses). Deadlines are counted in working days (virkedager) on the calendar \
         date in Europe/Oslo.\n\n",
    );
    out.push_str("```mermaid\n");
    out.push_str(&mermaid_diagram());
    out.push_str("```\n\n## States\n\n| State | Meaning | Allowed commands |\n|---|---|---|\n");
    for s in CaseState::ALL {
        let allowed: Vec<String> = allowed_commands(s)
            .into_iter()
            .map(|c| format!("`{}`", c.as_str()))
            .collect();
        let allowed = if allowed.is_empty() {
            "none (final)".to_owned()
        } else {
            allowed.join(", ")
        };
        let _ = writeln!(out, "| `{}` | {} | {} |", s.as_str(), s.meaning(), allowed);
    }
    out.push_str(
        "\n## Transitions\n\n| From | Command | By | To | When |\n|---|---|---|---|---|\n",
    );
    for t in TRANSITIONS {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | `{}` | {} |",
            t.from.as_str(),
            t.command.as_str(),
            t.command.actor(),
            t.to.as_str(),
            t.when.unwrap_or("")
        );
    }
    out.push_str(
        "\nAny other combination of state and command is refused, e.g. \
         \"a decided case cannot be withdrawn\".\n",
    );
    out.push_str(
        "\n## Awaiting delivery: a flag, not a state\n\n\
         The statutory clock (helseregisterloven § 19 f) runs from the complete \
         application until the data are made available: every granted source delivered \
         or reported undeliverable. A decided case whose granted sources are not all \
         delivered is *awaiting delivery* (`Case::awaiting_delivery`), keeps its due date \
         and is overdue when it passes. This is a flag beside the state, not a state of \
         its own, because delivery runs alongside the appeal: the granted sources of a \
         partly refused decision are delivered while the refusal is appealed, \
         reconsidered or with Helseklage, and a reversal can grant more sources. A state \
         would have to be multiplied by every appeal state. The delivery commands \
         therefore keep the state, and `CLOSE` is refused until the data are made \
         available. See `docs/case-handling.md`, The statutory clock.\n",
    );
    out
}
