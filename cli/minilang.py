"""``toolbox minilang``: translate Isabelle/Isar proofs into Minilang, with a corpus report."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from toolbox.cli import common, options
from toolbox.io.errors import InputError
from toolbox.io.files import STDIO, display_name, open_output, read_bytes

if TYPE_CHECKING:
    from toolbox.algos.minilang.corpus import FileResult
    from toolbox.algos.minilang.translate import Options, ProofResult

# Bytes that are not UTF-8 reach the translator as lone surrogates (the input is
# decoded with surrogateescape). UTF-8 output cannot contain them.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

TranslateFormat = Literal["text", "jsonl"]
StatsFormat = Literal["text", "json"]
Tactics = Literal["eliminate", "keep"]
Scripts = Literal["faithful", "structured"]

GROUP_HELP = """Translate Isabelle/Isar proofs into Minilang, syntactically and without Isabelle.

Example: toolbox minilang translate fixtures/minilang/afp-2022/thys/Skew_Heap/Skew_Heap.thy
"""

TRANSLATE_HELP = """Translate every theory-level proof of Isar theory files into Minilang.

Example: toolbox minilang translate fixtures/minilang/afp-2022/thys/Skew_Heap/Skew_Heap.thy

PATHS are .thy files, directories (searched recursively for *.thy) or '-' for
standard input. Each proof is reported as translated, approximate (with the
approximations made), unsupported (with a reason), parse_error or no_proof.
The translation is syntactic: nothing is checked by a prover. Exit status: 0
all inputs read, 1 with --strict when some proof is not translated, 2 when an
input is missing, unreadable or binary.
"""

STATS_HELP = """Print the corpus report: proofs found and segmented, translation rates, failure reasons, sizes.

Example: toolbox minilang stats fixtures/minilang/afp-2022

