"""numba kernels of the SSumM greedy search, on flat arrays only.

State layout (all indices are node indices; a supernode is named by the index
of its representative node, which is the id it keeps after every merge):

* ``nodes[FIELD, x]`` (int64): per-supernode fields, see the ``F_*`` constants.
  ``nodes[F_SIZE, x] == 0`` marks a supernode that was merged away.
* ``data_bits[x]`` (float64): D(x), the bits of every block (x, y) with an edge
  as currently encoded: entropy bits with a superedge, 2*log2(n) per edge without.
* Neighbour lists: ``arena[0, adj_start[x] : adj_start[x] + adj_len[x]]`` are
  neighbour ids and ``arena[1, ...]`` edge counts. Merges do not touch the lists
  of the neighbours: an entry that names a merged-away supernode resolves
  through ``nodes[F_PARENT]`` to the supernode that absorbed it, and the counts
  of all entries resolving to one supernode add up to the block's edge count.
  Entries resolving to x itself are edges now inside x and are skipped.
* Blocks between different supernodes: one open-addressing hash table keyed by
  ``min << 32 | max`` with linear probing and tombstones; ``table_count`` is the
  edge count, ``table_flag`` is 1 when the block is a superedge. Only merges
  read and write it; pair evaluation needs only the lists. Blocks inside a
  supernode live in ``nodes[F_SELF_COUNT]`` and ``nodes[F_SELF_FLAG]``.
* ``counters`` (int64): supernodes, superedges, running maximum weight, arena
  end, used table slots, stamps for the scratch marks and pair draws.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

F_SIZE = 0
F_HEAD = 1
F_NEXT = 2
F_TAIL = 3
F_SELF_COUNT = 4
F_SELF_FLAG = 5
F_SUPEREDGES = 6
F_ADJ_START = 7
F_ADJ_LEN = 8
F_ADJ_CAP = 9
F_PARENT = 10
NODE_FIELDS = 11

C_SUPERNODES = 0
C_SUPEREDGES = 1
C_OMEGA = 2
C_ARENA_END = 3
C_TABLE_USED = 4
C_STAMP = 5
C_TRIAL = 6
C_MERGES = 7
C_EVALUATIONS = 8
C_SCANNED = 9
COUNTERS = 10

S_ACC = 0
S_TOUCHED = 1
S_LIST_MARK = 2
S_LIST_POSITION = 3
SCRATCH_ROWS = 4

_EMPTY = -1
_TOMBSTONE = -2
_TABLE_MAX_LOAD = 0.6


# ---------------------------------------------------------------- random numbers


@njit(cache=True)
def _next_random(rng):
    """Advance the splitmix64 state ``rng[0]`` and return 64 random bits."""
    rng[0] += np.uint64(0x9E3779B97F4A7C15)
    z = rng[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _random_below(rng, bound):
    # The modulo bias is below bound / 2**64, far under any observable effect.
    return np.int64(_next_random(rng) % np.uint64(bound))


# ---------------------------------------------------------------- hash table


@njit(cache=True)
def _block_key(a, b):
    if a < b:
        return (np.int64(a) << 32) | np.int64(b)
    return (np.int64(b) << 32) | np.int64(a)


@njit(cache=True)
def _slot_of(key, mask):
    x = np.uint64(key)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    return np.int64(x & np.uint64(mask))


@njit(cache=True)
def _find(table_keys, key):
    mask = table_keys.shape[0] - 1
    slot = _slot_of(key, mask)
    while True:
        stored = table_keys[slot]
        if stored == key:
            return slot
        if stored == _EMPTY:
            return -1
        slot = (slot + 1) & mask


@njit(cache=True)
def _insert(table_keys, table_count, table_flag, key, count, flag):
    """Insert an absent ``key``; return 1 if it used an empty slot, 0 for a tombstone."""
    mask = table_keys.shape[0] - 1
    slot = _slot_of(key, mask)
    reusable = -1
    while table_keys[slot] != _EMPTY:
        if table_keys[slot] == _TOMBSTONE and reusable < 0:
            reusable = slot
        slot = (slot + 1) & mask
    fresh = 1
    if reusable >= 0:
        slot = reusable
        fresh = 0
    table_keys[slot] = key
    table_count[slot] = count
    table_flag[slot] = flag
    return fresh


@njit(cache=True)
def _rebuild_table(table_keys, table_count, table_flag):
    """Copy the live entries into fresh arrays of the same size, dropping tombstones."""
    new_keys = np.full(table_keys.shape[0], _EMPTY, dtype=np.int64)
    new_count = np.zeros(table_keys.shape[0], dtype=np.int64)
    new_flag = np.zeros(table_keys.shape[0], dtype=np.uint8)
    used = 0
    for slot in range(table_keys.shape[0]):
        if table_keys[slot] >= 0:
            used += _insert(new_keys, new_count, new_flag, table_keys[slot],
                            table_count[slot], table_flag[slot])
    return new_keys, new_count, new_flag, used


# ---------------------------------------------------------------- cost model


@njit(cache=True)
def _entropy_bits(count, pairs):
    """Return pairs * H(count / pairs), the bits to entropy-code a block's adjacency."""
    if count <= 0 or count >= pairs:
        return 0.0
    density = count / pairs
    return -(count * np.log2(density) + (pairs - count) * np.log2(1.0 - density))


