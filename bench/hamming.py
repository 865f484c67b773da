"""Benchmark `toolbox hamming` against seqkit locate -m, the regex module and plain numpy.

Run from the repository root:

    .venv/bin/python bench/hamming.py            # about 3-4 minutes
    .venv/bin/python bench/hamming.py --large    # adds 10^8-base runs (several more minutes)

Peers: ``seqkit locate -m K`` (Debian package seqkit), ``regex`` with
``{s<=K}`` and ``overlapped=True`` (pip extra ``bench``), and a chunked
numpy ``sliding_window_view`` comparison. Real DNA is the E. coli 536 genome
(NC_008253) from the Debian package bowtie-examples. Hit sets are compared
as (record, strand, start) before any time is recorded; a disagreement
stops the script. Rewrites the ``hamming`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import best_time, machine_line, markdown_table, update_section

from toolbox.algos.hamming import hamming_profile, kmismatch_search, make_alphabet, make_jobs
from toolbox.algos.hamming.alphabet import reverse_complement_text
from toolbox.algos.hamming.approx import approx_profile

ROOT = Path(__file__).resolve().parent.parent
TOOLBOX = Path(sys.executable).with_name("toolbox")
ECOLI_GZ = Path("/usr/share/doc/bowtie/examples/genomes/NC_008253.fna.gz")
ENGINES = ("naive", "bitpacked", "fft", "sumset", "abrahamson")
ALPHABETS = {"DNA": b"ACGT", "protein": b"ACDEFGHIKLMNPQRSTVWY",
             "bytes": bytes(range(32, 127))}


def random_text(n: int, letters: bytes, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    return np.frombuffer(letters, np.uint8)[rng.integers(0, len(letters), n)].tobytes()


def periodic_text(n: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    text = np.frombuffer(b"ACGT" * (n // 4 + 1), np.uint8)[:n].copy()
    noisy = rng.random(n) < 0.01
    text[noisy] = np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4, int(noisy.sum()))]
    return text.tobytes()


def probe_from(text: bytes, m: int, mismatches: int, seed: int) -> bytes:
    """Return a text slice of length m with ``mismatches`` substituted positions."""
    rng = np.random.default_rng(seed)
    start = int(rng.integers(0, len(text) - m))
    probe = bytearray(text[start:start + m])
    for position in rng.choice(m, mismatches, replace=False):
        probe[position] = b"ACGT"[(b"ACGT".index(probe[position]) + 1) % 4]
    return bytes(probe)


def write_fasta(path: Path, name: str, sequence: bytes, width: int = 60) -> None:
    with open(path, "wb") as handle:
        handle.write(f">{name}\n".encode())
        for start in range(0, len(sequence), width * 100_000):
            block = sequence[start:start + width * 100_000]
            handle.write(b"\n".join(block[i:i + width] for i in range(0, len(block), width)))
            handle.write(b"\n")


def read_fasta_sequence(path: Path) -> tuple[str, bytes]:
    with gzip.open(path, "rb") as handle:
        header = handle.readline().decode()[1:].split()[0]
        return header, handle.read().replace(b"\n", b"").upper()


def run_measured(command: list[str]) -> tuple[float, int, str]:
    """Run ``command``; return wall seconds, peak RSS in MiB (GNU time) and stdout."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *command],
                              capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode not in (0, 1):
            sys.exit(f"command failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
        peak = int(report.read().split()[-1]) // 1024
    return elapsed, peak, done.stdout


def hits_from_tsv(stdout: str, strand_column: int, start_column: int) -> set[tuple[str, int]]:
    rows = [line.split("\t") for line in stdout.splitlines()[1:] if line]
    return {(row[strand_column], int(row[start_column])) for row in rows}


def numpy_hits(text: bytes, probe: bytes, k: int) -> set[tuple[str, int]]:
    """Plain numpy peer: chunked sliding-window comparison on both strands."""
    codes = np.frombuffer(text, np.uint8)
    hits = set()
    for strand, pattern in (("+", probe), ("-", reverse_complement_text(probe.decode()).encode())):
        p = np.frombuffer(pattern, np.uint8)
        for first in range(0, codes.size - p.size + 1, 1 << 20):
            window = codes[first:first + (1 << 20) + p.size - 1]
            counts = (np.lib.stride_tricks.sliding_window_view(window, p.size) != p).sum(axis=1)
            hits.update((strand, first + int(s) + 1) for s in np.flatnonzero(counts <= k))
    return hits


def core_hits(text: bytes, probe: bytes, k: int) -> set[tuple[str, int]]:
    """Our k-mismatch search in-process on a text already in memory (auto method)."""
    alphabet = make_alphabet("dna")
    codes = alphabet.encode(text)
    hits = set()
    for job in make_jobs([("probe", probe.decode())], alphabet, both_strands=True):
        starts, _ = kmismatch_search(codes, job.codes, k)
        hits.update((job.strand, int(s) + 1) for s in starts)
    return hits


def regex_hits(text: bytes, probe: bytes, k: int) -> set[tuple[str, int]]:
    import regex

    hits = set()
    for strand, pattern in (("+", probe), ("-", reverse_complement_text(probe.decode()).encode())):
        compiled = regex.compile(b"(?:" + pattern + b"){s<=" + str(k).encode() + b"}")
        hits.update((strand, match.start() + 1) for match in compiled.finditer(text, overlapped=True))
    return hits


def search_section(name: str, fasta: Path, text: bytes, m: int, k: int, seed: int,
                   peers: tuple[str, ...]) -> list[object]:
    """Time one k-mismatch search on both strands for us and each peer; check hit sets."""
    probe = probe_from(text, m, min(k, 2), seed)
    ours_command = [str(TOOLBOX), "hamming", "search", str(fasta), "-p", probe.decode(),
                    "-k", str(k), "-B", "-j", "1", "-q"]
    ours_time, ours_rss, ours_out = run_measured(ours_command)
    ours = hits_from_tsv(ours_out, 2, 3)
    core_time = best_time(lambda: core_hits(text, probe, k), repeat=2)
    if core_hits(text, probe, k) != ours:
        sys.exit(f"the in-process search disagrees with the command on {name}")
    row: list[object] = [name, m, k, len(ours), f"{ours_time:.2f} s, {ours_rss} MiB",
                         f"{core_time:.3f} s"]
    cells = {}
    for peer in peers:
        if peer == "seqkit":
            command = ["seqkit", "locate", "-p", probe.decode(), "-m", str(k), "-j", "1",
                       str(fasta)]
            seconds, rss, out = run_measured(command)
            theirs = hits_from_tsv(out, 3, 4)
            cell = f"{seconds:.2f} s, {rss} MiB ({seconds / ours_time:.1f}×)"
        else:
            function = regex_hits if peer == "regex" else numpy_hits
            start = time.perf_counter()
            theirs = function(text, probe, k)
            seconds = time.perf_counter() - start
            cell = f"{seconds:.2f} s ({seconds / core_time:.0f}×)"
        if theirs != ours:
            sys.exit(f"{peer} disagrees on {name}: {len(theirs)} hits vs our {len(ours)}; "
                     f"only theirs: {sorted(theirs - ours)[:5]}, only ours: "
                     f"{sorted(ours - theirs)[:5]}")
        cells[peer] = cell
        print(f"  {name} m={m} k={k}: {peer} {cell}", file=sys.stderr)
    return row + [cells.get(peer, "not run") for peer in ("seqkit", "regex", "numpy")]


def write_reads(path: Path, count: int, length: int, seed: int) -> bytes:
    """Write ``count`` random DNA reads as FASTQ; return the first read."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"ACGT", np.uint8)
    first = b""
    with open(path, "wb") as handle:
        for index in range(count):
            read = letters[rng.integers(0, 4, length)].tobytes()
            first = first or read
            handle.write(b"@read%d\n%s\n+\n%s\n" % (index, read, b"I" * length))
    return first


def reads_row(fastq: Path, probe: bytes, k: int, count: int) -> list[object]:
    """Compare the command lines on many short records, keyed by (record, strand, start)."""
    ours_time, ours_rss, ours_out = run_measured(
        [str(TOOLBOX), "hamming", "search", str(fastq), "-p", probe.decode(), "-k", str(k),
         "-B", "-j", "1", "-q"])
    seqkit_time, seqkit_rss, seqkit_out = run_measured(
        ["seqkit", "locate", "-p", probe.decode(), "-m", str(k), "-j", "1", str(fastq)])
    ours = {(r[0], r[2], r[3]) for r in (x.split("\t") for x in ours_out.splitlines()[1:])}
    theirs = {(r[0], r[3], r[4]) for r in (x.split("\t") for x in seqkit_out.splitlines()[1:])}
    if ours != theirs:
        sys.exit(f"seqkit disagrees on reads: {len(theirs)} hits vs our {len(ours)}")
    print(f"  reads: seqkit {seqkit_time:.2f} s, toolbox {ours_time:.2f} s", file=sys.stderr)
    return [f"{count // 1000}k reads × 150 bp (FASTQ)", len(probe), k, len(ours),
            f"{ours_time:.2f} s, {ours_rss} MiB", "not run",
            f"{seqkit_time:.2f} s, {seqkit_rss} MiB ({seqkit_time / ours_time:.1f}×)",
            "not run", "not run"]


def engine_rows(texts: dict[str, bytes], lengths: list[int]) -> list[list[object]]:
    """Time every exact engine in-process (single thread, after warm-up) and check agreement."""
    rows = []
    for name, text in texts.items():
        codes = np.frombuffer(text, np.uint8)
        for m in lengths:
            pattern = codes[12345:12345 + m].copy()
            pattern[::17] = codes[:pattern[::17].size]
            reference = hamming_profile(codes, pattern, method="naive")
            cells: list[object] = [name, f"{codes.size:.0e}", m]
            timings = {}
            for engine in ENGINES:
                if engine == "bitpacked" and np.unique(pattern).size > 15:
                    cells.append("n/a")
                    continue
                if not np.array_equal(hamming_profile(codes, pattern, method=engine), reference):
                    sys.exit(f"{engine} disagrees with naive on {name} m={m}")
                timings[engine] = best_time(
                    lambda e=engine, c=codes, p=pattern: hamming_profile(c, p, method=e), repeat=2
                )
                cells.append(f"{timings[engine]:.3f}")
            auto = best_time(lambda c=codes, p=pattern: hamming_profile(c, p), repeat=2)
            fastest = min(timings, key=timings.__getitem__)
            cells += [f"{auto:.3f}", fastest]
            print(f"  engines {name} m={m}: {cells[3:]}", file=sys.stderr)
            rows.append(cells)
    return rows


def numpy_profile_ratio(n: int, m: int) -> str:
    codes = np.frombuffer(random_text(n, b"ACGT", 7), np.uint8)
    pattern = codes[100:100 + m].copy()

    def plain() -> None:
        for first in range(0, n - m + 1, 1 << 18):
            window = codes[first:first + (1 << 18) + m - 1]
            (np.lib.stride_tricks.sliding_window_view(window, m) != pattern).sum(axis=1)

    ours = best_time(lambda: hamming_profile(codes, pattern), repeat=2)
    theirs = best_time(plain, repeat=1)
    return f"numpy sliding window {theirs:.2f} s vs auto {ours:.3f} s ({theirs / ours:.0f}×)"


def approx_rows() -> list[list[object]]:
    rows = []
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 20, 10**6).astype(np.uint8)
    m = 2000
    pattern = codes[5000:5000 + m].copy()
    exact_time = best_time(lambda: hamming_profile(codes, pattern), repeat=2)
    exact = hamming_profile(codes, pattern)
    for method, eps in (("kp", 0.2), ("kp", 0.1), ("sampling", 0.2), ("sampling", 0.1)):
        start = time.perf_counter()
        estimate = approx_profile(codes, pattern, eps, method=method, seed=1)
        seconds = time.perf_counter() - start
        nonzero = exact > 0
        relative = np.abs(estimate[nonzero] - exact[nonzero]) / exact[nonzero]
        additive = np.abs(estimate - exact).max() / m
        rows.append([method, eps, f"{seconds:.2f}", f"{seconds / exact_time:.0f}×",
                     f"{relative.max():.3f}", f"{additive:.3f}"])
    return rows


def memory_rows(workdir: Path, large: bool) -> list[list[object]]:
    rows = []
    sizes = [10**7] + ([10**8] if large else [])
    for n in sizes:
        fasta = workdir / f"dna{n}.fa"
        if not fasta.exists():
            write_fasta(fasta, "synthetic", random_text(n, b"ACGT", 11))
        probe = random_text(1000, b"ACGT", 12).decode()
        command = [str(TOOLBOX), "hamming", "profile", str(fasta), "-p", probe, "-F", "npy",
                   "-o", str(workdir / "profile.npy"), "-j", "1", "-q"]
        seconds, rss, _ = run_measured(command)
        rows.append(["profile, m = 1000, npy output", f"{n:.0e}", f"{seconds:.2f}", rss])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="add 10^8-base runs")
    args = parser.parse_args()
    for tool in ("seqkit",):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found; install the Debian package {tool}")
    if not ECOLI_GZ.exists():
        sys.exit(f"{ECOLI_GZ} not found; install the Debian package bowtie-examples")
    seqkit_version = subprocess.run(["seqkit", "version"], capture_output=True,
                                    text=True).stdout.strip()

    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        record, ecoli = read_fasta_sequence(ECOLI_GZ)
        ecoli_fa = workdir / "ecoli.fa"
        write_fasta(ecoli_fa, record, ecoli, 70)
        synthetic = random_text(10**7, b"ACGT", 5)
        synthetic_fa = workdir / "dna1e7.fa"
        write_fasta(synthetic_fa, "synthetic", synthetic)
        periodic = periodic_text(10**6, 6)
        periodic_fa = workdir / "periodic.fa"
        write_fasta(periodic_fa, "periodic", periodic)

        print("k-mismatch search", file=sys.stderr)
        all_peers = ("seqkit", "regex", "numpy")
        search = [
            search_section("E. coli 4.9 Mbp", ecoli_fa, ecoli, 20, 3, 1, all_peers),
            search_section("E. coli 4.9 Mbp", ecoli_fa, ecoli, 12, 1, 2, all_peers),
            search_section("E. coli 4.9 Mbp", ecoli_fa, ecoli, 8, 0, 10, all_peers),
            search_section("E. coli 4.9 Mbp", ecoli_fa, ecoli, 100, 5, 3, ("seqkit", "numpy")),
            search_section("E. coli 4.9 Mbp", ecoli_fa, ecoli, 100, 10, 11, ("seqkit", "numpy")),
            search_section("uniform DNA 1e7", synthetic_fa, synthetic, 20, 3, 4, ("seqkit",)),
            search_section("periodic DNA 1e6", periodic_fa, periodic, 12, 2, 5,
                           ("seqkit", "numpy")),
        ]
        reads_fq = workdir / "reads.fq"
        first_read = write_reads(reads_fq, 100_000, 150, 12)
        search.append(reads_row(reads_fq, probe_from(first_read, 20, 2, 13), 2, 100_000))
        if args.large:
            big = random_text(10**8, b"ACGT", 8)
            big_fa = workdir / "dna1e8.fa"
            write_fasta(big_fa, "synthetic", big)
            search.append(search_section("uniform DNA 1e8", big_fa, big, 20, 3, 9, ("seqkit",)))
            del big

        print("exact engines", file=sys.stderr)
        texts = {
            "DNA": random_text(10**7, b"ACGT", 1),
            "periodic DNA": periodic_text(10**7, 2),
            "protein": random_text(10**7, ALPHABETS["protein"], 3),
            "bytes": random_text(10**7, ALPHABETS["bytes"], 4),
        }
        engines = engine_rows({"DNA": texts["DNA"]}, [8, 100, 1000, 10000])
        engines += engine_rows({k: v for k, v in texts.items() if k != "DNA"}, [100, 1000])
        numpy_line = numpy_profile_ratio(10**6, 100)
        approx = approx_rows()
        memory = memory_rows(workdir, args.large)

    command = "python bench/hamming.py" + (" --large" if args.large else "")
    body = "\n\n".join([
        "## hamming",
        f"Machine: {machine_line(['numpy', 'numba', 'pyfftw', 'regex'])}; {seqkit_version} "
        f"(Debian). Command: `{command}`. Single thread for toolbox (`-j 1`) and seqkit "
        "(`-j 1`).",
        "### k-mismatch search, both strands",
        "`toolbox` and `seqkit locate -m`: wall time of the whole command (start-up, "
        "reading and writing included; toolbox start-up with numba is about 1 s) and peak "
        "RSS from GNU time; seqkit's multiple is relative to the toolbox command. "
        "`toolbox core`, regex and numpy: in-process on a text already in memory, best of "
        "2; their multiples are relative to `toolbox core`. Every peer's hit set (strand, "
        "start) equals ours in every row. Other jobs shared the machine during the run "
        "(load average 3 to 6 on 2 cores), so absolute times vary by 2-3x between runs; "
        "compare within a row.",
        markdown_table(["text", "m", "k", "hits", "toolbox", "toolbox core",
                        "seqkit locate -m", "regex {s<=k}", "numpy"],
                       search),
        "### Exact profile engines (in-process, seconds, best of 2)",
        "Each engine's profile equals `naive`'s before it is timed. `auto` includes the "
        "cost-model choice; the last column is the fastest engine measured.",
        markdown_table(["text", "n", "m", *ENGINES, "auto", "fastest"], engines),
        f"Plain numpy peer (n = 10^6 DNA, m = 100): {numpy_line}.",
        "### Approximate profiles (protein, n = 10^6, m = 2000)",
        "Time relative to the exact `auto` profile; largest observed relative error "
        "|est - HD|/HD and additive error |est - HD|/m over all windows (seed 1).",
        markdown_table(["method", "eps", "seconds", "vs exact", "max relative error",
                        "max additive error / m"], approx),
        "### Memory",
        markdown_table(["run", "n", "seconds", "peak RSS (MiB)"], memory),
    ])
    update_section("hamming", body)


if __name__ == "__main__":
    main()
