//! Suppression (prikking): primary suppression of the sensitive entries, then
//! secondary suppression until no primary entry can be shown to be below the
//! threshold, then a cleanup pass that publishes again every secondary entry
//! that is not needed.
//!
//! The secondary step is the shortest-path method of network-flow
//! suppression (Cox 1980, 1995; Castro 2002, 2007): for a primary entry `e` that
//! cannot yet grow to the threshold, find the cheapest augmenting path in the
//! network (see `network`), where an already suppressed entry costs nothing
//! and a published one costs (1 entry, its count), suppress the published
//! entries on it, and repeat. In a two-dimensional table such a path closes a
//! cycle through `e`: the classic rectangle `(i,j) (i,l) (k,l) (k,j)`, or a
//! longer alternating cycle, or a route through the totals.

use super::network::{Cost, Entry, Grid, Network};
use super::{Method, ProtectedTable, Published, Reason, Request, Suppression};

/// Is `value` sensitive: `1 <= value < threshold`, or zero if zeros are.
pub(super) fn is_sensitive(value: u64, threshold: u64, suppress_zeros: bool) -> bool {
    value < threshold && (value >= 1 || suppress_zeros)
}

/// The price of suppressing an entry: first the number of entries, then how
/// much count they hide.
fn cost(entry: &Entry) -> Cost {
    (1, entry.value)
}

/// How much a primary entry with true `value` must be able to grow.
fn need(value: u64, threshold: u64) -> u64 {
    threshold.saturating_sub(value)
}

/// Protect the table by suppression. See the module documentation.
pub(super) fn suppress(grid: &Grid, request: &Request) -> ProtectedTable {
    let (threshold, suppress_zeros) = (request.threshold, request.suppress_zeros);
    let entries = &grid.entries;
    let primaries: Vec<usize> = (0..entries.len())
        .filter(|&k| is_sensitive(entries[k].value, threshold, suppress_zeros))
        .collect();
    let mut network = orders(grid, &primaries)
        .map(|order| attempt(grid, &primaries, &order, threshold))
        .min_by_key(|(_, price)| *price)
        .map_or_else(|| Network::new(grid), |(network, _)| network);
    if !guarantee_holds(&mut network, &primaries, threshold) {
        suppress_all_totals(&mut network);
    }
    if !guarantee_holds(&mut network, &primaries, threshold) {
        (0..entries.len()).for_each(|k| network.suppress(k));
    }
    let values: Vec<Published> = (0..entries.len())
        .map(|k| {
            if network.is_suppressed(k) {
                Published::Suppressed
            } else {
                Published::Value(entries[k].value)
            }
        })
        .collect();
    let hidden: Vec<usize> = (0..entries.len())
        .filter(|&k| network.is_suppressed(k))
        .collect();
    let suppressed = hidden
        .into_iter()
        .map(|k| Suppression {
            position: entries[k].position,
            reason: if primaries.binary_search(&k).is_ok() {
                Reason::Primary
            } else {
                Reason::Secondary
            },
            interval: request.intervals.then(|| network.interval(k)),
        })
        .collect();
    ProtectedTable::from_entries(grid, Method::Suppress, threshold, &values, suppressed)
}

/// Table size (entries) up to which several orders are tried: the work is
/// at most about [`ORDER_BUDGET`] entries' worth of single attempts.
const ORDER_BUDGET: usize = 40_000;

/// Most orders tried on a small table.
const MAX_ORDERS: usize = 16;

