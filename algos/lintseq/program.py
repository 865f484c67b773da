"""Line-level facts about one program that the LintSeq sampler needs.

Everything here is computed once from the original program text and indexed by
0-based line number in ``text.split("\\n")``: indentation, the lines that can be
sampled and their weights, the top-level statement regions used for incremental
syntax checks, and the names each line binds or mentions.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass, field

from toolbox.algos.lintseq.errors import RecordError

__all__ = ["Program", "analyse_program", "strip_markdown_fences"]

# A module-level constant whose value spans several lines, such as
# ``NAMES = [`` or ``TABLE = dict(``; its continuation lines are never sampled.
_CAPS_OPENING = re.compile(r"^[A-Z_][A-Z0-9_]*\s*(?::[^=]*)?=.*([(\[])\s*$")
_CLOSER = {"(": ")", "[": "]"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A name bound on a line and the (first, last) line indices where it can be read.
Binding = tuple[str, "tuple[int, int] | None"]

_FENCE = re.compile(r"```(?:python3?|py)[ \t]*\n(.*?)```", re.DOTALL)


def strip_markdown_fences(text: str) -> str:
    """Return the Python code inside Markdown fences, or ``text`` when it has none.

    Blocks fenced as ```python (also ```py and ```python3) are joined with a
    newline and the result is stripped, which is how instruction datasets wrap
    code in chat-style answers.
    """
    blocks = _FENCE.findall(text)
    if not blocks:
        return text
    return "\n".join(blocks).strip()


@dataclass
class Program:
    """One program split into lines, with the per-line facts the sampler uses.

    ``indent`` is the count of leading whitespace characters; a line with at
    most one non-space character (blank, or a lone bracket) takes the indent of
    the line above, so closing brackets and blank lines inside a block belong
    to that block. ``weights`` are integers proportional to the sampling
    probability: a top-level line weighs ``tab_width`` and an indented line its
    indent, so deeper lines are picked more often. ``region_of`` maps a line to
    its top-level statement, ``binds`` lists the names a line binds with the
    lines where each can be read (None: anywhere), and ``words`` the
    identifiers a line mentions (in code, strings or comments).
    ``token_spans`` maps each line of a string that spans lines, or of lines
    joined by a backslash, to the (first, last) lines of that construct:
    deleting its first or last line while other lines of it survive changes
    how the remaining lines are tokenized (deleting a middle line of a string
    only changes the string).
    """

    text: str
    lines: list[str]
    indent: list[int]
    candidates: list[int]
    weights: dict[int, int]
    region_of: list[int]
    region_count: int
    binds: list[frozenset[Binding]]
    words: list[frozenset[str]]
    star_import_lines: frozenset[int] = field(default_factory=frozenset)
    token_spans: dict[int, tuple[int, int]] = field(default_factory=dict)


def _indentation(lines: list[str]) -> list[int]:
    indent = []
    previous = 0
    for line in lines:
        stripped = line.lstrip()
        if len(stripped.strip()) <= 1:
            value = previous
        else:
            value = len(line) - len(stripped)
        indent.append(value)
        previous = value
    return indent


def _candidate_lines(lines: list[str], indent: list[int]) -> list[int]:
    candidates = []
    closing: str | None = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if closing is not None:
            # Inside a multi-line ALL-CAPS constant: skip up to the closing bracket.
            if stripped.endswith(closing):
                closing = None
            continue
        if not stripped or stripped.startswith("#"):
            continue
        candidates.append(index)
        if indent[index] == 0:
            match = _CAPS_OPENING.match(line)
            if match:
                closing = _CLOSER[match.group(1)]
    return candidates


def _weights(candidates: list[int], indent: list[int]) -> dict[int, int]:
    tab_width = next((value for value in indent if value > 0), 1)
    return {index: indent[index] if indent[index] > 0 else tab_width for index in candidates}


def _regions(tree: ast.Module, line_count: int) -> tuple[list[int], int]:
    # Region k runs from the first line of top-level statement k (its first
    # decorator for a decorated definition) to the line before statement k+1.
    # Comments and blank lines before the first statement form their own region.
    starts = []
    for statement in tree.body:
        first = statement.lineno
        for decorator in getattr(statement, "decorator_list", ()):
            first = min(first, decorator.lineno)
        if not starts or first - 1 > starts[-1]:
            starts.append(first - 1)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    region_of = [0] * line_count
    for number, start in enumerate(starts):
        stop = starts[number + 1] if number + 1 < len(starts) else line_count
        for index in range(start, stop):
            region_of[index] = number
    return region_of, len(starts)


class _BindingCollector(ast.NodeVisitor):
    """Collect, per line, the names bound there and the lines where they can be read.

    A name bound inside a function (its parameters and locals) can be read only
    within the outermost function around it; a name bound in a class body
    outside any function only within the class body (pyflakes, like Python,
    does not look names up in a class scope from nested scopes). That span is
    also the smallest unit pyflakes can check alone. Module-level names,
    ``global`` and ``nonlocal`` declarations and bindings inside lambdas or
    comprehensions at module level get ``None``: they can be read anywhere.
    """

    def __init__(self, line_count: int):
        self.line_count = line_count
        self.binds: list[set[Binding]] = [set() for _ in range(line_count)]
        self.star_lines: set[int] = set()
        self.span: tuple[int, int] | None = None
        self.in_function = False

    def bind(self, name: str | None, lineno: int | None, *, anywhere: bool = False) -> None:
        if name and lineno is not None and 0 < lineno <= self.line_count:
            self.binds[lineno - 1].add((name, None if anywhere else self.span))

    def _scoped(self, node: ast.AST, first: int) -> tuple[int, int]:
        return (first - 1, (getattr(node, "end_lineno", None) or first) - 1)

    def _visit_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.bind(node.name, node.lineno)
        for decorator in node.decorator_list:
            self.visit(decorator)
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        # Bases and defaults are evaluated in the enclosing scope.
        if isinstance(node, ast.ClassDef):
            outside = [*node.bases, *node.keywords]
        else:
            outside = [d for d in [*node.args.defaults, *node.args.kw_defaults] if d is not None]
        for item in outside:
            self.visit(item)
        outer, outer_in_function = self.span, self.in_function
        if not self.in_function:
            self.span = self._scoped(node, first)
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                self.visit(statement)
        else:
            self.in_function = True
            for argument in _all_arguments(node.args):
                self.bind(argument.arg, argument.lineno)
                if argument.annotation is not None:
                    self.visit(argument.annotation)
            if node.returns is not None:
                self.visit(node.returns)
            for statement in node.body:
                self.visit(statement)
        self.span, self.in_function = outer, outer_in_function

    visit_FunctionDef = _visit_definition
    visit_AsyncFunctionDef = _visit_definition
    visit_ClassDef = _visit_definition

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for argument in _all_arguments(node.args):
            self.bind(argument.arg, argument.lineno)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.bind(node.id, node.lineno)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.star_lines.update(range(node.lineno - 1, node.end_lineno or node.lineno))
                continue
            name = alias.asname or alias.name.split(".")[0]
            self.bind(name, getattr(alias, "lineno", node.lineno))

    visit_ImportFrom = visit_Import

    def visit_Global(self, node: ast.Global | ast.Nonlocal) -> None:
        # A scope declaration changes how every use of the name resolves.
        for lineno in range(node.lineno, (node.end_lineno or node.lineno) + 1):
            for name in node.names:
                self.bind(name, lineno, anywhere=True)

    visit_Nonlocal = visit_Global

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.bind(node.name, node.lineno)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        self.bind(node.name, node.lineno)
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.bind(node.rest, node.lineno)
        self.generic_visit(node)

    def generic_visit(self, node: ast.AST) -> None:
        if type(node).__name__ in {"TypeVar", "ParamSpec", "TypeVarTuple"}:  # Python 3.12+
            self.bind(getattr(node, "name", None), getattr(node, "lineno", None))
        super().generic_visit(node)


def _all_arguments(arguments: ast.arguments) -> list[ast.arg]:
    items = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    items += [item for item in (arguments.vararg, arguments.kwarg) if item is not None]
    return items


def _token_spans(text: str, lines: list[str]) -> dict[int, tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    fstring_starts: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = tokenize.tok_name[token.type]
            # Python 3.12+ splits f-strings into parts; their span is start to end.
            if kind == "FSTRING_START":
                fstring_starts.append(token.start[0] - 1)
            elif kind == "FSTRING_END" and fstring_starts:
                first = fstring_starts.pop()
                if first != token.end[0] - 1:
                    spans.append((first, token.end[0] - 1))
            elif kind not in {"NL", "FSTRING_MIDDLE"} and token.start[0] != token.end[0]:
                spans.append((token.start[0] - 1, token.end[0] - 1))
    except (tokenize.TokenError, SyntaxError):
        spans.append((0, len(lines) - 1))
    for index, line in enumerate(lines[:-1]):
        if line.rstrip().endswith("\\"):
            spans.append((index, index + 1))
    by_line: dict[int, tuple[int, int]] = {}
    for first, last in spans:
        for index in range(first, min(last, len(lines) - 1) + 1):
            # Where spans overlap (a backslash after a string), keep the wider one.
            known = by_line.get(index)
            start = min(first, known[0]) if known else first
            stop = max(last, known[1]) if known else last
            by_line[index] = (start, min(stop, len(lines) - 1))
    return by_line


def analyse_program(text: str) -> Program:
    """Split ``text`` into lines and compute the sampler's per-line facts.

    Raises :class:`RecordError` when the program is empty, contains NUL
    characters, or does not compile (LintSeq needs a valid starting program).
    """
    if "\x00" in text:
        message = "the program contains NUL characters; it is binary data, not Python source"
        raise RecordError(message)
    if not text.strip():
        message = "the program is empty; there is nothing to sample"
        raise RecordError(message)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<program>", "exec", dont_inherit=True)
            tree = compile(text, "<program>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        message = f"the program has a syntax error on line {error.lineno}: {error.msg}"
        raise RecordError(message) from None
    except (RecursionError, MemoryError, ValueError) as error:
        message = f"the program cannot be compiled: {type(error).__name__}: {error}"
        raise RecordError(message) from None

    lines = text.split("\n")
    indent = _indentation(lines)
    candidates = _candidate_lines(lines, indent)
    if not candidates:
        message = "the program has only comments and blank lines; there is nothing to sample"
        raise RecordError(message)
    region_of, region_count = _regions(tree, len(lines))
    collector = _BindingCollector(len(lines))
    collector.visit(tree)
    return Program(
        text=text,
        lines=lines,
        indent=indent,
        candidates=candidates,
        weights=_weights(candidates, indent),
        region_of=region_of,
        region_count=region_count,
        binds=[frozenset(names) for names in collector.binds],
        words=[frozenset(_WORD.findall(line)) for line in lines],
        star_import_lines=frozenset(collector.star_lines),
        token_spans=_token_spans(text, lines),
    )
