"""The ``toolbox lintseq`` command: LintSeq synthetic edit sequences for Python programs."""

from __future__ import annotations

import contextlib
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from toolbox.cli import common, options
from toolbox.io.errors import InputError, SkipCounter
from toolbox.io.files import STDIO, display_name, same_output

InputFormat = Literal["auto", "python", "jsonl"]
OutputFormat = Literal["jsonl", "text"]
LinterName = Literal["pyflakes", "syntax", "ruff", "pylint"]

_JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonlines", ".jsonlines.gz", ".ndjson", ".ndjson.gz")
_FAILURES_SHOWN = 10

HELP = """Turn Python programs into LintSeq edit sequences: insertion diffs that rebuild
each program from an empty file, every intermediate state free of linter errors.

Example: toolbox lintseq fixtures/lintseq/tty.jsonl --samples 2 --verify

Each step deletes a random line (deeper lines are likelier) with its indented
block, then every line the linter flags, until the program is empty; the states
reversed give the edits (Piterbarg, Pinto and Fergus, 2024). Inputs are Python
files, directories (searched with --glob), JSON Lines datasets (.jsonl, .gz
allowed) or '-' for standard input.
"""

Inputs = Annotated[
    list[str] | None,
    typer.Argument(help="Python files, directories, JSON Lines datasets, or '-' for standard "
                   "input (the default).", metavar="INPUT", show_default=False),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="jsonl: one record per edit sequence with the LintSeq "
                 "reference's keys; text: the training string (prompt, then each edit after "
                 "the separator, ending with two empty edits)."),
]
LinterOption = Annotated[
    LinterName,
    typer.Option("--linter", "-l", help="What counts as an error: pyflakes (compile() plus "
                 "undefined names, in-process), syntax (compile() only), ruff (E9,F63,F7,F82; "
                 "needs the ruff program) or pylint (the reference's settings; needs pylint, "
                 "one process per check, slow)."),
]
Samples = Annotated[
    int,
    typer.Option("--samples", "-s", min=1, max=1000,
                 help="Edit sequences per program (1 to 1000; all of a program's "
                 "sequences are held in memory until it is written)."),
]
StrictInsertions = Annotated[
    bool,
    typer.Option("--strict-insertions", help="Build diffs from the known line alignment, so no "
                 "edit has '-' lines; states keep their indentation and are split on newlines "
                 "only. Without it, diffs are difflib's, byte for byte as the reference writes "
                 "them."),
]
KeepEmptyEdits = Annotated[
    bool,
    typer.Option("--keep-empty-edits", help="Keep edits that change nothing, such as the "
                 "empty first edit of a program without top-level comments (the research "
                 "script keeps them; pylintseq drops them)."),
]
Verify = Annotated[
    bool,
    typer.Option("--verify", help="Replay every sequence from an empty file, check each state "
                 "against the sampled one and lint it again from scratch; a sequence that "
                 "fails counts as a failed program."),
]
Workers = Annotated[
    int,
    typer.Option("--workers", "-w", min=0, help="Worker processes (0: one per CPU core). The "
                 "output does not depend on it."),
]
GlobOption = Annotated[
    str,
    typer.Option("--glob", help="Pattern of the files to read inside a directory input."),
]
HiddenOption = Annotated[
    bool,
    typer.Option("--hidden", help="Also read hidden files and the files in hidden folders (names "
                 "starting with '.', such as .venv and .git) of a directory input; without "
                 "it they are skipped and counted in a note."),
]
InputFormatOption = Annotated[
    InputFormat,
    typer.Option("--input-format", help="python: each input is one program; jsonl: one record "
                 "per line; auto: JSON Lines for .jsonl/.jsonlines/.ndjson names (also .gz) "
                 "and for standard input that starts with '{', else Python."),
]
CodeField = Annotated[
    str,
    typer.Option("--code-field", help="JSON Lines field holding the program (dotted paths "
                 "such as meta.code work); the output key is source_<field>."),
]
PromptField = Annotated[
    str,
    typer.Option("--prompt-field", help="JSON Lines field holding the instruction, or 'none'; "
                 "the output key is source_<field>."),
]
StripMarkdown = Annotated[
    bool,
    typer.Option("--strip-markdown/--no-strip-markdown", help="Keep only the code inside "
                 "```python fences of a JSON Lines code field, when it has any."),
]
WithMeta = Annotated[
    bool,
    typer.Option("--with-meta", help="Add sample, seed, linter, lint_calls and lint_rounds "
                 "to each JSON Lines record."),
]
SkipInvalid = Annotated[
    bool,
    typer.Option("--skip-invalid", help="Skip (and count) malformed JSON lines, missing "
                 "fields and unreadable files instead of stopping at the first one."),
]
FailuresOption = Annotated[
    str | None,
    typer.Option("--failures", metavar="PATH", help="Write one JSON line per program that "
                 "could not be processed (index, source_file, line, reason)."),
]
MaxSteps = Annotated[
    int,
    typer.Option("--max-steps", min=1, help="Most deletion steps per sequence; lines left "
                 "after the last step all come back in the first edit."),
]
MaxLintRounds = Annotated[
    int,
    typer.Option("--max-lint-rounds", min=1, help="Most linter rounds within one step before "
                 "the program is reported as failed."),
]
Separator = Annotated[
    str,
    typer.Option("--separator", help="Text put before each edit with --format text."),
]


