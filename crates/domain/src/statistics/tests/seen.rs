//! A history seen on a day without a copy ([`CaseHistory::seen_on`]) is the
//! history as of that day ([`CaseHistory::as_of`]), on every day of every
//! case of the fixture; it is the kept history itself once nothing in it
//! is later.

use time::macros::date;

use super::fixture::cases;
use crate::statistics::history::Seen;
use crate::statistics::CaseHistory;

#[test]
fn seen_on_a_day_is_the_history_as_of_that_day() {
    let all = cases();
    let mut day = date!(2025 - 11 - 01);
    let (mut whole, mut cut) = (0, 0);
    while day <= date!(2026 - 07 - 01) {
        for c in &all {
            let seen = c.seen_on(day);
            let as_of = c.as_of(day);
            assert_eq!(seen.as_deref(), as_of.as_ref(), "{} on {day}", c.case_id);
            match seen {
                Some(Seen::Whole(h)) => {
                    assert!(std::ptr::eq(h, c), "the kept history, not a copy");
                    assert_eq!(
                        as_of.as_ref(),
                        Some(c),
                        "{} is complete on {day}",
                        c.case_id
                    );
                    whole += 1;
                }
                Some(Seen::Cut(_)) => cut += 1,
                None => {}
            }
        }
        day = day.next_day().unwrap();
    }
    // both ways were taken, many times
    assert!(whole > 500 && cut > 500, "whole {whole}, cut {cut}");
}

/// A change to one date of a history.
type Change = fn(&mut CaseHistory, time::Date);

#[test]
fn a_history_with_a_later_date_in_any_list_is_cut() {
    // C2 has a source decided before the case, an appeal resolved and a
    // postponement; moving each of its dates past the day makes it a copy
    let c2: CaseHistory = cases().swap_remove(1);
    assert_eq!(c2.case_id, "C2");
    let day = date!(2026 - 06 - 30);
    assert!(matches!(c2.seen_on(day), Some(Seen::Whole(_))));
    let later = date!(2026 - 07 - 01);
    let variants: Vec<(&str, Change)> = vec![
        ("completed", |h, d| h.completed_on = Some(d)),
        ("withdrawn", |h, d| h.withdrawn_on = Some(d)),
        ("deadline set", |h, d| h.deadlines[0].on = d),
        ("postponed", |h, d| h.postponed_on[0] = d),
        ("rejected", |h, d| h.rejected_no_reply_on.push(d)),
        ("state", |h, d| h.states.last_mut().unwrap().on = d),
        ("appeal", |h, d| h.appeals[0].received_on = d),
        ("appeal resolved", |h, d| {
            h.appeals[0].resolved.as_mut().unwrap().on = d;
        }),
        ("decision", |h, d| h.sources[0].decisions[0].on = d),
        ("delivery", |h, d| {
            h.sources[1].delivery.as_mut().unwrap().on = d;
        }),
    ];
    for (what, change) in variants {
        let mut h = c2.clone();
        change(&mut h, later);
        let seen = h.seen_on(day);
        assert!(matches!(seen, Some(Seen::Cut(_))), "{what} later");
        assert_eq!(seen.as_deref(), h.as_of(day).as_ref(), "{what} later");
    }
}
