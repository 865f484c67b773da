"""Whole-file translation, JSONL records and the corpus report.

:func:`translate_source` takes the raw bytes of one theory file and returns its
proofs' translations together with file-level facts (lexical errors, whether
the file looked binary). :class:`CorpusReport` accumulates those results into
the statistics printed by ``toolbox minilang stats``.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolbox.algos.minilang.isar import Theory, parse_theory
from toolbox.algos.minilang.keywords import Keywords, minilang_keywords
from toolbox.algos.minilang.lexer import tokenize
from toolbox.algos.minilang.translate import (
    STATUSES,
    TRANSLATOR_VERSION,
    Options,
    ProofResult,
    translate_theory,
)

__all__ = ["CorpusReport", "FileResult", "proof_record", "translate_source"]

# A NUL byte in the first block marks a file as binary; theory text never has one.
_BINARY_PROBE = 8192


@dataclass
class FileResult:
    """The translation of one input file."""

    name: str
    size: int
    theory: Theory | None
    results: list[ProofResult] = field(default_factory=list)
    binary: bool = False
    seconds: float = 0.0


def translate_source(
    data: bytes,
    name: str,
    *,
    path: str | None = None,
    options: Options | None = None,
    cache: dict[Path, Keywords] | None = None,
) -> FileResult:
    """Tokenise, segment and translate one theory given as bytes; never raises on bad content.

    Bytes that are not UTF-8 become error tokens (the text is decoded with
    ``surrogateescape``); a file with a NUL byte near its start is reported as
    binary and not parsed.
    """
    started = time.perf_counter()
    if b"\x00" in data[:_BINARY_PROBE]:
        return FileResult(name, len(data), None, binary=True, seconds=time.perf_counter() - started)
    text = data.decode("utf-8", "surrogateescape")
    theory = parse_theory(text, path=path, cache=cache)
    results = translate_theory(theory, options)
    return FileResult(name, len(data), theory, results, seconds=time.perf_counter() - started)


def _minilang_tokens(text: str | None, keywords: Keywords) -> int:
    if not text:
        return 0
    return sum(1 for token in tokenize(text, keywords) if token.proper)


def _isar_tokens(result: ProofResult) -> int:
    return sum(len(span.tokens) for span in result.goal.spans)


def proof_record(file: FileResult, result: ProofResult, options: Options) -> dict[str, Any]:
    """Build the JSONL record of one proof."""
    goal = result.goal
    theory = file.theory
    assert theory is not None
    ops = Counter(op.name for op in result.ops) if result.minilang is not None else Counter()
    return {
        "file": file.name,
        "theory": theory.name,
        "line": goal.line,
        "end_line": goal.end_line,
        "goal_cmd": goal.command,
        "name": goal.name,
        "statement": goal.span.arguments(),
        "isar": theory.text[goal.start:goal.end],
        "minilang": result.minilang,
        "ops": dict(ops),
        "status": result.status,
        "reasons": result.reasons,
        "detail": result.detail,
        "approximations": result.approximations,
        "features": result.features,
        "proof_class": result.proof_class,
        "stats": {
            "isar_tokens": _isar_tokens(result),
            "minilang_tokens": _minilang_tokens(result.minilang, minilang_keywords()),
            "isar_chars": (goal.end - goal.spans[0].start) if goal.spans else 0,
            "minilang_chars": len(result.minilang or ""),
        },
        "options": {"tactics": options.tactics, "scripts": options.scripts, "strict": options.strict},
        "translator_version": TRANSLATOR_VERSION,
    }


@dataclass
class _Rate:
    proofs: int = 0
    translated: int = 0
    approximate: int = 0

    def add(self, status: str) -> None:
        self.proofs += 1
        self.translated += status == "translated"
        self.approximate += status == "approximate"

    def as_dict(self) -> dict[str, Any]:
        covered = self.translated + self.approximate
        return {
            "proofs": self.proofs,
            "translated": self.translated,
            "approximate": self.approximate,
            "rate": round(covered / self.proofs, 4) if self.proofs else None,
        }


class CorpusReport:
    """Statistics over many translated files."""

    def __init__(self, examples: int = 3):
        self.files = 0
        self.binary_files: list[str] = []
        self.bytes = 0
        self.seconds = 0.0
        self.lexer_errors = 0
        self.lexer_error_examples: list[str] = []
        self.statuses: Counter[str] = Counter()
        self.by_class: dict[str, _Rate] = {}
        self.by_command: dict[str, _Rate] = {}
        self.reasons: Counter[str] = Counter()
        self.reason_examples: dict[str, list[str]] = {}
        self.approximations: Counter[str] = Counter()
        self.ops: Counter[str] = Counter()
        self.segmented = 0
        self.proofs = 0
        self.isar_tokens = 0
        self.minilang_tokens = 0
        self.size_ratios: list[float] = []
        self.ends = 0
        self.ends_with_facts = 0
        self._examples = examples
        self._keywords = minilang_keywords()

    def add(self, file: FileResult) -> None:
        self.files += 1
        self.bytes += file.size
        self.seconds += file.seconds
        if file.binary or file.theory is None:
            self.binary_files.append(file.name)
            return
        errors = file.theory.errors
        self.lexer_errors += len(errors)
        for line, column, message in errors[: self._examples]:
            if len(self.lexer_error_examples) < self._examples:
                self.lexer_error_examples.append(f"{file.name}:{line}:{column}: {message}")
        for result in file.results:
            self._add_proof(file.name, result)

    def _add_proof(self, name: str, result: ProofResult) -> None:
        self.proofs += 1
        goal = result.goal
        self.segmented += goal.segmented
        self.statuses[result.status] += 1
        self.by_class.setdefault(result.proof_class or "none", _Rate()).add(result.status)
        self.by_command.setdefault(goal.command, _Rate()).add(result.status)
        for reason in result.reasons:
            self.reasons[reason] += 1
            examples = self.reason_examples.setdefault(reason, [])
            if len(examples) < self._examples:
                where = f"{name}:{goal.line}"
                examples.append(f"{where} ({result.detail})" if result.detail else where)
        for approximation in result.approximations:
            self.approximations[approximation] += 1
        if result.minilang is not None:
            isar = _isar_tokens(result)
            minilang = _minilang_tokens(result.minilang, self._keywords)
            self.isar_tokens += isar
            self.minilang_tokens += minilang
            if isar:
                self.size_ratios.append(minilang / isar)
            for op in result.ops:
                self.ops[op.name] += 1
                if op.name in ("END", "NEXT"):
                    self.ends += 1
                    self.ends_with_facts += "WITH" in op.args.split()

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dictionary."""
        covered = self.statuses["translated"] + self.statuses["approximate"]
        proofs = self.proofs
        return {
            "files": self.files,
            "binary_files": self.binary_files,
            "bytes": self.bytes,
            "lexer_errors": self.lexer_errors,
            "lexer_error_examples": self.lexer_error_examples,
            "proofs": proofs,
            "segmented": self.segmented,
            "segmentation_rate": round(self.segmented / proofs, 4) if proofs else None,
            "statuses": {status: self.statuses[status] for status in STATUSES},
            "translated_rate": round(self.statuses["translated"] / proofs, 4) if proofs else None,
            "covered_rate": round(covered / proofs, 4) if proofs else None,
            "by_class": {key: rate.as_dict() for key, rate in sorted(self.by_class.items())},
            "by_goal_command": {
                key: rate.as_dict()
                for key, rate in sorted(self.by_command.items(), key=lambda item: -item[1].proofs)
            },
            "reasons": [
                {"reason": reason, "count": count, "examples": self.reason_examples[reason]}
                for reason, count in self.reasons.most_common()
            ],
            "approximations": dict(self.approximations.most_common()),
            "size": {
                "isar_tokens": self.isar_tokens,
                "minilang_tokens": self.minilang_tokens,
                "median_ratio": round(statistics.median(self.size_ratios), 3) if self.size_ratios else None,
                "mean_ratio": round(statistics.fmean(self.size_ratios), 3) if self.size_ratios else None,
            },
            "ops": dict(self.ops.most_common()),
            "closers_with_facts": round(self.ends_with_facts / self.ends, 4) if self.ends else None,
            "seconds": round(self.seconds, 3),
            "mb_per_second": round(self.bytes / 1e6 / self.seconds, 3) if self.seconds else None,
            "proofs_per_second": round(proofs / self.seconds, 1) if self.seconds else None,
        }

    def as_text(self) -> str:
        """Return the report as aligned plain text."""
        data = self.as_dict()
        lines = [
            f"files            {data['files']} ({len(self.binary_files)} binary, skipped)",
            f"bytes            {data['bytes']}",
            f"lexer errors     {data['lexer_errors']}",
            f"proofs           {data['proofs']} ({data['segmented']} segmented, "
            f"{_percent(data['segmentation_rate'])})",
        ]
        for status in STATUSES:
            count = self.statuses[status]
            share = count / self.proofs if self.proofs else None
            lines.append(f"  {status:<14} {count:>6}  {_percent(share)}")
        lines.append(f"translated or approximate: {_percent(data['covered_rate'])}")

        lines += _rate_table("by proof class", data["by_class"])
        lines += _rate_table("by goal command", data["by_goal_command"])

        if data["reasons"]:
            lines += ["", "reasons (not translated)"]
            for entry in data["reasons"]:
                examples = "; ".join(entry["examples"])
                lines.append(f"  {entry['reason']:<28} {entry['count']:>5}  e.g. {examples}")
        if data["approximations"]:
            lines += ["", "approximations"]
            for key, count in data["approximations"].items():
                lines.append(f"  {key:<28} {count:>5}")

        size = data["size"]
        operations = ", ".join(f"{name} {count}" for name, count in data["ops"].items())
        lines += [
            "",
            f"size             Isar {size['isar_tokens']} tokens, Minilang {size['minilang_tokens']} "
            f"tokens (median ratio {_number(size['median_ratio'])}, mean {_number(size['mean_ratio'])})",
            f"operations       {operations}",
            f"closers with WITH facts: {_percent(data['closers_with_facts'])}",
            f"throughput       {_number(data['mb_per_second'])} MB/s, "
            f"{_number(data['proofs_per_second'])} proofs/s "
            f"({data['seconds']} s)",
        ]
        return "\n".join(lines) + "\n"


def _rate_table(title: str, rates: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["", f"{title:<16} proofs  translated  approximate  rate"]
    for key, rate in rates.items():
        lines.append(f"  {key:<14} {rate['proofs']:>6}  {rate['translated']:>10}  "
                     f"{rate['approximate']:>11}  {_percent(rate['rate'])}")
    return lines


def _number(value: float | None) -> str:
    return "n/a" if value is None else str(value)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"