@njit(cache=True)
def _encode_block(count, pairs, superedge_bits, edge_bits, re1_rule):
    """Choose the cheaper encoding of a block; return (bits, 1 if superedge else 0).

    A tie goes to the superedge. With ``re1_rule`` a block of density below 1/2
    never gets a superedge.
    """
    sparse = edge_bits * count
    if re1_rule and 2 * count < pairs:
        return sparse, 0
    if superedge_bits > sparse:
        return sparse, 0  # the entropy term is never negative, so dense > sparse
    dense = superedge_bits + _entropy_bits(count, pairs)
    if dense <= sparse:
        return dense, 1
    return sparse, 0


@njit(cache=True)
def _data_bits(count, pairs, flag, edge_bits):
    """Return the adjacency bits of a block as encoded now (superedge bits excluded)."""
    if flag:
        return _entropy_bits(count, pairs)
    return edge_bits * count


@njit(cache=True)
def _size_bits(n_nodes, counters):
    """Return n log2|S| + |P| (2 log2|S| + log2 omega), the size of the summary in bits."""
    log_s = np.log2(counters[C_SUPERNODES])
    return n_nodes * log_s + counters[C_SUPEREDGES] * (2.0 * log_s + np.log2(counters[C_OMEGA]))


@njit(cache=True)
def _superedge_bits(counters):
    return 2.0 * np.log2(counters[C_SUPERNODES]) + np.log2(counters[C_OMEGA])


# ---------------------------------------------------------------- neighbour lists


@njit(cache=True)
def _root(nodes, x):
    """Return the live supernode that contains node x, halving the parent path."""
    while nodes[F_PARENT, x] != x:
        parent = nodes[F_PARENT, x]
        nodes[F_PARENT, x] = nodes[F_PARENT, parent]
        x = parent
    return x


@njit(cache=True)
def _compact_list(owner, nodes, arena, scratch, counters):
    """Rewrite the list of ``owner`` with one entry per live neighbour, counts summed."""
    counters[C_STAMP] += 1
    stamp = counters[C_STAMP]
    start = nodes[F_ADJ_START, owner]
    written = 0
    for i in range(start, start + nodes[F_ADJ_LEN, owner]):
        c = _root(nodes, arena[0, i])
        if c == owner:
            continue
        if scratch[S_LIST_MARK, c] != stamp:
            scratch[S_LIST_MARK, c] = stamp
            scratch[S_LIST_POSITION, c] = start + written
            arena[0, start + written] = c
            arena[1, start + written] = arena[1, i]
            written += 1
        else:
            arena[1, scratch[S_LIST_POSITION, c]] += arena[1, i]
    nodes[F_ADJ_LEN, owner] = written


