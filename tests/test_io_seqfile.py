"""Tests of the streaming FASTA/FASTQ reader against hand-written files."""

from __future__ import annotations

import gzip
import io
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolbox.io.errors import InputError, SkipCounter
from toolbox.io.seqfile import iter_chunks, iter_records

DNA = b"ACGTN"


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def wrap(sequence: bytes, width: int) -> bytes:
    return b"\n".join(sequence[i:i + width] for i in range(0, len(sequence), width))


def test_fasta_multi_record_wrapped(tmp_path):
    path = write(tmp_path, "a.fa", b">one first record\nACGT\nAC\n>two\nGG\n")
    records = list(iter_records(path))
    assert [r.id for r in records] == ["one", "two"]
    assert records[0].description == "first record"
    assert records[0].sequence == b"ACGTAC"
    assert records[1].sequence == b"GG"
    assert records[1].line == 4
    assert records[0].quality is None


def test_fasta_quirks_give_same_sequence(tmp_path):
    quirky = b"\n\n>one\r\nacgT \r\n\r\n  NNa\t\r\n\n>two\r\n\r\n>three\nC"
    path = write(tmp_path, "q.fa", quirky)
    records = list(iter_records(path))
    assert [r.sequence for r in records] == [b"acgTNNa", b"", b"C"]


def test_fasta_gzip_equals_plain(tmp_path):
    data = b">x\nACGTACGT\nAC\n>y\nTT\n"
    plain = write(tmp_path, "p.fa", data)
    packed = write(tmp_path, "p.fa.bin", gzip.compress(data))
    assert list(iter_records(plain)) == list(iter_records(packed))


def test_stdin_dash(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b">s\nAC\nGT\n")))
    records = list(iter_records("-"))
    assert records[0].sequence == b"ACGT"
    assert records[0].id == "s"


def test_fastq_records_and_wrapped(tmp_path):
    data = b"@r1 lane=1\nACGT\n+\nIIII\n\n@r2\nAC\nGT\n+r2\nII\nI@\n"
    records = list(iter_records(write(tmp_path, "r.fq", data)))
    assert [r.id for r in records] == ["r1", "r2"]
    assert records[1].sequence == b"ACGT"
    assert records[1].quality == b"III@"
    assert records[0].description == "lane=1"


def test_fastq_quality_length_error(tmp_path):
    path = write(tmp_path, "bad.fq", b"@r1\nACGT\n+\nIII\n@r2\nAC\n+\nII\n")
    with pytest.raises(InputError, match=r"bad\.fq:.*quality of record 'r1'"):
        list(iter_records(path))


def test_fastq_skip_and_count(tmp_path):
    path = write(tmp_path, "bad.fq", b"@r1\nACGT\n+\nIIIII\n@r2\nAC\n+\nII\n")
    skipped = SkipCounter()
    records = list(iter_records(path, skipped=skipped))
    assert [r.id for r in records] == ["r2"]
    assert skipped.count == 1


def test_fastq_truncated(tmp_path):
    path = write(tmp_path, "t.fq", b"@r1\nACGT\n")
    with pytest.raises(InputError, match="before its '[+]' line"):
        list(iter_records(path))


def test_invalid_symbol_names_line_and_column(tmp_path):
    path = write(tmp_path, "s.fa", b">a\nACGT\nAC!T\n")
    with pytest.raises(InputError) as caught:
        list(iter_records(path, allowed=DNA))
    assert caught.value.line == 3
    assert "column 3" in str(caught.value)
    assert str(caught.value).startswith(f"{path}:3:")


def test_invalid_symbol_skip_and_count(tmp_path):
    path = write(tmp_path, "s.fa", b">a\nAC!T\n>b\nGG\n")
    skipped = SkipCounter()
    records = list(iter_records(path, allowed=DNA, skipped=skipped))
    assert [r.id for r in records] == ["b"]
    assert skipped.count == 1


def test_data_before_header(tmp_path):
    path = write(tmp_path, "n.fa", b"ACGT\n>a\nAC\n")
    with pytest.raises(InputError, match="expected a FASTA header"):
        list(iter_records(path, format="fasta"))


def test_unknown_format_in_auto(tmp_path):
    path = write(tmp_path, "n.txt", b"hello\n")
    with pytest.raises(InputError, match="cannot tell the sequence format"):
        list(iter_records(path))


def test_raw_fallback_and_raw(tmp_path):
    path = write(tmp_path, "n.txt", b"hello\nworld\r\n")
    records = list(iter_records(path, raw_fallback=True))
    assert records[0].sequence == b"hello\nworld"
    assert records[0].id == str(path)
    chunks = list(iter_chunks(path, format="raw", chunk_size=3))
    assert b"".join(c.data for c in chunks) == b"hello\nworld"
    assert chunks[-1].last
    assert not chunks[0].last


def test_empty_input(tmp_path):
    path = write(tmp_path, "e.fa", b"\n\n")
    assert list(iter_records(path)) == []
    assert list(iter_chunks(path)) == []


def test_chunks_offsets_and_long_line(tmp_path):
    sequence = b"ACGT" * 50
    data = b">a\n" + sequence + b"\n>b\n" + wrap(sequence, 7) + b"\n"
    path = write(tmp_path, "c.fa", data)
    chunks = list(iter_chunks(path, chunk_size=16))
    for index in (0, 1):
        mine = [c for c in chunks if c.index == index]
        assert b"".join(c.data for c in mine) == sequence
        offsets = [c.offset for c in mine]
        lengths = [len(c.data) for c in mine]
        assert offsets == [sum(lengths[:i]) for i in range(len(mine))]
        assert [c.last for c in mine] == [False] * (len(mine) - 1) + [True]
    assert all(len(c.data) < 2 * 16 for c in chunks)


@settings(max_examples=60, deadline=None)
@given(
    sequences=st.lists(st.binary(min_size=0, max_size=80).map(
        lambda b: bytes(DNA[x % 5] for x in b)), min_size=1, max_size=4),
    width=st.integers(1, 30),
    crlf=st.booleans(),
    chunk=st.integers(1, 40),
)
def test_wrapping_never_changes_sequence(tmp_path_factory, sequences, width, crlf, chunk):
    end = b"\r\n" if crlf else b"\n"
    body = b"".join(
        b">r" + str(i).encode() + end + wrap(s, width).replace(b"\n", end) + end + end
        for i, s in enumerate(sequences)
    )
    path = tmp_path_factory.mktemp("w") / "w.fa"
    path.write_bytes(body)
    assert [r.sequence for r in iter_records(path)] == sequences
    joined: dict[int, bytes] = {}
    for c in iter_chunks(path, chunk_size=chunk):
        joined[c.index] = joined.get(c.index, b"") + c.data
    assert [joined[i] for i in range(len(sequences))] == sequences
