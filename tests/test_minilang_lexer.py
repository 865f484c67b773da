"""Tests of the Isar tokenizer: lossless round trip, token kinds, positions, error tokens."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolbox.algos.minilang.keywords import builtin_keywords
from toolbox.algos.minilang.lexer import describe_error, tokenize

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "minilang"
THEORY_FILES = sorted(FIXTURES.rglob("*.thy"))
KEYWORDS = builtin_keywords()


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text, KEYWORDS) if t.kind != "space"]


def test_sample_has_all_34_theories():
    assert len(THEORY_FILES) == 34


@pytest.mark.parametrize("path", THEORY_FILES, ids=lambda p: p.name)
def test_round_trip_on_sample(path):
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    tokens = tokenize(text, KEYWORDS)
    assert "".join(t.text for t in tokens) == text
    assert [t for t in tokens if t.kind == "error"] == []


@pytest.mark.parametrize("path", THEORY_FILES[:6], ids=lambda p: p.name)
def test_positions_match_text(path):
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    offset = 0
    for token in tokenize(text, KEYWORDS):
        assert token.offset == offset
        line = lines[token.line - 1]
        assert line[token.column - 1:].startswith(token.text.split("\n")[0])
        offset = token.end


# Alphabet that exercises every scanner: comments, cartouches, strings, symbols, keywords.
_PIECES = st.sampled_from([
    "(*", "*)", "\\<open>", "\\<close>", "‹", "›", '"', "\\", "`", "{*", "*}", "lemma", " ", "\n",
    "\\<comment>", "--", "x", "?x", "'a", "1.5", "by", ".", "..", "\\<alpha>", "\\<^sub>", "λ",
    "α", "==>", "::", "(", ")", "\x00", "\udc80", "%", "\\<proof>", "é", "\t",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_round_trip_on_generated_text(text):
    tokens = tokenize(text, KEYWORDS)
    assert "".join(t.text for t in tokens) == text
    assert all(t.text for t in tokens)
    for token in tokens:
        if token.kind == "error":
            assert describe_error(token)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_any_text(text):
    assert "".join(t.text for t in tokenize(text, KEYWORDS)) == text


def test_nested_comment_is_one_token():
    assert kinds("(* a (* b *) c *) lemma") == [("comment", "(* a (* b *) c *)"), ("keyword", "lemma")]


def test_nested_cartouches():
    text = "\\<open>a \\<open>b\\<close> ‹c›\\<close>"
    assert kinds(text) == [("cartouche", text)]


def test_string_with_escapes():
    assert kinds('"a \\" b" x') == [("string", '"a \\" b"'), ("ident", "x")]


def test_formal_comment_is_improper():
    tokens = tokenize("have \\<comment> \\<open>note\\<close> x", KEYWORDS)
    assert [t.kind for t in tokens if t.proper] == ["keyword", "ident"]


def test_identifiers_and_variables():
    assert kinds("x\\<^sub>1 foo.bar ?thesis ?'a 'b \\<alpha>x 12 1.5") == [
        ("ident", "x\\<^sub>1"), ("ident", "foo.bar"), ("term_var", "?thesis"), ("type_var", "?'a"),
        ("type_ident", "'b"), ("ident", "\\<alpha>x"), ("nat", "12"), ("float", "1.5"),
    ]


def test_symbolic_keywords_longest_match():
    assert kinds(":: : == ==> .. .") == [
        ("keyword", "::"), ("keyword", ":"), ("keyword", "=="), ("sym_ident", "==>"),
        ("keyword", ".."), ("keyword", "."),
    ]


def test_lambda_is_not_a_letter():
    assert kinds("λx") == [("sym_ident", "λ"), ("ident", "x")]


@pytest.mark.parametrize(("text", "message"), [
    ("lemma (* open", "unterminated comment"),
    ('lemma "open', "unterminated string"),
    ("\\<open> a", "unterminated cartouche"),
    ("{* a", "unterminated verbatim"),
    ("\\<comment> x", "formal comment"),
    ("a \x01 b", "unexpected character"),
    ("a \udc80", "not valid UTF-8"),
])
def test_error_tokens(text, message):
    tokens = tokenize(text, KEYWORDS)
    assert "".join(t.text for t in tokens) == text
    errors = [t for t in tokens if t.kind == "error"]
    assert errors
    assert message in describe_error(errors[0])


def test_unterminated_comment_in_large_text_is_fast():
    text = "lemma x by simp\n" * 20000 + "(* never closed " + "x " * 100000
    started = time.perf_counter()
    tokens = tokenize(text, KEYWORDS)
    assert time.perf_counter() - started < 10
    assert tokens[-1].kind == "error"
    assert tokens[-1].line == 20001


def test_tokenize_from_offset_keeps_positions():
    text = "theory T begin\nlemma x by simp"
    head = text.index("lemma")
    tokens = tokenize(text, KEYWORDS, head)
    assert tokens[0].offset == head
    assert (tokens[0].line, tokens[0].column) == (2, 1)
