"""Edit sequences for one program: backward sampling, forward diffs, optional replay check."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from toolbox.algos.lintseq.diffs import (
    reference_edits,
    replay,
    state_lines,
    strict_edits,
    strict_state_lines,
)
from toolbox.algos.lintseq.errors import LintSeqError, RecordError
from toolbox.algos.lintseq.linters import TextLinter, make_linter
from toolbox.algos.lintseq.program import analyse_program
from toolbox.algos.lintseq.sampler import MAX_LINT_ROUNDS, MAX_STEPS, derive_rng, sample_backward

__all__ = ["EditSequence", "Settings", "generate_sequences", "verify_sequence"]


@dataclass(frozen=True)
class Settings:
    """Options of one run; equal settings, seed and record index give equal sequences."""

    linter: str = "pyflakes"
    seed: int = 1
    samples: int = 1
    strict_insertions: bool = False
    keep_empty_edits: bool = False
    verify: bool = False
    max_steps: int = MAX_STEPS
    max_lint_rounds: int = MAX_LINT_ROUNDS


@dataclass
class EditSequence:
    """One edit path: the diffs in forward order and what producing them cost."""

    edits: list[str]
    sample: int
    lint_calls: int
    lint_rounds: int


def _forward_edits(lines: list[str], states: list[list[int]], strict: bool) -> list[str]:
    # The backward states run from the whole program down; the forward path
    # starts from an empty file, so "" is always the first forward state.
    forward = [*reversed(states)]
    if strict:
        return strict_edits(lines, [[], *forward])
    texts = ["", *("\n".join([lines[index] for index in alive]) for alive in forward)]
    return reference_edits(texts)


def _expected_states(lines: list[str], states: list[list[int]], strict: bool) -> list[list[str]]:
    forward = [*reversed(states)]
    if strict:
        return [[lines[index] for index in strict_state_lines(lines, alive)] for alive in forward]
    return [state_lines("\n".join([lines[index] for index in alive])) for alive in forward]


def verify_sequence(edits: list[str], expected: list[list[str]], linter: TextLinter) -> None:
    """Replay ``edits`` from an empty file and check every state.

    Each replayed state must equal the matching entry of ``expected`` (edits
    that change nothing are skipped in that comparison), and every state but
    the last, which is the input program, must be clean under ``linter``.
    Raises :class:`RecordError` naming the first state that fails.
    """
    try:
        replayed = replay(edits)
    except LintSeqError as error:
        message = f"verification failed: an edit does not apply: {error}"
        raise RecordError(message) from None
    distinct = [state for position, state in enumerate(replayed)
                if position == 0 or state != replayed[position - 1]]
    targets = [state for position, state in enumerate(expected)
               if position == 0 or state != expected[position - 1]]
    if distinct and not distinct[0]:
        distinct = distinct[1:]
    if targets and not targets[0]:
        targets = targets[1:]
    if distinct != targets:
        message = "verification failed: replaying the edits does not reproduce the sampled states"
        raise RecordError(message)
    for number, state in enumerate(distinct[:-1], start=1):
        flagged = linter.lint_text("\n".join(state))
        if flagged:
            message = (f"verification failed: state {number} of {len(distinct)} has a lint "
                       f"error on line {flagged[0]}")
            raise RecordError(message)


def generate_sequences(code: str, record: int, settings: Settings,
                       linter: TextLinter | None = None) -> list[EditSequence]:
    """Return ``settings.samples`` edit sequences for the program ``code``.

    ``record`` is the record's position in the input; with ``settings.seed``
    and the sample number it fixes each sequence's random generator.
    Raises :class:`RecordError` when the program cannot be processed.
    """
    linter = linter or make_linter(settings.linter)
    program = analyse_program(code)
    sequences = []
    for sample in range(settings.samples):
        rng = derive_rng(settings.seed, record, sample)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            path = sample_backward(
                program, linter.session(program), rng,
                max_steps=settings.max_steps, max_lint_rounds=settings.max_lint_rounds,
            )
        edits = _forward_edits(program.lines, path.states, settings.strict_insertions)
        if settings.verify:
            expected = _expected_states(program.lines, path.states, settings.strict_insertions)
            verify_sequence(edits, expected, linter)
        if not settings.keep_empty_edits:
            edits = [edit for edit in edits if edit]
        sequences.append(EditSequence(edits, sample, path.lint_calls, path.lint_rounds))
    return sequences