/// The orders in which the primary entries are protected. The greedy result
/// depends on the order, so small tables try several and keep the cheapest:
/// table order, totals first, largest need first, reversed, then shuffles
/// from a fixed seed (the result is deterministic).
fn orders<'a>(grid: &Grid, primaries: &'a [usize]) -> impl Iterator<Item = Vec<usize>> + 'a {
    let count = (ORDER_BUDGET / grid.entries.len().max(1)).clamp(1, MAX_ORDERS);
    let cells = grid.rows * grid.columns.unwrap_or(1);
    let values: Vec<u64> = grid.entries.iter().map(|e| e.value).collect();
    let mut seed = 0x5EED_u64;
    (0..count).map(move |attempt| {
        let mut order = primaries.to_vec();
        match attempt {
            0 => {}
            1 => order.sort_by_key(|&k| (k < cells, k)),
            2 => order.sort_by_key(|&k| (values[k], k)),
            3 => order.reverse(),
            _ => shuffle(&mut order, &mut seed),
        }
        order
    })
}

/// Fisher-Yates shuffle driven by `SplitMix64`.
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let j = usize::try_from(z % (i as u64 + 1)).unwrap_or(0);
        order.swap(i, j);
    }
}

/// One greedy pass: suppress the primaries, protect them in `order`, clean
/// up. Returns the network and the price of its secondary suppressions.
fn attempt<'g>(
    grid: &'g Grid,
    primaries: &[usize],
    order: &[usize],
    threshold: u64,
) -> (Network<'g>, Cost) {
    let mut network = Network::new(grid);
    for &k in primaries {
        network.suppress(k);
    }
    for &k in order {
        network.protect(k, need(grid.entries[k].value, threshold), cost);
    }
    clean_up(&mut network, primaries, threshold);
    let price = (0..grid.entries.len())
        .filter(|&k| network.is_suppressed(k) && primaries.binary_search(&k).is_err())
        .map(|k| cost(&grid.entries[k]))
        .fold((0, 0), |a: Cost, b| (a.0 + b.0, a.1.saturating_add(b.1)));
    (network, price)
}

/// The exact check: every primary entry can grow to the threshold.
pub(super) fn guarantee_holds(network: &mut Network, primaries: &[usize], threshold: u64) -> bool {
    primaries.iter().all(|&k| {
        let need = need(network.grid.entries[k].value, threshold);
        network
            .room_to_grow(k, need)
            .value
            .is_none_or(|grow| grow >= need)
    })
}

/// The last resort before suppressing everything: with every total hidden,
/// every suppressed cell can grow without limit.
fn suppress_all_totals(network: &mut Network) {
    let grid = network.grid;
    let cells = grid.rows * grid.columns.unwrap_or(1);
    for k in cells..grid.entries.len() {
        network.suppress(k);
    }
}

/// Try to publish each secondary entry again, largest count first, keeping it
/// published if every primary entry is still protected. Each primary keeps
/// the list of entries its proof uses, so only the primaries whose proof used
/// the entry are checked again.
fn clean_up(network: &mut Network, primaries: &[usize], threshold: u64) {
    let grid = network.grid;
    let needs: Vec<u64> = primaries
        .iter()
        .map(|&k| need(grid.entries[k].value, threshold))
        .collect();
    let mut proofs: Vec<Vec<usize>> = primaries
        .iter()
        .zip(&needs)
        .map(|(&k, &need)| network.room_to_grow(k, need).uses)
        .collect();
    let mut secondaries: Vec<usize> = (0..grid.entries.len())
        .filter(|&k| network.is_suppressed(k) && primaries.binary_search(&k).is_err())
        .collect();
    secondaries.sort_by_key(|&k| std::cmp::Reverse((grid.entries[k].value, k)));
    for s in secondaries {
        network.publish(s);
        let mut renewed = Vec::new();
        let mut still_safe = true;
        for (index, proof) in proofs.iter().enumerate() {
            if proof.binary_search(&s).is_err() {
                continue;
            }
            let flow = network.room_to_grow(primaries[index], needs[index]);
            if flow.value.is_some_and(|grow| grow < needs[index]) {
                still_safe = false;
                break;
            }
            renewed.push((index, flow.uses));
        }
        if still_safe {
            for (index, uses) in renewed {
                proofs[index] = uses;
            }
        } else {
            network.suppress(s);
        }
    }
}
