"""Tests of the JSONL reader and the TSV, JSON and JSONL writers."""

from __future__ import annotations

import io
import json

import pytest

from toolbox.io.errors import InputError, SkipCounter
from toolbox.io.jsonl import get_field, iter_jsonl
from toolbox.io.writers import JsonlWriter, TsvWriter, escape_tsv_field, to_json, write_json


def test_jsonl_field_selection(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"a": 1, "b": {"c": "x"}}\n\n{"a": 2, "b": {"c": "y"}, "l": [5, 6]}\n')
    records = list(iter_jsonl(path, fields=["a", "b.c"]))
    assert [r.line for r in records] == [1, 3]
    assert [r.fields for r in records] == [{"a": 1, "b.c": "x"}, {"a": 2, "b.c": "y"}]
    assert get_field(records[1].value, "l.1") == 6


def test_jsonl_invalid_line_names_file_and_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"a": 1}\n{"a": \n')
    with pytest.raises(InputError, match=r"d\.jsonl:2: invalid JSON"):
        list(iter_jsonl(path))


def test_jsonl_missing_field_lists_present_fields(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"code": "x"}\n')
    with pytest.raises(InputError, match=r"d\.jsonl:1: missing field 'prompt' \(fields present: code\)"):
        list(iter_jsonl(path, fields=["prompt"]))


def test_jsonl_optional_field_is_none(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"code": "x"}\n')
    (record,) = iter_jsonl(path, fields=["code", "prompt"], required=["code"])
    assert record.fields == {"code": "x", "prompt": None}


def test_jsonl_skip_and_count(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"a": 1}\n[1, 2]\nnot json\n{"a": 4}\n')
    skipped = SkipCounter()
    records = list(iter_jsonl(path, fields=["a"], skipped=skipped))
    assert [r.fields["a"] for r in records] == [1, 4]
    assert skipped.count == 2
    assert "d.jsonl:2: expected a JSON object, found list" in skipped.examples[0]


def test_tsv_escapes_and_header():
    stream = io.StringIO()
    writer = TsvWriter(stream, ["name", "value", "flag"])
    writer.write_row(["a\tb", 1.5, True])
    writer.write_record({"name": "line\nbreak", "value": None, "flag": False})
    assert stream.getvalue() == "name\tvalue\tflag\na\\tb\t1.5\ttrue\nline\\nbreak\t\tfalse\n"
    assert writer.count == 2


def test_tsv_row_length_checked():
    writer = TsvWriter(io.StringIO(), ["a", "b"])
    with pytest.raises(ValueError, match="TSV row has 1 fields but the header has 2"):
        writer.write_row([1])


def test_tsv_special_floats():
    assert escape_tsv_field(float("nan")) == "nan"
    assert escape_tsv_field(float("-inf")) == "-inf"
    assert escape_tsv_field(0.1) == "0.1"


def test_json_keeps_unicode_and_orders_keys_as_given():
    text = to_json({"z": "→", "a": [1, 2]})
    assert text == '{"z":"→","a":[1,2]}'


def test_json_escapes_lone_surrogates():
    text = "A \udcff\udcfe"  # bytes FF FE decoded with surrogateescape
    line = to_json({"isar": text})
    assert line == '{"isar":"A \\udcff\\udcfe"}'
    assert line.encode("utf-8")
    assert json.loads(line)["isar"] == text


def test_json_rejects_nan():
    with pytest.raises(ValueError, match="Out of range float"):
        to_json({"x": float("nan")})


def test_json_writes_numpy_values():
    numpy = pytest.importorskip("numpy")
    stream = io.StringIO()
    write_json(stream, {"a": numpy.arange(3), "b": numpy.int64(7)}, indent=None)
    assert json.loads(stream.getvalue()) == {"a": [0, 1, 2], "b": 7}


def test_jsonl_writer_one_object_per_line():
    stream = io.StringIO()
    writer = JsonlWriter(stream)
    writer.write_all([{"a": 1}, {"b": "x\ny"}])
    assert stream.getvalue() == '{"a":1}\n{"b":"x\\ny"}\n'
    assert writer.count == 2
