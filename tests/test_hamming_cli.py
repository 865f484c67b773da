"""`toolbox hamming profile` and `search` run as a user would, on files made here."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from toolbox.algos.hamming.alphabet import reverse_complement_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TOOLBOX = Path(sys.executable).with_name("toolbox")
ECOLI = FIXTURES / "hamming" / "ecoli_20k.fa"
SEQKIT_M3 = FIXTURES / "hamming" / "ecoli_20k.seqkit-locate-m3.tsv"
PROBE = "GATTAAAAAAAG"


def read_fasta(path) -> dict[str, str]:
    records: dict[str, str] = {}
    name = None
    for line in path.read_text().splitlines():
        if line.startswith(">"):
            name = line[1:].split()[0]
            records[name] = ""
        elif name is not None:
            records[name] += line.strip()
    return records


def distances(text: str, pattern: str) -> list[int]:
    t = np.frombuffer(text.upper().encode(), np.uint8)
    p = np.frombuffer(pattern.upper().encode(), np.uint8)
    return (np.lib.stride_tricks.sliding_window_view(t, p.size) != p).sum(axis=1).tolist()


def rows(stdout: str) -> list[list[str]]:
    return [line.split("\t") for line in stdout.splitlines()[1:]]


def test_profile_tsv_matches_oracle(cli):
    genome = read_fasta(ECOLI)
    (name, sequence), = genome.items()
    result = cli(["hamming", "profile", ECOLI, "-p", PROBE])
    assert result.exit_code == 0, result.stderr
    table = rows(result.stdout)
    assert result.stdout.splitlines()[0] == "record\tpattern\tstrand\tstart\tend\tdistance"
    assert [int(r[5]) for r in table] == distances(sequence, PROBE)
    assert table[0][:5] == [name, PROBE, "+", "1", str(len(PROBE))]


@pytest.mark.parametrize("method", ["naive", "bitpacked", "fft", "sumset", "abrahamson"])
def test_profile_methods_agree_on_genome(cli, method, tmp_path):
    probe = read_fasta(ECOLI).popitem()[1][5000:5300]
    reference = cli(["hamming", "profile", ECOLI, "-p", probe, "-m", "naive", "-F", "npy",
                     "-o", tmp_path / "a.npy"])
    result = cli(["hamming", "profile", ECOLI, "-p", probe, "-m", method, "-F", "npy",
                  "-o", tmp_path / "b.npy"])
    assert reference.exit_code == result.exit_code == 0
    assert np.array_equal(np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy"))


def test_search_hit_set_equals_seqkit_locate(cli):
    result = cli(["hamming", "search", ECOLI, "-p", "GATTAAAAAAAG", "-p", "TTTCGGGCATCAAAAACT",
                  "-k", "3", "-B"])
    assert result.exit_code == 0, result.stderr
    ours = {(r[0], r[1], r[2], r[3], r[4], r[6]) for r in rows(result.stdout)}
    theirs = {(r[0], r[1], r[3], r[4], r[5], r[6]) for r in rows(SEQKIT_M3.read_text())}
    assert ours == theirs
    assert len(ours) == 28


def test_search_counts_recomputed_both_strands(cli):
    (_, sequence), = read_fasta(ECOLI).items()
    result = cli(["hamming", "search", ECOLI, "-p", PROBE, "-k", "4", "-B"])
    assert result.exit_code == 0
    table = rows(result.stdout)
    assert {r[2] for r in table} == {"+", "-"}
    for _, _, strand, start, end, mismatches, matched in table:
        window = sequence[int(start) - 1:int(end)]
        oriented = reverse_complement_text(window) if strand == "-" else window
        assert oriented == matched
        assert distances(matched, PROBE) == [int(mismatches)]
        assert int(mismatches) <= 4


def test_fasta_quirks_same_profile(cli, tmp_path):
    sequence = "ACGTTGCAAGGCTTAACCGGTTNACGATCGATCGGA" * 20
    plain = tmp_path / "plain.fa"
    plain.write_text(f">r1\n{sequence}\n")
    wrapped = "\r\n".join(sequence[i:i + 13].lower() for i in range(0, len(sequence), 13))
    quirky = tmp_path / "quirky.fa.gz"
    quirky.write_bytes(gzip.compress(f"\r\n>r1 desc\r\n\r\n{wrapped}\r\n\r\n".encode()))
    expected = cli(["hamming", "profile", plain, "-p", "GGCTTAACC"])
    got = cli(["hamming", "profile", quirky, "-p", "ggcttaacc"])
    assert expected.exit_code == got.exit_code == 0
    assert [r[3:] for r in rows(got.stdout)] == [r[3:] for r in rows(expected.stdout)]


def test_small_blocks_same_hits(cli):
    full = cli(["hamming", "search", ECOLI, "-p", PROBE, "-k", "3", "-B"])
    blocked = cli(["hamming", "search", ECOLI, "-p", PROBE, "-k", "3", "-B",
                   "--block-size", "37"])
    assert full.exit_code == blocked.exit_code == 0
    assert blocked.stdout == full.stdout


def test_windows_never_span_records(cli, tmp_path):
    path = tmp_path / "two.fa"
    path.write_text(">a\nAAAACC\n>b\nGGTTTT\n>c\nAC\n")
    # Joined, "AAAACC" + "GGTTTT" would hold ACCG exactly at position 4.
    result = cli(["hamming", "search", path, "-p", "ACCG", "-k", "2", "-a", "dna"])
    assert result.exit_code == 0
    assert [(r[0], r[3], r[5]) for r in rows(result.stdout)] == [("a", "3", "2")]
    assert "1 record(s) are shorter" in result.stderr


def test_stdin_and_raw_text(cli):
    result = cli(["hamming", "search", "-", "-p", "abc", "-k", "1", "-a", "bytes"],
                 input="xxabdyyabc\n")
    assert result.exit_code == 0
    assert [(r[3], r[5], r[6]) for r in rows(result.stdout)] == [("3", "1", "abd"),
                                                                ("8", "0", "abc")]


def test_text_alphabet_code_points(cli):
    result = cli(["hamming", "search", "-", "-p", "日本語", "-k", "1", "-a", "text"],
                 input="ab日本人の日本語")
    assert result.exit_code == 0
    assert [(r[3], r[6]) for r in rows(result.stdout)] == [("3", "日本人"), ("7", "日本語")]


def test_ignore_case_for_bytes(cli):
    sensitive = cli(["hamming", "search", "-", "-p", "abc", "-k", "0", "-a", "bytes"],
                    input="ABC abc")
    folded = cli(["hamming", "search", "-", "-p", "abc", "-k", "0", "-a", "bytes", "-i"],
                 input="ABC abc")
    assert len(rows(sensitive.stdout)) == 1
    assert len(rows(folded.stdout)) == 2


def test_indel_variant_not_found(cli):
    result = cli(["hamming", "search", "-", "-p", "ACGTACGTAC", "-k", "1", "-a", "dna"],
                 input=">r\nTTTTACGTCGTACTTTTT\n")
    assert result.exit_code == 1
    assert "no window" in result.stderr


def test_iupac_policy_option(cli):
    text = ">r\nACGNNNNNNTT\n"
    exact = cli(["hamming", "search", "-", "-p", "ACGT", "-k", "0", "-a", "dna"], input=text)
    both = cli(["hamming", "search", "-", "-p", "ACGT", "-k", "0", "-a", "dna",
                "--iupac", "both"], input=text)
    assert exact.exit_code == 1
    assert [r[3] for r in rows(both.stdout)] == ["1", "4", "5", "6", "7"]
    strict = cli(["hamming", "search", "-", "-p", "NNNN", "-k", "0", "-a", "dna",
                  "--iupac", "strict"], input=text)
    assert strict.exit_code == 1


def test_hit_formats(cli):
    bed = cli(["hamming", "search", ECOLI, "-p", PROBE, "-k", "2", "-F", "bed"])
    tsv = cli(["hamming", "search", ECOLI, "-p", PROBE, "-k", "2"])
    jsonl = cli(["hamming", "search", ECOLI, "-p", PROBE, "-k", "2", "-F", "jsonl"])
    bed_rows = [line.split("\t") for line in bed.stdout.splitlines()]
    tsv_rows = rows(tsv.stdout)
    objects = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(bed_rows) == len(tsv_rows) == len(objects) == 6
    for b, t, o in zip(bed_rows, tsv_rows, objects, strict=True):
        assert int(b[1]) + 1 == int(t[3]) == o["start"]
        assert int(b[2]) == int(t[4]) == o["end"]
        assert b[4] == t[5] == str(o["mismatches"])


def test_max_hits_per_pattern(cli):
    result = cli(["hamming", "search", ECOLI, "-p", PROBE, "-k", "3", "--max-hits-per-pattern",
                  "2"])
    assert result.exit_code == 0
    assert [r[3] for r in rows(result.stdout)] == ["43", "485"]


def test_profile_bedgraph_and_npz(cli, tmp_path):
    result = cli(["hamming", "profile", "-", "-p", "AC", "-F", "bedgraph", "-a", "dna"],
                 input=">r\nACACGG\n")
    assert result.stdout.splitlines() == [
        'track type=bedGraph name="AC (+)"', "r\t0\t1\t0", "r\t1\t2\t2", "r\t2\t3\t0",
        "r\t3\t5\t2",
    ]
    target = tmp_path / "p.npz"
    result = cli(["hamming", "profile", "-", "-p", "AC", "-B", "-F", "npy", "-o", target],
                 input=">r\nACACGT\n")
    assert result.exit_code == 0
    with np.load(target) as archive:
        assert archive["r:AC:+"].tolist() == [0, 2, 0, 2, 2]
        assert archive["r:AC:-"].tolist() == [2, 2, 2, 2, 0]
        assert archive["r:AC:+"].dtype == np.uint16


def test_npy_to_stdout(toolbox_script):
    done = toolbox_script(["hamming", "profile", "-", "-p", "AC", "-F", "npy"],
                          input=">r\nACACGG\n")
    assert done.returncode == 0
    assert np.load(io.BytesIO(done.stdout)).tolist() == [0, 2, 0, 2, 2]


def test_pattern_file_fasta_and_lines(cli, tmp_path):
    fasta = tmp_path / "p.fa"
    fasta.write_text(">probe1\nGATTAAAAAAAG\n")
    lines = tmp_path / "p.txt"
    lines.write_text("\nGATTAAAAAAAG\n\n")
    named = cli(["hamming", "search", ECOLI, "-f", fasta, "-k", "1"])
    plain = cli(["hamming", "search", ECOLI, "-f", lines, "-k", "1"])
    assert rows(named.stdout)[0][1] == "probe1"
    assert rows(plain.stdout)[0][1] == PROBE
    assert [r[3:] for r in rows(named.stdout)] == [r[3:] for r in rows(plain.stdout)]


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["-p", "ACGTACGT"], ">r\nACG\n", "longer than every record"),
    ([], ">r\nACG\n", "no pattern given"),
    (["-p", "AC", "-a", "bytes", "-B"], "ACGT", "--both-strands needs the dna alphabet"),
    (["-p", "AC", "-a", "dna"], ">r\nACGT\nACXT\n", "<stdin>:3: invalid sequence symbol 'X'"),
    (["-p", "AZ", "-a", "dna"], ">r\nACGT\n", "pattern 'AZ' has symbol 'Z'"),
    (["-p", "AC"], "", "contains no sequence"),
    (["-p", "AC", "-p", "GT", "-F", "bedgraph"], ">r\nACGT\n", "bedgraph holds one pattern"),
    (["-p", "AC", "-m", "fft", "-a", "dna", "--iupac", "both"], ">r\nACGT\n",
     "only exact symbol equality"),
])
def test_profile_errors(cli, args, stdin, message):
    result = cli(["hamming", "profile", "-", *args], input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.startswith("toolbox: error: ")
    assert "Traceback" not in result.stderr


def test_auto_alphabet_error_names_record_and_position(cli):
    result = cli(["hamming", "profile", "-", "-p", "ACGT", "--block-size", "8"],
                 input=">r\nACGTACGT\nACGE\n")
    assert result.exit_code == 2
    assert "record 'r' has symbol 'E' at position 12" in result.stderr


def test_verbose_reports_method(cli):
    result = cli(["hamming", "profile", ECOLI, "-p", PROBE, "-v", "-m", "sumset"])
    assert "method sumset" in result.stderr


def test_head_closes_pipe_quietly():
    done = subprocess.run(
        f"{TOOLBOX} hamming profile {ECOLI} -p {PROBE} | head -1",
        shell=True, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0
    assert done.stdout == "record\tpattern\tstrand\tstart\tend\tdistance\n"
    assert done.stderr == ""


def test_calibrate_saves_constants_auto_reads(cli, tmp_path, monkeypatch):
    from toolbox.algos.hamming.costmodel import load_costs

    target = tmp_path / "costs.json"
    monkeypatch.setenv("TOOLBOX_HAMMING_COSTS", str(target))
    result = cli(["hamming", "calibrate", "--size", "20000"])
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert set(printed) >= {"naive", "fft_point", "scatter", "filter", "scan"}
    assert all(value > 0 for value in printed.values())
    assert json.loads(target.read_text()) == printed
    assert load_costs().fft_point == printed["fft_point"]


def test_output_to_named_pipe_keeps_pipe(tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "hits.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = subprocess.run([str(TOOLBOX), "hamming", "search", str(ECOLI), "-p", PROBE, "-k", "2",
                           "-o", str(fifo)], capture_output=True, timeout=300)
    reader.join(timeout=60)
    assert done.returncode == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received[0].decode().count("\n") == 7


def test_max_hits_shared_by_both_strands(cli):
    result = cli(["hamming", "search", ECOLI, "-p", PROBE, "-k", "3", "-B",
                  "--max-hits-per-pattern", "5"])
    assert result.exit_code == 0
    assert len(rows(result.stdout)) == 5


def test_profile_both_strands_shared_fft_equals_naive(cli, tmp_path):
    probe = read_fasta(ECOLI).popitem()[1][7000:7400]
    outputs = {}
    for method in ("naive", "fft", "sumset"):
        target = tmp_path / f"{method}.npz"
        result = cli(["hamming", "profile", ECOLI, "-p", probe, "-p", probe[::-1], "-B",
                      "-m", method, "-F", "npy", "-o", target])
        assert result.exit_code == 0, result.stderr
        with np.load(target) as archive:
            outputs[method] = {name: archive[name].tolist() for name in archive.files}
    assert len(outputs["naive"]) == 4
    assert outputs["fft"] == outputs["naive"]
    assert outputs["sumset"] == outputs["naive"]


@pytest.mark.parametrize("block_size", ["16", "4194304"])
def test_many_short_records_batched_like_oracle(cli, tmp_path, block_size):
    # Short records are scanned as one concatenated batch; no window may cross
    # a record boundary, and records longer than the block take the streaming path.
    rng = np.random.default_rng(17)
    records = ["".join(rng.choice(list("ACGT"), int(rng.integers(0, 40)))) for _ in range(300)]
    path = tmp_path / "reads.fa"
    path.write_text("".join(f">r{i}\n{seq}\n" for i, seq in enumerate(records)))
    probe = "ACGTA"
    result = cli(["hamming", "search", path, "-p", probe, "-k", "1", "-B", "-a", "dna",
                  "--block-size", block_size])
    assert result.exit_code == 0, result.stderr
    got = sorted((r[0], r[2], int(r[3]), int(r[5])) for r in rows(result.stdout))
    expected = []
    for i, seq in enumerate(records):
        for strand, pattern in (("+", probe), ("-", reverse_complement_text(probe))):
            if len(seq) >= len(pattern):
                for start, d in enumerate(distances(seq, pattern)):
                    if d <= 1:
                        expected.append((f"r{i}", strand, start + 1, d))
    assert got == sorted(expected)

    target = tmp_path / "profiles.npz"
    result = cli(["hamming", "profile", path, "-p", probe, "-a", "dna", "-F", "npy",
                  "--block-size", block_size, "-o", target])
    assert result.exit_code == 0, result.stderr
    with np.load(target) as archive:
        for i, seq in enumerate(records):
            want = distances(seq, probe) if len(seq) >= len(probe) else []
            assert archive[f"r{i}:{probe}:+"].tolist() == want


def test_batched_records_error_and_hit_budget(cli):
    bad = cli(["hamming", "search", "-", "-p", "ACG", "-k", "0"], input=">a\nACGT\n>b\nACXT\n")
    assert bad.exit_code == 2
    assert "record 'b' has symbol 'X' at position 3" in bad.stderr
    reads = "".join(f">r{i}\nTTACGTT\n" for i in range(10))
    limited = cli(["hamming", "search", "-", "-p", "ACG", "-k", "0", "-B",
                   "--max-hits-per-pattern", "3"], input=reads)
    assert limited.exit_code == 0
    assert [(r[0], r[2]) for r in rows(limited.stdout)] == [("r0", "+"), ("r1", "+"),
                                                           ("r2", "+")]


def test_npy_to_closed_pipe_exits_quietly(tmp_path):
    # 400 kB of uint16 distances, far more than a pipe buffer holds.
    text = tmp_path / "long.fa"
    text.write_text(">r\n" + "ACGT" * 50_000 + "\n")
    done = subprocess.run(
        ["bash", "-c", f"{TOOLBOX} hamming profile {text} -p {PROBE} -F npy | head -c 10 "
         "> /dev/null; echo ${PIPESTATUS[0]}"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.stdout.strip() == "0"
    assert done.stderr == ""


@pytest.mark.parametrize("text", ["", ">r\nACG\n"])
def test_search_input_error_leaves_no_output_file(cli, tmp_path, text):
    source = tmp_path / "in.fa"
    source.write_text(text)
    target = tmp_path / "hits.tsv"
    result = cli(["hamming", "search", source, "-p", "ACGTACGT", "-k", "0", "-o", target])
    assert result.exit_code == 2
    assert not target.exists()
