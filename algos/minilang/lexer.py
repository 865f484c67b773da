"""Lossless tokenizer for Isabelle outer syntax (theory files and Minilang scripts).

Every character of the input belongs to exactly one token, so joining the token
texts gives the input back. Whitespace, ``(* *)`` comments and formal comments
(``\\<comment> \\<open>...\\<close>`` and its relatives) are tokens too; they are
*improper*, meaning the command parser skips them. Malformed input (an
unterminated comment, string or cartouche, a stray control character, a byte
that is not UTF-8) becomes an ``error`` token; :func:`tokenize` never raises.

Token kinds: ``space``, ``comment``, ``formal_comment``, ``string``,
``altstring``, ``cartouche``, ``verbatim``, ``keyword``, ``ident``,
``sym_ident``, ``nat``, ``float``, ``term_var``, ``type_ident``, ``type_var``
and ``error``. Identifiers and symbols that are in the keyword table become
``keyword`` tokens; inner syntax (terms, types) stays inside single string or
cartouche tokens, as in Isabelle.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from toolbox.algos.minilang.keywords import Keywords

__all__ = ["IMPROPER_KINDS", "Token", "describe_error", "tokenize"]

IMPROPER_KINDS = frozenset({"space", "comment", "formal_comment"})


class _LineIndex:
    """Offsets where the lines of a text start, computed on first use."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str):
        self._text = text
        self._starts: list[int] | None = None

    def locate(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of a character offset."""
        if self._starts is None:
            self._starts = [0, *(match.end() for match in re.finditer(_NEWLINE, self._text))]
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


@dataclass(slots=True, eq=False)
class Token:
    """One token: its kind, exact text and character offset; line and column are derived."""

    kind: str
    text: str
    offset: int
    lines: _LineIndex = field(repr=False)

    @property
    def line(self) -> int:
        return self.lines.locate(self.offset)[0]

    @property
    def column(self) -> int:
        return self.lines.locate(self.offset)[1]

    @property
    def end(self) -> int:
        return self.offset + len(self.text)

    @property
    def proper(self) -> bool:
        return self.kind not in IMPROPER_KINDS

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "keyword" and self.text in words


_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa mu nu xi pi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
_LETTER_SYMBOLS = "|".join(
    [*"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]
    + [c + c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]
    + _GREEK.split()
)
# Raw Unicode letters count as letters, except the binder λ (\<lambda> is no letter either).
_LETTER = rf"(?:(?!λ)[^\W\d_]|\\<(?:{_LETTER_SYMBOLS})>)"
_QUASI = rf"(?:(?!λ)[^\W_]|[_']|\\<(?:{_LETTER_SYMBOLS})>)"
_SUBSCRIPT = r"(?:\\<\^(?:sub|isub|sup|isup|bsub|esub|bold)>)"
_IDENT = rf"{_LETTER}(?:{_SUBSCRIPT}?{_QUASI})*"
_SYM_CHARS = r"!#$%&*+\-/<=>?@^_|~"

_MAIN = re.compile(
    rf"""
    (?P<float>[0-9]+\.[0-9]+)
    | (?P<nat>[0-9]+)
    | (?P<type_var>\?'{_IDENT}(?:\.[0-9]+)?)
    | (?P<term_var>\?{_IDENT}(?:\.[0-9]+)?)
    | (?P<type_ident>'{_IDENT})
    | (?P<ident>{_IDENT}(?:\.{_IDENT})*)
    | (?P<sym_ident>[{_SYM_CHARS}]+|\\<\^?[A-Za-z][A-Za-z0-9_']*>|[^\x00-\x7f\ud800-\udfff‹›])
    """,
    re.VERBOSE,
)
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
# Fast path for the most frequent tokens: blanks, identifiers, numbers, complete
# strings and bracket punctuation (which the keyword table decides on).
_COMMON = re.compile(
    rf"(?P<space>[ \t\n\r\f\v]+)|(?P<ident>{_IDENT}(?:\.{_IDENT})*)|(?P<float>[0-9]+\.[0-9]+)"
    r'|(?P<nat>[0-9]+)|(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>\((?!\*)|[)\[\],])',
    re.DOTALL,
)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_ALTSTRING = re.compile(r"`(?:[^`\\]|\\.)*`", re.DOTALL)
_COMMENT_MARK = re.compile(r"\(\*|\*\)")
_CARTOUCHE_MARK = re.compile(r"\\<open>|\\<close>|‹|›")
_FORMAL_COMMENT = re.compile(r"\\<comment>|\\<\^cancel>|\\<\^latex>|\\<\^marker>")
_LEGACY_COMMENT = re.compile(r"--[ \t\n\r]*(?=\"|\\<open>|‹|\{\*)")
_ERROR_RUN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]+")
_NEWLINE = "\n"


def tokenize(text: str, keywords: Keywords, start: int = 0) -> list[Token]:
    """Split ``text`` into tokens that cover it exactly.

    Parameters
    ----------
    text : str
        Theory or script text. Undecodable bytes should arrive as lone
        surrogates (``bytes.decode("utf-8", "surrogateescape")``); they become
        error tokens.
    keywords : Keywords
        Commands and minor keywords of the language.
    start : int
        Offset to start at (a token boundary); positions stay relative to ``text``.

    Returns
    -------
    list of Token
        ``"".join(t.text for t in tokens) == text[start:]`` always holds.
    """
    tokens: list[Token] = []
    append = tokens.append
    lines = _LineIndex(text)
    length = len(text)
    position = start
    commands = keywords.commands
    minor = keywords.minor
    symbolic = keywords.symbolic
    longest_symbolic = max((len(word) for word in symbolic), default=0)

    while position < length:
        char = text[position]
        common = _COMMON.match(text, position)
        if common is not None:
            end = common.end()
            kind = common.lastgroup or ""
            if kind == "ident" and (text[position:end] in commands or text[position:end] in minor):
                kind = "keyword"
            elif kind == "punct":
                kind = "keyword" if text[position:end] in symbolic else "error"
        elif char == "(" and text.startswith("(*", position):
            end, kind = _scan_nested(text, position, _COMMENT_MARK, "comment")
        elif char == '"':
            match = _STRING.match(text, position)
            end, kind = (match.end(), "string") if match else (length, "error")
        elif char == "`":
            match = _ALTSTRING.match(text, position)
            end, kind = (match.end(), "altstring") if match else (length, "error")
        elif char == "{" and text.startswith("{*", position):
            close = text.find("*}", position + 2)
            end, kind = (close + 2, "verbatim") if close >= 0 else (length, "error")
        elif char == "‹" or (char == "\\" and text.startswith("\\<open>", position)):
            end, kind = _scan_nested(text, position, _CARTOUCHE_MARK, "cartouche")
        elif char == "\\" and _FORMAL_COMMENT.match(text, position):
            end, kind = _scan_formal_comment(text, position)
        elif char == "-" and (match := _LEGACY_COMMENT.match(text, position)):
            end, kind = _scan_legacy_comment(text, match.end())
        else:
            end, kind = _scan_word(text, position, commands, minor, symbolic, longest_symbolic)

        append(Token(kind, text[position:end], position, lines))
        position = end
    return tokens


def _scan_word(
    text: str,
    position: int,
    commands: dict[str, str],
    minor: frozenset[str],
    symbolic: frozenset[str],
    longest_symbolic: int,
) -> tuple[int, str]:
    match = _MAIN.match(text, position)
    kind = match.lastgroup if match else ""
    end = match.end() if match else position
    if kind == "ident":
        word = text[position:end]
        if word in commands or word in minor:
            return end, "keyword"
        return end, kind
    if kind in ("", "sym_ident"):
        # Symbolic keywords compete with symbolic identifiers by longest match;
        # a tie goes to the keyword.
        for size in range(min(longest_symbolic, len(text) - position), end - position - 1, -1):
            if size > 0 and text[position:position + size] in symbolic:
                return position + size, "keyword"
        if kind == "sym_ident":
            return end, kind
        error = _ERROR_RUN.match(text, position)
        return (error.end() if error else position + 1), "error"
    return end, kind


def _scan_nested(text: str, position: int, marks: re.Pattern[str], kind: str) -> tuple[int, str]:
    """Scan a nested comment or cartouche that starts at ``position``."""
    depth = 0
    for match in marks.finditer(text, position):
        mark = match.group()
        if mark in ("(*", "\\<open>", "‹"):
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return match.end(), kind
    return len(text), "error"


def _scan_formal_comment(text: str, position: int) -> tuple[int, str]:
    """Scan ``\\<comment>`` (or cancel, latex, marker) followed by a cartouche."""
    start = _FORMAL_COMMENT.match(text, position).end()
    space = _SPACE.match(text, start)
    cursor = space.end() if space else start
    if text.startswith("\\<open>", cursor) or text.startswith("‹", cursor):
        end, kind = _scan_nested(text, cursor, _CARTOUCHE_MARK, "cartouche")
        return end, ("formal_comment" if kind == "cartouche" else "error")
    return start, "error"


def _scan_legacy_comment(text: str, cursor: int) -> tuple[int, str]:
    """Scan the argument of a legacy ``-- "..."`` marginal comment."""
    if text[cursor] == '"':
        match = _STRING.match(text, cursor)
        return (match.end(), "formal_comment") if match else (len(text), "error")
    if text[cursor] == "{":
        close = text.find("*}", cursor + 2)
        return (close + 2, "formal_comment") if close >= 0 else (len(text), "error")
    end, kind = _scan_nested(text, cursor, _CARTOUCHE_MARK, "cartouche")
    return end, ("formal_comment" if kind == "cartouche" else "error")


def describe_error(token: Token) -> str:
    """Describe why an ``error`` token is malformed, for messages."""
    text = token.text
    if text.startswith("(*"):
        return "unterminated comment '(*' (add the matching '*)')"
    if text.startswith('"'):
        return "unterminated string (add the closing '\"')"
    if text.startswith("`"):
        return "unterminated alternative string (add the closing '`')"
    if text.startswith("{*"):
        return "unterminated verbatim text '{*' (add the closing '*}')"
    if text.startswith(("‹", "\\<open>")):
        return "unterminated cartouche (add the matching '\\<close>')"
    if text.startswith(("\\<comment>", "\\<^", "--")):
        return "formal comment without a cartouche argument"
    if any("\ud800" <= char <= "\udfff" for char in text[:64]):
        return "bytes that are not valid UTF-8"
    return f"unexpected character {text[:1]!r}"
