"""SSumM: greedy sparse summarization of a graph within a size budget in bits.

Given a simple undirected graph and a budget k in bits, SSumM merges nodes into
supernodes until the summary fits in k bits. It keeps a superedge only where
that is cheaper, in bits, than listing the block's edges (minimum description
length), which keeps the reconstruction error low for the size.

Each of T rounds (default 20) groups the current supernodes by min-hash
shingles of their closed neighbourhoods (at most ``max_group`` per group), then
samples pairs inside each group and merges the pair with the largest relative
saving in bits if the saving reaches 1 / (1 + t) (0 in the last round). Every
merge re-encodes the merged supernode's blocks as superedge or not, whichever
is cheaper. If the rounds end above the budget, the superedges whose removal
increases the error least are dropped until the summary fits.

Reference: Kyuhan Lee, Hyeonsoo Jo, Jihoon Ko, Sungsu Lim and Kijung Shin,
"SSumM: Sparse Summarization of Massive Graphs", KDD 2020,
doi:10.1145/3394486.3403057.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from toolbox.algos.ssumm import _kernels as K
from toolbox.algos.ssumm.model import (
    EmptyGraphError,
    InvalidBudgetError,
    Summary,
    original_size_bits,
    summary_size_bits,
)

__all__ = ["InvariantError", "budget_bits", "reference_ratio", "summarize"]

ErrorMode = Literal["re1", "re2"]
Compat = Literal["reference", "clean"]


class InvariantError(RuntimeError):
    """An internal consistency check of the search failed (a bug, please report it)."""


def reference_ratio(ratio: float) -> float:
    """Round ``ratio`` up to two decimals in float64, as the reference implementation does.

    ceil(100 r) / 100 in binary floating point turns 0.07 into 0.08 and 0.56
    into 0.57, because 100 * 0.07 is slightly above 7.
    """
    return math.ceil(100.0 * ratio) / 100.0


def budget_bits(n_nodes: int, n_edges: int, *, ratio: float | None = None,
                bits: float | None = None, compat: Compat = "reference") -> float:
    """Return the size budget k in bits from a ratio of 2 m log2 n or an absolute size."""
    if (ratio is None) == (bits is None):
        message = "give exactly one of ratio and bits"
        raise InvalidBudgetError(message)
    if bits is not None:
        if not bits >= 0 or math.isinf(bits):
            message = f"budget {bits} bits is invalid; use a finite number of bits >= 0"
            raise InvalidBudgetError(message)
        return float(bits)
    assert ratio is not None
    if not 0 < ratio <= 1:
        message = f"ratio {ratio} is invalid; use a value in (0, 1], for example 0.2"
        raise InvalidBudgetError(message)
    effective = reference_ratio(ratio) if compat == "reference" else ratio
    return effective * original_size_bits(n_nodes, n_edges)


@dataclass
class _State:
    """Arrays of the search; see toolbox.algos.ssumm._kernels for their layout."""

    nodes: np.ndarray
    data_bits: np.ndarray
    arena: np.ndarray
    table_keys: np.ndarray
    table_count: np.ndarray
    table_flag: np.ndarray
    counters: np.ndarray
    scratch: np.ndarray

    def size_bits(self, n_nodes: int) -> float:
        return summary_size_bits(n_nodes, int(self.counters[K.C_SUPERNODES]),
                                 int(self.counters[K.C_SUPEREDGES]),
                                 int(self.counters[K.C_OMEGA]))


def _csr(source: np.ndarray, target: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (indptr, indices) of the symmetric adjacency, neighbours sorted."""
    heads = np.concatenate((source, target)).astype(np.int64)
    tails = np.concatenate((target, source)).astype(np.int32)
    order = np.lexsort((tails, heads))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(heads, minlength=n), out=indptr[1:])
    return indptr, tails[order]


