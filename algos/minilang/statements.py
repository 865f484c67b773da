"""Outer-level parsing of Isar statements and a light scan of their inner syntax.

A claim such as ``have a[simp]: "P x" "Q" and "R" if "C" for x`` is split into
``and``-separated parts, each with an optional fact name and its propositions,
followed by the ``if`` and ``for`` clauses. Propositions stay opaque strings or
cartouches, except for two syntactic jobs: finding the right-hand side of a
top-level relation (for ``…``) and spotting the term bindings ``?thesis``,
``?this`` and ``?case``.
"""

from __future__ import annotations

import re

from toolbox.algos.minilang.isar import Span
from toolbox.algos.minilang.keywords import words
from toolbox.algos.minilang.lexer import Token
from toolbox.algos.minilang.methods import join_tokens

__all__ = [
    "TERM_BINDING",
    "and_parts",
    "consider_branches",
    "dots_in",
    "goal_thesis",
    "has_dots",
    "inner_text",
    "labelled_branch",
    "last_prop",
    "main_end",
    "part_name",
    "replace_dots",
    "right_hand_side",
    "single_prop",
    "statement_parts",
]


def main_end(tokens: list[Token], start: int) -> int:
    """End of the main propositions of a statement (before a top-level if/for/when)."""
    depth = 0
    for position in range(start, len(tokens)):
        token = tokens[position]
        depth += token.text in ("(", "[")
        depth -= token.text in (")", "]")
        if depth == 0 and token.kind == "keyword" and token.text in ("if", "for", "when"):
            return position
    return len(tokens)


def and_parts(tokens: list[Token], start: int, end: int) -> list[tuple[int, int]]:
    parts: list[tuple[int, int]] = []
    depth = 0
    part_start = start
    for position in range(start, end):
        token = tokens[position]
        depth += token.text in ("(", "[")
        depth -= token.text in (")", "]")
        if depth == 0 and token.kind == "keyword" and token.text == "and":
            parts.append((part_start, position))
            part_start = position + 1
    parts.append((part_start, end))
    return [(a, b) for a, b in parts if b > a]


def part_name(part: list[Token]) -> str | None:
    """Return the fact name of a statement part (``foo[simp]: "P"`` gives ``foo``), or None."""
    if len(part) >= 2 and part[0].kind in ("ident", "nat") and part[1].text == ":":
        return part[0].text
    if len(part) >= 2 and part[0].kind in ("ident",) and part[1].text == "[":
        depth = 0
        for position in range(1, len(part)):
            depth += part[position].text == "["
            depth -= part[position].text == "]"
            if depth == 0:
                if position + 1 < len(part) and part[position + 1].text == ":":
                    return part[0].text
                return None
    if len(part) >= 2 and part[0].text == "[":
        return None
    return None


def statement_parts(tokens: list[Token]) -> list[tuple[str | None, list[Token]]]:
    """Split ``a: "A" "B" and "C"`` into (name, proposition tokens) pairs."""
    end = main_end(tokens, 0)
    parts = []
    for start, stop in and_parts(tokens, 0, end):
        part = tokens[start:stop]
        name = part_name(part)
        props = [t for t in part if t.kind in ("string", "cartouche", "ident", "altstring")]
        if name is not None:
            props = props[1:]
        props = _drop_is_patterns(part, props)
        parts.append((name, props))
    return parts


def _drop_is_patterns(part: list[Token], props: list[Token]) -> list[Token]:
    patterns = set()
    depth = 0
    in_pattern = False
    for token in part:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
            if depth == 0:
                in_pattern = False
        elif token.kind == "keyword" and token.text == "is":
            in_pattern = True
        elif in_pattern or depth > 0:
            patterns.add(id(token))
    return [token for token in props if id(token) not in patterns]


def last_prop(tokens: list[Token]) -> str:
    props = [t for t in tokens if t.kind in ("string", "cartouche")]
    return props[-1].text if props else ""


def single_prop(tokens: list[Token]) -> bool:
    """Check that a claim states exactly one proposition without if/for, so '?thesis' is that text."""
    parts = statement_parts(tokens)
    if any(t.kind == "keyword" and t.text in ("if", "for") for t in tokens):
        return False
    return len(parts) == 1 and len(parts[0][1]) == 1


def goal_thesis(span: Span) -> str | None:
    """Return the text that '?thesis' abbreviates in a theory-level goal with one conclusion."""
    tokens = span.argument_tokens()
    texts = [token.text for token in tokens]
    if "obtains" in texts:
        return None
    if "shows" in texts:
        tokens = tokens[texts.index("shows") + 1:]
    parts = statement_parts(tokens)
    if len(parts) == 1 and len(parts[0][1]) == 1 and parts[0][1][0].kind in ("string", "cartouche"):
        if any(t.kind == "keyword" and t.text in ("if", "for") for t in tokens):
            return None
        return parts[0][1][0].text
    return None


