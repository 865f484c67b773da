"""``toolbox lintseq`` as a user runs it: inputs, output formats, errors, determinism."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolbox.algos.lintseq.diffs import replay, state_lines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lintseq"
TTY = FIXTURES / "tty.jsonl"
BISECT = FIXTURES / "bisect_only.jsonl"
PROGRAM = "import os\n\n\ndef main(path):\n    if os.path.exists(path):\n        return 1\n    return 0\n"


def _records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _reference_keys(name: str) -> list[str]:
    with open(FIXTURES / name, encoding="utf-8") as stream:
        return list(json.loads(stream.readline()))


def test_jsonl_keys_match_reference_order(cli):
    result = cli(["lintseq", str(TTY), "--samples", "2"])
    assert result.exit_code == 0, result.stderr
    records = _records(result.stdout)
    assert len(records) == 2
    for record in records:
        assert list(record) == _reference_keys("sample_tty_reference_output.jsonl")
        assert record["index"] == 0
        assert record["source_file"] == str(TTY)
    assert "wrote 2 edit sequences for 1 of 1 programs" in result.stderr


def test_output_replays_to_source(cli):
    result = cli(["lintseq", str(BISECT), "--samples", "2", "--verify"])
    assert result.exit_code == 0, result.stderr
    for record in _records(result.stdout):
        assert replay(record["edit_path"])[-1] == state_lines(record["source_response"])
        assert all(edit for edit in record["edit_path"])


def test_prompt_field_none_drops_key(cli):
    result = cli(["lintseq", str(TTY), "--prompt-field", "none"])
    assert result.exit_code == 0, result.stderr
    assert list(_records(result.stdout)[0]) == ["edit_path", "index", "source_file",
                                                 "source_response"]


def test_with_meta_adds_counts(cli):
    result = cli(["lintseq", str(TTY), "--with-meta", "--linter", "syntax"])
    record = _records(result.stdout)[0]
    assert record["linter"] == "syntax"
    assert record["seed"] == 1
    assert record["sample"] == 0
    # One check per deletion step at least; the first edit (comments) needs none.
    assert record["lint_calls"] >= len(record["edit_path"]) - 1


def test_text_format_training_string(cli):
    result = cli(["lintseq", str(TTY), "--format", "text"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("Write the Python standard library module tty.py\n<|diff|>@@ -0,0 +1,")
    assert text.endswith("\n<|diff|>\n<|diff|>\n")


def test_python_file_and_directory_inputs(cli, tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(PROGRAM)
    (tmp_path / "pkg" / "b.py").write_text("x = 1\nprint(x)\n")
    (tmp_path / "pkg" / "notes.txt").write_text("not python")
    result = cli(["lintseq", str(tmp_path / "pkg")])
    assert result.exit_code == 0, result.stderr
    records = _records(result.stdout)
    assert [record["index"] for record in records] == [0, 1]
    assert [Path(record["source_file"]).name for record in records] == ["a.py", "b.py"]
    assert records[0]["source_response"] == PROGRAM


def test_directory_glob_without_match(cli, tmp_path):
    (tmp_path / "a.py").write_text(PROGRAM)
    result = cli(["lintseq", str(tmp_path), "--glob", "*.pyx"])
    assert result.exit_code == 2
    assert "no files match --glob '*.pyx'" in result.stderr


def _tree_with_hidden_folders(root: Path) -> Path:
    for folder in ("pkg", ".venv/lib", ".git", "pkg/.cache"):
        (root / folder).mkdir(parents=True)
    for name in ("pkg/a.py", ".venv/lib/site.py", ".git/hook.py", "pkg/.cache/c.py", ".setup.py"):
        (root / name).write_text(PROGRAM)
    return root


def test_directory_skips_hidden_paths(cli, tmp_path):
    root = _tree_with_hidden_folders(tmp_path / "tree")
    result = cli(["lintseq", str(root)])
    assert result.exit_code == 0, result.stderr
    files = [Path(record["source_file"]).relative_to(root) for record in _records(result.stdout)]
    assert files == [Path("pkg/a.py")]
    assert "skipped 4 hidden file(s)" in result.stderr
    assert "pass --hidden" in result.stderr


def test_directory_hidden_option_reads_all(cli, tmp_path):
    root = _tree_with_hidden_folders(tmp_path / "tree")
    result = cli(["lintseq", str(root), "--hidden"])
    assert result.exit_code == 0, result.stderr
    assert len(_records(result.stdout)) == 5


def test_directory_with_only_hidden_files(cli, tmp_path):
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "site.py").write_text(PROGRAM)
    result = cli(["lintseq", str(tmp_path)])
    assert result.exit_code == 2
    assert "is hidden or in a hidden folder; pass --hidden" in result.stderr


def test_hidden_directory_named_directly(cli, tmp_path):
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "site.py").write_text(PROGRAM)
    result = cli(["lintseq", str(tmp_path / ".venv")])
    assert result.exit_code == 0, result.stderr
    assert len(_records(result.stdout)) == 1


def test_stdin_python_and_jsonl(cli):
    python = cli(["lintseq", "-"], input=PROGRAM)
    assert python.exit_code == 0, python.stderr
    assert _records(python.stdout)[0]["source_file"] == "<stdin>"
    jsonl = cli(["lintseq"], input=TTY.read_text())
    assert jsonl.exit_code == 0, jsonl.stderr
    assert "source_instruction" in _records(jsonl.stdout)[0]


def test_gzip_jsonl_input(cli, tmp_path):
    packed = tmp_path / "tty.jsonl.gz"
    packed.write_bytes(gzip.compress(TTY.read_bytes()))
    plain = cli(["lintseq", str(TTY), "--seed", "3"])
    result = cli(["lintseq", str(packed), "--seed", "3"])
    assert result.exit_code == 0, result.stderr
    assert _records(result.stdout)[0]["edit_path"] == _records(plain.stdout)[0]["edit_path"]


def test_markdown_fences_stripped_from_code(cli, tmp_path):
    answer = f"Here is the code:\n```python\n{PROGRAM}```\nIt returns 1 for paths that exist."
    dataset = tmp_path / "chat.jsonl"
    dataset.write_text(json.dumps({"instruction": "Write main", "response": answer}) + "\n")
    result = cli(["lintseq", str(dataset), "--verify"])
    assert result.exit_code == 0, result.stderr
    record = _records(result.stdout)[0]
    assert record["source_response"] == answer
    assert replay(record["edit_path"])[-1] == state_lines(PROGRAM)
    unstripped = cli(["lintseq", str(dataset), "--no-strip-markdown"])
    assert unstripped.exit_code == 1
    assert "syntax error on line 1" in unstripped.stderr


def test_strict_insertions_have_no_removals(cli):
    long_program = FIXTURES / "programs" / "textwrap.py"
    result = cli(["lintseq", str(long_program), "--strict-insertions", "--samples", "2"])
    assert result.exit_code == 0, result.stderr
    for record in _records(result.stdout):
        rows = [row for edit in record["edit_path"] for row in edit.split("\n")]
        assert not any(row.startswith("-") for row in rows)


def test_keep_empty_edits(cli, tmp_path):
    program = tmp_path / "p.py"
    program.write_text(PROGRAM)
    kept = _records(cli(["lintseq", str(program), "--keep-empty-edits"]).stdout)[0]
    dropped = _records(cli(["lintseq", str(program)]).stdout)[0]
    assert kept["edit_path"][0] == ""
    assert [edit for edit in kept["edit_path"] if edit] == dropped["edit_path"]


def test_workers_do_not_change_output(cli, tmp_path):
    dataset = tmp_path / "many.jsonl"
    with open(dataset, "w", encoding="utf-8") as stream:
        for number in range(12):
            stream.write(json.dumps({"instruction": f"task {number}", "response": PROGRAM}) + "\n")
    one = cli(["lintseq", str(dataset), "--samples", "2", "--seed", "9", "--workers", "1"])
    two = cli(["lintseq", str(dataset), "--samples", "2", "--seed", "9", "--workers", "2"])
    assert one.exit_code == 0, one.stderr
    assert two.exit_code == 0, two.stderr
    assert one.stdout == two.stdout
    records = _records(one.stdout)
    assert [record["index"] for record in records] == [n for n in range(12) for _ in range(2)]
    # Equal programs at different indices still get their own paths.
    assert len({json.dumps(record["edit_path"]) for record in records}) > 1


def test_output_file_written(cli, tmp_path):
    target = tmp_path / "out.jsonl"
    result = cli(["lintseq", str(TTY), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert len(_records(target.read_text())) == 1


# --- bad input --------------------------------------------------------------------------


def test_binary_file_rejected(cli, tmp_path):
    binary = tmp_path / "blob.py"
    binary.write_bytes(b"x = 1\ny = 2\n\x00\x01\x02")
    result = cli(["lintseq", str(binary)])
    assert result.exit_code == 2
    assert f"{binary}:3: contains NUL bytes" in result.stderr


def test_invalid_utf8_rejected_with_line(cli, tmp_path):
    binary = tmp_path / "latin.py"
    binary.write_bytes(b"x = 1\ns = '\xe9'\n")
    result = cli(["lintseq", str(binary)])
    assert result.exit_code == 2
    assert f"{binary}:2: invalid utf-8" in result.stderr


def test_empty_file_reported(cli, tmp_path):
    empty = tmp_path / "empty.py"
    empty.write_text("")
    result = cli(["lintseq", str(empty)])
    assert result.exit_code == 1
    assert f"{empty}: record 0: the program is empty" in result.stderr
    assert "all 1 programs failed" in result.stderr


def test_empty_stdin_rejected(cli):
    result = cli(["lintseq", "-"], input="")
    assert result.exit_code == 2
    assert "standard input is empty" in result.stderr


def test_invalid_jsonl_line(cli, tmp_path):
    dataset = tmp_path / "bad.jsonl"
    dataset.write_text(TTY.read_text() + "{not json\n")
    result = cli(["lintseq", str(dataset)])
    assert result.exit_code == 2
    assert f"{dataset}:2: invalid JSON" in result.stderr
    skipped = cli(["lintseq", str(dataset), "--skip-invalid"])
    assert skipped.exit_code == 0, skipped.stderr
    assert "skipped 1 malformed input record" in skipped.stderr
    assert len(_records(skipped.stdout)) == 1


def test_missing_field(cli, tmp_path):
    dataset = tmp_path / "fields.jsonl"
    dataset.write_text(json.dumps({"instruction": "x", "code": PROGRAM}) + "\n")
    result = cli(["lintseq", str(dataset)])
    assert result.exit_code == 2
    assert f"{dataset}:1: missing field 'response'" in result.stderr
    renamed = cli(["lintseq", str(dataset), "--code-field", "code"])
    assert renamed.exit_code == 0, renamed.stderr
    assert "source_code" in _records(renamed.stdout)[0]


def test_non_string_field(cli, tmp_path):
    dataset = tmp_path / "types.jsonl"
    dataset.write_text(json.dumps({"instruction": "x", "response": ["a"]}) + "\n")
    result = cli(["lintseq", str(dataset)])
    assert result.exit_code == 2
    assert "field 'response' is a JSON array, expected a string" in result.stderr


def test_failed_programs_counted_and_listed(cli, tmp_path):
    dataset = tmp_path / "mixed.jsonl"
    rows = [PROGRAM, "def broken(:\n", "# only a comment\n", PROGRAM]
    dataset.write_text("".join(json.dumps({"instruction": "i", "response": row}) + "\n"
                               for row in rows))
    failures = tmp_path / "failures.jsonl"
    result = cli(["lintseq", str(dataset), "--failures", str(failures)])
    assert result.exit_code == 0, result.stderr
    assert [record["index"] for record in _records(result.stdout)] == [0, 3]
    assert f"{dataset}:2: record 1: the program has a syntax error on line 1" in result.stderr
    assert "wrote 2 edit sequences for 2 of 4 programs (2 failed)" in result.stderr
    logged = _records(failures.read_text())
    assert [(entry["index"], entry["line"]) for entry in logged] == [(1, 2), (2, 3)]
    assert "only comments" in logged[1]["reason"]


def test_invalid_option_values(cli):
    assert cli(["lintseq", str(TTY), "--samples", "0"]).exit_code == 2
    assert cli(["lintseq", str(TTY), "--linter", "flake9"]).exit_code == 2
    missing = cli(["lintseq", "no/such/file.py"])
    assert missing.exit_code == 2
    assert "file not found" in missing.stderr


# --- external linters ---------------------------------------------------------------------


def test_ruff_linter(cli):
    if shutil.which("ruff") is None and not Path(sys.executable).with_name("ruff").exists():
        pytest.skip("ruff is not installed (it is in the test extra)")
    result = cli(["lintseq", str(TTY), "--linter", "ruff", "--verify"])
    assert result.exit_code == 0, result.stderr
    assert _records(result.stdout)[0]["edit_path"]


def test_missing_external_linter(cli, monkeypatch, tmp_path):
    # With an empty PATH and no pylint next to the interpreter, the run stops
    # with an install hint before reading any input.
    monkeypatch.setenv("PATH", str(tmp_path))
    if Path(sys.executable).with_name("pylint").exists():
        pytest.skip("pylint is installed next to the interpreter")
    result = cli(["lintseq", str(TTY), "--linter", "pylint"])
    assert result.exit_code == 2
    assert "the pylint linter is not installed; install it with 'pip install pylint'" in (
        result.stderr)


# --- process behaviour --------------------------------------------------------------------


def test_broken_pipe_is_quiet(toolbox_script):
    command = f"'{sys.executable}' -m toolbox.cli.main lintseq '{BISECT}' --samples 3 | head -c 10"
    completed = subprocess.run(["bash", "-c", f"set -o pipefail; {command}"],
                               capture_output=True, timeout=120)
    assert completed.stdout == b'{"edit_pat'
    assert b"Traceback" not in completed.stderr
    assert b"error" not in completed.stderr


def test_help_lists_example(cli):
    result = cli(["lintseq", "--help"])
    assert result.exit_code == 0
    assert "toolbox lintseq fixtures/lintseq/tty.jsonl" in result.stdout


def test_pool_reads_input_lazily():
    # With two workers at most 4 chunks of 8 programs per worker are in
    # flight, so the first result arrives long before the input is read.
    from toolbox.algos.lintseq.batch import Task, run_tasks
    from toolbox.algos.lintseq.generate import Settings

    consumed = 0

    def items():
        nonlocal consumed
        for number in range(10_000):
            consumed += 1
            yield number, Task(number, PROGRAM)

    results = run_tasks(items(), Settings(linter="syntax"), workers=2, chunk_size=8)
    first_key, first = next(results)
    assert first_key == 0
    assert first.sequences
    assert consumed <= 2 * 4 * 8 + 8
    results.close()


@pytest.mark.parametrize("same", ["file", "stdout"])
def test_failures_and_output_same_target(cli, tmp_path, same):
    target = str(tmp_path / "out.jsonl") if same == "file" else "-"
    result = cli(["lintseq", str(TTY), "--failures", target, "-o", target])
    assert result.exit_code == 2
    assert "--failures and --output are both" in result.stderr
    if same == "file":
        assert not Path(target).exists()


def test_failures_to_stdout_beside_output_file(cli, tmp_path):
    dataset = tmp_path / "data.jsonl"
    dataset.write_text(json.dumps({"instruction": "a", "response": "x = 1\n"}) + "\n"
                       + json.dumps({"instruction": "b", "response": "def f(:\n"}) + "\n")
    result = cli(["lintseq", str(dataset), "--failures", "-", "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.stderr
    assert [record["index"] for record in _records(result.stdout)] == [1]



def test_samples_upper_limit(cli):
    result = cli(["lintseq", "-", "--samples", "100000000000"], input="x = 1\n")
    assert result.exit_code == 2
    assert "100000000000" in result.stderr