@njit(cache=True)
def _compact_arena(nodes, arena, counters, extra):
    """Copy every live list into a new arena with room for ``extra`` more entries."""
    n = nodes.shape[1]
    total = 0
    for x in range(n):
        if nodes[F_SIZE, x] > 0:
            total += nodes[F_ADJ_LEN, x]
    capacity = max(arena.shape[1], 2 * total + extra)
    fresh = np.empty((2, capacity), dtype=np.int64)
    end = 0
    for x in range(n):
        length = nodes[F_ADJ_LEN, x] if nodes[F_SIZE, x] > 0 else 0
        start = nodes[F_ADJ_START, x]
        for i in range(length):
            fresh[0, end + i] = arena[0, start + i]
            fresh[1, end + i] = arena[1, start + i]
        nodes[F_ADJ_START, x] = end
        nodes[F_ADJ_LEN, x] = length
        nodes[F_ADJ_CAP, x] = length
        end += length
    counters[C_ARENA_END] = end
    return fresh


@njit(cache=True)
def _gather(a, b, nodes, arena, scratch, counters):
    """Sum the edge counts from a and b to each other supernode into the scratch rows.

    List entries may name merged-away supernodes; each resolves to the live
    supernode that absorbed it, and counts add up because they are additive.
    Returns (number of neighbours in ``scratch[S_TOUCHED]``, e(a, b), stale
    entries of a, stale entries of b). Every count is positive, so a zero in
    ``scratch[S_ACC]`` means "not touched yet"; callers reset the touched
    entries to zero with _clear_touched when done.
    """
    touched = 0
    count_ab = 0
    stale_a = 0
    stale_b = 0
    for side in range(2):
        owner = a if side == 0 else b
        other = b if side == 0 else a
        start = nodes[F_ADJ_START, owner]
        length = nodes[F_ADJ_LEN, owner]
        counters[C_SCANNED] += length
        stale = 0
        for i in range(start, start + length):
            c = arena[0, i]
            if nodes[F_SIZE, c] == 0:
                c = _root(nodes, c)
                stale += 1
            if c == owner:
                continue
            if c == other:
                if side == 0:
                    count_ab += arena[1, i]
                continue
            if scratch[S_ACC, c] == 0:
                scratch[S_TOUCHED, touched] = c
                touched += 1
            scratch[S_ACC, c] += arena[1, i]
        if side == 0:
            stale_a = stale
        else:
            stale_b = stale
    return touched, count_ab, stale_a, stale_b


@njit(cache=True)
def _clear_touched(scratch, touched):
    for t in range(touched):
        scratch[S_ACC, scratch[S_TOUCHED, t]] = 0


@njit(cache=True)
def _saving(a, b, nodes, data_bits, arena, table_keys, table_flag, scratch, counters,
            superedge_bits, edge_bits, re1_rule):
    """Return 1 - cost(after merging a and b) / cost(before), or NaN if both cost 0 bits."""
    counters[C_EVALUATIONS] += 1
    touched, count_ab, stale_a, stale_b = _gather(a, b, nodes, arena, scratch, counters)
    merged_size = nodes[F_SIZE, a] + nodes[F_SIZE, b]
    after = 0.0
    for t in range(touched):
        c = scratch[S_TOUCHED, t]
        bits, _ = _encode_block(scratch[S_ACC, c], merged_size * nodes[F_SIZE, c],
                                superedge_bits, edge_bits, re1_rule)
        after += bits
    _clear_touched(scratch, touched)
    count_self = nodes[F_SELF_COUNT, a] + nodes[F_SELF_COUNT, b] + count_ab
    if count_self > 0:
        bits, _ = _encode_block(count_self, merged_size * (merged_size - 1) // 2,
                                superedge_bits, edge_bits, re1_rule)
        after += bits

    before = (data_bits[a] + superedge_bits * nodes[F_SUPEREDGES, a]
              + data_bits[b] + superedge_bits * nodes[F_SUPEREDGES, b])
    if count_ab > 0:
        flag_ab = table_flag[_find(table_keys, _block_key(a, b))]
        pairs_ab = nodes[F_SIZE, a] * nodes[F_SIZE, b]
        before -= _data_bits(count_ab, pairs_ab, flag_ab, edge_bits) + superedge_bits * flag_ab

    # Lists with many stale entries are rewritten, so each later scan is shorter.
    if 2 * stale_a > nodes[F_ADJ_LEN, a]:
        _compact_list(a, nodes, arena, scratch, counters)
    if 2 * stale_b > nodes[F_ADJ_LEN, b]:
        _compact_list(b, nodes, arena, scratch, counters)
    if before == 0.0:
        return np.nan
    return 1.0 - after / before


