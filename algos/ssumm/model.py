"""Summary graphs, their size in bits and their reconstruction error.

A summary of a graph G = (V, E) with n nodes is a partition of V into
supernodes plus a set P of weighted superedges (self-loops allowed). The
weight of superedge (A, B) is the number of edges of G between A and B, and
the summary reconstructs every pair u in A, v in B (u != v) as an edge of
probability weight / pairs(A, B), where pairs(A, B) = |A| |B| for A != B and
|A| (|A| - 1) / 2 for A = B. Pairs in blocks without a superedge reconstruct
as 0.

Size in bits (Lee et al., "SSumM: Sparse Summarization of Massive Graphs",
KDD 2020): n log2|S| for the membership plus |P| (2 log2|S| + log2 w_max)
for the superedges, where w_max is the largest weight.

Errors, over ordered pairs u != v and normalised by n (n - 1):
RE1 = sum |A_uv - R_uv| / (n (n - 1)) and RE2 = sqrt(sum (A_uv - R_uv)^2) / (n (n - 1)),
where A is the adjacency matrix and R the reconstruction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "EmptyGraphError",
    "Evaluation",
    "InvalidBudgetError",
    "InvalidSummaryError",
    "SsummError",
    "Summary",
    "evaluate",
    "summary_size_bits",
]


class SsummError(ValueError):
    """Base class of the errors raised by toolbox.algos.ssumm."""


class EmptyGraphError(SsummError):
    """The graph has no edge, so there is nothing to summarize."""


class InvalidBudgetError(SsummError):
    """The size budget or another parameter of the search is out of range."""


class InvalidSummaryError(SsummError):
    """A summary does not describe a valid partition and superedge set of the graph."""


@dataclass
class Evaluation:
    """Size and reconstruction error of one summary of one graph."""

    nodes: int
    edges: int
    supernodes: int
    superedges: int
    max_weight: int
    size_bits: float
    original_bits: float
    re1: float
    re2: float

    @property
    def relative_size(self) -> float | None:
        """Size of the summary over size of the graph; None for a graph of 0 bits."""
        return self.size_bits / self.original_bits if self.original_bits else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "edges": self.edges,
            "supernodes": self.supernodes,
            "superedges": self.superedges,
            "max_weight": self.max_weight,
            "size_bits": self.size_bits,
            "original_bits": self.original_bits,
            "relative_size": self.relative_size,
            "re1": self.re1,
            "re2": self.re2,
        }


@dataclass
class Summary:
    """A summary graph aligned with the node indices of the graph it summarizes.

    Attributes
    ----------
    node_ids : original id of each node index.
    membership : supernode position (0..S-1) of each node index, int64.
    labels : id written for each supernode position, int64 (for SSumM output the
        index of the supernode's representative node).
    superedges : (P, 3) int64 array of (position a, position b, weight), a >= b.
    omega_max : largest weight used in the size accounting. The SSumM reference
        implementation keeps a running maximum that can exceed the largest final
        weight; None means the largest weight in ``superedges``.
    stats : figures recorded by the search (rounds, timings, seed, ...).
    """

    node_ids: np.ndarray
    membership: np.ndarray
    labels: np.ndarray
    superedges: np.ndarray
    omega_max: int | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return int(self.membership.shape[0])

    @property
    def n_supernodes(self) -> int:
        return int(self.labels.shape[0])

    @property
    def n_superedges(self) -> int:
        return int(self.superedges.shape[0])

    @property
    def max_weight(self) -> int:
        return int(self.superedges[:, 2].max()) if self.n_superedges else 0

    def supernode_sizes(self) -> np.ndarray:
        return np.bincount(self.membership, minlength=self.n_supernodes)

    def members(self) -> list[np.ndarray]:
        """Return the node indices of each supernode, in position order."""
        order = np.argsort(self.membership, kind="stable")
        bounds = np.cumsum(self.supernode_sizes())[:-1]
        return np.split(order, bounds)

    def size_bits(self) -> float:
        """Return the size in bits, with ``omega_max`` when set (see the class notes)."""
        omega = self.omega_max if self.omega_max is not None else self.max_weight
        return summary_size_bits(self.n_nodes, self.n_supernodes, self.n_superedges, omega)

    def to_networkx(self):
        """Return a ``networkx.Graph`` with one node per supernode and one edge per superedge.

        Nodes are the supernode labels with attributes ``members`` (original ids)
        and ``size``; edges carry ``weight`` (edge count) and ``density``
        (weight / pairs). A superedge inside a supernode is a self-loop.
        Requires networkx.
        """
        import networkx as nx

        graph = nx.Graph()
        sizes = self.supernode_sizes()
        for position, members in enumerate(self.members()):
            graph.add_node(int(self.labels[position]), members=self.node_ids[members].tolist(),
                           size=int(sizes[position]))
        density = superedge_densities(self.superedges, sizes)
        for (a, b, weight), value in zip(self.superedges.tolist(), density.tolist(), strict=True):
            graph.add_edge(int(self.labels[a]), int(self.labels[b]), weight=weight,
                           density=value)
        return graph


def block_pairs(first: np.ndarray, second: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Return the number of node pairs in each block (first, second) of supernode positions."""
    size_a = sizes[first].astype(np.int64)
    size_b = sizes[second].astype(np.int64)
    return np.where(first == second, size_a * (size_a - 1) // 2, size_a * size_b)


def superedge_densities(superedges: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    pairs = block_pairs(superedges[:, 0], superedges[:, 1], sizes)
    return superedges[:, 2] / np.maximum(pairs, 1)


def summary_size_bits(n_nodes: int, supernodes: int, superedges: int, omega: int) -> float:
    """Return n log2|S| + |P| (2 log2|S| + log2 omega)."""
    log_s = float(np.log2(supernodes)) if supernodes > 0 else 0.0
    log_omega = float(np.log2(omega)) if superedges and omega > 0 else 0.0
    return n_nodes * log_s + superedges * (2.0 * log_s + log_omega)


def original_size_bits(n_nodes: int, n_edges: int) -> float:
    """Return 2 m log2 n, the size of the graph as an edge list of node indices."""
    return 2.0 * n_edges * float(np.log2(n_nodes)) if n_nodes > 1 else 0.0


def _block_counts(source, target, membership, n_supernodes):
    """Return (sorted block keys lo * S + hi, edge count of each) over the graph's edges."""
    a = membership[source]
    b = membership[target]
    keys = np.minimum(a, b) * n_supernodes + np.maximum(a, b)
    keys.sort()
    if keys.shape[0] == 0:
        return keys, keys.copy()
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    counts = np.diff(np.append(starts, keys.shape[0]))
    return keys[starts], counts


def validate_summary(summary: Summary) -> None:
    """Raise InvalidSummaryError unless positions, weights and superedges are consistent."""
    supernodes = summary.n_supernodes
    membership = summary.membership
    if membership.shape[0] and (membership.min() < 0 or membership.max() >= supernodes):
        message = "a node is assigned to no supernode or to an unknown one"
        raise InvalidSummaryError(message)
    sizes = summary.supernode_sizes()
    if supernodes and sizes.min() == 0:
        label = summary.labels[int(np.argmin(sizes))]
        message = f"supernode {label} has no members; remove it or give it members"
        raise InvalidSummaryError(message)
    if not summary.n_superedges:
        return
    first, second, weight = summary.superedges.T
    if first.min() < 0 or max(first.max(), second.max()) >= supernodes or second.min() < 0:
        message = "a superedge names an unknown supernode"
        raise InvalidSummaryError(message)
    pairs = block_pairs(first, second, sizes)
    bad = np.flatnonzero((weight < 1) | (weight > pairs))
    if bad.shape[0]:
        k = int(bad[0])
        message = (
            f"superedge ({summary.labels[first[k]]}, {summary.labels[second[k]]}) has weight "
            f"{weight[k]}, but its block has {pairs[k]} node pairs; weights must be 1..pairs"
        )
        raise InvalidSummaryError(message)
    keys = np.minimum(first, second) * supernodes + np.maximum(first, second)
    unique_keys = np.unique(keys)
    if unique_keys.shape[0] != keys.shape[0]:
        message = "a superedge is listed twice (in either orientation); list each block once"
        raise InvalidSummaryError(message)


def evaluate(source: np.ndarray, target: np.ndarray, summary: Summary) -> Evaluation:
    """Return the size in bits and the RE1 / RE2 errors of ``summary`` for a graph.

    ``source`` and ``target`` are the graph's edges as node indices (each
    undirected edge once, no self-loops). The size uses the largest weight in
    the summary. Runs in O(m log m) time without forming any n x n matrix.

    Raises
    ------
    InvalidSummaryError
        If the summary is not a partition of the nodes or a weight is impossible.
    """
    validate_summary(summary)
    n = summary.n_nodes
    m = int(source.shape[0])
    supernodes = summary.n_supernodes
    sizes = summary.supernode_sizes()

    block_keys, block_edges = _block_counts(source, target, summary.membership, supernodes)
    first, second, weight = (column.astype(np.int64) for column in summary.superedges.T)
    keys = np.minimum(first, second) * supernodes + np.maximum(first, second)
    where = np.searchsorted(block_keys, keys)
    where = np.minimum(where, max(block_keys.shape[0] - 1, 0))
    if block_keys.shape[0]:
        found = block_keys[where] == keys
        edges_in = np.where(found, block_edges[where], 0)
    else:
        edges_in = np.zeros(keys.shape[0], dtype=np.int64)

    pairs = block_pairs(first, second, sizes).astype(np.float64)
    density = weight / np.maximum(pairs, 1.0)
    covered = float(edges_in.sum())
    # Each unordered pair appears twice among the ordered pairs u != v.
    l1 = 2.0 * (m - covered) + 2.0 * float(
        np.sum(edges_in * (1.0 - density) + (pairs - edges_in) * density))
    l2_squared = 2.0 * (m - covered) + 2.0 * float(
        np.sum(edges_in * (1.0 - density) ** 2 + (pairs - edges_in) * density**2))
    ordered_pairs = float(n) * (n - 1)
    re1 = l1 / ordered_pairs if ordered_pairs else 0.0
    re2 = float(np.sqrt(max(l2_squared, 0.0))) / ordered_pairs if ordered_pairs else 0.0

    max_weight = summary.max_weight
    return Evaluation(
        nodes=n,
        edges=m,
        supernodes=supernodes,
        superedges=summary.n_superedges,
        max_weight=max_weight,
        size_bits=summary_size_bits(n, supernodes, summary.n_superedges, max_weight),
        original_bits=original_size_bits(n, m),
        re1=re1,
        re2=re2,
    )
