//! The table as a flow network, and the exact attacker bounds computed on it.
//!
//! Every entry of the table (cell, row total, column total, grand total) is an
//! edge, and every additivity equation is a node where what flows in equals
//! what flows out:
//!
//! * two-dimensional: a node per row `r_i`, a node per column `c_j` and two
//!   hubs `S` and `T`. Cell `(i, j)` is the edge `r_i -> c_j`, row total `i` is
//!   `S -> r_i`, column total `j` is `c_j -> T`, the grand total is `T -> S`.
//!   Node `r_i` says "the cells of row i add up to its total", node `S` says
//!   "the row totals add up to the grand total", and so on.
//! * one-dimensional: cell `i` is the edge `S -> T`, the grand total `T -> S`.
//!
//! A table consistent with the published numbers is a non-negative flow that
//! agrees with every published edge. Two such tables differ by a circulation
//! on the suppressed edges only, so the attacker's question "how large can
//! entry `e = u -> v` be?" is a maximum-flow question (Cox 1980): in the
//! residual network of the true table, where a suppressed edge `a -> b` with
//! value `f` may grow without limit (arc `a -> b`, capacity infinite) and
//! shrink by at most `f` (arc `b -> a`, capacity `f`),
//!
//! * `max(e) = f_e + maxflow(v -> u)` without `e` itself (infinite if a path of
//!   infinite arcs exists), and
//! * `min(e) = f_e - min(f_e, maxflow(u -> v))` without `e` itself.
//!
//! The constraint matrix of a network is totally unimodular, so these bounds
//! over real tables are integers and equal the bounds over integer tables.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Cells, Interval, Position, Table};

/// Node of the hub the row totals leave (and the grand total enters).
pub(super) const SOURCE_HUB: usize = 0;
/// Node of the hub the column totals enter (and the grand total leaves).
pub(super) const SINK_HUB: usize = 1;

/// One entry of the table and its edge in the network.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub position: Position,
    /// The true value.
    pub value: u64,
    pub from: usize,
    pub to: usize,
}

/// A validated table, extended with its totals, as a network.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    pub rows: usize,
    /// `None` for a one-dimensional table.
    pub columns: Option<usize>,
    /// Cells row by row, then row totals, column totals, the grand total.
    pub entries: Vec<Entry>,
    /// For each node, the entries whose edge touches it.
    pub incident: Vec<Vec<usize>>,
}

impl Grid {
    /// The network of a table that passed [`super::validate`].
    pub fn from_table(table: &Table) -> Self {
        let mut entries = Vec::new();
        let (rows, columns, nodes) = match &table.counts {
            Cells::OneWay(counts) => {
                for (row, &value) in counts.iter().enumerate() {
                    let position = Position::Cell { row, column: None };
                    entries.push(Entry {
                        position,
                        value,
                        from: SOURCE_HUB,
                        to: SINK_HUB,
                    });
                }
                (counts.len(), None, 2)
            }
            Cells::TwoWay(counts) => {
                let rows = counts.len();
                let columns = counts.first().map_or(0, Vec::len);
                let row_node = |i: usize| 2 + i;
                let column_node = |j: usize| 2 + rows + j;
                for (i, row) in counts.iter().enumerate() {
                    for (j, &value) in row.iter().enumerate() {
                        let position = Position::Cell {
                            row: i,
                            column: Some(j),
                        };
                        entries.push(Entry {
                            position,
                            value,
                            from: row_node(i),
                            to: column_node(j),
                        });
                    }
                }
                for (i, row) in counts.iter().enumerate() {
                    let value = row.iter().sum();
                    let position = Position::RowTotal(i);
                    entries.push(Entry {
                        position,
                        value,
                        from: SOURCE_HUB,
                        to: row_node(i),
                    });
                }
                for j in 0..columns {
                    let value = counts.iter().map(|row| row[j]).sum();
                    let position = Position::ColumnTotal(j);
                    entries.push(Entry {
                        position,
                        value,
                        from: column_node(j),
                        to: SINK_HUB,
                    });
                }
                (rows, Some(columns), 2 + rows + columns)
            }
        };
        let total = match &table.counts {
            Cells::OneWay(counts) => counts.iter().sum(),
            Cells::TwoWay(counts) => counts.iter().flatten().sum(),
        };
        entries.push(Entry {
            position: Position::Total,
            value: total,
            from: SINK_HUB,
            to: SOURCE_HUB,
        });
        let mut incident = vec![Vec::new(); nodes];
        for (k, entry) in entries.iter().enumerate() {
            incident[entry.from].push(k);
            incident[entry.to].push(k);
        }
        Self {
            rows,
            columns,
            entries,
            incident,
        }
    }

