"""Backward phase of LintSeq: delete sampled lines and their dependents until empty.

Each step picks one candidate line with probability proportional to its
weight, deletes it with its indented block, then runs the linter on the
remaining program and deletes every flagged line (with its block) until the
linter reports nothing. The union of those lines is one edit. Steps repeat
until no candidate line is left or ``max_steps`` is reached.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from toolbox.algos.lintseq.errors import RecordError
from toolbox.algos.lintseq.linters import IncrementalSession, TextSession
from toolbox.algos.lintseq.program import Program

__all__ = ["BackwardPath", "derive_rng", "sample_backward"]

MAX_STEPS = 512
MAX_LINT_ROUNDS = 1000


def derive_rng(seed: int, record: int, sample: int) -> random.Random:
    """Return the generator of one edit sequence, a function of its three numbers only.

    The numbers are hashed (BLAKE2b), so neighbouring records get unrelated
    streams and the result does not depend on which process runs the record.
    """
    material = f"lintseq:{seed}:{record}:{sample}".encode()
    digest = hashlib.blake2b(material, digest_size=16).digest()
    return random.Random(int.from_bytes(digest, "big"))


@dataclass
class BackwardPath:
    """States of one backward pass, each the sorted list of surviving line indices.

    ``states[0]`` is the whole program; the last state is what remains when
    no candidate is left (top-level comments and blank lines, often nothing).
    """

    states: list[list[int]]
    lint_calls: int
    lint_rounds: int


def _block(index: int, sequence: list[int], indent: list[int]) -> list[int]:
    """Return ``index`` and the following lines of ``sequence`` indented deeper than it."""
    position = sequence.index(index)
    level = indent[index]
    block = [index]
    for other in sequence[position + 1:]:
        if indent[other] <= level:
            break
        block.append(other)
    return block


def _pick(live: list[int], weights: dict[int, int], rng: random.Random) -> int:
    total = sum(weights[index] for index in live)
    target = rng.randrange(total)
    for index in live:
        target -= weights[index]
        if target < 0:
            return index
    return live[-1]


def sample_backward(
    program: Program,
    session: TextSession | IncrementalSession,
    rng: random.Random,
    *,
    max_steps: int = MAX_STEPS,
    max_lint_rounds: int = MAX_LINT_ROUNDS,
) -> BackwardPath:
    """Run the backward phase on ``program`` and return its states.

    Raises :class:`RecordError` when one step needs more than
    ``max_lint_rounds`` linter rounds to reach a clean state.
    """
    indent = program.indent
    alive = list(range(len(program.lines)))
    candidates = list(program.candidates)
    states = [alive]
    rounds_total = 0

    for _step in range(max_steps):
        if not candidates:
            break
        picked = _pick(candidates, program.weights, rng)
        chunk = set(_block(picked, alive, indent))
        rounds = 0
        while True:
            remaining = [index for index in alive if index not in chunk]
            flagged = session.check(remaining, chunk)
            if not flagged:
                break
            rounds += 1
            if rounds > max_lint_rounds:
                message = (
                    f"the linter still reported errors after {max_lint_rounds} rounds in one "
                    "step; raise --max-lint-rounds or check the linter"
                )
                raise RecordError(message)
            for index in flagged:
                if index not in chunk:
                    chunk.update(_block(index, remaining, indent))
        rounds_total += rounds
        session.commit(chunk)
        alive = remaining
        candidates = [index for index in candidates if index not in chunk]
        states.append(alive)

    return BackwardPath(states=states, lint_calls=session.calls, lint_rounds=rounds_total)
