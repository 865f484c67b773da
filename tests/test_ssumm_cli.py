"""Tests for the `toolbox ssumm` commands through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ssumm"
TOY = FIXTURES / "toy.txt"
FACEBOOK = FIXTURES / "ego_facebook.txt"
REFERENCE_SUMMARY = FIXTURES / "summary_ego_facebook.txt"


def figures(text: str) -> dict[str, str]:
    return dict(line.split("\t") for line in text.strip().splitlines())


def test_evaluate_golden_figures(cli):
    result = cli(["ssumm", "evaluate", FACEBOOK, REFERENCE_SUMMARY])
    assert result.exit_code == 0, result.stderr
    values = figures(result.stdout)
    assert values["supernodes"] == "1804"
    assert values["superedges"] == "12401"
    assert values["re1"] == "5.5979e-03"
    assert values["re2"] == "1.5426e-05"
    assert values["size_bits"] == "421072.43"
    assert values["original_bits"] == "2114048.25"


def test_evaluate_json_report(cli):
    result = cli(["ssumm", "evaluate", FACEBOOK, REFERENCE_SUMMARY, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["max_weight"] == 445
    assert report["relative_size"] == pytest.approx(0.199178, abs=1e-6)


@pytest.mark.parametrize("format", ["reference", "json", "edgelist"])
def test_summarize_output_evaluates_back(cli, tmp_path, format):
    output = tmp_path / f"summary.{format}"
    stats = tmp_path / "stats.json"
    result = cli(["ssumm", "summarize", TOY, "--ratio", "0.5", "--seed", "0", "--format",
                  format, "-o", output, "--stats", stats, "--compat", "clean"])
    assert result.exit_code == 0, result.stderr
    recorded = json.loads(stats.read_text())
    assert recorded["seed"] == 0
    assert recorded["supernodes"] == 3
    assert "total" in recorded["timings"]
    assert recorded["size_bits"] <= recorded["budget_bits"]

    check = cli(["ssumm", "evaluate", TOY, output])
    assert check.exit_code == 0, check.stderr
    values = figures(check.stdout)
    assert values["supernodes"] == "3"
    assert values["superedges"] == "1"
    assert values["re1"] == "2.0000e-01"
    assert values["re2"] == "1.0000e-01"
    assert values["size_bits"] == "13.09"


def test_summarize_reference_format_layout(cli):
    result = cli(["ssumm", "summarize", TOY, "--ratio", "0.5", "--seed", "0"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "<Subnode of each supernode>"
    assert "<Superedge info>" in lines
    members = sorted(sorted(line.split("\t")[1:]) for line in lines[1:lines.index("<Superedge info>")])
    assert members == [["1", "4"], ["2"], ["3", "5"]]
    superedge = lines[-1].split("\t")
    assert int(superedge[0]) >= int(superedge[1])
    assert superedge[2] == "4"
    assert "RE1 2.0000e-01" in result.stderr


def test_summarize_edgelist_loads_in_networkx(cli, tmp_path):
    networkx = pytest.importorskip("networkx", reason="networkx is in the test extra")
    output = tmp_path / "summary.tsv"
    result = cli(["ssumm", "summarize", FACEBOOK, "--ratio", "0.2", "--seed", "1", "--format",
                  "edgelist", "-o", output, "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    graph = networkx.read_edgelist(output, nodetype=int,
                                   data=(("weight", int), ("density", float)))
    lines = output.read_text().splitlines()
    superedges = [line for line in lines if not line.startswith("#")]
    assert graph.number_of_edges() == len(superedges)
    assert all(0 < data["density"] <= 1 for _, _, data in graph.edges(data=True))


def test_summarize_same_seed_same_output(cli):
    first = cli(["ssumm", "summarize", FACEBOOK, "-r", "0.3", "--seed", "7", "-q"])
    second = cli(["ssumm", "summarize", FACEBOOK, "-r", "0.3", "--seed", "7", "-q"])
    assert first.exit_code == 0
    assert first.stdout == second.stdout


def test_summarize_bits_budget_and_check(cli):
    result = cli(["ssumm", "summarize", FACEBOOK, "--bits", "300000", "--error", "re1",
                  "--seed", "2", "--check", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["budget_bits"] == 300000
    assert document["size_bits_accounted"] <= 300000
    assert document["error"] == "re1"
    assert sum(len(entry["members"]) for entry in document["supernodes"]) == 4039


def test_summarize_messy_input_from_stdin(cli):
    text = "# comment\nfrom,to\n1,3\n1 5 0.5\n2\t4\n3 4\n3  5\n4 5\n5 4\n6 6\nbad line\n"
    result = cli(["ssumm", "summarize", "-", "--ratio", "0.5", "--seed", "0"], input=text)
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 header line" in result.stderr
    assert "skipped 1 malformed line" in result.stderr
    assert "dropped 1 self-loop" in result.stderr
    assert "merged 1 duplicate edge" in result.stderr
    assert "|V| 6, |E| 6" in result.stderr


def test_summarize_string_ids(cli, tmp_path):
    graph = tmp_path / "names.csv"
    graph.write_text("a,c\na,e\nb,d\nc,d\nc,e\nd,e\n")
    output = tmp_path / "summary.json"
    result = cli(["ssumm", "summarize", graph, "--string-ids", "-r", "0.5", "--seed", "0",
                  "-f", "json", "-o", output])
    assert result.exit_code == 0, result.stderr
    check = cli(["ssumm", "evaluate", graph, output, "--string-ids"])
    assert check.exit_code == 0, check.stderr
    assert figures(check.stdout)["re1"] == "2.0000e-01"


@pytest.mark.parametrize(("arguments", "message"), [
    (["--ratio", "0"], "ratio 0.0 is invalid"),
    (["--ratio", "1.5"], "ratio 1.5 is invalid"),
    (["--ratio", "0.2", "--bits", "10"], "cannot be combined"),
    (["--error", "re3"], "re3"),
    (["--iterations", "0"], "--iterations"),
    (["--compat", "java"], "java"),
])
def test_summarize_bad_options(cli, arguments, message):
    result = cli(["ssumm", "summarize", TOY, *arguments])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_summarize_empty_graph(cli, tmp_path):
    graph = tmp_path / "empty.txt"
    graph.write_text("# no edges\n7 7\n")
    result = cli(["ssumm", "summarize", graph])
    assert result.exit_code == 2
    assert "no edges" in result.stderr
    assert result.stderr.count("\n") == 2  # the self-loop note, then the error


@pytest.mark.parametrize("command", ["summarize", "evaluate"])
def test_named_nodes_suggest_string_ids(cli, tmp_path, command):
    graph = tmp_path / "names.txt"
    graph.write_text("alice bob\nbob carol\ncarol alice\n")
    summary = tmp_path / "summary.txt"
    summary.write_text("<Subnode of each supernode>\n0\talice\tbob\tcarol\n<Superedge info>\n")
    arguments = [graph] if command == "summarize" else [graph, summary]
    result = cli(["ssumm", command, *arguments])
    assert result.exit_code == 2
    assert "3 non-numeric line(s) were read as a header" in result.stderr
    assert "add --string-ids" in result.stderr


def test_summarize_missing_file(cli, tmp_path):
    result = cli(["ssumm", "summarize", tmp_path / "absent.txt"])
    assert result.exit_code == 2
    assert "file not found" in result.stderr


@pytest.mark.parametrize(("summary", "message"), [
    ("<Subnode of each supernode>\n0\t1\t2\t3\t4\t5\t99\n<Superedge info>\n", "node '99'"),
    ("<Subnode of each supernode>\n0\t1\t2\t3\n1\t4\n<Superedge info>\n", "in no supernode"),
    ("<Subnode of each supernode>\n0\t1\t2\t3\n1\t4\n<Superedge info>\n", "(first: 5);"),
    ("<Subnode of each supernode>\n0\t1\t2\t3\n1\t3\t4\t5\n", "in two supernodes"),
    ("<Subnode of each supernode>\n0\t1\t2\t3\t4\t5\n<Superedge info>\n0\t9\t1\n",
     "supernode 9"),
    ("<Subnode of each supernode>\n0\t1\t2\t3\t4\t5\n<Superedge info>\n0\t0\t11\n",
     "weights must be 1..pairs"),
    ("hello\n", "unrecognised summary format"),
    ("{\"supernodes\": 3", "invalid JSON"),
])
def test_evaluate_bad_summaries(cli, tmp_path, summary, message):
    path = tmp_path / "summary.txt"
    path.write_text(summary)
    result = cli(["ssumm", "evaluate", TOY, path])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_evaluate_both_inputs_stdin(cli):
    result = cli(["ssumm", "evaluate", "-", "-"], input="1 2\n")
    assert result.exit_code == 2
    assert "cannot both be standard input" in result.stderr


def test_summarize_closed_pipe_is_quiet():
    toolbox = Path(sys.executable).with_name("toolbox")
    command = f"set -o pipefail; '{toolbox}' ssumm summarize '{FACEBOOK}' -q | head -1"
    result = subprocess.run(["bash", "-c", command], capture_output=True, timeout=300)
    assert result.stdout == b"<Subnode of each supernode>\n"
    assert result.stderr == b""
    assert result.returncode == 0


def test_ssumm_help_imports_no_numpy():
    code = (
        "import sys; from toolbox.cli.main import run; "
        "run(['ssumm', 'summarize', '--help']); run(['ssumm', 'evaluate', '--help']); "
        "assert 'numpy' not in sys.modules and 'numba' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert b"--ratio" in result.stdout


def test_summarize_gzip_output_evaluates(cli, tmp_path):
    output = tmp_path / "summary.txt.gz"
    result = cli(["ssumm", "summarize", TOY, "-r", "0.5", "--seed", "0", "-o", output, "-q"])
    assert result.exit_code == 0, result.stderr
    assert output.read_bytes()[:2] == b"\x1f\x8b"
    check = cli(["ssumm", "evaluate", TOY, output])
    assert check.exit_code == 0, check.stderr
    assert figures(check.stdout)["supernodes"] == "3"


def test_evaluate_graph_without_edges(cli, tmp_path):
    graph = tmp_path / "empty.txt"
    graph.write_text("# no edges\n")
    summary = tmp_path / "summary.txt"
    summary.write_text("<Subnode of each supernode>\n<Superedge info>\n")
    text = cli(["ssumm", "evaluate", graph, summary])
    assert text.exit_code == 0, text.stderr
    assert figures(text.stdout)["relative_size"] == "n/a"
    report = cli(["ssumm", "evaluate", graph, summary, "--format", "json"])
    assert report.exit_code == 0, report.stderr
    assert json.loads(report.stdout)["relative_size"] is None


def test_evaluate_missing_string_node_named(cli, tmp_path):
    graph = tmp_path / "graph.txt"
    graph.write_text("a b\nb c\nc d\n")
    summary = tmp_path / "summary.txt"
    summary.write_text("<Subnode of each supernode>\n0\ta\tb\tc\n<Superedge info>\n")
    result = cli(["ssumm", "evaluate", "--string-ids", graph, summary])
    assert result.exit_code == 2
    assert "(first: 'd');" in result.stderr



def test_summarize_devices_may_share_output(cli):
    toy = Path(__file__).resolve().parent.parent / "fixtures" / "ssumm" / "toy.txt"
    result = cli(["ssumm", "summarize", str(toy), "-o", "/dev/null", "--stats", "/dev/null", "-q"])
    assert result.exit_code == 0
    assert Path("/dev/null").is_char_device()


def test_summarize_rejects_huge_iterations(cli):
    toy = Path(__file__).resolve().parent.parent / "fixtures" / "ssumm" / "toy.txt"
    result = cli(["ssumm", "summarize", str(toy), "-T", "1000000000"])
    assert result.exit_code == 2
    assert "1000000000" in result.stderr
