"""Summary file formats: the SSumM reference text format, JSON and a superedge list.

``reference``: the text written by the SSumM reference implementation::

    <Subnode of each supernode>
    LABEL<TAB>MEMBER<TAB>MEMBER ...     one line per supernode, members as original ids
    <Superedge info>
    LABEL_A<TAB>LABEL_B<TAB>WEIGHT      one line per superedge, LABEL_A >= LABEL_B

``json``: one object with ``supernodes`` ([{"id", "members"}]), ``superedges``
([[id_a, id_b, weight]]) and the figures of the run.

``edgelist``: a superedge list ``A B WEIGHT DENSITY`` that
``networkx.read_edgelist(path, nodetype=int, data=(("weight", int), ("density", float)))``
loads directly; the members of each supernode are in ``# supernode LABEL: ...``
comment lines, which networkx skips.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

import numpy as np

from toolbox.algos.ssumm.model import Summary, superedge_densities
from toolbox.io.errors import InputError
from toolbox.io.files import display_name, iter_lines, read_text
from toolbox.io.writers import write_json

__all__ = ["FORMATS", "read_summary", "write_summary"]

FORMATS = ("reference", "json", "edgelist")
_SUPERNODE_HEADER = "<Subnode of each supernode>"
_SUPEREDGE_HEADER = "<Superedge info>"
_EDGELIST_MAGIC = "# toolbox ssumm summary"
_MEMBER_PREFIX = "# supernode "


# ---------------------------------------------------------------- writing


def _superedge_rows(summary: Summary) -> Iterable[tuple[int, int, int]]:
    labels = summary.labels
    for a, b, weight in summary.superedges.tolist():
        first, second = int(labels[a]), int(labels[b])
        if first < second:
            first, second = second, first
        yield first, second, weight


def _member_strings(summary: Summary) -> list[list[str]]:
    ids = summary.node_ids
    return [[str(node) for node in ids[members].tolist()] for members in summary.members()]


def write_summary(stream: TextIO, summary: Summary, format: str,
                  extra: dict[str, Any] | None = None) -> None:
    """Write ``summary`` to ``stream`` in ``format`` (one of FORMATS)."""
    if format == "reference":
        _write_reference(stream, summary)
    elif format == "json":
        _write_json(stream, summary, extra or {})
    elif format == "edgelist":
        _write_edgelist(stream, summary)
    else:
        message = f"summary format {format!r} is unknown; choose one of {', '.join(FORMATS)}"
        raise ValueError(message)


def _write_reference(stream: TextIO, summary: Summary) -> None:
    lines = [_SUPERNODE_HEADER]
    for label, members in zip(summary.labels.tolist(), _member_strings(summary), strict=True):
        lines.append("\t".join([str(label), *members]))
    lines.append(_SUPEREDGE_HEADER)
    lines.extend(f"{a}\t{b}\t{weight}" for a, b, weight in _superedge_rows(summary))
    stream.write("\n".join(lines) + "\n")


def _write_edgelist(stream: TextIO, summary: Summary) -> None:
    lines = [
        f"{_EDGELIST_MAGIC}: {summary.n_nodes} nodes, {summary.n_supernodes} supernodes, "
        f"{summary.n_superedges} superedges",
        "# superedge lines: supernode_a supernode_b weight density",
    ]
    for label, members in zip(summary.labels.tolist(), _member_strings(summary), strict=True):
        lines.append(f"{_MEMBER_PREFIX}{label}: " + " ".join(members))
    densities = superedge_densities(summary.superedges, summary.supernode_sizes()).tolist()
    for (a, b, weight), density in zip(_superedge_rows(summary), densities, strict=True):
        lines.append(f"{a}\t{b}\t{weight}\t{density!r}")
    stream.write("\n".join(lines) + "\n")


def _write_json(stream: TextIO, summary: Summary, extra: dict[str, Any]) -> None:
    members = summary.members()
    document = {
        "format": "toolbox-ssumm-summary",
        "nodes": summary.n_nodes,
        **extra,
        "supernodes": [
            {"id": int(label), "members": summary.node_ids[group].tolist()}
            for label, group in zip(summary.labels.tolist(), members, strict=True)
        ],
        "superedges": [list(row) for row in _superedge_rows(summary)],
    }
    write_json(stream, document, indent=None)


# ---------------------------------------------------------------- reading


class _Builder:
    """Collects supernodes and superedges by label and checks members against the graph."""

    def __init__(self, path: str, node_index: dict[Any, int], integer_ids: bool):
        self.path = path
        self.node_index = node_index
        self.integer_ids = integer_ids
        self.membership = np.full(len(node_index), -1, dtype=np.int64)
        self.labels: list[int] = []
        self.position: dict[int, int] = {}
        self.superedges: list[tuple[int, int, int]] = []

    def fail(self, message: str, line: int | None = None) -> InputError:
        return InputError(message, path=self.path, line=line)

    def number(self, token: Any, what: str, line: int | None) -> int:
        try:
            return int(token)
        except (TypeError, ValueError):
            message = f"{what} {token!r} is not an integer"
            raise self.fail(message, line) from None

    def add_supernode(self, label_token: Any, member_tokens: Iterable[Any], line: int | None):
        label = self.number(label_token, "supernode id", line)
        if label in self.position:
            message = f"supernode id {label} appears twice; give each supernode one line"
            raise self.fail(message, line)
        position = len(self.labels)
        self.position[label] = position
        self.labels.append(label)
        for token in member_tokens:
            key = token
            if self.integer_ids and not isinstance(token, int):
                key = self.number(token, "node id", line)
            elif not self.integer_ids:
                key = str(token)
            index = self.node_index.get(key)
            if index is None:
                message = f"node {token!r} is not in the graph; check that the summary matches it"
                raise self.fail(message, line)
            if self.membership[index] >= 0:
                message = f"node {token!r} is in two supernodes; a summary must be a partition"
                raise self.fail(message, line)
            self.membership[index] = position

    def add_superedge(self, tokens: list[Any], line: int | None):
        if len(tokens) < 3:
            message = f"expected 'SUPERNODE SUPERNODE WEIGHT', found {tokens!r}"
            raise self.fail(message, line)
        ends = []
        for token in tokens[:2]:
            label = self.number(token, "supernode id", line)
            if label not in self.position:
                message = f"superedge names supernode {label}, which has no member line"
                raise self.fail(message, line)
            ends.append(self.position[label])
        weight = self.number(tokens[2], "superedge weight", line)
        self.superedges.append((max(ends), min(ends), weight))

    def finish(self, node_ids: np.ndarray) -> Summary:
        missing = np.flatnonzero(self.membership < 0)
        if missing.shape[0]:
            message = (
                f"{missing.shape[0]} graph node(s) are in no supernode (first: "
                f"{node_ids[missing[:1]].tolist()[0]!r}); check that the summary matches the graph"
            )
            raise self.fail(message)
        superedges = np.asarray(self.superedges, dtype=np.int64).reshape(-1, 3)
        return Summary(node_ids, self.membership, np.asarray(self.labels, dtype=np.int64),
                       superedges)


def read_summary(path: str, node_ids: np.ndarray, node_index: dict[Any, int]) -> Summary:
    """Read a summary in any of FORMATS, detected from its first line.

    ``node_ids`` and ``node_index`` describe the graph the summary belongs to;
    member ids are matched against it.

    Raises
    ------
    InputError
        If the file is malformed or does not match the graph.
    """
    name = display_name(path)
    integer_ids = node_ids.dtype != object
    builder = _Builder(name, node_index, integer_ids)
    text = read_text(path)
    first_line = text.lstrip().split("\n", 1)[0].strip()
    if first_line.startswith("{"):
        _read_json(text, builder)
    elif first_line == _SUPERNODE_HEADER:
        _read_reference(path, builder)
    elif first_line.startswith(_EDGELIST_MAGIC):
        _read_edgelist(path, builder)
    else:
        message = (
            f"unrecognised summary format (first line {first_line[:40]!r}); expected the "
            f"reference format starting with {_SUPERNODE_HEADER!r}, JSON or a toolbox "
            "superedge list"
        )
        raise InputError(message, path=name)
    return builder.finish(node_ids)


def _read_reference(path: str, builder: _Builder) -> None:
    section = None
    for number, line in iter_lines(path):
        tokens = line.split()
        if not tokens:
            continue
        if line.strip() == _SUPERNODE_HEADER:
            section = "supernodes"
        elif line.strip() == _SUPEREDGE_HEADER:
            section = "superedges"
        elif section == "supernodes":
            builder.add_supernode(tokens[0], tokens[1:], number)
        elif section == "superedges":
            builder.add_superedge(tokens, number)
        else:
            message = f"unexpected line before the {_SUPERNODE_HEADER!r} header"
            raise builder.fail(message, number)


def _read_edgelist(path: str, builder: _Builder) -> None:
    for number, line in iter_lines(path):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(_MEMBER_PREFIX):
            label, _, members = stripped[len(_MEMBER_PREFIX):].partition(":")
            builder.add_supernode(label.strip(), members.split(), number)
        elif stripped.startswith("#"):
            continue
        else:
            builder.add_superedge(stripped.split(), number)


def _read_json(text: str, builder: _Builder) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg}"
        raise builder.fail(message, exc.lineno) from None
    if not isinstance(document, dict) or "supernodes" not in document:
        message = "JSON summary has no 'supernodes' list; write it with --format json"
        raise builder.fail(message)
    for entry in document["supernodes"]:
        if not isinstance(entry, dict) or "id" not in entry or "members" not in entry:
            message = "each JSON supernode needs 'id' and 'members'"
            raise builder.fail(message)
        builder.add_supernode(entry["id"], entry["members"], None)
    for row in document.get("superedges", []):
        builder.add_superedge(list(row) if isinstance(row, list) else [row], None)
