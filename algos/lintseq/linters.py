"""Linter backends: which lines of a program state count as errors.

Every backend reports flagged lines, not messages. The error set follows the
LintSeq reference, which runs pylint with ``--disable=C,R`` and treats every E
and F message plus W0311 (bad-indentation) and W0231 (super-init-not-called) as
an error and every other warning as harmless. For a syntax error whose message
names the statement that lost its block ("expected an indented block after
'if' statement on line N"), the flagged line is line N, the block opener.

``pyflakes`` and ``syntax`` run in-process and incrementally (see
:class:`IncrementalSession`); ``ruff`` and ``pylint`` run as subprocesses on
the whole state text. None of them imports or executes the program.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from toolbox.algos.lintseq.errors import LinterUnavailableError, RecordError
from toolbox.algos.lintseq.program import Program

__all__ = ["LINTER_NAMES", "IncrementalSession", "TextLinter", "TextSession", "make_linter"]

LINTER_NAMES = ("pyflakes", "syntax", "ruff", "pylint")

_ON_LINE = re.compile(r"on line (\d+)")
# Syntax errors caused by reaching the end of the text inside a construct. In a
# longer text the construct may continue, so the error can move or vanish.
# Errors detected on or after the last line of code are treated the same way.
_AT_END = re.compile(r"never closed|unterminated triple-quoted|EOF|unexpected end")

# pyflakes messages whose pylint counterpart is an E message: undefined names
# (E0602, E0603, E0601) and misplaced statements (E0103, E0104, E0105, E0108,
# E0112, E0701). Unused or redefined names and star imports are warnings.
PYFLAKES_ERRORS = frozenset({
    "UndefinedName",
    "UndefinedExport",
    "UndefinedLocal",
    "ReturnOutsideFunction",
    "YieldOutsideFunction",
    "ContinueOutsideLoop",
    "BreakOutsideLoop",
    "DefaultExceptNotLast",
    "TwoStarredExpressions",
    "TooManyExpressionsInStarredAssignment",
    "DuplicateArgument",
    "FutureFeatureNotDefined",
    "LateFutureImport",
})

_UNDEFINED = frozenset({"UndefinedName", "UndefinedLocal"})

# The ruff rules closest to that error set: syntax errors (E9), comparison and
# tuple misuse (F63), misplaced statements (F7) and undefined names (F82).
RUFF_SELECT = "E9,F63,F7,F82"

# pylint settings of the LintSeq reference, except --unsafe-load-any-extension,
# which would load installed C extensions into the pylint process. An empty
# rcfile keeps a pylintrc in the working directory (and its plugins) out.
PYLINT_ARGS = (
    f"--rcfile={os.devnull}",
    "--disable=C,R",
    "--reports=n",
    "--score=n",
    "--persistent=n",
    "--generated-members=cv2.*",
    "--msg-template={C}|{msg_id}|{line}|{column}|{msg}",
)
PYLINT_KEPT_WARNINGS = frozenset({"W0311", "W0231"})

# Line numbers of region k are stored as k * _REGION_STRIDE + local line.
_REGION_STRIDE = 1 << 22


def _syntax_error_line(error: SyntaxError) -> int:
    match = _ON_LINE.search(error.msg or "")
    if match:
        return int(match.group(1))
    return error.lineno or 1


def _compile_error(text: str) -> tuple[int, str] | None:
    """Return the 1-based line of the first compile error in ``text`` and its kind, or None.

    The kind is ``"block"`` for a missing indented block (the line is then the
    block's opener), ``"try"`` for a ``try`` without ``except`` or ``finally``
    found at the end of the text, ``"end"`` for other errors about the end of the text (an unclosed string or
    bracket, or any error on the last line of code), and ``""`` otherwise.
    """
    try:
        compile(text, "<state>", "exec", dont_inherit=True)
    except SyntaxError as error:
        message = error.msg or ""
        last = _last_code_line(text)
        at_end = (error.lineno or 1) >= last
        kind = ""
        if message.startswith("expected an indented block after") and _ON_LINE.search(message):
            kind = "block"
        elif (error.lineno or 1) > last and message.startswith("expected 'except' or 'finally'"):
            kind = "try"
        elif at_end or _AT_END.search(message):
            kind = "end"
        return _syntax_error_line(error), kind
    except (RecursionError, MemoryError, ValueError):
        return 1, ""
    return None


def _first_code_line(text: str) -> int | None:
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return number
    return None


def _last_code_line(text: str) -> int:
    lines = text.split("\n")
    for number in range(len(lines), 0, -1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return 1


_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")


def _starts_statement(text: str) -> bool:
    """Tell whether the first line of code in ``text`` starts a new top-level statement.

    An indented line or an ``else``/``elif``/``except``/``finally`` clause at
    the start would continue the statement before it in a longer text.
    """
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return line[:1] not in (" ", "\t", "\f") and not _CLAUSE.match(stripped)
    return True


def _compile_error_line(text: str) -> int | None:
    """Return the 1-based line of the first compile error in ``text``, or None."""
    error = _compile_error(text)
    return None if error is None else error[0]


def _message_name(message: object) -> str:
    # UndefinedLocal stores a bare name for builtins and a tuple otherwise.
    arguments = getattr(message, "message_args", ())
    return arguments if isinstance(arguments, str) else arguments[0]


def _pyflakes_lines(tree: ast.Module, names: set[str] | frozenset[str] = frozenset()) -> list[int]:
    """Return the lines of pyflakes errors in ``tree``; with ``names``, only
    undefined-name messages about those names."""
    from pyflakes.checker import Checker

    checker = Checker(tree, filename="<state>", withDoctest=False)
    if names:
        return [m.lineno for m in checker.messages
                if type(m).__name__ in _UNDEFINED and _message_name(m) in names]
    return [m.lineno for m in checker.messages if type(m).__name__ in PYFLAKES_ERRORS]


class TextLinter:
    """A linter that reads a whole program text and returns flagged 1-based lines."""

    name = "text"

    def lint_text(self, text: str) -> list[int]:
        raise NotImplementedError

    def session(self, program: Program) -> TextSession | IncrementalSession:
        """Start checking the states of one program."""
        return TextSession(self, program)


class SyntaxLinter(TextLinter):
    """``compile()`` only: syntax errors and the compiler's own checks."""

    name = "syntax"

    def lint_text(self, text: str) -> list[int]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            line = _compile_error_line(text)
        return [] if line is None else [line]

    def session(self, program: Program) -> IncrementalSession:
        return IncrementalSession(program, use_pyflakes=False)


class PyflakesLinter(SyntaxLinter):
    """``compile()`` for syntax errors, then pyflakes for undefined names."""

    name = "pyflakes"

    def lint_text(self, text: str) -> list[int]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            line = _compile_error_line(text)
            if line is not None:
                return [line]
            tree = compile(text, "<state>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
            return sorted(set(_pyflakes_lines(tree)))

    def session(self, program: Program) -> IncrementalSession:
        return IncrementalSession(program, use_pyflakes=True)


def _find_executable(name: str) -> str:
    # Prefer the copy installed next to this interpreter (a virtual environment).
    local = Path(sys.executable).with_name(name)
    if local.exists() and os.access(local, os.X_OK):
        return str(local)
    found = shutil.which(name)
    if found is None:
        message = (
            f"the {name} linter is not installed; install it with 'pip install {name}' "
            "or choose --linter pyflakes"
        )
        raise LinterUnavailableError(message)
    return found


class _SubprocessLinter(TextLinter):
    executable_name = ""

    def __init__(self) -> None:
        self.executable = _find_executable(self.executable_name)

    def _run(self, arguments: list[str], text: str) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [self.executable, *arguments], input=text, capture_output=True,
                text=True, encoding="utf-8", timeout=300, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            message = f"the {self.name} linter failed to run ({self.executable}): {error}"
            raise LinterUnavailableError(message) from None

    def _failure(self, result: subprocess.CompletedProcess[str]) -> LinterUnavailableError:
        detail = (result.stderr or result.stdout).strip().splitlines()
        last = detail[-1] if detail else "no output"
        message = f"the {self.name} linter exited with status {result.returncode}: {last}"
        return LinterUnavailableError(message)


class RuffLinter(_SubprocessLinter):
    """``ruff check`` with the rules in ``RUFF_SELECT``, one subprocess per state."""

    name = "ruff"
    executable_name = "ruff"

    def lint_text(self, text: str) -> list[int]:
        arguments = [
            "check", "--isolated", "--no-cache", "--quiet", "--select", RUFF_SELECT,
            "--output-format", "json", "--stdin-filename", "lintseq_state.py", "-",
        ]
        result = self._run(arguments, text)
        if result.returncode not in (0, 1):
            raise self._failure(result)
        try:
            diagnostics = json.loads(result.stdout or "[]")
        except json.JSONDecodeError:
            raise self._failure(result) from None
        lines = set()
        for item in diagnostics:
            match = _ON_LINE.search(item.get("message") or "")
            lines.add(int(match.group(1)) if match else int(item["location"]["row"]))
        return sorted(lines)


class PylintLinter(_SubprocessLinter):
    """pylint with the LintSeq reference's settings, one subprocess per state."""

    name = "pylint"
    executable_name = "pylint"

    def lint_text(self, text: str) -> list[int]:
        result = self._run([*PYLINT_ARGS, "--from-stdin", "lintseq_state.py"], text)
        # pylint's exit status is a bit mask of message categories; 32 is a usage error.
        if result.returncode & 32 or (result.returncode and not result.stdout.strip()):
            raise self._failure(result)
        lines = set()
        for row in result.stdout.splitlines():
            parts = row.split("|", 4)
            if len(parts) != 5 or not parts[2].isdigit():
                continue
            _letter, code, line, _column, message = parts
            category = code[:1]
            if category in {"C", "R"} or (category == "W" and code not in PYLINT_KEPT_WARNINGS):
                continue
            match = _ON_LINE.search(message) if code == "E0001" else None
            lines.add(int(match.group(1)) if match else int(line))
        return sorted(lines)


def make_linter(name: str) -> TextLinter:
    """Return the linter backend called ``name`` (one of ``LINTER_NAMES``)."""
    classes = {"pyflakes": PyflakesLinter, "syntax": SyntaxLinter, "ruff": RuffLinter,
               "pylint": PylintLinter}
    if name not in classes:
        message = f"unknown linter {name!r}; choose one of {', '.join(LINTER_NAMES)}"
        raise LinterUnavailableError(message)
    return classes[name]()


def _map_lines(flagged: Iterable[int], remaining: list[int]) -> list[int]:
    """Map 1-based line numbers of a state to original line indices.

    A number one past the end (an error at the end of the file) maps to the
    last line. Any other number outside the state raises :class:`RecordError`.
    """
    result = []
    for number in flagged:
        if not 1 <= number <= len(remaining) + 1:
            message = (f"the linter reported line {number} of a {len(remaining)}-line state, "
                       "which cannot be mapped back to the program")
            raise RecordError(message)
        result.append(remaining[min(number, len(remaining)) - 1])
    return result


class TextSession:
    """Checks states by handing each whole state text to a :class:`TextLinter`."""

    def __init__(self, linter: TextLinter, program: Program):
        self._linter = linter
        self._lines = program.lines
        self.calls = 0

    def check(self, remaining: list[int], pending: set[int]) -> list[int]:
        """Return the original indices of the flagged lines of the state ``remaining``."""
        if not remaining:
            return []
        self.calls += 1
        text = "\n".join([self._lines[index] for index in remaining])
        return _map_lines(self._linter.lint_text(text), remaining)

    def commit(self, removed: Iterable[int]) -> None:
        """Record that the state without ``removed`` was found clean."""


class IncrementalSession:
    """In-process syntax check (and pyflakes) that reuses work between states.

    Syntax: every state is cut into the program's top-level statement regions
    and each region is compiled on its own with ``compile()``, which also runs
    the compiler's checks (``nonlocal`` without a binding, ``return`` outside a
    function) that a parse alone misses. Results are cached by region text, so
    a step recompiles only the regions it changed. A region that compiles
    starts and ends outside any bracket, string or block, so when every region
    compiles, the whole state compiles. When the first failing region starts a
    statement at column 0, every later region compiles and the error is not
    about the region's end (an unclosed string or bracket), a whole-file
    compile reports the same error. Two errors at the end are exact too when
    the next region with code starts a statement: a missing indented block
    (the same error, at its opener) and a ``try`` without handlers (reported
    at that next statement). In every other case, and while the last clean
    state compiled only as a whole (a string spanning several regions), the
    text from the first failing region on is compiled as one (see
    ``_check_whole``).

    pyflakes: deleting lines can only create an undefined name if a deleted
    line bound a name that still occurs in the remaining lines where that
    binding was visible (its function or class, or anywhere for module-level
    names), or was a star import, or was the first or last line of a string
    spanning lines or of a backslash continuation whose other lines survive
    (then the remaining lines may tokenize differently, and a ``def`` line can
    end up inside a string). While such a construct is cut, every check runs
    pyflakes in full. The other pyflakes errors in ``PYFLAKES_ERRORS`` are not created by
    removing whole lines. So after the last clean state, pyflakes runs only
    when such a name exists, on a module assembled from cached per-region
    syntax trees. When every such name was local to a function or class and
    has no surviving module-level binding, only the outermost functions (or
    classes) holding those scopes are checked, and only undefined-name
    messages about those names count.
    """

    def __init__(self, program: Program, *, use_pyflakes: bool):
        self._program = program
        self._use_pyflakes = use_pyflakes
        self._compiled: dict[tuple[int, str], tuple[int, str] | None] = {}
        self._trees: dict[tuple[int, str], list[ast.stmt]] = {}
        self._definition_index: dict[tuple[int, str], dict[int, ast.stmt]] = {}
        # How many surviving lines mention each identifier, and which lines survive.
        self._word_lines = Counter(word for words in program.words for word in words)
        self._alive = bytearray(b"\x01") * len(program.lines)
        self._module_bindings = Counter(
            name for binds in program.binds for name, span in binds if span is None
        )
        # The original program may already hold pyflakes errors; until a state
        # has been checked in full, every check runs pyflakes on everything.
        self._clean = False
        # Strings spanning lines (and backslash continuations) that lost their
        # first or last line while other lines survive. While there are any,
        # lines may play other roles than in the original program, so pyflakes
        # checks everything.
        self._broken_spans: set[tuple[int, int]] = set()
        # Whether the last clean state compiled region by region.
        self._regions_valid = True
        self._last_check_by_regions = True
        self.calls = 0

    def _split_regions(self, remaining: list[int]) -> list[tuple[int, list[int]]]:
        region_of = self._program.region_of
        regions: list[tuple[int, list[int]]] = []
        current = -1
        members: list[int] = []
        for index in remaining:
            region = region_of[index]
            if region != current:
                if members:
                    regions.append((current, members))
                current, members = region, []
            members.append(index)
        if members:
            regions.append((current, members))
        return regions

    def _region_text(self, members: list[int]) -> str:
        lines = self._program.lines
        return "\n".join([lines[index] for index in members])

    def _syntax_error(self, region: int, text: str) -> tuple[int, str] | None:
        key = (region, text)
        try:
            return self._compiled[key]
        except KeyError:
            pass
        error = _compile_error(text)
        self._compiled[key] = error
        return error

    def _check_whole(self, remaining: list[int]) -> list[int]:
        """Check the state as a whole-file compile and pyflakes run would.

        The regions before the first one that fails on its own compile and end
        at a clean boundary, so only the text from that region on is compiled
        together (starting earlier while it would continue the region before).
        """
        self._last_check_by_regions = False
        regions = self._split_regions(remaining)
        if not regions:
            return []
        start = 0
        for region, members in regions:
            if self._syntax_error(region, self._region_text(members)) is not None:
                break
            start += 1
        if start == len(regions):
            start -= 1
        rest = [index for _region, members in regions[start:] for index in members]
        while start > 0 and not _starts_statement(self._region_text(rest)):
            start -= 1
            rest = regions[start][1] + rest
        rest_region = regions[start][0]
        rest_text = self._region_text(rest)
        error = self._syntax_error(rest_region, rest_text)
        if error is not None:
            return _map_lines([error[0]], rest)
        if not self._use_pyflakes:
            return []
        body: list[ast.stmt] = []
        for region, members in regions[:start]:
            body.extend(self._tree(region, self._region_text(members)))
        body.extend(self._tree(rest_region, rest_text))
        by_region = dict(regions[:start])
        by_region[rest_region] = rest
        flagged = []
        for lineno in _pyflakes_lines(ast.Module(body=body, type_ignores=[])):
            region, local = divmod(lineno, _REGION_STRIDE)
            flagged.extend(_map_lines([local], by_region[region]))
        return flagged

    def _tree(self, region: int, text: str) -> list[ast.stmt]:
        key = (region, text)
        body = self._trees.get(key)
        if body is None:
            module = compile(text, "<state>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
            ast.increment_lineno(module, region * _REGION_STRIDE)
            body = module.body
            self._trees[key] = body
        return body

    def _definitions(self, region: int, text: str) -> dict[int, ast.stmt]:
        """Map the first line (stored numbering) of each def or class in a region to its node."""
        key = (region, text)
        found = self._definition_index.get(key)
        if found is None:
            found = {}
            for statement in self._tree(region, text):
                for node in ast.walk(statement):
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                        found.setdefault(first, node)
            self._definition_index[key] = found
        return found

    def _unit_nodes(self, units: set[tuple[int, int]], regions: list[tuple[int, list[int]]],
                    texts: list[str]) -> list[ast.stmt]:
        # The def or class node of each unit; a whole region if its first line is gone.
        region_of = self._program.region_of
        by_region = {region: (members, text)
                     for (region, members), text in zip(regions, texts, strict=True)}
        nodes: dict[int, ast.stmt] = {}
        # A surviving star import turns undefined names into warnings, so the
        # top-level statements holding one are checked along with the units.
        star_regions = {region_of[index] for index in self._program.star_import_lines
                        if self._alive[index]}
        for region in star_regions & by_region.keys():
            for statement in self._tree(region, by_region[region][1]):
                nodes[id(statement)] = statement
        for first, _last in sorted(units):
            region = region_of[first]
            if region not in by_region:
                continue
            members, text = by_region[region]
            node = None
            if first in members:
                local = members.index(first) + 1
                node = self._definitions(region, text).get(region * _REGION_STRIDE + local)
            if node is None:
                for statement in self._tree(region, text):
                    nodes[id(statement)] = statement
            else:
                nodes[id(node)] = node
        return sorted(nodes.values(), key=lambda node: node.lineno)

    def _all_trees(self, regions: list[tuple[int, list[int]]], texts: list[str]) -> list[ast.stmt]:
        body: list[ast.stmt] = []
        for (region, _members), text in zip(regions, texts, strict=True):
            body.extend(self._tree(region, text))
        return body

    def _pyflakes_scope(self, pending: set[int]) -> tuple[set[tuple[int, int]], set[str]] | None:
        """Return what pyflakes must check after removing ``pending``.

        None means that no new error is possible. Otherwise the result is
        (units, names). An empty ``names`` means that the whole module must be
        checked. Else only undefined-name messages about ``names`` inside the
        ``units`` (line spans of functions or classes) can be new.
        """
        if not self._clean or self._broken_spans:
            return set(), set()
        program = self._program
        words = program.words
        alive = self._alive
        bound: set[tuple[str, tuple[int, int] | None]] = set()
        for index in pending:
            if index in program.star_import_lines:
                return set(), set()
            span = program.token_spans.get(index)
            if span is not None and index in span and any(
                alive[other] and other not in pending for other in range(span[0], span[1] + 1)
            ):
                return set(), set()
            bound.update(program.binds[index])
        units: set[tuple[int, int]] = set()
        names: set[str] = set()
        for name, span in bound:
            if span is None:
                removed = sum(1 for index in pending if name in words[index])
                if self._word_lines[name] > removed:
                    return set(), set()
                continue
            first, last = span
            if not any(alive[index] and name in words[index] and index not in pending
                       for index in range(first, last + 1)):
                continue
            # A surviving module-level binding of the same name lives outside
            # the unit, so a check of the unit alone could be wrong.
            removed_globals = sum(1 for index in pending if (name, None) in program.binds[index])
            if self._module_bindings[name] > removed_globals:
                return set(), set()
            units.add(span)
            names.add(name)
        return (units, names) if names else None

    def _first_region_error(self, regions: list[tuple[int, list[int]]],
                            texts: list[str], remaining: list[int]) -> list[int] | None:
        # Return the flagged lines if some region fails, None if all compile.
        for position, (region, members) in enumerate(regions):
            text = self._region_text(members)
            error = self._syntax_error(region, text)
            if error is None:
                texts.append(text)
                continue
            line, kind = error
            if not _starts_statement(text) or kind == "end":
                return self._check_whole(remaining)
            later_texts = [self._region_text(later) for _region, later in regions[position + 1:]]
            # The next region with code; regions of comments and blank lines do not count.
            following = next((number for number, later_text in enumerate(later_texts)
                              if _first_code_line(later_text) is not None), None)
            if following is not None and not _starts_statement(later_texts[following]):
                # An indented or else-like next line would continue this region.
                return self._check_whole(remaining)
            if kind == "try" and following is None:
                # Reported at the end of the whole text.
                return self._check_whole(remaining)
            # Tokenizer errors further on take precedence in a whole-file
            # compile, so the later regions must compile too.
            for (later, _members), later_text in zip(regions[position + 1:], later_texts,
                                                     strict=True):
                if self._syntax_error(later, later_text) is not None:
                    return self._check_whole(remaining)
            if kind == "try" and following is not None:
                # A whole-file compile reports a try without handlers at the
                # next statement, the first line of code of the next region.
                next_members = regions[position + 1 + following][1]
                next_line = _first_code_line(later_texts[following]) or 1
                return _map_lines([next_line], next_members)
            return _map_lines([line], members)
        return None

    def check(self, remaining: list[int], pending: set[int]) -> list[int]:
        """Return the original indices of the flagged lines of the state ``remaining``.

        ``pending`` contains the lines removed since the last committed clean state.
        """
        self.calls += 1
        self._last_check_by_regions = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            regions = self._split_regions(remaining)
            texts: list[str] = []
            if self._regions_valid:
                flagged = self._first_region_error(regions, texts, remaining)
                if flagged is not None:
                    return flagged
            else:
                for region, members in regions:
                    text = self._region_text(members)
                    if self._syntax_error(region, text) is not None:
                        return self._check_whole(remaining)
                    texts.append(text)
            if not self._use_pyflakes:
                return []
            # After a state that compiled only as a whole, lines changed roles.
            scope = self._pyflakes_scope(pending) if self._regions_valid else (set(), set())
            if scope is None:
                return []
            units, only_names = scope
            if only_names:
                body = self._unit_nodes(units, regions, texts)
                # A unit lifted to module level binds its own name there,
                # which a method's name, for one, is not.
                if any(getattr(node, "name", None) in only_names for node in body):
                    body, only_names = self._all_trees(regions, texts), set()
            else:
                body = self._all_trees(regions, texts)
        module = ast.Module(body=body, type_ignores=[])
        flagged = []
        by_region = dict(regions)
        for lineno in _pyflakes_lines(module, only_names):
            region, local = divmod(lineno, _REGION_STRIDE)
            members = by_region.get(region)
            if members:
                flagged.extend(_map_lines([local], members))
        return flagged

    def commit(self, removed: Iterable[int]) -> None:
        """Record that the state without ``removed`` was found clean."""
        words = self._program.words
        binds = self._program.binds
        for index in removed:
            self._word_lines.subtract(words[index])
            self._module_bindings.subtract(name for name, span in binds[index] if span is None)
            self._alive[index] = 0
        alive = self._alive
        for span in {self._program.token_spans.get(index) for index in removed} - {None}:
            first, last = span
            if (not alive[first] or not alive[last]) and any(alive[first:last + 1]):
                self._broken_spans.add(span)
            else:
                self._broken_spans.discard(span)
        self._clean = True
        self._regions_valid = self._last_check_by_regions