    /// Index of the grand total (always the last entry).
    pub fn total_index(&self) -> usize {
        self.entries.len() - 1
    }

    /// Number of nodes.
    fn nodes(&self) -> usize {
        self.incident.len()
    }
}

/// One step along an edge: the entry and whether it is walked forwards
/// (the entry grows) or backwards (it shrinks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Step {
    pub entry: usize,
    pub forward: bool,
}

/// The result of a maximum-flow computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Flow {
    /// The flow value, `None` if unbounded.
    pub value: Option<u64>,
    /// The suppressed entries the flow uses: as long as these stay
    /// suppressed, the flow (and the bound it proves) remains valid.
    pub uses: Vec<usize>,
}

/// Lexicographic cost of suppressing more: (entries, their total count).
pub(super) type Cost = (u64, u64);

/// The network with a set of suppressed entries, and scratch space for flows.
pub(super) struct Network<'g> {
    pub grid: &'g Grid,
    suppressed: Vec<bool>,
    /// For each node, the suppressed entries whose edge touches it.
    adjacency: Vec<Vec<usize>>,
    /// The two nodes of each entry's edge (a compact copy, for speed).
    ends: Vec<(usize, usize)>,
    /// Each entry's room to shrink: its true value plus the change in the
    /// flow being built (forward positive).
    room: Vec<i64>,
    touched: Vec<usize>,
    parent: Vec<Option<Step>>,
}

/// Infinite residual capacity.
const INFINITE: u64 = u64::MAX;

impl<'g> Network<'g> {
    /// The network with nothing suppressed.
    pub fn new(grid: &'g Grid) -> Self {
        let nodes = grid.nodes();
        Self {
            grid,
            suppressed: vec![false; grid.entries.len()],
            adjacency: vec![Vec::new(); nodes],
            ends: grid.entries.iter().map(|e| (e.from, e.to)).collect(),
            room: grid
                .entries
                .iter()
                .map(|e| i64::try_from(e.value).unwrap_or(i64::MAX))
                .collect(),
            touched: Vec::new(),
            parent: vec![None; nodes],
        }
    }

    pub fn is_suppressed(&self, k: usize) -> bool {
        self.suppressed[k]
    }

    /// Hide entry `k`.
    pub fn suppress(&mut self, k: usize) {
        if !self.suppressed[k] {
            self.suppressed[k] = true;
            let entry = self.grid.entries[k];
            self.adjacency[entry.from].push(k);
            self.adjacency[entry.to].push(k);
        }
    }

    /// Publish entry `k` again.
    pub fn publish(&mut self, k: usize) {
        if self.suppressed[k] {
            self.suppressed[k] = false;
            let entry = self.grid.entries[k];
            for node in [entry.from, entry.to] {
                self.adjacency[node].retain(|&other| other != k);
            }
        }
    }

    /// The node a step along entry `k` from `at` leads to, and its direction.
    fn walk(&self, k: usize, at: usize) -> (usize, Step) {
        let (from, to) = self.ends[k];
        if from == at {
            (
                to,
                Step {
                    entry: k,
                    forward: true,
                },
            )
        } else {
            (
                from,
                Step {
                    entry: k,
                    forward: false,
                },
            )
        }
    }

    /// How much flow can still pass along a step (the entry's room to grow is
    /// infinite; its room to shrink is its current value).
    fn residual(&self, step: Step) -> u64 {
        if step.forward {
            INFINITE
        } else {
            u64::try_from(self.room[step.entry]).unwrap_or(0)
        }
    }

    /// Breadth-first search from `source` to `sink` over suppressed entries
    /// except `exclude`, using only steps with residual at least `need`
    /// (`INFINITE`: only steps that grow an entry).
    fn search(
        &mut self,
        source: usize,
        sink: usize,
        exclude: usize,
        need: u64,
    ) -> Option<Vec<Step>> {
        self.parent.fill(None);
        let mut seen = vec![false; self.grid.nodes()];
        seen[source] = true;
        let mut queue = vec![source];
        let mut head = 0;
        while head < queue.len() {
            let at = queue[head];
            head += 1;
            for index in 0..self.adjacency[at].len() {
                let k = self.adjacency[at][index];
                if k == exclude {
                    continue;
                }
                let (next, step) = self.walk(k, at);
                if seen[next] || self.residual(step) < need {
                    continue;
                }
                seen[next] = true;
                self.parent[next] = Some(step);
                if next == sink {
                    return Some(self.path_to(source, sink));
                }
                queue.push(next);
            }
        }
        None
    }

