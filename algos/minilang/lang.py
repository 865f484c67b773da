"""Minilang scripts: abstract syntax, parser, canonical printer and block-discipline check.

A script is a flat list of operations (:class:`Op`): the operation keyword and
its argument text, in which each run of blanks is one space (the arguments are
outer-syntax tokens, so strings keep their inner newlines). Nesting is implied
by the operations: HAVE, CONSIDER and OPEN_MODULE open a block that the next
unmatched END closes, and the script itself is one block closed by a final END.

The canonical layout indents every claim block by two spaces and prints a claim
whose block holds nothing but its END on one line (``HAVE "P" END WITH f``).
For a canonical text ``print_script(parse_script(text)) == text``.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolbox.algos.minilang.isar import split_spans
from toolbox.algos.minilang.keywords import minilang_keywords
from toolbox.algos.minilang.lexer import describe_error, tokenize

__all__ = [
    "BLOCK_OPENERS",
    "MinilangSyntaxError",
    "Op",
    "branch_count",
    "check_blocks",
    "parse_script",
    "print_script",
]

BLOCK_OPENERS = frozenset({"HAVE", "CONSIDER", "OPEN_MODULE"})
# Operations after which the current goal may consist of several subgoals.
_SPLITTING = frozenset({"RULE", "CASE_SPLIT", "INDUCT", "APPLY", "SIMP", "CRUSH"})
_KEYWORDS = minilang_keywords()


class MinilangSyntaxError(ValueError):
    """Raised when text is not a well-formed sequence of Minilang operations."""


@dataclass(frozen=True, slots=True)
class Op:
    """One Minilang operation: keyword (``HAVE``, ``END`` ...) and argument text."""

    name: str
    args: str = ""

    def __str__(self) -> str:
        return f"{self.name} {self.args}" if self.args else self.name


def parse_script(text: str) -> list[Op]:
    """Parse Minilang text into operations.

    Raises
    ------
    MinilangSyntaxError
        If the text has a lexical error or does not start with an operation.
    """
    tokens = tokenize(text, _KEYWORDS)
    for token in tokens:
        if token.kind == "error":
            message = f"line {token.line}: {describe_error(token)}"
            raise MinilangSyntaxError(message)
    ops: list[Op] = []
    for span in split_spans(tokens, _KEYWORDS):
        if span.kind == "orphan":
            message = f"line {span.line}: text {span.tokens[0].text!r} before the first operation"
            raise MinilangSyntaxError(message)
        ops.append(Op(span.command, span.arguments()))
    return ops


def print_script(ops: list[Op]) -> str:
    """Print operations in the canonical layout (ends with a newline unless empty)."""
    lines: list[str] = []
    depth = 0
    position = 0
    while position < len(ops):
        op = ops[position]
        indent = "  " * depth
        if op.name in BLOCK_OPENERS:
            following = ops[position + 1] if position + 1 < len(ops) else None
            if following is not None and following.name == "END":
                lines.append(f"{indent}{op} {following}")
                position += 2
                continue
            lines.append(f"{indent}{op}")
            depth += 1
        elif op.name == "END":
            depth = max(depth - 1, 0)
            lines.append(f"{'  ' * depth}{op}")
        else:
            lines.append(f"{indent}{op}")
        position += 1
    return "".join(line + "\n" for line in lines)


def branch_count(args: str) -> int:
    """Count the ``|``-separated branches of a CONSIDER statement."""
    depth = 0
    branches = 1
    for token in tokenize(args, _KEYWORDS):
        if token.kind != "keyword":
            continue
        if token.text in ("(", "["):
            depth += 1
        elif token.text in (")", "]"):
            depth -= 1
        elif token.text == "|" and depth == 0:
            branches += 1
    return branches


@dataclass
class _Frame:
    remaining: int | None  # open subgoals of the block, None when unknown
    split: int = 1  # subgoals the block leaves in its parent (CONSIDER branches)


def check_blocks(ops: list[Op]) -> list[str]:
    """Check the block discipline of a script; return the problems found (empty if none).

    Every block must be closed and nothing may follow the final END. NEXT needs
    a further subgoal where the subgoal count is known. The count is known
    until an operation such as RULE or INDUCT splits the goal, and CONSIDER
    with k branches adds k - 1 subgoals. END may close several remaining
    subgoals, because Minilang's relaxed mode hands each of them to the hammer.
    """
    problems: list[str] = []
    stack = [_Frame(1)]
    for number, op in enumerate(ops, 1):
        if not stack:
            problems.append(f"operation {number} ({op.name}) follows the final END")
            break
        top = stack[-1]
        if op.name in ("HAVE", "OPEN_MODULE"):
            stack.append(_Frame(1))
        elif op.name == "CONSIDER":
            stack.append(_Frame(1, branch_count(op.args)))
        elif op.name in _SPLITTING:
            top.remaining = None
        elif op.name == "NEXT":
            if top.remaining is not None:
                if top.remaining <= 1:
                    problems.append(f"operation {number} (NEXT) has no further subgoal to move to")
                else:
                    top.remaining -= 1
        elif op.name == "END":
            closed = stack.pop()
            if stack and closed.split > 1 and stack[-1].remaining is not None:
                stack[-1].remaining += closed.split - 1
    if stack:
        problems.append(f"{len(stack)} block(s) not closed by END")
    return problems
