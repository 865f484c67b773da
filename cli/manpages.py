"""Generate the man pages in man/ from the command tree and hand-written sections.

Each page is built from what ``--help`` shows (summary, description, commands
and options), followed by the roff sections in ``man/extra/PAGE.roff``
(EXAMPLES, EXIT STATUS, NOTES, SEE ALSO), which carry what ``--help`` lacks.
A test regenerates every page and fails if the committed file differs.

Run ``python -m toolbox.cli.manpages DIR`` to write the pages into DIR.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from typer.core import TyperGroup

from toolbox.cli.main import _version, build_command

__all__ = ["escape", "render_pages", "write_pages"]


def escape(text: str) -> str:
    """Escape ``text`` for use inside a roff line (backslashes and hyphens)."""
    return text.replace("\\", "\\e").replace("-", "\\-")


def _protect(line: str) -> str:
    # A line that starts with '.' or "'" would be read as a request.
    return "\\&" + line if line.startswith((".", "'")) else line


def _paragraphs(help_text: str, skip_summary: bool = False) -> list[str]:
    lines: list[str] = []
    blocks = [block for block in help_text.strip("\n").split("\n\n") if block.strip()]
    if skip_summary and blocks:
        # The first paragraph is the one-line summary, already shown under NAME.
        blocks = blocks[1:]
    for block in blocks:
        raw = block.split("\n")
        verbatim = raw[0].strip() == "\b" or any(line.startswith((" ", "\t")) for line in raw[1:])
        if raw[0].strip() == "\b":
            raw = raw[1:]
        if verbatim:
            lines += [".PP", ".RS 4", ".nf"]
            lines += [_protect(escape(line.rstrip())) for line in _dedent(raw)]
            lines += [".fi", ".RE"]
        else:
            lines += [".PP", _protect(escape(" ".join(part.strip() for part in raw)))]
    return lines


def _dedent(lines: list[str]) -> list[str]:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] for line in lines]


def _summary(command: Any) -> str:
    text = command.short_help or (command.help or "").strip().split("\n\n")[0]
    return " ".join(text.split()).rstrip(".")


def _options_section(command: Any, context: Any, title: str = "OPTIONS") -> list[str]:
    records = []
    for parameter in command.get_params(context):
        record = parameter.get_help_record(context)
        if record is None:
            continue
        records.append(record)
    if not records:
        return []
    lines = [f".SH {title}" if title == "OPTIONS" else f".SS {title}"]
    for names, help_text in records:
        lines += [".TP", f"\\fB{escape(names)}\\fR", _protect(escape(" ".join(help_text.split())))]
    return lines


def _extra(directory: Path, page: str) -> list[str]:
    path = directory / "extra" / f"{page}.roff"
    if not path.exists():
        return []
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def _header(page: str, summary: str) -> list[str]:
    return [
        f'.TH {page.upper()} 1 "" "toolbox {_version()}" "User Commands"',
        ".SH NAME",
        f"{escape(page)} \\- {escape(summary)}",
    ]


def _render_root(root: Any, context: Any, directory: Path) -> str:
    lines = _header("toolbox", _summary(root))
    lines += [".SH SYNOPSIS", "\\fBtoolbox\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]..."]
    lines += [".SH DESCRIPTION", *_paragraphs(root.help or "", skip_summary=True)]
    lines += [".SH COMMANDS"]
    for name in root.list_commands(context):
        command = root.get_command(context, name)
        lines += [".TP", f"\\fB{escape(name)}\\fR", f"{escape(_summary(command))}.",
                  f"See \\fBtoolbox\\-{escape(name)}\\fR(1)."]
    lines += _options_section(root, context)
    lines += _extra(directory, "toolbox")
    return "\n".join(lines) + "\n"


def _render_command(name: str, command: Any, parent: Any, directory: Path) -> str:
    import typer._click as click

    page = f"toolbox-{name}"
    context = click.Context(command, info_name=name, parent=parent, **command.context_settings)
    lines = _header(page, _summary(command))
    usage = " ".join(command.collect_usage_pieces(context))
    lines += [".SH SYNOPSIS", f"\\fBtoolbox {escape(name)}\\fR {escape(usage)}"]
    lines += [".SH DESCRIPTION", *_paragraphs(command.help or "", skip_summary=True)]

    if isinstance(command, TyperGroup):
        lines += [".SH COMMANDS"]
        for sub_name in command.list_commands(context):
            sub = command.get_command(context, sub_name)
            sub_context = click.Context(sub, info_name=sub_name, parent=context,
                                        **sub.context_settings)
            sub_usage = " ".join(sub.collect_usage_pieces(sub_context))
            lines += [f".SS toolbox {escape(name)} {escape(sub_name)}",
                      f"\\fBtoolbox {escape(name)} {escape(sub_name)}\\fR {escape(sub_usage)}"]
            lines += _paragraphs(sub.help or "")
            lines += _options_section(sub, sub_context, title=f"Options of {sub_name}")
    lines += _options_section(command, context)
    lines += _extra(directory, page)
    return "\n".join(lines) + "\n"


def render_pages(directory: Path) -> dict[str, str]:
    """Return ``{file name: roff text}`` for toolbox(1) and every subcommand's page."""
    import typer._click as click

    root = build_command(None)
    context = click.Context(root, info_name="toolbox", **root.context_settings)
    pages = {"toolbox.1": _render_root(root, context, directory)}
    for name in root.list_commands(context):
        command = root.get_command(context, name)
        pages[f"toolbox-{name}.1"] = _render_command(name, command, context, directory)
    return pages


def write_pages(directory: Path) -> list[Path]:
    """Write every page into ``directory`` and return the paths written."""
    written = []
    for file_name, text in render_pages(directory).items():
        path = directory / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "man")
    for written_path in write_pages(target):
        print(written_path)