@dataclass
class _Record:
    """One program read from the inputs, with the fields its output records carry."""

    index: int
    source_file: str
    line: int | None
    code: str
    fields: dict[str, Any] = field(default_factory=dict)
    prompt: str | None = None

    def location(self) -> str:
        where = self.source_file if self.line is None else f"{self.source_file}:{self.line}"
        return f"{where}: record {self.index}"


@dataclass
class _Reader:
    """Reader that turns the inputs into a stream of records, numbered from 0 across inputs."""

    glob: str
    hidden: bool
    input_format: InputFormat
    code_field: str
    prompt_field: str | None
    strip_markdown: bool
    skipped: SkipCounter | None
    count: int = 0

    def records(self, inputs: list[str]) -> Iterator[_Record]:
        for name in inputs:
            path = Path(name)
            if name != STDIO and path.is_dir():
                yield from self._directory(path)
            elif self._is_jsonl(name):
                yield from self._jsonl(name)
            else:
                record = self._guarded_python_file(name)
                if record is not None:
                    yield record

    def count_programs(self, inputs: list[str]) -> int | None:
        """Count the programs in regular-file inputs for the progress bar (None: unknown).

        JSON Lines files are read once more for this, so it is done only when
        a progress bar is shown; standard input and directories are not counted.
        """
        from toolbox.io.files import open_binary

        total = 0
        for name in inputs:
            if name == STDIO or not Path(name).is_file():
                return None
            if not self._is_jsonl(name):
                total += 1
                continue
            try:
                with open_binary(name) as stream:
                    total += sum(1 for line in stream if line.strip())
            except (InputError, OSError):
                return None
        return total

    def _next_index(self) -> int:
        self.count += 1
        return self.count - 1

    def _is_jsonl(self, name: str) -> bool:
        if self.input_format != "auto":
            return self.input_format == "jsonl"
        if name == STDIO:
            return _stdin_starts_with_brace()
        return name.lower().endswith(_JSONL_SUFFIXES)

    def _directory(self, path: Path) -> Iterator[_Record]:
        files = sorted(item for item in path.glob(self.glob) if item.is_file())
        if not self.hidden:
            visible = [item for item in files if not _is_hidden(item.relative_to(path))]
            if files and not visible:
                message = (f"every file that matches --glob {self.glob!r} is hidden or in a "
                           "hidden folder; pass --hidden to read them")
                raise InputError(message, path=str(path))
            if len(visible) < len(files):
                common.info(f"{display_name(path)}: skipped {len(files) - len(visible)} hidden "
                            "file(s) or file(s) in hidden folders; pass --hidden to read them")
            files = visible
        if not files:
            message = f"no files match --glob {self.glob!r}; check the pattern"
            raise InputError(message, path=str(path))
        for item in files:
            if self._is_jsonl(str(item)) and self.input_format != "python":
                yield from self._jsonl(str(item))
                continue
            record = self._guarded_python_file(str(item))
            if record is not None:
                yield record

    def _guarded_python_file(self, name: str) -> _Record | None:
        try:
            return self._python_file(name)
        except InputError as error:
            if self.skipped is None:
                raise
            self.skipped.add(error)
            return None

    def _python_file(self, name: str) -> _Record:
        from toolbox.io.files import read_text

        text = read_text(name)
        if name == STDIO and not text:
            message = "standard input is empty; pipe a Python program or a JSON Lines dataset"
            raise InputError(message)
        nul = text.find("\x00")
        if nul >= 0:
            line = text.count("\n", 0, nul) + 1
            message = "contains NUL bytes, so it is binary data, not Python source; pass .py files"
            raise InputError(message, path=display_name(name), line=line)
        fields = {f"source_{self.code_field}": text}
        return _Record(self._next_index(), display_name(name), None, text, fields)

    def _jsonl(self, name: str) -> Iterator[_Record]:
        from toolbox.algos.lintseq.program import strip_markdown_fences
        from toolbox.io.jsonl import iter_jsonl

        wanted = [self.code_field] + ([self.prompt_field] if self.prompt_field else [])
        source = display_name(name)
        for item in iter_jsonl(name, fields=wanted, skipped=self.skipped):
            try:
                code = _string_field(item.fields, self.code_field, source, item.line)
                prompt = None
                if self.prompt_field:
                    prompt = _string_field(item.fields, self.prompt_field, source, item.line)
            except InputError as error:
                if self.skipped is None:
                    raise
                self.skipped.add(error)
                continue
            # Key order of the LintSeq research script's output: prompt, then code.
            fields = {f"source_{self.prompt_field}": prompt} if self.prompt_field else {}
            fields[f"source_{self.code_field}"] = code
            program = strip_markdown_fences(code) if self.strip_markdown else code
            yield _Record(self._next_index(), source, item.line, program, fields, prompt)