# ---------------------------------------------------------------- merging


@njit(cache=True)
def _merge(a, b, nodes, data_bits, arena, table_keys, table_count, table_flag, scratch,
           counters, edge_bits, re1_rule, reference_omega):
    """Merge supernode b into a, re-encoding every block of the merged supernode.

    Each new block gets the cheaper of superedge / no superedge under the cost
    model (before the merge's change of |S|), and D, M and |P| are updated.
    Returns the arena, which may have been reallocated.
    """
    superedge_bits = _superedge_bits(counters)
    touched, count_ab, _, _ = _gather(a, b, nodes, arena, scratch, counters)
    superedges = counters[C_SUPEREDGES]

    # Remove the old blocks (a, c), (b, c), (a, b) and the two self blocks.
    for t in range(touched):
        c = scratch[S_TOUCHED, t]
        for side in range(2):
            owner = a if side == 0 else b
            slot = _find(table_keys, _block_key(owner, c))
            if slot < 0:
                continue
            flag = table_flag[slot]
            pairs = nodes[F_SIZE, owner] * nodes[F_SIZE, c]
            data_bits[c] -= _data_bits(table_count[slot], pairs, flag, edge_bits)
            nodes[F_SUPEREDGES, c] -= flag
            superedges -= flag
            table_keys[slot] = _TOMBSTONE
    if count_ab > 0:
        slot = _find(table_keys, _block_key(a, b))
        superedges -= table_flag[slot]
        table_keys[slot] = _TOMBSTONE
    superedges -= nodes[F_SELF_FLAG, a] + nodes[F_SELF_FLAG, b]
    count_self = nodes[F_SELF_COUNT, a] + nodes[F_SELF_COUNT, b] + count_ab

    # Union of the member lists and sizes; b now resolves to a.
    merged = nodes[F_SIZE, a] + nodes[F_SIZE, b]
    nodes[F_SIZE, a] = merged
    nodes[F_SIZE, b] = 0
    nodes[F_PARENT, b] = a
    nodes[F_NEXT, nodes[F_TAIL, a]] = nodes[F_HEAD, b]
    nodes[F_TAIL, a] = nodes[F_TAIL, b]

    # The merged supernode's list is exactly the touched neighbours with their counts.
    if touched > nodes[F_ADJ_CAP, a]:
        if counters[C_ARENA_END] + touched > arena.shape[1]:
            nodes[F_ADJ_LEN, a] = 0
            nodes[F_ADJ_LEN, b] = 0
            arena = _compact_arena(nodes, arena, counters, touched)
        nodes[F_ADJ_START, a] = counters[C_ARENA_END]
        nodes[F_ADJ_CAP, a] = touched
        counters[C_ARENA_END] += touched
    start = nodes[F_ADJ_START, a]
    nodes[F_ADJ_LEN, a] = touched
    nodes[F_ADJ_LEN, b] = 0

    # New blocks of the merged supernode.
    omega = counters[C_OMEGA]
    merged_data = 0.0
    merged_superedges = 0
    for t in range(touched):
        c = scratch[S_TOUCHED, t]
        count = scratch[S_ACC, c]
        arena[0, start + t] = c
        arena[1, start + t] = count
        bits, flag = _encode_block(count, merged * nodes[F_SIZE, c], superedge_bits,
                                   edge_bits, re1_rule)
        data = bits - superedge_bits * flag
        counters[C_TABLE_USED] += _insert(table_keys, table_count, table_flag,
                                          _block_key(a, c), count, flag)
        data_bits[c] += data
        nodes[F_SUPEREDGES, c] += flag
        superedges += flag
        merged_data += data
        merged_superedges += flag
        if reference_omega or flag:
            omega = max(omega, count)
    _clear_touched(scratch, touched)
    nodes[F_SELF_COUNT, a] = count_self
    nodes[F_SELF_FLAG, a] = 0
    if count_self > 0:
        bits, flag = _encode_block(count_self, merged * (merged - 1) // 2, superedge_bits,
                                   edge_bits, re1_rule)
        nodes[F_SELF_FLAG, a] = flag
        superedges += flag
        merged_data += bits - superedge_bits * flag
        merged_superedges += flag
        if reference_omega:
            # The reference implementation measures a self block in ordered pairs here.
            omega = max(omega, 2 * count_self)
        elif flag:
            omega = max(omega, count_self)
    nodes[F_SELF_COUNT, b] = 0
    nodes[F_SELF_FLAG, b] = 0
    data_bits[a] = merged_data
    data_bits[b] = 0.0
    nodes[F_SUPEREDGES, a] = merged_superedges
    nodes[F_SUPEREDGES, b] = 0

    counters[C_SUPEREDGES] = superedges
    counters[C_OMEGA] = omega
    counters[C_SUPERNODES] -= 1
    counters[C_MERGES] += 1
    return arena