    /// The steps from `source` to `sink`, read back from `parent`.
    fn path_to(&self, source: usize, sink: usize) -> Vec<Step> {
        let mut path = Vec::new();
        let mut at = sink;
        while at != source {
            let Some(step) = self.parent[at] else { break };
            path.push(step);
            let (from, to) = self.ends[step.entry];
            at = if step.forward { from } else { to };
        }
        path.reverse();
        path
    }

    /// Send `amount` along `path`.
    fn push(&mut self, path: &[Step], amount: u64) {
        let amount = i64::try_from(amount).unwrap_or(i64::MAX);
        for step in path {
            self.touched.push(step.entry);
            let room = &mut self.room[step.entry];
            *room = if step.forward {
                room.saturating_add(amount)
            } else {
                *room - amount
            };
        }
    }

    fn bottleneck(&self, path: &[Step]) -> u64 {
        path.iter()
            .map(|&s| self.residual(s))
            .min()
            .unwrap_or(INFINITE)
    }

    /// Forget the flow being built; return the entries it used.
    fn reset(&mut self) -> Vec<usize> {
        let mut uses = Vec::new();
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        for k in touched {
            let value = i64::try_from(self.grid.entries[k].value).unwrap_or(i64::MAX);
            if self.room[k] != value {
                uses.push(k);
            }
            self.room[k] = value;
        }
        self.touched = Vec::new();
        uses
    }

    /// Add flow from `source` to `sink` along suppressed entries (except
    /// `exclude`) until it reaches `cap` or no augmenting path is left.
    /// Returns the flow added, `None` if it is unbounded.
    fn augment(
        &mut self,
        source: usize,
        sink: usize,
        exclude: usize,
        cap: u64,
        mut value: u64,
    ) -> Option<u64> {
        if let Some(path) = self.search(source, sink, exclude, INFINITE) {
            self.push(&path, 1);
            return None;
        }
        while value < cap {
            let Some(path) = self.search(source, sink, exclude, 1) else {
                break;
            };
            let amount = self.bottleneck(&path).min(cap - value);
            self.push(&path, amount);
            value += amount;
        }
        Some(value)
    }

    /// Dinic's algorithm: the same as [`Self::augment`] from zero, but each
    /// round pushes a blocking flow along all shortest augmenting paths at
    /// once. Faster for large flows (the intervals); `None` if unbounded.
    fn blocking_flows(
        &mut self,
        source: usize,
        sink: usize,
        exclude: usize,
        cap: u64,
    ) -> Option<u64> {
        if let Some(path) = self.search(source, sink, exclude, INFINITE) {
            self.push(&path, 1);
            return None;
        }
        let cap = cap
            .min(self.room_around(source, exclude, true))
            .min(self.room_around(sink, exclude, false));
        let mut value = 0;
        while value < cap {
            let Some(level) = self.levels(source, sink, exclude) else {
                break;
            };
            let mut next_arc = vec![0; self.grid.nodes()];
            loop {
                let pushed =
                    self.push_blocking(source, sink, exclude, cap - value, &level, &mut next_arc);
                if pushed == 0 {
                    break;
                }
                value += pushed;
                if value >= cap {
                    break;
                }
            }
        }
        Some(value)
    }

    /// The total room of the steps out of `node` (`outward`) or into it: no
    /// flow out of (into) `node` can exceed it (a trivial cut).
    fn room_around(&self, node: usize, exclude: usize, outward: bool) -> u64 {
        self.adjacency[node]
            .iter()
            .filter(|&&k| k != exclude)
            .map(|&k| {
                let step = self.walk(k, node).1;
                self.residual(Step {
                    entry: k,
                    forward: step.forward == outward,
                })
            })
            .fold(0, u64::saturating_add)
    }

    /// Breadth-first distances from `source` over steps with room left;
    /// `None` if `sink` cannot be reached.
    fn levels(&self, source: usize, sink: usize, exclude: usize) -> Option<Vec<usize>> {
        let mut level = vec![usize::MAX; self.grid.nodes()];
        level[source] = 0;
        let mut queue = vec![source];
        let mut head = 0;
        while head < queue.len() {
            let at = queue[head];
            head += 1;
            if level[sink] != usize::MAX && level[at] >= level[sink] {
                break;
            }
            for &k in &self.adjacency[at] {
                if k == exclude {
                    continue;
                }
                let (next, step) = self.walk(k, at);
                if level[next] == usize::MAX && self.residual(step) > 0 {
                    level[next] = level[at] + 1;
                    queue.push(next);
                }
            }
        }
        (level[sink] != usize::MAX).then_some(level)
    }