_JSON_TYPES = {dict: "object", list: "array", int: "number", float: "number", bool: "boolean"}


def _string_field(fields: dict[str, Any], name: str, source: str, line: int) -> str:
    value = fields[name]
    if not isinstance(value, str):
        kind = _JSON_TYPES.get(type(value), type(value).__name__)
        message = f"field {name!r} is a JSON {kind}, expected a string"
        raise InputError(message, path=source, line=line)
    return value


def _progress_shown() -> bool:
    return not common.settings.quiet and common.stderr_is_terminal()


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _stdin_starts_with_brace() -> bool:
    # Look at the first bytes of standard input without consuming them.
    buffer = sys.stdin.buffer
    if hasattr(buffer, "peek"):
        head = buffer.peek(4096)[:4096]
    elif buffer.seekable():
        position = buffer.tell()
        head = buffer.read(4096)
        buffer.seek(position)
    else:
        return False
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
        except zlib.error:
            return False
    return head.lstrip()[:1] == b"{"


def _output_record(record: _Record, sequence: Any, settings: Any, with_meta: bool) -> dict:
    result: dict[str, Any] = {
        "edit_path": sequence.edits,
        "index": record.index,
        "source_file": record.source_file,
        **record.fields,
    }
    if with_meta:
        result.update(sample=sequence.sample, seed=settings.seed, linter=settings.linter,
                      lint_calls=sequence.lint_calls, lint_rounds=sequence.lint_rounds)
    return result


def _report(programs: int, sequences: int, failures: list[str], failed: int,
            skipped: SkipCounter | None) -> None:
    for line in failures:
        common.warn(line)
    if failed > len(failures):
        common.warn(f"... and {failed - len(failures)} more programs failed; "
                    "use --failures PATH to list them all")
    if skipped:
        common.info(skipped.summary("input record"))
    noun = "sequence" if sequences == 1 else "sequences"
    common.info(f"wrote {sequences} edit {noun} for {programs - failed} of {programs} "
                f"programs ({failed} failed)")