@njit(cache=True)
def _bit_length(x):
    length = 0
    while x > 0:
        length += 1
        x >>= 1
    return length


@njit(cache=True)
def _merge_groups(group_members, group_bounds, threshold, reference_patience, max_group,
                  nodes, data_bits, arena, table_keys, table_count, table_flag, counters,
                  scratch, drawn, rng, n_nodes, edge_bits, budget, re1_rule, reference_omega):
    """Run the merge step over every candidate group of one round.

    Inside a group of initial size c0, each trial draws |C| ordered pairs,
    skipping repeats, and merges the pair with the largest saving if that
    saving reaches ``threshold``. Trials stop after ``patience`` failures in a
    row: bit_length(bit_length(c0 - 1) - 1) with ``reference_patience``, else
    max(log2 |C|, 1) for the current |C|. Returns (budget reached, arena,
    table arrays), since the arena and the table may have been reallocated.
    """
    group = np.empty(max_group, dtype=np.int64)
    for g in range(group_bounds.shape[0]):
        low = group_bounds[g, 0]
        c = group_bounds[g, 1] - low
        if c < 2:
            continue
        for i in range(c):
            group[i] = group_members[low + i]
        patience = float(_bit_length(_bit_length(c - 1) - 1))
        failures = 0
        while c >= 2:
            if not reference_patience:
                patience = max(np.log2(c), 1.0)
            if failures >= patience:
                break
            superedge_bits = _superedge_bits(counters)
            counters[C_TRIAL] += 1
            trial = counters[C_TRIAL]
            best = -1.0
            best_a = -1
            best_b = -1
            for _ in range(c):
                r = _random_below(rng, c * (c - 1))
                pa = r // (c - 1)
                pb = r % (c - 1)
                if pb >= pa:
                    pb += 1
                cell = pa * max_group + pb
                if drawn[cell] == trial:
                    continue
                drawn[cell] = trial
                value = _saving(group[pa], group[pb], nodes, data_bits, arena, table_keys,
                                table_flag, scratch, counters, superedge_bits, edge_bits,
                                re1_rule)
                if value > best:
                    best = value
                    best_a = pa
                    best_b = pb
            if best < threshold:
                failures += 1
                continue
            failures = 0
            if counters[C_TABLE_USED] > _TABLE_MAX_LOAD * table_keys.shape[0]:
                table_keys, table_count, table_flag, used = _rebuild_table(
                    table_keys, table_count, table_flag)
                counters[C_TABLE_USED] = used
            arena = _merge(group[best_a], group[best_b], nodes, data_bits, arena, table_keys,
                           table_count, table_flag, scratch, counters, edge_bits, re1_rule,
                           reference_omega)
            group[best_b] = group[c - 1]
            c -= 1
            if _size_bits(n_nodes, counters) <= budget:
                return True, arena, table_keys, table_count, table_flag
    return False, arena, table_keys, table_count, table_flag


# ---------------------------------------------------------------- candidate groups


@njit(cache=True, parallel=True)
def _node_shingles(indptr, indices, permutations):
    """Return min over the closed neighbourhood of each node, for each permutation row."""
    hashes, n = permutations.shape
    shingles = np.empty((hashes, n), dtype=np.int64)
    for h in prange(hashes):
        rank = permutations[h]
        for v in range(n):
            smallest = rank[v]
            for i in range(indptr[v], indptr[v + 1]):
                value = rank[indices[i]]
                if value < smallest:
                    smallest = value
            shingles[h, v] = smallest
    return shingles


