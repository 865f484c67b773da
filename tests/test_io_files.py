"""Tests of toolbox.io.files: paths, standard input, gzip, encodings and atomic output."""

from __future__ import annotations

import gzip
import io
import os

import pytest

from toolbox.io.errors import InputError, SkipCounter
from toolbox.io.files import iter_lines, open_output, open_text, read_bytes, read_text


def test_read_text_plain_and_crlf(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\r\ntwo\rthree\n")
    assert read_text(path) == "one\ntwo\nthree\n"


def test_gzip_detected_by_magic_bytes(tmp_path):
    named = tmp_path / "a.txt.gz"
    unnamed = tmp_path / "a.dat"
    payload = b"ACGT\nTTTT\n"
    named.write_bytes(gzip.compress(payload))
    unnamed.write_bytes(gzip.compress(payload))
    assert read_bytes(named) == payload
    assert read_bytes(unnamed) == payload


def test_truncated_gzip_raises_input_error(tmp_path):
    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(b"x" * 10000)[:30])
    with pytest.raises(InputError, match=r"bad\.gz: invalid gzip data"):
        read_bytes(path)


def test_corrupt_gzip_raises_input_error(tmp_path):
    path = tmp_path / "bad.gz"
    data = bytearray(gzip.compress(b"hello world" * 100))
    data[15:25] = b"\xff" * 10
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="invalid gzip data"):
        read_bytes(path)


def test_missing_file_message_names_path_and_fix(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError) as caught:
        read_text(missing)
    message = str(caught.value)
    assert message.startswith(f"{missing}: file not found")
    assert "'-'" in message


def test_directory_is_rejected(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)


def test_stdin_dash(monkeypatch):
    fake = io.TextIOWrapper(io.BytesIO(gzip.compress(b"from stdin\n")))
    monkeypatch.setattr("sys.stdin", fake)
    assert read_text("-") == "from stdin\n"


def test_iter_lines_numbers_and_strips(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_bytes(b"a\r\nb\n\nc")
    assert list(iter_lines(path)) == [(1, "a"), (2, "b"), (3, ""), (4, "c")]


def test_iter_lines_invalid_utf8_names_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"fine\nalso fine\ncaf\xe9\n")
    with pytest.raises(InputError, match=r"latin1\.txt:3: invalid utf-8 byte"):
        list(iter_lines(path))


def test_open_text_universal_newlines(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"x\r\ny\r\n")
    with open_text(path) as stream:
        assert stream.read() == "x\ny\n"


def test_output_file_written_atomically(tmp_path):
    target = tmp_path / "out.txt"
    with open_output(target) as stream:
        stream.write("result\n")
        assert not target.exists()
    assert target.read_text() == "result\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_output_failure_keeps_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), open_output(target) as stream:
        stream.write("partial")
        raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_output_gz_is_compressed(tmp_path):
    target = tmp_path / "out.tsv.gz"
    with open_output(target) as stream:
        stream.write("a\tb\n")
    assert gzip.decompress(target.read_bytes()) == b"a\tb\n"


def test_output_file_mode_follows_umask(tmp_path):
    target = tmp_path / "out.txt"
    with open_output(target) as stream:
        stream.write("x")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_output_into_missing_directory(tmp_path):
    with pytest.raises(InputError, match="cannot write output"), open_output(tmp_path / "no" / "x.txt"):
        pass


def test_output_to_directory_names_fix(tmp_path):
    with pytest.raises(InputError, match="is a directory; pass the name of a file"), open_output(tmp_path):
        pass


def test_skip_counter_summary():
    counter = SkipCounter()
    assert not counter
    counter.add(InputError("bad value", path="f.txt", line=3))
    counter.add("other")
    assert counter.count == 2
    assert counter.summary() == "skipped 2 malformed lines (first: f.txt:3: bad value)"


def test_output_through_symlink_keeps_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with open_output(link) as stream:
        stream.write("new\n")
    assert link.is_symlink()
    assert real.read_text() == "new\n"


def test_same_output_rules(tmp_path):
    from toolbox.io.files import same_output

    path = tmp_path / "out.txt"
    assert same_output("-", "-")
    assert not same_output("-", path)
    assert same_output(path, tmp_path / "sub" / ".." / "out.txt")
    assert not same_output(path, tmp_path / "other.txt")
    assert not same_output("/dev/null", "/dev/null")