def _initial_state(source, target, n: int, indptr, indices) -> _State:
    m = source.shape[0]
    degree = np.diff(indptr)
    nodes = np.zeros((K.NODE_FIELDS, n), dtype=np.int64)
    nodes[K.F_SIZE] = 1
    nodes[K.F_HEAD] = np.arange(n)
    nodes[K.F_NEXT] = -1
    nodes[K.F_TAIL] = np.arange(n)
    nodes[K.F_SUPEREDGES] = degree
    nodes[K.F_ADJ_START] = indptr[:-1]
    nodes[K.F_ADJ_LEN] = degree
    nodes[K.F_ADJ_CAP] = degree
    nodes[K.F_PARENT] = np.arange(n)
    arena = np.empty((2, 2 * indices.shape[0] + n + 16), dtype=np.int64)
    arena[0, : indices.shape[0]] = indices
    arena[1, : indices.shape[0]] = 1

    # Keep the initial load at or below 0.3, so tombstones have room before a rebuild.
    capacity = 1 << max(4, int(math.ceil(math.log2(m / 0.3 + 1))))
    table_keys, table_count, table_flag = K._build_table(
        np.ascontiguousarray(source, dtype=np.int64),
        np.ascontiguousarray(target, dtype=np.int64), capacity)
    counters = np.zeros(K.COUNTERS, dtype=np.int64)
    counters[K.C_SUPERNODES] = n
    counters[K.C_SUPEREDGES] = m
    counters[K.C_OMEGA] = 1
    counters[K.C_ARENA_END] = indices.shape[0]
    counters[K.C_TABLE_USED] = m
    return _State(nodes, np.zeros(n, dtype=np.float64), arena, table_keys, table_count,
                  table_flag, counters, np.zeros((K.SCRATCH_ROWS, n), dtype=np.int64))


