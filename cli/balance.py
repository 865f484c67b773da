"""``toolbox balance``: balance chemical equations with exact integer arithmetic."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from toolbox.cli import common, options
from toolbox.io.files import open_output

if TYPE_CHECKING:
    from toolbox.algos.balance.errors import BalanceError

Format = Literal["text", "json", "jsonl", "latex", "unicode"]
Medium = Literal["acidic", "basic"]
_ARROW_CHARS = re.compile(r"->|=|→|⟶|⇒|⇌|⇄|↔|⟷|⇆")
# Warnings about the single canonical balance, which --all does not print.
_CANONICAL_WARNINGS = frozenset({"W_NOT_UNIQUE", "W_TIE", "W_NOT_CERTIFIED"})

HELP = """Balance a chemical equation with the smallest whole-number coefficients.

Example: toolbox balance "KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2"

EQUATION is one equation, '-' to read one equation per line from standard input,
or the path of such a file. In files, blank lines and text after '#' are skipped.

When several independent balances exist the one with the smallest total
coefficient sum is printed (ties: lexicographically smallest in input order)
with a warning; --all lists the elementary reactions instead. In batch mode
--all writes a '# EQUATION' comment line ('% EQUATION' with --format latex)
before the reactions of each equation.

With --electrons, or e- written in the equation, the smallest total is taken
only over the balances whose e- coefficient is not 0. If no balance moves
electrons, warning W_NO_ELECTRONS says so and all balances count.

