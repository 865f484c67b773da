"""LintSeq core: program analysis, diff format, replay, linter invariants, determinism."""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyflakes.checker import Checker

from toolbox.algos.lintseq.diffs import (
    apply_edit,
    reference_edits,
    replay,
    state_lines,
    strict_edits,
    training_text,
)
from toolbox.algos.lintseq.errors import LintSeqError, RecordError
from toolbox.algos.lintseq.generate import Settings, generate_sequences
from toolbox.algos.lintseq.linters import PYFLAKES_ERRORS, PyflakesLinter, TextSession
from toolbox.algos.lintseq.program import analyse_program, strip_markdown_fences
from toolbox.algos.lintseq.sampler import derive_rng, sample_backward

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lintseq"
PROGRAMS = sorted((FIXTURES / "programs").glob("*.py"))
HUNK = re.compile(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@$")


def _reference_records(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def _source(name: str) -> str:
    return (FIXTURES / "programs" / name).read_text(encoding="utf-8")


def _is_clean(text: str) -> bool:
    """Oracle: compile() the whole text, then pyflakes on the whole text."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<state>", "exec", dont_inherit=True)
        except SyntaxError:
            return False
        checker = Checker(ast.parse(text), filename="<state>")
    return not any(type(message).__name__ in PYFLAKES_ERRORS for message in checker.messages)


def _compiles(text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<state>", "exec", dont_inherit=True)
        except SyntaxError:
            return False
    return True


# --- program analysis -------------------------------------------------------------------


def test_indent_inherited_by_short_lines():
    program = analyse_program("x = f(\n    1,\n)\n\ny = 2")
    assert program.indent == [0, 4, 4, 4, 0]


def test_candidates_skip_comments_and_blanks():
    program = analyse_program("# note\nx = 1\n\n    # indented note\ny = x")
    assert program.candidates == [1, 4]


def test_candidates_skip_caps_constant_body():
    text = "NAMES = [\n    'a',\n    'b',\n]\nprint(NAMES)"
    program = analyse_program(text)
    assert program.candidates == [0, 4]


def test_weights_grow_with_indent():
    program = analyse_program("def f():\n    if x:\n        return 1\n    return 2\nx = 0")
    # Top-level lines weigh one tab width (4), deeper lines their indent.
    assert program.weights == {0: 4, 1: 4, 2: 8, 3: 4, 4: 4}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("# only a comment\n", "only comments"),
        ("def f(:\n", "syntax error on line 1"),
        ("x = 1\x00", "NUL"),
        ("def f():\n    nonlocal x\n", "syntax error on line 2"),
    ],
)
def test_unprocessable_programs(text, reason):
    with pytest.raises(RecordError, match=reason):
        analyse_program(text)


def test_markdown_fences_stripped():
    text = "Here:\n```python\nx = 1\n```\nand\n```py\nprint(x)\n```\n"
    assert strip_markdown_fences(text) == "x = 1\n\nprint(x)"
    assert strip_markdown_fences("x = 1\n") == "x = 1\n"


# --- diff format ------------------------------------------------------------------------


def test_hunk_header_format():
    edits = reference_edits(["", "a\nc", "a\nb\nc", "a\nb\nc\nd\ne"])
    assert edits == ["@@ -0,0 +1,2 @@\n+a\n+c", "@@ -1,0 +2 @@\n+b", "@@ -3,0 +4,2 @@\n+d\n+e"]


def test_equal_states_give_empty_edit():
    assert reference_edits(["# c", "# c\n"]) == [""]


def test_apply_edit_rejects_bad_header():
    with pytest.raises(LintSeqError, match="hunk header"):
        apply_edit([], "+x")
    with pytest.raises(LintSeqError, match="does not fit"):
        apply_edit(["a"], "@@ -5,0 +6 @@\n+x")
    with pytest.raises(LintSeqError, match="does not match"):
        apply_edit(["a"], "@@ -1 +1 @@\n-b\n+c")


def test_apply_edit_handles_removals():
    assert apply_edit(["a", "b", "c"], "@@ -2 +2,2 @@\n-b\n+x\n+y") == ["a", "x", "y", "c"]


@pytest.mark.parametrize("name", ["sample_tty_reference_output.jsonl",
                                  "sample_bisect_reference_output.jsonl"])
def test_reference_paths_replay_and_rediff(name):
    # The reference's own edit paths replay to source.strip(), and diffing the
    # replayed states again gives the reference's edit strings byte for byte.
    for record in _reference_records(name):
        states = replay(record["edit_path"])
        assert states[-1] == state_lines(record["source_response"])
        texts = ["", *("\n".join(state) for state in states)]
        assert reference_edits(texts) == record["edit_path"]


def test_training_text_layout():
    text = training_text(["@@ -0,0 +1 @@\n+x = 1", "@@ -1,0 +2 @@\n+print(x)"], "Write it")
    assert text == ("Write it\n<|diff|>@@ -0,0 +1 @@\n+x = 1\n<|diff|>@@ -1,0 +2 @@\n"
                    "+print(x)\n<|diff|>\n<|diff|>")


# --- sequences: invariants ----------------------------------------------------------------


def _check_sequence(source: str, edits: list[str], *, strict: bool) -> None:
    states = replay(edits)
    if strict:
        expected = source.split("\n")
        while expected and not expected[0].strip():
            expected.pop(0)
        while expected and not expected[-1].strip():
            expected.pop()
        assert states[-1] == expected
        assert not any(row.startswith("-") for edit in edits for row in edit.split("\n"))
    else:
        assert states[-1] == state_lines(source)
    for edit in edits:
        for row in edit.split("\n"):
            assert HUNK.match(row) or row[:1] in "+-", row
    for number, state in enumerate(states[:-1]):
        assert _is_clean("\n".join(state)), f"state {number} is not lint-clean"


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda path: path.name)
def test_states_clean_and_replay_exact(path):
    source = path.read_text(encoding="utf-8")
    for strict in (False, True):
        settings = Settings(samples=1, seed=7, strict_insertions=strict)
        for sequence in generate_sequences(source, 3, settings):
            assert sequence.edits
            _check_sequence(source, sequence.edits, strict=strict)


def test_syntax_linter_states_compile():
    source = _source("fnmatch.py")
    for sequence in generate_sequences(source, 0, Settings(linter="syntax", samples=3)):
        for state in replay(sequence.edits):
            assert _compiles("\n".join(state))


def test_strict_edits_reach_same_states_as_difflib():
    # Both diff styles rebuild the same states; they may place an inserted
    # blank line next to an equal one differently.
    source = _source("colorsys.py")
    program = analyse_program(source)
    path = sample_backward(program, PyflakesLinter().session(program), derive_rng(1, 0, 0))
    forward = [[], *reversed(path.states)]
    texts = ["\n".join(program.lines[i] for i in alive) for alive in forward]
    reference = reference_edits(texts)
    strict = strict_edits(program.lines, forward)
    assert len(strict) == len(reference)
    assert replay(strict) == replay(reference)


def test_reference_mode_shows_autojunk_removals():
    # textwrap.py is long enough for difflib to emit '-' lines in some edits;
    # the strict mode never does (checked in _check_sequence).
    source = _source("textwrap.py")
    removals = 0
    for sequence in generate_sequences(source, 0, Settings(samples=3)):
        removals += sum(row.startswith("-") for edit in sequence.edits for row in edit.split("\n"))
    assert removals > 0


def test_keep_empty_edits_first_edit_empty():
    source = "def f(x):\n    return x\n\nprint(f(1))\n"
    kept = generate_sequences(source, 0, Settings(keep_empty_edits=True))[0].edits
    dropped = generate_sequences(source, 0, Settings())[0].edits
    assert kept[0] == ""
    assert [edit for edit in kept if edit] == dropped


def test_top_level_comments_come_first():
    source = "# header\nimport os\n\n# trailer\nprint(os.sep)\n"
    edits = generate_sequences(source, 0, Settings())[0].edits
    assert edits[0] == "@@ -0,0 +1,3 @@\n+# header\n+\n+# trailer"


def test_undefined_names_delete_their_users():
    # Deleting the assignment of x makes both uses undefined: they go in the same edit.
    source = "x = 1\ny = x + 1\nprint(x, y)\n"
    for seed in range(10):
        edits = generate_sequences(source, 0, Settings(seed=seed))[0].edits
        for state in replay(edits)[:-1]:
            assert _is_clean("\n".join(state))


def test_input_with_lint_errors_cleaned_first():
    # pyflakes errors already in the input (an undefined name) are deleted in
    # the first backward step, like the reference does, so they come back last.
    source = "import os\nprint(undefined_name)\nprint(os.sep)\n"
    edits = generate_sequences(source, 0, Settings(verify=True))[0].edits
    assert edits[-1].endswith("+print(undefined_name)")


def test_max_steps_puts_rest_in_first_edit():
    source = _source("colorsys.py")
    edits = generate_sequences(source, 0, Settings(max_steps=2))[0].edits
    assert len(edits) <= 3
    assert replay(edits)[-1] == state_lines(source)


# --- incremental linting against whole-text linting ---------------------------------------


class _WholeTextPyflakes(PyflakesLinter):
    def session(self, program):
        return TextSession(self, program)


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda path: path.name)
def test_incremental_matches_whole_text_linting(path):
    source = path.read_text(encoding="utf-8")
    records = 2 if source.count("\n") < 300 else 1
    for record in range(records):
        fast = generate_sequences(source, record, Settings())[0]
        slow = generate_sequences(source, record, Settings(), linter=_WholeTextPyflakes())[0]
        assert fast.edits == slow.edits


# --- determinism --------------------------------------------------------------------------


def test_generator_depends_only_on_its_numbers():
    first = [derive_rng(1, 5, 0).random() for _ in range(3)]
    again = [derive_rng(1, 5, 0).random() for _ in range(3)]
    assert first == again
    assert derive_rng(1, 5, 1).random() != derive_rng(1, 5, 0).random()
    assert derive_rng(2, 5, 0).random() != derive_rng(1, 5, 0).random()


def test_same_seed_same_sequences():
    source = _source("fnmatch.py")
    one = [s.edits for s in generate_sequences(source, 4, Settings(samples=2, seed=3))]
    two = [s.edits for s in generate_sequences(source, 4, Settings(samples=2, seed=3))]
    other = [s.edits for s in generate_sequences(source, 4, Settings(samples=2, seed=4))]
    assert one == two
    assert one != other
    assert one[0] != one[1]


def test_verify_accepts_own_sequences():
    source = _source("heapq.py")
    sequences = generate_sequences(source, 0, Settings(samples=1, verify=True))
    assert len(sequences) == 1


def test_difflib_reference_behaviour_pinned():
    # The reference format is difflib's; this pins the header layout used above.
    rows = list(difflib.unified_diff(["a"], ["a", "b"], n=0, lineterm=""))
    assert rows[2:] == ["@@ -1,0 +2 @@", "+b"]


# --- external linter output parsing (a stand-in pylint script) ---------------------------


def test_pylint_output_filter(tmp_path, monkeypatch):
    from toolbox.algos.lintseq.linters import PylintLinter

    if Path(sys.executable).with_name("pylint").exists():
        pytest.skip("a real pylint is installed next to the interpreter")
    fake = tmp_path / "pylint"
    fake.write_text(
        "#!/bin/sh\n"
        "cat > /dev/null\n"
        "echo '************* Module lintseq_state'\n"
        "echo 'W|W0611|1|0|Unused import os'\n"
        "echo 'warning|W0612|2|0|Unused variable y'\n"
        "echo 'C|C0114|1|0|Missing module docstring'\n"
        "echo 'W|W0311|3|0|Bad indentation'\n"
        "echo 'E|E0602|5|4|Undefined variable x'\n"
        "echo \"E|E0001|9|0|Parsing failed: 'expected an indented block after 'if' "
        "statement on line 7 (lintseq_state, line 9)'\"\n"
        "exit 2\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert PylintLinter().lint_text("import os\n") == [3, 5, 7]


# --- property: random programs built from valid blocks ------------------------------------

BLOCKS = [
    "x = 1",
    "y = x + 2",
    "def f(a, b=x):\n    \"\"\"Add.\n\n    Twice.\n    \"\"\"\n    c = a + b\n    if c > y:\n"
    "        return c\n    else:\n        return -c",
    "class K:\n    z = 3\n\n    def m(self):\n        return self.z + x",
    "for i in range(3):\n    print(i, y)",
    "try:\n    import json\nexcept ImportError:\n    json = None",
    "s = \"\"\"multi\nline \\\nstring\"\"\"",
    "# a comment",
    "",
    "w = [\n    x,\n    y,\n]",
    "total = 0 + \\\n    x",
    "def g():\n    global x\n    x = f(1, 2)\n    return [v for v in range(x) if v != y]",
    "while x < 3:\n    x += 1\n    if x == 2:\n        break",
]


@settings(max_examples=25, deadline=None)
@given(blocks=st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=12),
       seed=st.integers(0, 1000))
def test_random_programs_clean_and_exact(blocks, seed):
    source = "\n".join(blocks) + "\n"
    try:
        analyse_program(source)
    except RecordError:
        return  # only comments and blank lines
    fast = generate_sequences(source, 0, Settings(seed=seed))[0]
    slow = generate_sequences(source, 0, Settings(seed=seed), linter=_WholeTextPyflakes())[0]
    assert fast.edits == slow.edits
    _check_sequence(source, fast.edits, strict=False)


def test_unmappable_line_fails_record():
    class OffByTen(PyflakesLinter):
        def lint_text(self, text):
            flagged = super().lint_text(text)
            return [number + 10 for number in flagged]

        def session(self, program):
            return TextSession(self, program)

    with pytest.raises(RecordError, match="cannot be mapped back"):
        generate_sequences("x = 1\ny = x\nprint(y)\n", 0, Settings(), linter=OffByTen())