def _candidate_groups(state: _State, indptr, indices, rng: np.random.Generator,
                      num_hashes: int, max_group: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (supernodes in shingle order, (start, end) bounds of each group)."""
    n = indptr.shape[0] - 1
    permutations = np.empty((num_hashes, n), dtype=np.int64)
    for h in range(num_hashes):
        permutations[h] = rng.permutation(n)
    node_shingles = K._node_shingles(indptr, indices, permutations)
    alive = np.flatnonzero(state.nodes[K.F_SIZE] > 0)
    shingles = K._supernode_shingles(node_shingles, state.nodes, alive)
    # np.lexsort sorts by its last key first: shingle 1, then 2, ..., then the id.
    order = np.lexsort((alive, *shingles[::-1]))
    ordered_shingles = np.ascontiguousarray(shingles[:, order])
    return alive[order], K._group_bounds(ordered_shingles, max_group)


def summarize(
    source: np.ndarray,
    target: np.ndarray,
    n_nodes: int,
    *,
    ratio: float | None = None,
    bits: float | None = None,
    error: ErrorMode = "re2",
    iterations: int = 20,
    seed: int | None = None,
    compat: Compat = "reference",
    num_hashes: int = 10,
    max_group: int = 500,
    node_ids: np.ndarray | None = None,
    debug: bool = False,
    on_round: Callable[[dict[str, Any]], None] | None = None,
) -> Summary:
    """Summarize an undirected graph within a budget of ``ratio`` * 2 m log2 n or ``bits`` bits.

    Parameters
    ----------
    source, target : (m,) integer arrays of node indices in [0, n_nodes), one
        entry per undirected edge, no self-loops or duplicates (as returned by
        ``toolbox.io.edgelist.read_edge_list``).
    n_nodes : number of nodes, isolated nodes included.
    ratio, bits : the budget; give exactly one. ``compat="reference"`` rounds a
        ratio up to two decimals as the reference implementation does.
    error : "re1" forbids superedges on blocks of density below 1/2 while merging,
        and ranks superedges by their L1 error increase in the final
        sparsification. "re2" ranks them by the L2 increase.
    iterations : number of merge rounds T.
    seed : seed of every random choice; None draws one (recorded in ``stats``).
    compat : "reference" reproduces the reference implementation's choices
        (ratio rounding, a running maximum weight that also counts non-superedge
        blocks and self blocks twice, patience fixed per group from its initial
        size, self superedges scored over ordered pairs); "clean" uses the exact
        ratio, the final maximum weight, patience max(log2 |C|, 1) from the
        current group size and consistent self-superedge scores.
    num_hashes, max_group : min-hash functions per round and maximum group size.
    node_ids : original id of each node, kept in the summary for output.
    debug : check the consistency of every structure after each round and at the end.
    on_round : called after each round with a dict of round figures.

    Returns
    -------
    Summary
        With ``stats`` holding the budget, sizes, rounds, merges, timings and seed.

    Raises
    ------
    EmptyGraphError
        If the graph has no edge.
    InvalidBudgetError
        If a parameter is out of range.
    """
    started = time.perf_counter()
    source = np.ascontiguousarray(source, dtype=np.int64)
    target = np.ascontiguousarray(target, dtype=np.int64)
    m = int(source.shape[0])
    _validate(source, target, n_nodes, error, iterations, num_hashes, max_group, compat)
    budget = budget_bits(n_nodes, m, ratio=ratio, bits=bits, compat=compat)
    if seed is None:
        seed = secrets.randbelow(2**63)
    rng = np.random.default_rng(seed)
    pair_rng = np.array([rng.integers(0, 2**63, dtype=np.uint64)], dtype=np.uint64)
    re1_rule = error == "re1"
    reference = compat == "reference"

    indptr, indices = _csr(source, target, n_nodes)
    state = _initial_state(source, target, n_nodes, indptr, indices)
    drawn = np.zeros(max_group * max_group, dtype=np.int64)
    edge_bits = 2.0 * math.log2(n_nodes)
    timings = {"setup": time.perf_counter() - started, "grouping": 0.0, "merging": 0.0}
    rounds: list[dict[str, Any]] = []
    reached = state.size_bits(n_nodes) <= budget  # a generous budget needs no merging

    for t in range(1, iterations + 1):
        if reached:
            break
        threshold = 0.0 if t == iterations else 1.0 / (1 + t)
        clock = time.perf_counter()
        members, bounds = _candidate_groups(state, indptr, indices, rng, num_hashes, max_group)
        timings["grouping"] += time.perf_counter() - clock
        clock = time.perf_counter()
        merges_before = int(state.counters[K.C_MERGES])
        (reached, state.arena, state.table_keys, state.table_count,
         state.table_flag) = K._merge_groups(
            members, bounds, threshold, reference, max_group, state.nodes, state.data_bits,
            state.arena, state.table_keys, state.table_count, state.table_flag,
            state.counters, state.scratch, drawn, pair_rng, float(n_nodes), edge_bits,
            budget, re1_rule, reference)
        timings["merging"] += time.perf_counter() - clock
        figures = {
            "round": t,
            "threshold": threshold,
            "groups": int(bounds.shape[0]),
            "merges": int(state.counters[K.C_MERGES]) - merges_before,
            "supernodes": int(state.counters[K.C_SUPERNODES]),
            "superedges": int(state.counters[K.C_SUPEREDGES]),
            "size_bits": state.size_bits(n_nodes),
        }
        rounds.append(figures)
        if debug:
            check_invariants(state, source, target, edge_bits)
        if on_round is not None:
            on_round(figures)

    clock = time.perf_counter()
    summary = _finish(state, n_nodes, budget, error, reference, reached)
    timings["sparsification"] = time.perf_counter() - clock
    timings["total"] = time.perf_counter() - started
    if debug:
        _check_final(summary, budget)
    summary.node_ids = node_ids if node_ids is not None else np.arange(n_nodes)
    summary.stats.update({
        "seed": seed,
        "error": error,
        "compat": compat,
        "ratio": ratio,
        "budget_bits": budget,
        "original_bits": original_size_bits(n_nodes, m),
        "iterations": iterations,
        "rounds": len(rounds),
        "merges": int(state.counters[K.C_MERGES]),
        "pair_evaluations": int(state.counters[K.C_EVALUATIONS]),
        "list_entries_scanned": int(state.counters[K.C_SCANNED]),
        "round_figures": rounds,
        "timings": timings,
    })
    return summary


def _validate(source, target, n_nodes, error, iterations, num_hashes, max_group, compat):
    if source.shape != target.shape or source.ndim != 1:
        message = "source and target must be 1-D arrays of equal length"
        raise InvalidBudgetError(message)
    if source.shape[0] == 0:
        message = "the graph has no edges (after dropping self-loops); nothing to summarize"
        raise EmptyGraphError(message)
    if n_nodes < 2 or n_nodes >= 2**31:
        message = f"node count {n_nodes} is out of range; SSumM needs 2 to 2**31 - 1 nodes"
        raise InvalidBudgetError(message)
    if min(source.min(), target.min()) < 0 or max(source.max(), target.max()) >= n_nodes:
        message = f"edge endpoints must be node indices in [0, {n_nodes})"
        raise InvalidBudgetError(message)
    if error not in ("re1", "re2"):
        message = f"error mode {error!r} is unknown; use 're1' or 're2'"
        raise InvalidBudgetError(message)
    if compat not in ("reference", "clean"):
        message = f"compat mode {compat!r} is unknown; use 'reference' or 'clean'"
        raise InvalidBudgetError(message)
    if iterations < 1:
        message = f"iterations {iterations} is invalid; use 1 or more"
        raise InvalidBudgetError(message)
    if num_hashes < 1:
        message = f"number of hash functions {num_hashes} is invalid; use 1 or more"
        raise InvalidBudgetError(message)
    if not 2 <= max_group <= 10_000:
        message = f"maximum group size {max_group} is invalid; use 2 to 10000"
        raise InvalidBudgetError(message)


def _finish(state: _State, n_nodes: int, budget: float, error: str, reference: bool,
            reached: bool) -> Summary:
    """Drop non-superedge blocks, fold edgeless supernodes, sparsify further if needed."""
    nodes = state.nodes
    live = (state.table_keys >= 0) & (state.table_flag == 1)
    keys = state.table_keys[live]
    first = np.concatenate((keys >> 32, np.flatnonzero(
        (nodes[K.F_SELF_FLAG] == 1) & (nodes[K.F_SIZE] > 0))))
    second = np.concatenate((keys & 0xFFFFFFFF, first[keys.shape[0]:]))
    weight = np.concatenate((state.table_count[live],
                             nodes[K.F_SELF_COUNT, first[keys.shape[0]:]]))

    incident = np.bincount(first, minlength=n_nodes) + np.bincount(
        second[first != second], minlength=n_nodes)
    alive = nodes[K.F_SIZE] > 0
    has_isolated = bool(np.any(alive & (incident == 0)))
    supernodes = int(np.count_nonzero(alive & (incident > 0))) + int(has_isolated)
    omega = int(state.counters[K.C_OMEGA])
    dropped = 0
    size = summary_size_bits(n_nodes, supernodes, first.shape[0], omega)
    if not reached and size > budget:
        sizes = nodes[K.F_SIZE]
        pairs = np.where(first == second, sizes[first] * (sizes[first] - 1),
                         sizes[first] * sizes[second]).astype(np.float64)
        if not reference:
            pairs = np.where(first == second, pairs / 2, pairs)
        if error == "re2":
            increase = weight.astype(np.float64) ** 2 / pairs
        else:
            increase = weight * (2.0 * weight / pairs - 1.0)
        order = np.argsort(increase, kind="stable")
        work = incident.astype(np.int64)
        dropped, supernodes, has_isolated = K._drop_superedges(
            order, first, second, work, has_isolated, supernodes, first.shape[0], float(n_nodes),
            float(omega), budget)
        keep = np.sort(order[dropped:])
        first, second, weight = first[keep], second[keep], weight[keep]
        incident = np.bincount(first, minlength=n_nodes) + np.bincount(
            second[first != second], minlength=n_nodes)

    if not reference:
        omega = int(weight.max()) if weight.shape[0] else 1
    return _build_summary(nodes, first, second, weight, incident, omega, dropped)


def _build_summary(nodes, first, second, weight, incident, omega, dropped) -> Summary:
    """Number the surviving supernodes by id and fold every edgeless one into one supernode."""
    alive = np.flatnonzero(nodes[K.F_SIZE] > 0)
    connected = alive[incident[alive] > 0]
    isolated = alive[incident[alive] == 0]
    label_of = np.full(nodes.shape[1], -1, dtype=np.int64)
    label_of[connected] = connected
    if isolated.shape[0]:
        # Like the reference, the first edgeless supernode in id order keeps its id.
        label_of[isolated] = isolated[0]
    labels = np.unique(label_of[alive])
    position_of_label = np.full(nodes.shape[1], -1, dtype=np.int64)
    position_of_label[labels] = np.arange(labels.shape[0])

    owner = K._representatives(nodes)
    membership = position_of_label[label_of[owner]]
    a = position_of_label[label_of[first]]
    b = position_of_label[label_of[second]]
    superedges = np.stack((np.maximum(a, b), np.minimum(a, b), weight), axis=1).astype(np.int64)
    stats = {"superedges_dropped": int(dropped), "isolated_supernode": bool(isolated.shape[0])}
    return Summary(np.arange(nodes.shape[1]), membership, labels, superedges, omega, stats)


# ---------------------------------------------------------------- debug checks


def check_invariants(state: _State, source: np.ndarray, target: np.ndarray,
                     edge_bits: float) -> None:
    """Recompute every cached figure of the search from scratch and compare.

    Raises InvariantError on the first difference: partition coverage, sizes,
    block edge counts, superedge counts per supernode and in total, cached
    description bits, and the neighbour lists.
    """
    nodes = state.nodes
    n = nodes.shape[1]
    owner = K._representatives(nodes)
    if np.any(owner < 0):
        _fail(f"{int(np.count_nonzero(owner < 0))} node(s) are in no supernode or in two")
    alive = nodes[K.F_SIZE] > 0
    if not np.array_equal(np.bincount(owner, minlength=n), nodes[K.F_SIZE]):
        _fail("supernode sizes differ from their member lists")
    if int(np.count_nonzero(alive)) != state.counters[K.C_SUPERNODES]:
        _fail("supernode count differs from the live supernodes")

    a, b = owner[source], owner[target]
    inside = a == b
    self_counts = np.bincount(a[inside], minlength=n)
    if not np.array_equal(self_counts, nodes[K.F_SELF_COUNT]):
        _fail("edge counts inside supernodes differ from a recount")
    keys = (np.minimum(a, b)[~inside] << 32) | np.maximum(a, b)[~inside]
    expected_keys, expected_counts = np.unique(keys, return_counts=True)
    live = state.table_keys >= 0
    stored_order = np.argsort(state.table_keys[live])
    stored_keys = state.table_keys[live][stored_order]
    if not np.array_equal(stored_keys, expected_keys):
        _fail("the blocks in the hash table differ from the blocks of the partition")
    if not np.array_equal(state.table_count[live][stored_order], expected_counts):
        _fail("block edge counts in the hash table differ from a recount")

    flags = state.table_flag[live][stored_order].astype(np.int64)
    first, second = stored_keys >> 32, stored_keys & 0xFFFFFFFF
    self_flags = nodes[K.F_SELF_FLAG] * (nodes[K.F_SELF_COUNT] > 0)
    per_node = (np.bincount(first, weights=flags, minlength=n)
                + np.bincount(second, weights=flags, minlength=n) + self_flags)
    if not np.array_equal(per_node.astype(np.int64)[alive], nodes[K.F_SUPEREDGES][alive]):
        _fail("superedge counts per supernode differ from a recount")
    if int(flags.sum() + self_flags.sum()) != state.counters[K.C_SUPEREDGES]:
        _fail("the superedge total differs from a recount")

    sizes = nodes[K.F_SIZE]
    counts = state.table_count[live][stored_order]
    block_bits = np.where(flags == 1, _entropy_bits(counts, sizes[first] * sizes[second]),
                          edge_bits * counts)
    self_pairs = sizes * (sizes - 1) // 2
    self_bits = np.where(self_flags == 1, _entropy_bits(nodes[K.F_SELF_COUNT], self_pairs),
                         edge_bits * nodes[K.F_SELF_COUNT])
    data = (np.bincount(first, weights=block_bits, minlength=n)
            + np.bincount(second, weights=block_bits, minlength=n) + self_bits)
    if not np.allclose(data[alive], state.data_bits[alive], rtol=1e-6, atol=1e-6):
        _fail("cached description bits per supernode differ from a recomputation")

    # Neighbour lists: resolved entries summed per (x, neighbour) must equal the blocks.
    lengths = np.where(alive, nodes[K.F_ADJ_LEN], 0)
    list_owner = np.repeat(np.arange(n), lengths)
    offsets = np.arange(list_owner.shape[0]) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = np.repeat(nodes[K.F_ADJ_START], lengths) + offsets
    neighbour = owner[state.arena[0, positions]]
    outside = neighbour != list_owner
    list_keys = list_owner[outside] * n + neighbour[outside]
    list_sums = np.bincount(np.unique(list_keys, return_inverse=True)[1],
                            weights=state.arena[1, positions][outside])
    block_keys = np.concatenate((first * n + second, second * n + first))
    order = np.argsort(block_keys)
    if not (np.array_equal(np.unique(list_keys), block_keys[order])
            and np.array_equal(list_sums.astype(np.int64), np.tile(counts, 2)[order])):
        _fail("the neighbour lists do not sum to the block edge counts")


def _entropy_bits(count: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    count = count.astype(np.float64)
    pairs = pairs.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = count / pairs
        bits = -(count * np.log2(density) + (pairs - count) * np.log2(1.0 - density))
    return np.where((count <= 0) | (count >= pairs), 0.0, bits)


def _check_final(summary: Summary, budget: float) -> None:
    sizes = summary.supernode_sizes()
    if summary.n_supernodes and sizes.min() < 1:
        _fail("a final supernode has no members")
    if summary.size_bits() > budget * (1 + 1e-12):
        _fail(f"final size {summary.size_bits():.2f} bits exceeds the budget {budget:.2f}")


def _fail(message: str) -> None:
    raise InvariantError("internal consistency check failed: " + message)
