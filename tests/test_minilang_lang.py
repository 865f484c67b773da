"""Tests of the Minilang parser, canonical printer and block-discipline check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolbox.algos.minilang.lang import (
    MinilangSyntaxError,
    Op,
    branch_count,
    check_blocks,
    parse_script,
    print_script,
)

SCRIPT = """INDUCT n
NEXT VARS n
HAVE fact0: "(∑i<Suc n. 2 * f i) = (∑i<n. 2 * f i) + 2 * f n" END
HAVE fact1: "x = y"
  CONSIDER k where k: "m = 2 * k" END WITH ‹even m›
END WITH k Suc.hyps
END WITH fact0 fact1
"""


def test_print_parse_round_trip():
    ops = parse_script(SCRIPT)
    assert ops[0] == Op("INDUCT", "n")
    assert ops[4] == Op("HAVE", 'fact1: "x = y"')
    assert print_script(ops) == SCRIPT
    assert check_blocks(ops) == []


def test_parse_normalises_blanks_outside_tokens():
    ops = parse_script('HAVE   "a  b"   END\n\n   END   WITH  x')
    assert ops == [Op("HAVE", '"a  b"'), Op("END"), Op("END", "WITH x")]
    assert print_script(ops) == 'HAVE "a  b" END\nEND WITH x\n'


def test_multiline_string_survives():
    ops = [Op("HAVE", '"a\n    = b"'), Op("END"), Op("END")]
    assert parse_script(print_script(ops)) == ops


@pytest.mark.parametrize("text", ["foo HAVE x", 'HAVE "unterminated', "(* open"])
def test_syntax_errors(text):
    with pytest.raises(MinilangSyntaxError):
        parse_script(text)


@pytest.mark.parametrize(("ops", "problem"), [
    ([Op("HAVE", '"P"'), Op("END")], "not closed"),
    ([Op("END"), Op("END")], "follows the final END"),
    ([Op("NEXT"), Op("END")], "no further subgoal"),
    ([Op("CONSIDER", '"A" | "B"'), Op("END"), Op("NEXT"), Op("NEXT"), Op("END")], "no further subgoal"),
])
def test_block_problems(ops, problem):
    problems = check_blocks(ops)
    assert problems
    assert problem in problems[0]


def test_consider_branches_allow_next():
    ops = [Op("CONSIDER", '"A" | "B" | "C"'), Op("END"), Op("NEXT"), Op("NEXT"), Op("END")]
    assert check_blocks(ops) == []


def test_splitting_operation_makes_count_unknown():
    ops = [Op("RULE", "conjI"), Op("NEXT"), Op("NEXT"), Op("END")]
    assert check_blocks(ops) == []


def test_branch_count_ignores_nested_bars():
    assert branch_count('x where "a | b" | (y) "c"') == 2


_ARGS = st.sampled_from(["", '"P x"', "fact0", "WITH a b", 'k where k: "m = 2 * k"', "VARS x y",
                         "(simp add: foo)", "‹P›"])
_SIMPLE = st.sampled_from(["RULE", "APPLY", "UNFOLD", "INTRO", "LET", "CONFIG", "NEXT"])


@st.composite
def scripts(draw, depth=0):
    ops = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            ops.append(Op("HAVE", draw(_ARGS)))
            ops += draw(scripts(depth + 1))
        else:
            ops.append(Op(draw(_SIMPLE), draw(_ARGS)))
    ops.append(Op("END", draw(st.sampled_from(["", "WITH fact0", "WITHOUT x"]))))
    return ops


@settings(max_examples=200, deadline=None)
@given(scripts())
def test_generated_scripts_round_trip(ops):
    text = print_script(ops)
    assert parse_script(text) == ops
    assert print_script(parse_script(text)) == text
    assert not any("not closed" in problem for problem in check_blocks(ops))
