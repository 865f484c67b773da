"""Proof structure of Isabelle/Isar theories: command spans, theory-level goals, proof trees.

A theory is split into command spans (a span starts at every command keyword
and runs to the next one). Each theory-level goal command (``lemma``,
``theorem``, ``interpretation``, ``instance`` ...) is followed by its proof.
The proof's spans are found with a stack machine over Isar's proof modes. A
claim pushes a *prove* frame, ``proof`` turns it into a *state* frame, and
``{`` pushes a block. Terminal steps (``by``, ``.``, ``..``, ``sorry``,
``done``), ``qed`` and ``}`` pop, and ``oops`` abandons the whole proof. The
proof is segmented when the stack is empty again.

The spans of a segmented proof are then parsed into a tree of :class:`Proof`
and :class:`Step` nodes that keeps the source span of every command.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from toolbox.algos.minilang.keywords import (
    CLAIM_COMMANDS,
    TERMINAL_COMMANDS,
    Keywords,
    builtin_keywords,
)
from toolbox.algos.minilang.lexer import Token, describe_error, tokenize

__all__ = [
    "MAX_NESTING",
    "Goal",
    "Proof",
    "Span",
    "Step",
    "Theory",
    "header_keywords",
    "parse_theory",
    "split_spans",
]

# Proof trees deeper than this are reported as parse errors instead of being
# built, so that pathological input cannot exhaust the interpreter's stack.
# Real proofs stay far below: the deepest proof in fixtures/minilang (34 AFP
# theories) nests 10 levels.
MAX_NESTING = 200

# Characters read from an imported theory to find its header, before falling
# back to the whole file.
_HEADER_PROBE = 20_000

_PROVE_KEEP = frozenset({"using", "unfolding", "supply", "including", "apply", "apply_end",
                         "defer", "prefer", "back"})


@dataclass(slots=True)
class Span:
    """One command span: the command keyword and its arguments (proper tokens only)."""

    tokens: list[Token]
    indices: list[int]
    kind: str

    @property
    def command(self) -> str:
        token = self.tokens[0]
        return token.text if token.kind == "keyword" and self.kind != "orphan" else ""

    @property
    def start(self) -> int:
        return self.tokens[0].offset

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    @property
    def line(self) -> int:
        return self.tokens[0].line

    @property
    def end_line(self) -> int:
        last = self.tokens[-1]
        return last.line + last.text.count("\n")

    def arguments(self, first: int = 1, last: int | None = None) -> str:
        """Return tokens ``first..last`` as text, with each gap of blanks or comments as one space."""
        stop = len(self.tokens) if last is None else last
        parts: list[str] = []
        for position in range(first, stop):
            if position > first and self.indices[position] != self.indices[position - 1] + 1:
                parts.append(" ")
            parts.append(self.tokens[position].text)
        return "".join(parts)

    def argument_tokens(self) -> list[Token]:
        """Return the argument tokens without a leading document tag such as ``%invisible``."""
        tokens = self.tokens[1:]
        if len(tokens) >= 2 and tokens[0].text == "%":
            tokens = tokens[2:]
        return tokens


@dataclass(slots=True)
class Step:
    """A node of a proof body.

    ``kind`` is one of ``claim`` (have/show/obtain/... with its ``proof``),
    ``braces`` (``{ ... }`` with ``body``), ``next``, ``chain`` (then/from/with),
    ``calc`` (also/finally/moreover/ultimately), ``decl`` (fix/assume/note/let/
    define/case/...), ``script`` (using/unfolding/apply/defer/...), ``subgoal``
    (with ``proof``), ``diag`` (diagnostics and document text), ``oops`` and
    ``unknown``.
    """

    kind: str
    span: Span
    proof: Proof | None = None
    body: list[Step] = field(default_factory=list)
    close: Span | None = None

    @property
    def command(self) -> str:
        return self.span.command


@dataclass(slots=True)
class Proof:
    """The proof of one goal: script steps, then a terminal step or a ``proof ... qed`` block.

    ``kind`` is ``terminal`` (``by``, ``.``, ``..``, ``sorry``, ``done``), ``block``
    (``proof`` with ``method`` span, ``body`` and ``qed`` span) or ``oops``.
    """

    kind: str
    prefix: list[Step] = field(default_factory=list)
    terminal: Span | None = None
    method: Span | None = None
    body: list[Step] = field(default_factory=list)
    qed: Span | None = None


@dataclass(slots=True)
class Goal:
    """A theory-level goal command with the spans of its proof."""

    span: Span
    spans: list[Span]
    segmented: bool
    abandoned: bool
    problem: str = ""
    proof: Proof | None = None

    @property
    def command(self) -> str:
        return self.span.command

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return (self.spans[-1] if self.spans else self.span).end

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def end_line(self) -> int:
        return (self.spans[-1] if self.spans else self.span).end_line

    @property
    def name(self) -> str:
        return goal_name(self.span)


@dataclass(slots=True)
class Theory:
    """A tokenised theory: tokens, spans, goals and lexical errors."""

    name: str
    text: str
    tokens: list[Token]
    spans: list[Span]
    goals: list[Goal]
    keywords: Keywords
    errors: list[tuple[int, int, str]]


def split_spans(tokens: list[Token], keywords: Keywords) -> list[Span]:
    """Group the proper tokens into command spans.

    Proper tokens before the first command form one span of kind ``orphan``.
    """
    commands = keywords.commands
    spans: list[Span] = []
    current_tokens: list[Token] = []
    current_indices: list[int] = []
    current_kind = "orphan"
    for index, token in enumerate(tokens):
        if token.kind in ("space", "comment", "formal_comment"):
            continue
        if token.kind == "error" and token.text.startswith("(*"):
            # An unterminated comment runs to the end of the text, so it contains no
            # command. It is still reported as a lexical error, but it must not
            # become an argument of the command before it.
            continue
        kind = commands.get(token.text) if token.kind == "keyword" else None
        if kind is not None:
            if current_tokens:
                spans.append(Span(current_tokens, current_indices, current_kind))
            current_tokens, current_indices, current_kind = [], [], kind
        current_tokens.append(token)
        current_indices.append(index)
    if current_tokens:
        spans.append(Span(current_tokens, current_indices, current_kind))
    return spans


def goal_name(span: Span) -> str:
    """Return the fact name of a goal or claim span (``lemma foo[simp]: ...`` gives ``foo``)."""
    tokens = span.argument_tokens()
    if len(tokens) >= 2 and tokens[0].kind in ("ident", "keyword") and tokens[0].kind != "string":
        if tokens[0].kind == "keyword" and tokens[0].text not in ("(",):
            return ""
        if tokens[1].text == ":":
            return tokens[0].text
        if tokens[1].text == "[":
            depth = 0
            for position in range(1, len(tokens)):
                text = tokens[position].text
                depth += text == "["
                depth -= text == "]"
                if depth == 0:
                    following = tokens[position + 1].text if position + 1 < len(tokens) else ""
                    return tokens[0].text if following == ":" else ""
    return ""


def header_keywords(tokens: list[Token]) -> tuple[dict[str, str], set[str], list[str]]:
    """Read the ``keywords`` and ``imports`` clauses of a theory header.

    Returns the declared commands with their kinds, the declared minor keywords,
    and the imported theory names.
    """
    commands: dict[str, str] = {}
    minor: set[str] = set()
    imports: list[str] = []
    proper = [token for token in tokens if token.proper]
    start = next((i for i, t in enumerate(proper) if t.is_keyword("theory")), None)
    if start is None:
        return commands, minor, imports
    section = ""
    names: list[str] = []
    position = start + 2
    while position < len(proper):
        token = proper[position]
        text = token.text
        if token.is_keyword("begin") or (token.kind == "keyword" and text in ("lemma", "end")):
            break
        if token.is_keyword("imports", "keywords"):
            section = text
        elif section == "imports" and token.kind in ("ident", "string", "keyword"):
            imports.append(text.strip('"'))
        elif section == "keywords":
            if text == "%":
                # A document tag such as % "proof" names no keyword.
                position += 1
            elif token.kind in ("string", "cartouche"):
                names.append(_unquote(text))
            elif text == "::" and position + 1 < len(proper):
                kind = _internal_kind(proper[position + 1].text)
                for name in names:
                    if kind == "minor":
                        minor.add(name)
                    else:
                        commands[name] = kind
                names = []
                position += 1
            elif token.is_keyword("and"):
                minor.update(names)
                names = []
        position += 1
    minor.update(names)
    return commands, minor, imports


def _unquote(text: str) -> str:
    if text.startswith('"'):
        return text[1:-1]
    if text.startswith("‹"):
        return text[1:-1]
    if text.startswith("\\<open>"):
        return text[len("\\<open>"):-len("\\<close>")]
    return text


def _internal_kind(kind: str) -> str:
    """Map an Isabelle keyword kind from a header to the kind the parser uses."""
    if kind.startswith("thy_goal") or kind == "thy_schematic_goal":
        return "thy_goal"
    if kind in ("prf_goal", "prf_asm_goal", "prf_script_asm_goal"):
        return "prf_goal"
    if kind in ("prf_decl", "prf_asm", "prf_chain", "prf_script"):
        return "prf_decl"
    if kind.startswith("qed"):
        return "qed"
    if kind == "quasi_command":
        return "minor"
    if kind.startswith(("thy_", "diag", "document")):
        return "diag" if kind == "diag" else "thy_decl"
    return "thy_decl"


def _resolve_import(name: str, directory: Path) -> Path | None:
    base = name.rsplit("/", 1)
    candidates = [directory / f"{name}.thy"]
    if "." in base[-1] and "/" not in name:
        session, theory = name.rsplit(".", 1)
        candidates.append(directory / f"{theory}.thy")
        candidates.append(directory.parent / session / f"{theory}.thy")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def imported_keywords(
    imports: list[str], directory: Path, cache: dict[Path, Keywords] | None = None, _depth: int = 0
) -> tuple[dict[str, str], set[str]]:
    """Collect keyword declarations from the import closure that exists on disk.

    Imports are resolved relative to ``directory`` (plain and ``Session.Theory``
    names); imports that cannot be found contribute nothing.
    """
    commands: dict[str, str] = {}
    minor: set[str] = set()
    if _depth > 50:
        return commands, minor
    cache = {} if cache is None else cache
    for name in imports:
        path = _resolve_import(name, directory)
        if path is None:
            continue
        path = path.resolve()
        if path in cache:
            table = cache[path]
            commands.update(table.commands)
            minor |= table.minor
            continue
        cache[path] = Keywords({}, frozenset())  # cycle guard
        try:
            text = path.read_bytes().decode("utf-8", "surrogateescape")
        except OSError:
            continue
        # The header ends at the first 'begin' keyword token; a 'begin' inside a
        # comment does not count, so the head is tokenised rather than searched.
        tokens = tokenize(text[:_HEADER_PROBE], builtin_keywords())
        if not any(token.is_keyword("begin") for token in tokens) and len(text) > _HEADER_PROBE:
            tokens = tokenize(text, builtin_keywords())
        own_commands, own_minor, own_imports = header_keywords(tokens)
        more_commands, more_minor = imported_keywords(own_imports, path.parent, cache, _depth + 1)
        own_commands.update(more_commands)
        own_minor |= more_minor
        cache[path] = Keywords(own_commands, frozenset(own_minor))
        commands.update(own_commands)
        minor |= own_minor
    return commands, minor


def parse_theory(
    text: str,
    name: str = "",
    *,
    path: str | os.PathLike[str] | None = None,
    keywords: Keywords | None = None,
    cache: dict[Path, Keywords] | None = None,
) -> Theory:
    """Tokenise a theory, split it into spans and segment every theory-level goal.

    Keyword declarations of the header (and, when ``path`` is given, of the
    imported theories found next to it) extend the built-in table. Never raises
    on malformed text (the hypothesis tests in tests/test_minilang_lexer.py
    and test_minilang_translate.py feed it arbitrary text): lexical problems
    are listed in ``Theory.errors`` and unsegmentable proofs are marked on
    their :class:`Goal`.
    """
    table = keywords or builtin_keywords()
    tokens = tokenize(text, table)
    head_end = next((t.end for t in tokens if t.is_keyword("begin")), 0)
    if head_end:
        commands, minor, imports = header_keywords(tokens)
        if path is not None and imports:
            more_commands, more_minor = imported_keywords(imports, Path(path).parent, cache)
            more_commands.update(commands)
            commands, minor = more_commands, minor | more_minor
        new_commands = {k: v for k, v in commands.items() if table.commands.get(k) != v}
        new_minor = {word for word in minor if word not in table.minor and word not in table.commands}
        if new_commands or new_minor:
            table = table.extended(new_commands, new_minor)
            # The header's own tokens do not change; only the body is read again.
            head = [token for token in tokens if token.end <= head_end]
            tokens = head + tokenize(text, table, head_end)
    errors = [(t.line, t.column, describe_error(t)) for t in tokens if t.kind == "error"]
    spans = split_spans(tokens, table)
    theory_name = name or _theory_name(spans)
    goals = find_goals(spans)
    for goal in goals:
        if goal.segmented:
            goal.proof, goal.problem = build_proof(goal.spans, goal.command == "notepad")
    return Theory(theory_name, text, tokens, spans, goals, table, errors)


def _theory_name(spans: list[Span]) -> str:
    for span in spans:
        if span.command == "theory" and len(span.tokens) > 1:
            return _unquote(span.tokens[1].text)
    return ""


def find_goals(spans: list[Span]) -> list[Goal]:
    """Find every theory-level goal and the spans of its proof."""
    goals: list[Goal] = []
    position = 0
    count = len(spans)
    while position < count:
        span = spans[position]
        if span.kind != "thy_goal" and span.command != "notepad":
            position += 1
            continue
        first = position + 1
        end, segmented, abandoned, problem = _segment(spans, first, span.command == "notepad")
        if end == first:
            goals.append(Goal(span, [], False, False, "goal command without a proof"))
            position = first
            continue
        goals.append(Goal(span, spans[first:end], segmented, abandoned, problem))
        position = end
    return goals


def _segment(spans: list[Span], first: int, notepad: bool = False) -> tuple[int, bool, bool, str]:
    """Run the proof-mode state machine from ``first``; return (end, segmented, abandoned, problem).

    A ``notepad`` body starts in state mode and ends at its ``end``.
    """
    stack = ["notepad"] if notepad else ["prove"]
    position = first
    count = len(spans)
    while position < count and stack:
        span = spans[position]
        command = span.command
        kind = span.kind
        top = stack[-1]
        if command == "end" and top == "notepad":
            stack.pop()
            position += 1
            continue
        if kind in ("thy_goal", "thy_decl", "thy_begin", "thy_end", "orphan"):
            return position, False, False, f"proof interrupted by '{command or span.tokens[0].text}' at line {span.line}"
        if command == "oops":
            return position + 1, True, True, ""
        if kind == "diag" or command in _PROVE_KEEP and top == "prove":
            pass
        elif top == "prove":
            if command == "subgoal":
                stack.append("prove")
            elif command == "proof":
                stack[-1] = "state"
            elif command in TERMINAL_COMMANDS or kind == "qed":
                stack.pop()
            else:
                return position, False, False, f"'{command}' at line {span.line} where a proof method or 'proof' is expected"
        else:
            if kind == "prf_goal" or command in CLAIM_COMMANDS:
                stack.append("prove")
            elif command == "{":
                stack.append("block")
            elif command == "}":
                if top != "block":
                    return position, False, False, f"'}}' at line {span.line} without an open '{{'"
                stack.pop()
            elif command == "qed":
                if top != "state":
                    return position, False, False, f"'qed' at line {span.line} inside an open '{{'"
                stack.pop()
            elif kind in ("qed", "qed_script") or command in ("proof", "subgoal", "apply", "defer", "prefer", "back"):
                return position, False, False, f"'{command}' at line {span.line} inside a proof body"
        position += 1
    if stack:
        return position, False, False, "proof not finished at the end of the theory"
    return position, True, False, ""


class _Abandon(Exception):
    """Raised inside the tree builder when a proof is deeper than MAX_NESTING."""


@dataclass
class _Cursor:
    spans: list[Span]
    position: int = 0
    abandoned: bool = False

    def peek(self) -> Span | None:
        return self.spans[self.position] if self.position < len(self.spans) else None


def build_proof(spans: list[Span], notepad: bool = False) -> tuple[Proof | None, str]:
    """Parse the spans of a segmented proof into a tree; return (proof, problem).

    A notepad body becomes a ``block`` proof whose ``qed`` is the notepad's ``end``.
    """
    cursor = _Cursor(spans)
    try:
        if notepad:
            body, end = _parse_body(cursor, 1, "end")
            proof = Proof("oops" if cursor.abandoned else "block", body=body, qed=end)
        else:
            proof = _parse_proof(cursor, 0)
    except _Abandon as error:
        return None, str(error)
    if cursor.position != len(spans) and not cursor.abandoned:
        extra = spans[cursor.position]
        return None, f"unexpected '{extra.command}' at line {extra.line}"
    return proof, ""


def _step_kind(span: Span) -> str:
    command = span.command
    if command in ("then", "from", "with"):
        return "chain"
    if command in ("also", "finally", "moreover", "ultimately"):
        return "calc"
    if command in _PROVE_KEEP:
        return "script"
    if span.kind == "diag":
        return "diag"
    if span.kind == "prf_decl":
        return "decl"
    return "unknown"


def _parse_proof(cursor: _Cursor, depth: int) -> Proof:
    if depth > MAX_NESTING:
        message = f"proof nesting deeper than {MAX_NESTING} levels"
        raise _Abandon(message)
    prefix: list[Step] = []
    while (span := cursor.peek()) is not None:
        command = span.command
        cursor.position += 1
        if command == "oops":
            cursor.abandoned = True
            return Proof("oops", prefix, terminal=span)
        if command in TERMINAL_COMMANDS or span.kind == "qed":
            return Proof("terminal", prefix, terminal=span)
        if command == "subgoal":
            prefix.append(Step("subgoal", span, proof=_parse_proof(cursor, depth + 1)))
            if cursor.abandoned:
                return Proof("oops", prefix)
        elif command == "proof":
            body, qed = _parse_body(cursor, depth + 1, "qed")
            if cursor.abandoned:
                return Proof("oops", prefix, method=span, body=body)
            return Proof("block", prefix, method=span, body=body, qed=qed)
        else:
            prefix.append(Step(_step_kind(span), span))
    message = "proof ends without a terminal step"
    raise _Abandon(message)


def _parse_body(cursor: _Cursor, depth: int, closer: str) -> tuple[list[Step], Span | None]:
    if depth > MAX_NESTING:
        message = f"proof nesting deeper than {MAX_NESTING} levels"
        raise _Abandon(message)
    body: list[Step] = []
    while (span := cursor.peek()) is not None:
        command = span.command
        cursor.position += 1
        if command == closer:
            return body, span
        if command == "oops":
            cursor.abandoned = True
            body.append(Step("oops", span))
            return body, None
        if command in CLAIM_COMMANDS or span.kind == "prf_goal":
            step = Step("claim", span, proof=_parse_proof(cursor, depth + 1))
        elif command == "{":
            inner, close = _parse_body(cursor, depth + 1, "}")
            step = Step("braces", span, body=inner, close=close)
        elif command == "next":
            step = Step("next", span)
        else:
            step = Step(_step_kind(span), span)
        body.append(step)
        if cursor.abandoned:
            return body, None
    message = f"'{closer}' missing"
    raise _Abandon(message)