def lintseq(
    inputs: Inputs = None,
    output: options.Output = "-",
    output_format: FormatOption = "jsonl",
    linter: LinterOption = "pyflakes",
    samples: Samples = 1,
    seed: options.Seed = 1,
    strict_insertions: StrictInsertions = False,
    keep_empty_edits: KeepEmptyEdits = False,
    verify: Verify = False,
    workers: Workers = 1,
    glob: GlobOption = "**/*.py",
    hidden: HiddenOption = False,
    input_format: InputFormatOption = "auto",
    code_field: CodeField = "response",
    prompt_field: PromptField = "instruction",
    strip_markdown: StripMarkdown = True,
    with_meta: WithMeta = False,
    separator: Separator = "\n<|diff|>",
    skip_invalid: SkipInvalid = False,
    failures_path: FailuresOption = None,
    max_steps: MaxSteps = 512,
    max_lint_rounds: MaxLintRounds = 1000,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    common.configure(quiet=quiet, verbose=verbose)
    if failures_path is not None and same_output(failures_path, output):
        message = (f"--failures and --output are both {failures_path!r}, so one would replace "
                   "or mix into the other; give them different files")
        raise common.CliError(message)
    from toolbox.algos.lintseq.batch import Task, run_tasks
    from toolbox.algos.lintseq.diffs import training_text
    from toolbox.algos.lintseq.errors import LinterUnavailableError
    from toolbox.algos.lintseq.generate import Settings
    from toolbox.io.files import open_output
    from toolbox.io.writers import JsonlWriter, to_json

    settings = Settings(
        linter=linter, seed=seed, samples=samples, strict_insertions=strict_insertions,
        keep_empty_edits=keep_empty_edits, verify=verify, max_steps=max_steps,
        max_lint_rounds=max_lint_rounds,
    )
    skipped = SkipCounter() if skip_invalid else None
    reader = _Reader(glob, hidden, input_format, code_field,
                     None if prompt_field.lower() == "none" else prompt_field,
                     strip_markdown, skipped)
    common.debug(f"linter {linter}, seed {seed}, {samples} samples per program, "
                 f"{workers or 'all'} workers")

    failures: list[str] = []
    failed = sequences = 0
    try:
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(open_output(output))
            failure_log = stack.enter_context(open_output(failures_path)) if failures_path else None
            total = reader.count_programs(inputs or [STDIO]) if _progress_shown() else None
            bar = stack.enter_context(common.progress("lintseq", total))
            writer = JsonlWriter(out)
            items = ((record, Task(record.index, record.code))
                     for record in reader.records(inputs or [STDIO]))
            for record, outcome in run_tasks(items, settings, workers=workers):
                bar.advance()
                if outcome.sequences is None:
                    failed += 1
                    if len(failures) < _FAILURES_SHOWN:
                        failures.append(f"{record.location()}: {outcome.error}")
                    if failure_log is not None:
                        failure_log.write(to_json({
                            "index": record.index, "source_file": record.source_file,
                            "line": record.line, "reason": outcome.error}) + "\n")
                    continue
                for sequence in outcome.sequences:
                    sequences += 1
                    if output_format == "text":
                        out.write(training_text(sequence.edits, record.prompt, separator) + "\n")
                    else:
                        writer.write(_output_record(record, sequence, settings, with_meta))
    except LinterUnavailableError as error:
        raise common.CliError(str(error)) from None

    _report(reader.count, sequences, failures, failed, skipped)
    if reader.count == 0:
        message = "the inputs hold no programs; pass Python files or a JSON Lines dataset"
        raise common.CliError(message)
    if sequences == 0:
        message = f"no edit sequence was produced: all {reader.count} programs failed"
        raise common.CliError(message, common.EXIT_NO_RESULT)


def register(app: typer.Typer) -> None:
    """Add the ``lintseq`` command to ``app``."""
    app.command("lintseq", help=HELP)(lintseq)
