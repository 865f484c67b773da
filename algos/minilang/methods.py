"""Light parsers for Isar method expressions, fact lists and statements.

They work on outer-syntax tokens only: terms stay opaque strings, which is all
a syntactic Isar-to-Minilang translator needs to find method names, the facts a
method mentions, and the names and propositions of a claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolbox.algos.minilang.keywords import words
from toolbox.algos.minilang.lexer import Token

__all__ = [
    "HAMMER_METHODS",
    "Method",
    "fact_refs",
    "join_tokens",
    "method_units",
    "parse_methods",
]

# Methods that Minilang's closing hammer is expected to redo, so a terminal
# step made only of them can become "END WITH <facts>" (the Minilang authors'
# refinement list).
HAMMER_METHODS = frozenset(words("""
    auto simp simp_all force fastforce blast fast best slow deepen safe clarify clarsimp
    metis meson smt linarith arith presburger fact this assumption rule erule drule frule
    rule_tac erule_tac drule_tac frule_tac intro elim dest unfold insert standard
    contradiction iprover bestsimp fastsimp auto? argo order subst -
    """))

# Methods whose arguments are all fact references (after options in parentheses).
_FACT_METHODS = frozenset(words("""
    metis meson smt fact rule erule drule frule intro elim dest subst unfold fold insert
    cut_tac iprover
    """))
_TAC_METHODS = frozenset(words("rule_tac erule_tac drule_tac frule_tac cut_tac subst_tac"))
_NO_FACT_MODIFIERS = frozenset(words("arbitrary rule taking type pred set"))


@dataclass(slots=True)
class Method:
    """One method application inside a method expression: name and argument tokens."""

    name: str
    args: list[Token] = field(default_factory=list)


def join_tokens(tokens: list[Token]) -> str:
    """Join tokens with one space wherever the source had a gap."""
    parts: list[str] = []
    for position, token in enumerate(tokens):
        if position and tokens[position - 1].end != token.offset:
            parts.append(" ")
        parts.append(token.text)
    return "".join(parts)


def method_units(tokens: list[Token]) -> list[list[Token]]:
    """Split the arguments of ``by``/``proof``/``qed``/``apply`` into method units.

    ``by (induct n) auto`` has two units: ``(induct n)`` and ``auto``. A unit is a
    parenthesised expression or a single name, with postfix ``+``, ``?`` or
    ``[n]`` attached.
    """
    units: list[list[Token]] = []
    position = 0
    count = len(tokens)
    while position < count:
        start = position
        if tokens[position].text == "(":
            position = _skip_brackets(tokens, position)
        else:
            position += 1
        while position < count and tokens[position].text in ("+", "?", "["):
            if tokens[position].text == "[":
                while position < count and tokens[position].text != "]":
                    position += 1
            position += 1
        units.append(tokens[start:position])
    return units


def parse_methods(tokens: list[Token]) -> list[Method]:
    """Return every method application of a method expression, in text order."""
    found: list[Method] = []
    _parse_expression(tokens, 0, found)
    return found


def _parse_expression(tokens: list[Token], position: int, found: list[Method]) -> int:
    count = len(tokens)
    while position < count:
        text = tokens[position].text
        if text == "(":
            position = _parse_expression(tokens, position + 1, found)
        elif text == ")":
            return position + 1
        elif text in (",", ";", "|", "+", "?"):
            position += 1
            continue
        elif text == "[":
            while position < count and tokens[position].text != "]":
                position += 1
            position += 1
            continue
        else:
            method = Method(text)
            position += 1
            depth = 0
            while position < count:
                text = tokens[position].text
                if depth == 0 and text in (",", ";", "|", ")"):
                    break
                depth += text in ("(", "[")
                depth -= text in (")", "]")
                method.args.append(tokens[position])
                position += 1
            found.append(method)
            continue
        if position < count and tokens[position].text in (",", ";", "|"):
            position += 1
    return position


def fact_refs(tokens: list[Token]) -> list[str]:
    """Group tokens of a fact list into fact references (``foo(2)[symmetric]``, ``‹P›``).

    ``and`` separators and ``[[...]]`` declarations are skipped.
    """
    refs: list[list[Token]] = []
    position = 0
    count = len(tokens)
    while position < count:
        token = tokens[position]
        text = token.text
        if text == "and" or text in (",", ":"):
            position += 1
            continue
        if text == "[" and position + 1 < count and tokens[position + 1].text == "[":
            position = _skip_brackets(tokens, position)
            continue
        if text in ("(", "[") and refs:
            end = _skip_brackets(tokens, position)
            refs[-1].extend(tokens[position:end])
            position = end
            continue
        if text in ("(", "["):
            position = _skip_brackets(tokens, position)
            continue
        refs.append([token])
        position += 1
    return [join_tokens(ref) for ref in refs]


def _skip_brackets(tokens: list[Token], position: int) -> int:
    depth = 0
    while position < len(tokens):
        text = tokens[position].text
        depth += text in ("(", "[")
        depth -= text in (")", "]")
        position += 1
        if depth == 0:
            break
    return position


def method_facts(method: Method) -> tuple[list[str], list[str]]:
    """Return the facts a method adds (``simp add:``, ``metis a b`` ...) and deletes (``del:``)."""
    args = method.args
    name = method.name
    if name == "use":
        split = next((i for i, t in enumerate(args) if t.text == "in"), len(args))
        added = fact_refs(args[:split])
        inner = parse_methods(args[split + 1:])
        deleted: list[str] = []
        for sub in inner:
            more_added, more_deleted = method_facts(sub)
            added += more_added
            deleted += more_deleted
        return added, deleted
    if name in _TAC_METHODS:
        split = max((i for i, t in enumerate(args) if t.text == "in"), default=-1)
        return (fact_refs(args[split + 1:]) if split >= 0 else []), []
    if name in _FACT_METHODS:
        position = 0
        # options such as (full_types) or (asm) come first
        while position < len(args) and args[position].text == "(":
            position = _skip_brackets(args, position)
        return fact_refs(_strip_modifiers(args[position:])), []
    added, deleted = [], []
    mode = ""
    chunk: list[Token] = []
    for position, token in enumerate(args):
        if token.text == ":" and position > 0:
            while chunk and chunk[-1].text in ("!", "?"):
                chunk.pop()
            modifier = chunk.pop().text if chunk else ""
            if chunk and chunk[-1].text in ("simp", "split", "cong"):
                chunk.pop()
            _flush(mode, chunk, added, deleted)
            if modifier == "del":
                mode = "del"
            elif modifier in _NO_FACT_MODIFIERS:
                mode = "skip"
            else:
                mode = "add"
            chunk = []
            continue
        chunk.append(token)
    _flush(mode, chunk, added, deleted)
    return added, deleted


def _strip_modifiers(args: list[Token]) -> list[Token]:
    return [t for i, t in enumerate(args) if not (i + 1 < len(args) and args[i + 1].text == ":") and t.text != ":"]


def _flush(mode: str, chunk: list[Token], added: list[str], deleted: list[str]) -> None:
    if mode == "add":
        added.extend(fact_refs([t for t in chunk if t.text not in ("!", "?")]))
    elif mode == "del":
        deleted.extend(fact_refs(chunk))