PATHS are .thy files, directories (searched recursively for *.thy) or '-' for
standard input. Exit status: 0 all inputs read, 2 when an input is missing,
unreadable or binary.
"""

Paths = Annotated[
    list[str],
    typer.Argument(help="Theory files, directories searched for *.thy, or '-' for standard input.",
                   metavar="PATH", show_default=False),
]
TacticsOption = Annotated[
    Tactics,
    typer.Option("--tactics", help="eliminate: terminal steps made only of hammer-like methods "
                 "(auto, simp, blast, metis ...) become END WITH their facts; keep: every method "
                 "stays as APPLY."),
]
ScriptsOption = Annotated[
    Scripts,
    typer.Option("--scripts", help="faithful: apply scripts become one APPLY per step; "
                 "structured: keep a leading induct/cases/rule step and pass the other "
                 "steps' facts to END (approximate)."),
]
StrictOption = Annotated[
    bool,
    typer.Option("--strict", help="Report approximate translations as unsupported "
                 "(reason approximation_rejected)."),
]


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=GROUP_HELP, no_args_is_help=True)
    group.command("translate", help=TRANSLATE_HELP, no_args_is_help=True)(translate_command)
    group.command("stats", help=STATS_HELP, no_args_is_help=True)(stats_command)
    app.add_typer(group, name="minilang")


def translate_command(
    paths: Paths,
    output: options.Output = "-",
    output_format: Annotated[
        TranslateFormat,
        typer.Option("--format", "-f", help="text: Minilang scripts, each after a (* FILE:LINE ... *) "
                     "header; jsonl: one JSON object per proof with the Isar source, the Minilang "
                     "text, status, reasons and sizes."),
    ] = "text",
    tactics: TacticsOption = "eliminate",
    scripts: ScriptsOption = "faithful",
    strict: StrictOption = False,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    common.configure(quiet=quiet, verbose=verbose)
    from toolbox.algos.minilang.corpus import CorpusReport, proof_record
    from toolbox.algos.minilang.translate import Options
    from toolbox.io.writers import JsonlWriter

    policy = Options(tactics=tactics, scripts=scripts, strict=strict)
    report = CorpusReport()
    skipped = 0
    unreadable: list[str] = []
    with open_output(output) as out:
        records = JsonlWriter(out)
        for file in _translate_all(paths, policy, unreadable):
            report.add(file)
            if file.theory is None:
                skipped += 1
                continue
            for result in file.results:
                if output_format == "jsonl":
                    records.write(proof_record(file, result, policy))
                else:
                    out.write(_text_block(file.name, result))
    statuses = report.statuses
    common.info(
        f"{_count(report.proofs, 'proof')} in {_count(report.files, 'file')}: "
        f"{statuses['translated']} translated, "
        f"{statuses['approximate']} approximate, {statuses['unsupported']} unsupported, "
        f"{statuses['parse_error']} parse errors, {statuses['no_proof']} without proof"
    )
    _raise_if_skipped(skipped + len(unreadable))
    if strict and report.proofs != statuses["translated"]:
        raise typer.Exit(common.EXIT_NO_RESULT)


def stats_command(
    paths: Paths,
    output: options.Output = "-",
    output_format: Annotated[
        StatsFormat,
        typer.Option("--format", "-f", help="text: aligned report; json: one JSON document."),
    ] = "text",
    tactics: TacticsOption = "eliminate",
    scripts: ScriptsOption = "faithful",
    strict: StrictOption = False,
    examples: Annotated[
        int,
        typer.Option("--examples", help="Example locations listed per failure reason.", min=0, max=1000),
    ] = 3,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    common.configure(quiet=quiet, verbose=verbose)
    from toolbox.algos.minilang.corpus import CorpusReport
    from toolbox.algos.minilang.translate import Options

    policy = Options(tactics=tactics, scripts=scripts, strict=strict)
    report = CorpusReport(examples=examples)
    skipped = 0
    unreadable: list[str] = []
    for file in _translate_all(paths, policy, unreadable):
        report.add(file)
        skipped += file.theory is None
    with open_output(output) as out:
        if output_format == "json":
            from toolbox.io.writers import write_json

            data = report.as_dict()
            data["options"] = {"tactics": tactics, "scripts": scripts, "strict": strict}
            write_json(out, data)
        else:
            out.write(_LONE_SURROGATE.sub("\ufffd", report.as_text()))
    _raise_if_skipped(skipped + len(unreadable))


def _expand_paths(paths: list[str]) -> tuple[list[str], bool]:
    """Return the input files in order, and whether any directory was given."""
    files: list[str] = []
    any_directory = False
    for path in paths:
        if path != STDIO and os.path.isdir(path):
            any_directory = True
            found = sorted(str(p) for p in Path(path).rglob("*.thy") if p.is_file())
            if not found:
                common.warn(f"{path}: directory contains no .thy files")
            files += found
        elif path != STDIO and not os.path.exists(path):
            message = f"{path}: file not found; check the path, or pass '-' to read standard input"
            raise common.CliError(message)
        else:
            files.append(path)
    if paths.count(STDIO) > 1:
        message = "'-' (standard input) can be given only once"
        raise common.CliError(message)
    return files, any_directory


def _raise_if_skipped(count: int) -> None:
    if count:
        message = f"{count} input file(s) skipped (see the warnings above)"
        raise common.CliError(message, common.EXIT_USAGE)


def _translate_all(paths: list[str], policy: Options, unreadable: list[str]) -> Iterator[FileResult]:
    """Yield the translation of each input file in turn.

    An unreadable file is warned about, added to ``unreadable`` and skipped, so
    the other files are still translated.
    """
    from toolbox.algos.minilang.corpus import translate_source

    files, any_directory = _expand_paths(paths)
    # Files named on the command line must be readable and non-empty; files
    # found by walking a directory are skipped with a warning instead.
    named = {path for path in paths if path == STDIO or not os.path.isdir(path)}
    if not files:
        message = "no theory files to read; pass .thy files, directories with .thy files, or '-'"
        raise common.CliError(message)
    cache: dict = {}
    with common.progress("translating", total=len(files) if any_directory else None) as bar:
        for path in files:
            name = display_name(path)
            try:
                data = read_bytes(path)
                if not data.strip():
                    what = "standard input" if path == STDIO else "the file"
                    message = f"{what} is empty; pass an Isabelle .thy theory"
                    raise InputError(message, path=None if path == STDIO else name)
            except InputError as error:
                if path in named:
                    raise
                common.warn(f"{error}; skipped")
                unreadable.append(name)
                bar.advance()
                continue
            file = translate_source(data, name, path=None if path == STDIO else path,
                                    options=policy, cache=cache)
            _report_file(file)
            bar.advance()
            yield file


def _report_file(file: FileResult) -> None:
    if file.theory is None:
        common.warn(f"{file.name}: binary file (it contains NUL bytes), skipped; pass Isabelle .thy text")
        return
    errors = file.theory.errors
    for line, column, message in errors[:3]:
        common.warn(f"{file.name}:{line}:{column}: {message}")
    if len(errors) > 3:
        common.warn(f"{file.name}: {len(errors) - 3} more lexical errors")
    undecodable = _LONE_SURROGATE.search(file.theory.text)
    # The lexer reports such bytes only outside strings, comments and cartouches.
    if undecodable and not any("not valid UTF-8" in message for _, _, message in errors):
        line = file.theory.text.count("\n", 0, undecodable.start()) + 1
        common.warn(f"{file.name}:{line}: bytes that are not valid UTF-8; text output shows "
                    "them as U+FFFD and JSONL as \\udcXX escapes; convert the file to UTF-8")
    if not file.results:
        common.info(f"{file.name}: no theory-level proofs found")
    common.debug(f"{file.name}: {len(file.results)} proofs in {file.seconds:.3f} s")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _text_block(name: str, result: ProofResult) -> str:
    goal = result.goal
    label = f"{goal.command} {goal.name}".strip()
    status = result.status
    notes = result.reasons or result.approximations
    if result.reasons == ["approximation_rejected"] and result.approximations:
        # Name what --strict rejected, as the JSONL record does.
        notes = ["approximation_rejected: " + ", ".join(result.approximations)]
    if notes:
        status += " (" + ", ".join(notes) + ")"
    if result.detail:
        status += f": {result.detail}"
    # A '*)' inside the header (say, in a detail) would end the comment early.
    inner = f"{name}:{goal.line} {label}: {status}".replace("*)", "* )")
    body = result.minilang or ""
    return _LONE_SURROGATE.sub("\ufffd", f"(* {inner} *)\n{body}\n")