def labelled_branch(label: str, branch: list[Token]) -> tuple[str, str]:
    """Print a consider branch with ``label`` as its fact name: ``x where a: "P"``.

    Returns the text and the branch's fact name. A name already written in
    the branch wins over ``label``; with neither, the name is empty.
    """
    text = join_tokens(branch)
    where = next((i for i, t in enumerate(branch) if t.kind == "keyword" and t.text == "where"), None)
    props = branch[where + 1:] if where is not None else branch
    written = part_name(props)
    if written is not None:
        return text, written
    if not label:
        return text, ""
    head = join_tokens(branch[:where + 1]) + " " if where is not None else ""
    return f"{head}{label}: {join_tokens(props)}", label


def consider_branches(tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    """Split ``(a) x where "P" | (b) "Q"`` into (label, branch tokens without the label)."""
    branches: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.text == "|" and depth == 0:
            branches.append([])
            continue
        depth += token.text in ("(", "[")
        depth -= token.text in (")", "]")
        branches[-1].append(token)
    labelled = []
    for branch in branches:
        if len(branch) >= 3 and branch[0].text == "(" and branch[2].text == ")":
            labelled.append((branch[1].text, branch[3:]))
        else:
            labelled.append(("", branch))
    return labelled


_DOTS = ("…", "\\<dots>", "...")
TERM_BINDING = re.compile(r"\?(thesis|this|case)(?![\w'.])")


def has_dots(text: str) -> bool:
    return any(dots in text for dots in _DOTS)


def dots_in(tokens: list[Token]) -> bool:
    return any(t.kind in ("string", "cartouche") and has_dots(t.text) for t in tokens)


def inner_text(text: str) -> str:
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if text.startswith("‹") and text.endswith("›"):
        return text[1:-1]
    if text.startswith("\\<open>") and text.endswith("\\<close>"):
        return text[7:-8]
    return text


def replace_dots(text: str, rhs: str) -> str:
    # The right-hand side is one term; parentheses keep it one term in its new place.
    if not re.fullmatch(r"[\w.'?]+|\\<[A-Za-z]+>", rhs) and not _fully_parenthesised(rhs):
        rhs = f"({rhs})"
    for dots in _DOTS:
        text = text.replace(dots, rhs)
    return text


_RELATIONS = frozenset(words(r"""= \<le> \<ge> \<noteq> \<subseteq> \<subset> \<supseteq>
    \<supset> \<equiv> \<longleftrightarrow> \<sim> \<approx> \<cong> < > <= >= ~= == ≤ ≥ ≠ ⊆ ⊂
    ⊇ ⊃ ≡ ⟷ ∼ ≈ ≅ \<in> \<notin> ∈ ∉ \<sqsubseteq> ⊑ \<prec> \<preceq> ≺ ≼ dvd
    \<longrightarrow> --> ⟶"""))
_OPEN = frozenset(words(r"( [ { ⟨ \<langle> ⦃ \<lbrace> \<lparr> ⦇"))
_CLOSE = frozenset(words(r") ] } ⟩ \<rangle> ⦄ \<rbrace> \<rparr> ⦈"))
# After a binder the body extends as far right as possible, so no relation
# after it is at the top level.
_BINDERS = frozenset(words(r"""∑ ∏ ∀ ∃ λ ⋃ ⋂ % \<Sum> \<Prod> \<forall> \<exists> \<lambda>
    \<Union> \<Inter> \<Squnion> \<Sqinter> \<exists>! THE SOME if case let ALL EX INF SUP"""))
# Inner-syntax atoms: symbols, runs of ASCII operator characters, words, single characters.
_INNER_ATOM = re.compile(r"\\<\^?[A-Za-z0-9_']+>|[=<>~:|&+*/^!#$%@?-]+|\w+|\s+|.", re.DOTALL)


def _fully_parenthesised(text: str) -> bool:
    if not text.startswith("("):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return position == len(text) - 1
    return False


def right_hand_side(inner: str) -> str | None:
    """Text after the first top-level relation of a proposition, or None if there is none."""
    depth = 0
    for match in _INNER_ATOM.finditer(inner):
        atom = match.group()
        if atom in _OPEN:
            depth += 1
        elif atom in _CLOSE:
            depth -= 1
        elif depth == 0 and atom in _BINDERS:
            return None
        elif depth == 0 and atom in _RELATIONS:
            return inner[match.end():].strip() or None
    return None
