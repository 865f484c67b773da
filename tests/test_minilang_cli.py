"""Tests of ``toolbox minilang translate`` and ``toolbox minilang stats`` through the real entry point."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

from toolbox.algos.minilang.lang import check_blocks, parse_script

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "minilang"
SKEW_HEAP = FIXTURES / "afp-2022" / "thys" / "Skew_Heap" / "Skew_Heap.thy"
SMALL_THEORY = """theory Small imports Main begin
lemma one: "x = x" by simp
lemma two: "A ∧ B ⟶ B ∧ A"
proof
  assume "A ∧ B"
  then show "B ∧ A" by auto
qed
lemma three: "False" oops
end
"""


def test_translate_text_output(cli):
    result = cli(["minilang", "translate", SKEW_HEAP])
    assert result.exit_code == 0
    headers = [line for line in result.stdout.splitlines() if line.startswith("(* ")]
    assert len(headers) == 11
    assert "Skew_Heap.thy:30 lemma merge_code: translated *)" in result.stdout
    assert "11 proofs in 1 file: 10 translated, 1 approximate" in result.stderr


def test_translate_jsonl_records(cli):
    result = cli(["minilang", "translate", "-f", "jsonl", "-"], input=SMALL_THEORY)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["name"] for r in records] == ["one", "two", "three"]
    assert [r["status"] for r in records] == ["translated", "translated", "unsupported"]
    first = records[0]
    assert first["isar"] == 'lemma one: "x = x" by simp'
    assert first["minilang"] == "END\n"
    assert first["ops"] == {"END": 1}
    assert first["line"] == first["end_line"] == 2
    assert first["statement"] == 'one: "x = x"'
    assert first["options"] == {"tactics": "eliminate", "scripts": "faithful", "strict": False}
    assert records[2]["reasons"] == ["oops"]
    assert records[2]["minilang"] is None
    for record in records:
        if record["minilang"]:
            assert check_blocks(parse_script(record["minilang"])) == []


def test_translate_policies_are_recorded(cli):
    result = cli(["minilang", "translate", "-f", "jsonl", "--tactics", "keep", "--scripts",
                  "structured", "-"], input=SMALL_THEORY)
    record = json.loads(result.stdout.splitlines()[0])
    assert record["options"]["tactics"] == "keep"
    assert record["minilang"] == "APPLY (simp)\nEND\n"


def test_translate_strict_exit_status(cli):
    result = cli(["minilang", "translate", "--strict", "-"], input=SMALL_THEORY)
    assert result.exit_code == 1


def test_strict_header_names_approximation(cli):
    text = ("theory T imports Main begin\nlemma c: \"(a::nat) = a\"\nproof -\n"
            "  have \"a = a\" by simp\n  also have \"\\<dots> = a\" by simp\n"
            "  finally show ?thesis .\nqed\nend\n")
    result = cli(["minilang", "translate", "--strict", "-"], input=text)
    assert result.exit_code == 1
    assert "lemma c: unsupported (approximation_rejected: dots_heuristic) *)" in result.stdout


def test_translate_directory(cli, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Small.thy").write_text(SMALL_THEORY)
    (tmp_path / "notes.txt").write_text("not a theory")
    result = cli(["minilang", "translate", "-f", "jsonl", tmp_path])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3


def test_gzip_input(cli, tmp_path):
    path = tmp_path / "Small.thy.gz"
    path.write_bytes(gzip.compress(SMALL_THEORY.encode()))
    result = cli(["minilang", "translate", path])
    assert result.exit_code == 0
    assert "Small.thy.gz:2 lemma one: translated" in result.stdout


def test_stats_json(cli):
    result = cli(["minilang", "stats", "-f", "json", FIXTURES / "afp-2022" / "thys" / "FFT"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["files"] == 1
    assert data["proofs"] == 35
    assert data["segmentation_rate"] == 1.0
    assert sum(data["statuses"].values()) == 35
    assert list(data["statuses"]) == ["translated", "approximate", "unsupported", "parse_error", "no_proof"]
    assert set(data["by_class"]) <= {"one-liner", "apply", "structured"}
    assert data["mb_per_second"] > 0


def test_stats_text(cli):
    result = cli(["minilang", "stats", "-"], input=SMALL_THEORY)
    assert result.exit_code == 0
    assert "proofs           3 (3 segmented, 100.0%)" in result.stdout
    assert "oops" in result.stdout
    assert "by goal command" in result.stdout


def test_missing_file(cli, tmp_path):
    result = cli(["minilang", "translate", tmp_path / "missing.thy"])
    assert result.exit_code == 2
    assert result.stderr.startswith("toolbox: error: ")
    assert "missing.thy: file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_empty_file(cli, tmp_path):
    path = tmp_path / "Empty.thy"
    path.write_text("")
    result = cli(["minilang", "translate", path])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Empty.thy: the file is empty" in result.stderr


def test_empty_file_in_directory_is_skipped(cli, tmp_path):
    (tmp_path / "Empty.thy").write_text("")
    (tmp_path / "Small.thy").write_text(SMALL_THEORY)
    result = cli(["minilang", "translate", tmp_path])
    assert result.exit_code == 2
    assert "Empty.thy: the file is empty; pass an Isabelle .thy theory; skipped" in result.stderr
    assert "Small.thy:2 lemma one" in result.stdout


def test_binary_file_is_reported_and_skipped(cli, tmp_path):
    path = tmp_path / "Binary.thy"
    path.write_bytes(bytes(range(256)) * 100)
    good = tmp_path / "Small.thy"
    good.write_text(SMALL_THEORY)
    started = time.perf_counter()
    result = cli(["minilang", "translate", path, good])
    assert time.perf_counter() - started < 10
    assert result.exit_code == 2
    assert "Binary.thy: binary file" in result.stderr
    assert "Small.thy:2 lemma one" in result.stdout


def test_unreadable_file_is_skipped(cli, tmp_path):
    (tmp_path / "A.thy").write_bytes(b"\x1f\x8bnot gzip data")
    (tmp_path / "B.thy").write_text(SMALL_THEORY)
    result = cli(["minilang", "translate", tmp_path])
    assert result.exit_code == 2
    assert "A.thy: invalid gzip data" in result.stderr
    assert "1 input file(s) skipped" in result.stderr
    assert "B.thy:2 lemma one" in result.stdout


def test_unterminated_comment_is_warned(cli):
    text = SMALL_THEORY.replace("lemma three", "(* never closed\nlemma three")
    result = cli(["minilang", "translate", "-"], input=text)
    assert result.exit_code == 0
    assert "toolbox: warning: <stdin>:8:1: unterminated comment" in result.stderr
    assert result.stdout.count("(* ") == 2


def test_unterminated_comment_spares_previous_proof(cli):
    text = "theory T imports Main begin\nlemma two: \"x = x\"\n  by simp\n(* never closed\nend\n"
    result = cli(["minilang", "translate", "-f", "jsonl", "-"], input=text)
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["status"] == "translated"
    assert record["isar"] == "lemma two: \"x = x\"\n  by simp"
    assert "<stdin>:4:1: unterminated comment" in result.stderr


def test_invalid_utf8_in_string_is_warned(cli, tmp_path):
    path = tmp_path / "Latin1.thy"
    path.write_bytes(b'theory Latin1 imports Main begin\nlemma g: "P"\nproof -\n'
                     b'  have h: "Q \xff" by simp\n  show ?thesis by (simp add: h)\nqed\nend\n')
    text = cli(["minilang", "translate", "-o", tmp_path / "out.txt", path])
    assert text.exit_code == 0, text.stderr
    assert "Latin1.thy:4: bytes that are not valid UTF-8" in text.stderr
    assert 'HAVE h: "Q \ufffd" END' in (tmp_path / "out.txt").read_text(encoding="utf-8")
    jsonl = cli(["minilang", "translate", "-f", "jsonl", "-o", tmp_path / "out.jsonl", path])
    assert jsonl.exit_code == 0, jsonl.stderr
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert record["isar"].encode("utf-8", "surrogateescape").count(b"\xff") == 1


def test_ten_thousand_nested_blocks(cli):
    depth = 10_000
    text = ("theory T imports Main begin\nlemma \"P\"\nproof -\n" + "{\n" * depth
            + "  have \"Q\" by simp\n" + "}\n" * depth + "  show ?thesis by simp\nqed\nend\n")
    started = time.perf_counter()
    result = cli(["minilang", "translate", "-f", "jsonl", "-"], input=text)
    assert time.perf_counter() - started < 30
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["status"] == "unsupported"
    assert record["reasons"] == ["nesting_too_deep"]


def test_no_theory_files_in_directory(cli, tmp_path):
    result = cli(["minilang", "stats", tmp_path])
    assert result.exit_code == 2
    assert "no .thy files" in result.stderr


def test_pipe_closed_early_is_quiet():
    toolbox = Path(sys.executable).with_name("toolbox")
    process = subprocess.run(
        f"'{toolbox}' minilang translate '{FIXTURES}' | head -1",
        shell=True, capture_output=True, timeout=300, check=False,
    )
    assert process.stdout.decode().startswith("(* ")
    assert process.stderr == b""


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from toolbox.cli.main import run\n"
        "run(['minilang', 'translate', '--help'])\n"
        "heavy = {'numpy', 'scipy', 'numba', 'sympy', 'pyfftw'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    assert b"Example: toolbox minilang translate" in completed.stdout