Exit status: 0 balanced, 1 no valid balance (or --check found a mismatch),
2 unreadable input.
"""


def register(app: typer.Typer) -> None:
    app.command("balance", help=HELP, no_args_is_help=True)(balance_command)


def balance_command(
    equation: Annotated[
        str | None,
        typer.Argument(help="Equation such as 'H2 + O2 -> H2O', '-' for standard input, "
                       "or a file with one equation per line.", metavar="EQUATION",
                       show_default=False),
    ] = None,
    input_path: Annotated[
        str | None,
        typer.Option("--input", "-i", help="Read one equation per line from this file "
                     "('-' is standard input).", metavar="FILE", show_default=False),
    ] = None,
    output: options.Output = "-",
    output_format: Annotated[
        Format,
        typer.Option("--format", "-f", help="Output format: text, unicode (subscripts, superscripts, Unicode arrow), "
                     "latex (mhchem \\ce{}), json (one document), jsonl (one object per line)."),
    ] = "text",
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Check the coefficients typed in the equation "
                     "(missing ones count as 1) instead of computing new ones."),
    ] = False,
    groups: Annotated[
        str | None,
        typer.Option("--groups", "-g", help="Opaque groups usable as symbols, as "
                     "NAME=FORMULA[,NAME=FORMULA...], for example Ph=C6H5.", metavar="SPEC",
                     show_default=False),
    ] = None,
    medium: Annotated[
        Medium | None,
        typer.Option("--medium", "-m", help="Add H2O and H+ (acidic) or H2O and OH- (basic); "
                     "the solver chooses their sides.", show_default=False),
    ] = None,
    electrons: Annotated[
        bool,
        typer.Option("--electrons", "-e", help="Add e- as a species whose side the solver "
                     "chooses (half reactions); prefer balances in which e- takes part."),
    ] = False,
    list_all: Annotated[
        bool,
        typer.Option("--all", "-a", help="Print every elementary (support-minimal) reaction "
                     "instead of the single canonical balance."),
    ] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", help="Largest number of elementary reactions printed or "
                     "stored per equation.", min=1),
    ] = 50,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> int:
    common.configure(quiet=quiet, verbose=verbose)
    from toolbox.algos.balance.errors import EquationSyntaxError
    from toolbox.algos.balance.parser import parse_groups

    if check_only and (medium or electrons or list_all):
        message = "--check verifies the typed coefficients; drop --medium, --electrons and --all"
        raise common.CliError(message)
    try:
        declared = parse_groups(groups) if groups else None
    except EquationSyntaxError as error:
        message = f"--groups: {error}"
        raise common.CliError(message) from None

    settings = _Settings(output_format, check_only, declared, medium, electrons, list_all, limit)
    source = _batch_source(equation, input_path)
    with open_output(output) as stream:
        if source is not None:
            return _run_batch(source, settings, stream)
        assert equation is not None
        record = _run_single(equation, settings, stream)
        status = _exit_status(record)
        if status != common.EXIT_OK and settings.format not in ("json", "jsonl"):
            # Text-like formats wrote nothing, so raising here leaves no empty -o file.
            raise common.CliError(record["error"]["message"], status)
    # Raised after the output is closed, so an error record written with -o is kept.
    if status != common.EXIT_OK:
        raise common.CliError(record["error"]["message"], status)
    return status


@dataclass
class _Settings:
    """Options of one run, passed to the per-equation functions."""

    format: str
    check_only: bool
    groups: dict[str, dict[str, int]] | None
    medium: str | None
    electrons: bool
    list_all: bool
    limit: int

    @property
    def style(self) -> str:
        return self.format if self.format in ("latex", "unicode") else "text"


def _batch_source(equation: str | None, input_path: str | None) -> str | None:
    """Return the file to read equations from, or None for a single equation."""
    if input_path is not None:
        if equation is not None:
            message = "give either an EQUATION argument or --input FILE, not both"
            raise common.CliError(message)
        return input_path
    if equation is None:
        message = "missing EQUATION; give an equation, '-' for standard input, or --input FILE"
        raise common.CliError(message)
    if equation == "-":
        return "-"
    if _ARROW_CHARS.search(equation):
        return None
    # No arrow: an existing file, or something that looks like a path (so that a
    # mistyped file name gets "file not found" rather than "no arrow").
    if os.path.isfile(equation) or "/" in equation or equation.endswith((".txt", ".gz")):
        return equation
    return None


# --------------------------------------------------------------------------- solving


def _solve(text: str, settings: _Settings) -> dict[str, Any]:
    """Balance or check one equation; return its JSON record (status ok or error)."""
    from toolbox.algos.balance.errors import BalanceError
    from toolbox.algos.balance.render import format_reaction
    from toolbox.algos.balance.solver import balance, check

    try:
        if settings.check_only:
            return _check_record(check(text, settings.groups), settings)
        result = balance(text, medium=settings.medium, electrons=settings.electrons,
                         groups=settings.groups, elementary_limit=settings.limit)
    except BalanceError as error:
        return _error_record(text, error)
    common.debug(f"{text}: nullity {result.nullity}, rank {result.rank}, rule {result.rule}, "
                 f"total {result.total}, {result.elementary_count} elementary reactions")
    if settings.format in ("json", "jsonl"):
        record = result.to_dict(settings.style)
    else:
        # Text-like formats need only the lines, warnings and elementary reactions.
        record = {
            "status": "ok",
            "warnings": [{"code": c, "message": m} for c, m in result.warnings],
            "elementary": [{"text": format_reaction(r, settings.style,
                                                    reversible=result.equation.reversible)}
                           for r in result.elementary],
            "elementary_count": result.elementary_count,
        }
    record["_lines"] = _result_lines(record, result, settings)
    return record


def _result_lines(record: dict[str, Any], result: Any, settings: _Settings) -> list[str]:
    if settings.list_all and record["elementary"]:
        return [entry["text"] for entry in record["elementary"]]
    return [result.text(settings.style)]


def _check_record(result: Any, settings: _Settings) -> dict[str, Any]:
    from toolbox.algos.balance.render import format_reaction
    from toolbox.algos.balance.solver import balance

    totals = result.totals()
    written = format_reaction(result.terms, settings.style, reversible=result.equation.reversible)
    summary = ", ".join(f"{row} {left}={right}" if left == right else f"{row} {left}≠{right}"
                        for row, (left, right) in totals.items())
    record: dict[str, Any] = {
        "input": result.equation.text, "status": "ok", "balanced": written, "checks": totals,
    }
    if not result.unbalanced:
        record["_lines"] = [f"{written}  [{summary}]"]
        return record
    message = f"{written!r} is not balanced: {summary}"
    try:
        suggestion = balance(result.equation, groups=settings.groups).text(settings.style)
        message += f"; balanced form: {suggestion}"
    except ValueError:
        message += "; no balance with these species exists"
    record.update(status="error", error={"code": "E_NOT_BALANCED", "message": message,
                                         "details": {"unbalanced": result.unbalanced}})
    return record


def _error_record(text: str, error: BalanceError) -> dict[str, Any]:
    from toolbox.algos.balance.errors import EquationSyntaxError

    record = {"input": text.strip(), "status": "error", "error": error.to_dict()}
    record["_exit"] = common.EXIT_USAGE if isinstance(error, EquationSyntaxError) else common.EXIT_NO_RESULT
    return record


def _exit_status(record: dict[str, Any]) -> int:
    if record["status"] == "ok":
        return common.EXIT_OK
    return record.get("_exit", common.EXIT_NO_RESULT)


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if not key.startswith("_")}


# --------------------------------------------------------------------------- output


def _run_single(text: str, settings: _Settings, stream: Any) -> dict[str, Any]:
    from toolbox.io.writers import to_json, write_json

    record = _solve(text, settings)
    status = _exit_status(record)
    if settings.format == "json":
        write_json(stream, _public(record))
    elif settings.format == "jsonl":
        stream.write(to_json(_public(record)) + "\n")
    elif status == common.EXIT_OK:
        stream.write("\n".join(record["_lines"]) + "\n")
    _report(record, settings, location="")
    return record


def _report(record: dict[str, Any], settings: _Settings, location: str) -> None:
    """Write the warnings (and, for one equation, the elementary reactions) to stderr."""
    if record["status"] != "ok":
        return
    for warning in record.get("warnings", []):
        if settings.list_all and warning["code"] in _CANONICAL_WARNINGS:
            continue
        common.warn(location + warning["message"])
    if location or settings.list_all:
        if settings.list_all and record.get("elementary_count", 0) > len(record["_lines"]):
            common.info(f"{location}printed {len(record['_lines'])} of "
                        f"{record['elementary_count']} elementary reactions; raise --limit for more")
        return
    for entry in record.get("elementary", []):
        common.info(f"elementary reaction: {entry['text']}")


def _iter_equations(path: str) -> Iterator[tuple[int, str, str | None]]:
    """Yield (line number, equation, decoding problem or None) for each equation line.

    A line that is not UTF-8 is yielded with its bytes replaced by U+FFFD and a
    message, so the batch reports it and goes on with the next line.
    """
    from toolbox.io.files import open_binary

    with open_binary(path) as stream:
        for number, raw in enumerate(stream, start=1):
            problem = None
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                line = raw.decode("utf-8", "replace")
                problem = (f"invalid UTF-8 byte {raw[error.start:error.start + 1]!r} at column "
                           f"{error.start + 1}; convert the file to UTF-8")
            text = line.split("#", 1)[0].strip()
            if text:
                yield number, text, problem


def _run_batch(path: str, settings: _Settings, stream: Any) -> int:
    from toolbox.io.files import display_name
    from toolbox.io.writers import JsonlWriter, write_json

    name = display_name(path)
    records = []
    jsonl = JsonlWriter(stream) if settings.format == "jsonl" else None
    failures = {common.EXIT_USAGE: 0, common.EXIT_NO_RESULT: 0}
    # Comment lines in text-like output: '#' starts a comment in equation files,
    # so the output can be read back as a batch, and LaTeX comments start with '%'.
    marker = "%" if settings.format == "latex" else "#"
    count = 0
    with common.progress("balancing", None) as bar:
        for number, text, problem in _iter_equations(path):
            count += 1
            if problem is None:
                record = _solve(text, settings)
            else:
                record = {"input": text, "status": "error", "_exit": common.EXIT_USAGE,
                          "error": {"code": "E_SYNTAX", "message": problem, "details": {}}}
            record["line"] = number
            status = _exit_status(record)
            location = f"{name}:{number}: "
            if status != common.EXIT_OK:
                failures[status] += 1
                common.warn(location + record["error"]["message"])
            _report(record, settings, location)
            if jsonl is not None:
                jsonl.write(_public(record))
            elif settings.format == "json":
                records.append(_public(record))
            elif status == common.EXIT_OK:
                if settings.list_all:
                    # Several lines per equation: a comment line names the equation they belong to.
                    stream.write(f"{marker} {text}\n")
                stream.write("\n".join(record["_lines"]) + "\n")
            else:
                stream.write(f"{marker} error {record['error']['code']}: {text}\n")
            bar.advance()
    if count == 0:
        message = f"{name}: no equations found (only blank lines and comments); give one per line"
        raise common.CliError(message)
    if settings.format == "json":
        write_json(stream, records)
    failed = sum(failures.values())
    if failed:
        common.info(f"{failed} of {count} equations failed ({failures[common.EXIT_USAGE]} "
                    f"unreadable, {failures[common.EXIT_NO_RESULT]} without a valid balance)")
        return common.EXIT_USAGE if failures[common.EXIT_USAGE] else common.EXIT_NO_RESULT
    common.debug(f"balanced {count} equations from {name}")
    return common.EXIT_OK