    /// One augmenting path along increasing levels (depth first, resuming
    /// at `next_arc` of each node); the amount pushed, 0 if none is left.
    fn push_blocking(
        &mut self,
        at: usize,
        sink: usize,
        exclude: usize,
        limit: u64,
        level: &[usize],
        next_arc: &mut [usize],
    ) -> u64 {
        if at == sink {
            return limit;
        }
        while next_arc[at] < self.adjacency[at].len() {
            let k = self.adjacency[at][next_arc[at]];
            let (next, step) = self.walk(k, at);
            let room = self.residual(step);
            if k != exclude && room > 0 && level[next] == level[at] + 1 {
                let pushed =
                    self.push_blocking(next, sink, exclude, limit.min(room), level, next_arc);
                if pushed > 0 {
                    self.push(&[step], pushed);
                    return pushed;
                }
            }
            next_arc[at] += 1;
        }
        0
    }

    /// Maximum flow from `source` to `sink` over the suppressed entries other
    /// than `exclude`, stopping once it reaches `cap`.
    pub fn max_flow(&mut self, source: usize, sink: usize, exclude: usize, cap: u64) -> Flow {
        let value = self.augment(source, sink, exclude, cap, 0);
        Flow {
            value,
            uses: self.reset(),
        }
    }

    /// How much entry `k` can grow beyond its true value, up to `cap`, and
    /// the entries that proof uses.
    pub fn room_to_grow(&mut self, k: usize, cap: u64) -> Flow {
        let entry = self.grid.entries[k];
        self.max_flow(entry.to, entry.from, k, cap)
    }

    /// The exact interval an attacker can narrow suppressed entry `k` to.
    pub fn interval(&mut self, k: usize) -> Interval {
        let entry = self.grid.entries[k];
        let grow = self.blocking_flows(entry.to, entry.from, k, INFINITE);
        self.reset();
        let shrink = self.blocking_flows(entry.from, entry.to, k, entry.value);
        self.reset();
        Interval {
            min: entry.value - shrink.unwrap_or(entry.value).min(entry.value),
            max: grow.map(|g| entry.value.saturating_add(g)),
        }
    }

    /// Make entry `k` able to grow by at least `need`, suppressing the
    /// cheapest further entries: repeatedly find a cheapest augmenting path,
    /// where a suppressed entry costs nothing and a published one costs
    /// `cost(entry)`, suppress the published entries on it, and push flow
    /// along it. Returns the entries suppressed, in order.
    pub fn protect(&mut self, k: usize, need: u64, cost: impl Fn(&Entry) -> Cost) -> Vec<usize> {
        let entry = self.grid.entries[k];
        let (source, sink) = (entry.to, entry.from);
        let mut added = Vec::new();
        let mut value = 0;
        while let Some(reached) = self.augment(source, sink, k, need, value) {
            value = reached;
            if value >= need {
                break;
            }
            let remaining = need - value;
            let path = self
                .cheapest_path(source, sink, k, remaining, &cost)
                .or_else(|| self.cheapest_path(source, sink, k, 1, &cost));
            let Some(path) = path else { break };
            for step in &path {
                if !self.suppressed[step.entry] {
                    self.suppress(step.entry);
                    added.push(step.entry);
                }
            }
        }
        self.reset();
        added
    }

    /// Dijkstra from `source` to `sink` over all entries except `exclude`,
    /// using steps with residual at least `need`; a suppressed entry costs
    /// nothing, a published one `cost(entry)`.
    fn cheapest_path(
        &mut self,
        source: usize,
        sink: usize,
        exclude: usize,
        need: u64,
        cost: &impl Fn(&Entry) -> Cost,
    ) -> Option<Vec<Step>> {
        let nodes = self.grid.nodes();
        let mut best: Vec<Option<Cost>> = vec![None; nodes];
        let mut done = vec![false; nodes];
        self.parent.fill(None);
        best[source] = Some((0, 0));
        let mut heap: BinaryHeap<Reverse<(Cost, usize)>> = BinaryHeap::new();
        heap.push(Reverse(((0, 0), source)));
        while let Some(Reverse((so_far, at))) = heap.pop() {
            if done[at] {
                continue;
            }
            done[at] = true;
            if at == sink {
                return Some(self.path_to(source, sink));
            }
            for &k in &self.grid.incident[at] {
                if k == exclude {
                    continue;
                }
                let (next, step) = self.walk(k, at);
                if done[next] || self.residual(step) < need {
                    continue;
                }
                let extra: Cost = if self.suppressed[k] {
                    (0, 0)
                } else {
                    cost(&self.grid.entries[k])
                };
                let through = (so_far.0 + extra.0, so_far.1.saturating_add(extra.1));
                if best[next].is_none_or(|b| through < b) {
                    best[next] = Some(through);
                    self.parent[next] = Some(step);
                    heap.push(Reverse((through, next)));
                }
            }
        }
        None
    }
}