@njit(cache=True)
def _supernode_shingles(node_shingles, nodes, alive):
    """Return the minimum node shingle over the members of each supernode in ``alive``."""
    hashes = node_shingles.shape[0]
    result = np.empty((hashes, alive.shape[0]), dtype=np.int64)
    for k in range(alive.shape[0]):
        for h in range(hashes):
            result[h, k] = np.iinfo(np.int64).max
        member = nodes[F_HEAD, alive[k]]
        while member >= 0:
            for h in range(hashes):
                if node_shingles[h, member] < result[h, k]:
                    result[h, k] = node_shingles[h, member]
            member = nodes[F_NEXT, member]
    return result


@njit(cache=True)
def _group_bounds(sorted_shingles, max_group):
    """Return (start, end) rows of every candidate group, in sorted order."""
    hashes, rows = sorted_shingles.shape
    bounds = np.empty((rows // 2 + 1, 2), dtype=np.int64)
    n_groups = 0

    # Explicit stack of row ranges (start, end) and the shingle level to split them by.
    starts = np.empty(rows + 1, dtype=np.int64)
    ends = np.empty(rows + 1, dtype=np.int64)
    levels = np.empty(rows + 1, dtype=np.int64)
    starts[0] = 0
    ends[0] = rows
    levels[0] = 0
    depth = 1

    while depth > 0:
        depth -= 1
        start = starts[depth]
        end = ends[depth]
        level = levels[depth]
        if end - start < 2:
            continue
        if level > 0 and end - start <= max_group:
            bounds[n_groups, 0] = start
            bounds[n_groups, 1] = end
            n_groups += 1
            continue
        if level == hashes:
            continue  # identical on every shingle and still too many: singletons
        # Push the runs of equal shingle at this level in reverse, so they pop in order.
        run_end = end
        i = end - 1
        while i >= start:
            value = sorted_shingles[level, i]
            j = i
            while j > start and sorted_shingles[level, j - 1] == value:
                j -= 1
            starts[depth] = j
            ends[depth] = run_end
            levels[depth] = level + 1
            depth += 1
            run_end = j
            i = j - 1
    return bounds[:n_groups].copy()


# ---------------------------------------------------------------- final sparsification


@njit(cache=True)
def _drop_superedges(order, first, second, incident, has_isolated, supernodes, superedges,
                     n_nodes, omega, budget):
    """Remove superedges in ``order`` until the size fits ``budget``.

    ``incident[x]`` counts the superedges at supernode x (a self superedge once).
    A supernode left without superedges joins the single isolated supernode.
    Returns (superedges removed, supernodes, has_isolated).
    """
    removed = 0
    log_omega = np.log2(omega)
    while removed < order.shape[0]:
        log_s = np.log2(supernodes)
        size = n_nodes * log_s + superedges * (2.0 * log_s + log_omega)
        if size <= budget:
            break
        k = order[removed]
        removed += 1
        superedges -= 1
        a = first[k]
        b = second[k]
        incident[a] -= 1
        if b != a:
            incident[b] -= 1
        for x in (a, b):
            if incident[x] == 0:
                incident[x] = -1  # folded once only
                if has_isolated:
                    supernodes -= 1
                else:
                    has_isolated = True
    return removed, supernodes, has_isolated


# ---------------------------------------------------------------- set-up and read-out


@njit(cache=True)
def _build_table(source, target, capacity):
    """Return a hash table (keys, counts, flags) with every edge as a weight-1 superedge."""
    table_keys = np.full(capacity, _EMPTY, dtype=np.int64)
    table_count = np.zeros(capacity, dtype=np.int64)
    table_flag = np.zeros(capacity, dtype=np.uint8)
    for i in range(source.shape[0]):
        _insert(table_keys, table_count, table_flag, _block_key(source[i], target[i]), 1, 1)
    return table_keys, table_count, table_flag


@njit(cache=True)
def _representatives(nodes):
    """Return the supernode of every node by walking the member lists (-1 if none)."""
    n = nodes.shape[1]
    owner = np.full(n, -1, dtype=np.int64)
    for x in range(n):
        if nodes[F_SIZE, x] == 0:
            continue
        member = nodes[F_HEAD, x]
        while member >= 0:
            owner[member] = x if owner[member] < 0 else -2
            member = nodes[F_NEXT, member]
    return owner
