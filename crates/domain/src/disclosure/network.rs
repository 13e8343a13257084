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
    /// Change of each entry (forward positive) in the flow being built.
    delta: Vec<i64>,
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
            delta: vec![0; grid.entries.len()],
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
        let entry = self.grid.entries[k];
        if entry.from == at {
            (
                entry.to,
                Step {
                    entry: k,
                    forward: true,
                },
            )
        } else {
            (
                entry.from,
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
            let value = i128::from(self.grid.entries[step.entry].value)
                + i128::from(self.delta[step.entry]);
            u64::try_from(value).unwrap_or(0)
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
            let entry = self.grid.entries[step.entry];
            at = if step.forward { entry.from } else { entry.to };
        }
        path.reverse();
        path
    }

    /// Send `amount` along `path`.
    fn push(&mut self, path: &[Step], amount: u64) {
        let amount = i64::try_from(amount).unwrap_or(i64::MAX);
        for step in path {
            if self.delta[step.entry] == 0 {
                self.touched.push(step.entry);
            }
            if step.forward {
                self.delta[step.entry] = self.delta[step.entry].saturating_add(amount);
            } else {
                self.delta[step.entry] -= amount;
            }
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
        for k in std::mem::take(&mut self.touched) {
            if self.delta[k] != 0 {
                uses.push(k);
            }
            self.delta[k] = 0;
        }
        uses.sort_unstable();
        uses.dedup();
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
        let grow = self.room_to_grow(k, INFINITE).value;
        let shrink = self.max_flow(entry.from, entry.to, k, entry.value).value;
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
        loop {
            let Some(reached) = self.augment(source, sink, k, need, value) else {
                break;
            };
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
