"""Tests of proof segmentation: span coverage, proof-tree balance, re-tokenised slices, bad input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from toolbox.algos.minilang.isar import MAX_NESTING, Proof, Step, parse_theory, split_spans
from toolbox.algos.minilang.lexer import tokenize

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "minilang"
THEORY_FILES = sorted(FIXTURES.rglob("*.thy"))


@pytest.fixture(scope="module")
def theories():
    return {
        path: parse_theory(path.read_bytes().decode("utf-8", "surrogateescape"), path=path)
        for path in THEORY_FILES
    }


def wrap(body: str) -> str:
    return f"theory T imports Main begin\n{body}\nend\n"


def test_sample_proof_count_and_segmentation(theories):
    goals = [goal for theory in theories.values() for goal in theory.goals]
    segmented = sum(goal.segmented for goal in goals)
    assert len(goals) == 1428
    assert segmented / len(goals) >= 0.999
    assert all(goal.proof is not None for goal in goals if goal.segmented)


def test_spans_cover_every_proper_token(theories):
    for theory in theories.values():
        proper = [i for i, t in enumerate(theory.tokens) if t.proper]
        covered = [i for span in theory.spans for i in span.indices]
        assert covered == proper


def test_goal_spans_are_contiguous_and_ordered(theories):
    for theory in theories.values():
        positions = {id(span): n for n, span in enumerate(theory.spans)}
        previous_end = -1
        for goal in theory.goals:
            numbers = [positions[id(goal.span)]] + [positions[id(s)] for s in goal.spans]
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
            assert goal.start > previous_end
            previous_end = goal.end


def _count(proof: Proof | None, counts: dict[str, int]) -> None:
    if proof is None:
        return
    for step in proof.prefix:
        _count_step(step, counts)
    if proof.kind == "block":
        counts["proof"] += 1
        counts["qed"] += proof.qed is not None
        for step in proof.body:
            _count_step(step, counts)


def _count_step(step: Step, counts: dict[str, int]) -> None:
    if step.kind == "braces":
        counts["open"] += 1
        counts["close"] += step.close is not None
        for inner in step.body:
            _count_step(inner, counts)
    _count(step.proof, counts)


def test_blocks_balance_in_proof_trees(theories):
    for theory in theories.values():
        for goal in theory.goals:
            if goal.abandoned or goal.command == "notepad":
                continue
            counts = {"proof": 0, "qed": 0, "open": 0, "close": 0}
            _count(goal.proof, counts)
            commands = [span.command for span in goal.spans]
            assert counts["proof"] == counts["qed"] == commands.count("proof") == commands.count("qed")
            assert counts["open"] == counts["close"] == commands.count("{") == commands.count("}")


def test_proof_slices_retokenise_to_same_spans(theories):
    for theory in theories.values():
        for goal in theory.goals:
            piece = theory.text[goal.start:goal.end]
            spans = split_spans(tokenize(piece, theory.keywords), theory.keywords)
            original = [goal.span, *goal.spans]
            assert [s.command for s in spans] == [s.command for s in original]
            assert [s.start for s in spans] == [s.start - goal.start for s in original]
            assert [s.end for s in spans] == [s.end - goal.start for s in original]


def test_header_keywords_extend_the_table():
    text = ('theory T imports Main keywords "my_lemma" :: thy_goal and "foo" begin\n'
            'my_lemma x: "P" by simp\nend\n')
    theory = parse_theory(text)
    assert [goal.command for goal in theory.goals] == ["my_lemma"]
    assert theory.goals[0].segmented


def test_oops_abandons_the_proof():
    theory = parse_theory(wrap('lemma "P"\nproof -\n  have "Q" sorry\n  oops\nlemma "R" by simp'))
    assert [goal.abandoned for goal in theory.goals] == [True, False]


def test_goal_without_proof():
    theory = parse_theory(wrap('lemma "P"\ndefinition "c = 1"'))
    assert theory.goals[0].spans == []
    assert "without a proof" in theory.goals[0].problem


def test_unfinished_proof_is_not_segmented():
    theory = parse_theory(wrap('lemma "P"\nproof -\n  have "Q" by simp\nlemma "R" by simp'))
    first, second = theory.goals
    assert not first.segmented
    assert "interrupted by 'lemma'" in first.problem
    assert second.segmented


def test_empty_text():
    theory = parse_theory("")
    assert (theory.tokens, theory.spans, theory.goals, theory.errors) == ([], [], [], [])


def test_unterminated_comment_is_reported():
    theory = parse_theory(wrap('lemma "P" by simp\n(* not closed\nlemma "Q" by simp'))
    assert len(theory.goals) == 1
    assert theory.errors and "unterminated comment" in theory.errors[0][2]


def test_ten_thousand_nested_blocks_finish_quickly():
    depth = 10_000
    body = 'lemma "P"\nproof -\n' + "{\n" * depth + '  have "Q" by simp\n' + "}\n" * depth + "  show ?thesis by simp\nqed"
    started = time.perf_counter()
    theory = parse_theory(wrap(body))
    assert time.perf_counter() - started < 20
    goal = theory.goals[0]
    assert goal.segmented
    assert goal.proof is None
    assert f"deeper than {MAX_NESTING}" in goal.problem


def test_binary_like_text_never_raises():
    data = bytes(range(256)) * 64
    theory = parse_theory(data.decode("utf-8", "surrogateescape"))
    assert "".join(t.text for t in theory.tokens).encode("utf-8", "surrogateescape") == data
    assert theory.errors


def test_keywords_from_imported_theory(tmp_path):
    (tmp_path / "Base.thy").write_text(
        '(* no begin here *)\ntheory Base imports Main keywords "my_goal" :: thy_goal % "proof" and '
        '"my_decl" :: thy_decl\nbegin\nend\n'
    )
    user = tmp_path / "User.thy"
    user.write_text('theory User imports Base begin\nmy_goal "P" by simp\nmy_decl foo\nlemma "Q" by simp\nend\n')
    theory = parse_theory(user.read_text(), path=user)
    assert [goal.command for goal in theory.goals] == ["my_goal", "lemma"]
    assert all(goal.segmented for goal in theory.goals)
    assert theory.goals[0].spans[-1].end < theory.text.index("my_decl")


def test_unresolved_import_falls_back_to_builtin_table(tmp_path):
    user = tmp_path / "User.thy"
    user.write_text('theory User imports Missing begin\nlemma "Q" by simp\nend\n')
    theory = parse_theory(user.read_text(), path=user)
    assert [goal.command for goal in theory.goals] == ["lemma"]
