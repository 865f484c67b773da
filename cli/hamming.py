"""The ``toolbox hamming`` commands: Hamming distance profiles, k-mismatch search, estimates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from toolbox.cli import common, options

if TYPE_CHECKING:
    from toolbox.algos.hamming.alphabet import Alphabet
    from toolbox.algos.hamming.stream import PatternJob, RecordScan

app = typer.Typer(
    help="Hamming distances between a pattern and every window of a text.",
    no_args_is_help=True,
)

AlphabetName = Literal["auto", "bytes", "text", "dna", "protein"]
IupacPolicy = Literal["exact", "strict", "pattern", "both"]
InputFormat = Literal["auto", "fasta", "fastq", "raw"]
ProfileMethod = Literal["auto", "naive", "bitpacked", "fft", "sumset", "abrahamson"]
SearchMethod = Literal["auto", "filter", "scan", "naive", "bitpacked", "fft", "sumset",
                       "abrahamson"]
ProfileFormat = Literal["tsv", "bedgraph", "npy"]
HitFormat = Literal["tsv", "bed", "jsonl"]

Patterns = Annotated[
    list[str] | None,
    typer.Option("--pattern", "-p", help="Pattern sequence (repeatable).", show_default=False,
                 metavar="SEQ"),
]
PatternFile = Annotated[
    str | None,
    typer.Option("--pattern-file", "-f", metavar="FILE",
                 help="Patterns as FASTA (named by their headers) or one per line."),
]
AlphabetOption = Annotated[
    AlphabetName,
    typer.Option("--alphabet", "-a", help="Symbols: bytes, text (Unicode code points), dna "
                 "(IUPAC, case-insensitive), protein, or auto (guessed from the patterns and "
                 "the first block of text)."),
]
IupacOption = Annotated[
    IupacPolicy,
    typer.Option("--iupac", help="DNA ambiguity codes: exact (equal codes match), strict (only "
                 "A/C/G/T match, N matches nothing), pattern (a pattern code matches the bases "
                 "it stands for), both (codes match when their base sets overlap)."),
]
IgnoreCase = Annotated[
    bool,
    typer.Option("--ignore-case", "-i", help="Fold case for bytes and text (dna and protein "
                 "always ignore case)."),
]
BothStrands = Annotated[
    bool,
    typer.Option("--both-strands", "-B", help="Also search the reverse complement of each "
                 "pattern (dna only); hits are reported on the forward strand with strand '-'."),
]
InputFormatOption = Annotated[
    InputFormat,
    typer.Option("--input-format", help="Text format: fasta, fastq, raw (the whole file is one "
                 "sequence), or auto (FASTA/FASTQ by the first symbol, else raw)."),
]
BlockSize = Annotated[
    int,
    typer.Option("--block-size", min=1, help="Symbols read per block; memory grows with it.",
                 metavar="SYMBOLS"),
]

_DEFAULT_BLOCK = 1 << 22


class _Input:
    """Text source resolved for a run: alphabet, chunks and jobs."""

    def __init__(self, alphabet: Alphabet, chunks: Any, jobs: list[PatternJob]):
        self.alphabet = alphabet
        self.chunks = chunks
        self.jobs = jobs


def _load_patterns(patterns: list[str] | None, pattern_file: str | None) -> list[tuple[str, str]]:
    from toolbox.io.files import iter_lines
    from toolbox.io.seqfile import iter_records

    loaded = [(p, p) for p in patterns or []]
    if pattern_file is not None:
        lines = list(iter_lines(pattern_file))
        first = next((line for _, line in lines if line.strip()), "")
        if first.startswith(">"):
            for record in iter_records(pattern_file, format="fasta"):
                loaded.append((record.id, record.sequence.decode("latin-1")))
        else:
            loaded += [(line.strip(), line.strip()) for _, line in lines if line.strip()]
    if not loaded:
        message = "no pattern given; pass -p SEQUENCE or -f FILE"
        raise common.CliError(message)
    empty = [name for name, sequence in loaded if not sequence]
    if empty:
        message = f"pattern {empty[0]!r} is empty; remove it or give at least one symbol"
        raise common.CliError(message)
    return loaded


def _prepare(
    text: str, patterns: list[str] | None, pattern_file: str | None, alphabet: str, iupac: str,
    ignore_case: bool, both_strands: bool, input_format: str, block_size: int,
) -> _Input:
    import itertools

    from toolbox.algos.hamming import HammingError, guess_alphabet, make_alphabet, make_jobs
    from toolbox.io.seqfile import iter_chunks

    loaded = _load_patterns(patterns, pattern_file)
    chunks: Any = None
    if alphabet == "auto":
        chunks = iter_chunks(text, format=input_format, chunk_size=block_size, raw_fallback=True)
        first = list(itertools.islice(chunks, 1))
        sample = b"".join(p.encode("utf-8") for _, p in loaded)
        sample += first[0].data[: 1 << 20] if first else b""
        alphabet = guess_alphabet(sample)
        common.debug(f"alphabet: {alphabet} (guessed from the patterns and the first block)")
        chunks = itertools.chain(first, chunks)
    try:
        chosen = make_alphabet(alphabet, fold_case=ignore_case, policy=iupac)
    except HammingError as error:
        raise common.CliError(str(error)) from None
    if chunks is None:
        chunks = iter_chunks(text, format=input_format, chunk_size=block_size,
                             allowed=chosen.allowed_bytes, raw_fallback=True)
    if both_strands and not chosen.has_strands:
        message = f"--both-strands needs the dna alphabet, not {chosen.name}; add --alphabet dna"
        raise common.CliError(message)
    try:
        jobs = make_jobs(loaded, chosen, both_strands)
    except HammingError as error:
        raise common.CliError(str(error)) from None
    return _Input(chosen, chunks, jobs)


def _collect(source: _Input, **functions: Any) -> list[RecordScan]:
    from toolbox.algos.hamming import HammingError, scan_records

    scans = []
    try:
        with common.progress("records") as bar:
            for scan in scan_records(source.chunks, source.alphabet, source.jobs, **functions):
                scans.append(scan)
                bar.advance()
    except HammingError as error:
        raise common.CliError(str(error)) from None
    _check_lengths(scans, source.jobs)
    return scans


def _check_lengths(scans: list[RecordScan], jobs: list[PatternJob]) -> None:
    if not scans:
        message = "the input contains no sequence; check the file or the --input-format"
        raise common.CliError(message)
    longest = max(scan.length for scan in scans)
    for job in jobs:
        m = job.codes.size
        if m > longest:
            message = (
                f"pattern {job.name!r} ({m} symbols) is longer than every record "
                f"(longest: {longest}); use a shorter pattern"
            )
            raise common.CliError(message)
        short = sum(1 for scan in scans if scan.length < m)
        if short and job.strand == "+":
            common.info(f"{short} record(s) are shorter than pattern {job.name!r} ({m} symbols) "
                        "and have no windows for it")


def _announce(job: PatternJob, method: str, predicted: float | None = None) -> None:
    estimate = f", predicted {predicted:.3g} s per block" if predicted is not None else ""
    common.debug(f"pattern {job.name!r} ({job.strand}): method {method}{estimate}")


def _make_profile_function(method: str, alphabet: Alphabet, threads: int) -> Any:
    import numpy as np

    from toolbox.algos.hamming import choose_method, hamming_profiles

    chosen: dict[int, str] = {}

    def run(jobs: list[PatternJob], codes: Any) -> Any:
        key = id(jobs[0])
        if key not in chosen:
            if method == "auto":
                union = np.unique(np.concatenate([job.codes for job in jobs]))
                single = len(jobs) == 1
                choice = choose_method(codes.size, jobs[0].codes.size, union.size,
                                       table=alphabet.mismatch_table is not None,
                                       pattern=jobs[0].codes if single else None,
                                       text_sample=codes[:1 << 20] if single else None)
                chosen[key] = choice.method
                for job in jobs:
                    _announce(job, choice.method, choice.predicted)
            else:
                chosen[key] = method
                for job in jobs:
                    _announce(job, method)
        return hamming_profiles(codes, [job.codes for job in jobs], method=chosen[key],
                                mismatch_table=alphabet.mismatch_table, threads=threads)

    return run


@app.command("profile")
def profile(
    text: options.Input,
    patterns: Patterns = None,
    pattern_file: PatternFile = None,
    alphabet: AlphabetOption = "auto",
    iupac: IupacOption = "exact",
    ignore_case: IgnoreCase = False,
    both_strands: BothStrands = False,
    input_format: InputFormatOption = "auto",
    method: Annotated[ProfileMethod, typer.Option("--method", "-m", help="Engine; auto picks "
                      "the cheapest by a cost model (see 'toolbox hamming calibrate').")] = "auto",
    output_format: Annotated[ProfileFormat, typer.Option("--format", "-F", help="tsv: one row per "
                             "window; bedgraph: runs of equal distance (one pattern and strand); "
                             "npy: NumPy array (npz with one array per record and pattern when "
                             "there are several).")] = "tsv",
    output: options.Output = "-",
    block_size: BlockSize = _DEFAULT_BLOCK,
    threads: options.Threads = None,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    """Compute the Hamming distance of each pattern to every window of the text.

    \b
    Example:
        toolbox hamming profile fixtures/hamming/ecoli_20k.fa -p GGCAATATGTCTCTGTGTGG

    Records of a FASTA/FASTQ file are scanned separately; windows never span
    two records. TSV rows give 1-based inclusive window coordinates.
    """
    common.configure(quiet=quiet, verbose=verbose)
    used = common.apply_threads(threads)
    source = _prepare(text, patterns, pattern_file, alphabet, iupac, ignore_case, both_strands,
                      input_format, block_size)
    function = _make_profile_function(method, source.alphabet, used)
    scans = _collect(source, profile=function)
    _write_profiles(scans, source.jobs, output_format, output)


def _write_profiles(scans: list[RecordScan], jobs: list[PatternJob], output_format: str,
                    output: str, value_column: str = "distance") -> None:
    from toolbox.algos.hamming.output import (
        profile_dtype,
        write_bedgraph,
        write_npz,
        write_tsv_profile,
    )
    from toolbox.io.files import open_output

    if output_format == "bedgraph" and len(jobs) != 1:
        message = (
            f"bedgraph holds one pattern on one strand, but there are {len(jobs)}; "
            "use --format tsv or npy, or run once per pattern"
        )
        raise common.CliError(message)
    if output_format == "npy":
        dtype = profile_dtype(max(job.codes.size for job in jobs))
        single = len(scans) == 1 and len(jobs) == 1
        if not single:
            common.info("several records or patterns: writing an .npz archive with one array "
                        "per RECORD:PATTERN:STRAND")
        with open_output(output, binary=True) as stream:
            write_npz(stream, scans, jobs, dtype, single)  # type: ignore[arg-type]
        return
    with open_output(output) as stream:
        if output_format == "bedgraph":
            write_bedgraph(stream, scans, jobs[0])  # type: ignore[arg-type]
        else:
            write_tsv_profile(stream, scans, jobs, value_column)  # type: ignore[arg-type]


def _make_search_function(method: str, k: int, alphabet: Alphabet) -> Any:
    from toolbox.algos.hamming import choose_search_method, kmismatch_search, pattern_letters

    sizes = {"dna": 4, "protein": 20, "bytes": 64, "text": 64}
    chosen: dict[int, str] = {}

    def run(job: PatternJob, codes: Any) -> Any:
        key = id(job)
        if key not in chosen:
            if method == "auto":
                chosen[key] = choose_search_method(
                    codes.size, job.codes.size, k, pattern_letters(job.codes).size,
                    sizes[alphabet.name], table=alphabet.mismatch_table is not None)
            else:
                chosen[key] = method
            _announce(job, chosen[key])
        return kmismatch_search(codes, job.codes, k, method=chosen[key],
                                mismatch_table=alphabet.mismatch_table)

    return run


@app.command("search")
def search(
    text: options.Input,
    max_mismatches: Annotated[int, typer.Option("--max-mismatches", "-k", min=0,
                              help="Report windows with at most this many mismatches.")],
    patterns: Patterns = None,
    pattern_file: PatternFile = None,
    alphabet: AlphabetOption = "auto",
    iupac: IupacOption = "exact",
    ignore_case: IgnoreCase = False,
    both_strands: BothStrands = False,
    input_format: InputFormatOption = "auto",
    method: Annotated[SearchMethod, typer.Option("--method", "-m", help="Engine: filter "
                      "(pigeonhole pieces, then verification), scan (direct counting that stops "
                      "above k), a profile engine, or auto.")] = "auto",
    output_format: Annotated[HitFormat, typer.Option("--format", "-F", help="tsv (1-based "
                             "inclusive, with header), bed (0-based, score = mismatches) or "
                             "jsonl.")] = "tsv",
    max_hits: Annotated[int | None, typer.Option("--max-hits-per-pattern", min=1,
                        help="Report at most this many hits per pattern, both strands together, "
                        "in reading order; reading stops when every pattern is done.", show_default=False)] = None,
    output: options.Output = "-",
    block_size: BlockSize = _DEFAULT_BLOCK,
    threads: options.Threads = None,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    """Report every window with at most K mismatches, with its mismatch count.

    \b
    Example:
        toolbox hamming search fixtures/hamming/ecoli_20k.fa -p GATTAAAAAAAG -k 3 -B

    Every overlapping window is its own hit. Only substitutions count: a
    window with an insertion or deletion is not found. Exits with status 1
    when nothing is found, like grep.
    """
    common.configure(quiet=quiet, verbose=verbose)
    common.apply_threads(threads)
    source = _prepare(text, patterns, pattern_file, alphabet, iupac, ignore_case, both_strands,
                      input_format, block_size)
    if max_hits is not None:
        _share_hit_limits(source.jobs, max_hits)
    function = _make_search_function(method, max_mismatches, source.alphabet)
    total = _write_hits(source, function, output_format, output)
    if total == 0:
        message = f"no window has at most {max_mismatches} mismatches"
        raise common.CliError(message, common.EXIT_NO_RESULT)


def _share_hit_limits(jobs: list[PatternJob], max_hits: int) -> None:
    from toolbox.algos.hamming.stream import HitBudget

    budgets: dict[str, HitBudget] = {}
    for job in jobs:
        job.budget = budgets.setdefault(job.name, HitBudget(max_hits))


def _write_hits(source: _Input, function: Any, output_format: str, output: str) -> int:
    from toolbox.algos.hamming import HammingError, scan_records
    from toolbox.algos.hamming.output import (
        HIT_COLUMNS,
        write_bed_hits,
        write_jsonl_hits,
        write_tsv_hits,
    )
    from toolbox.io.files import open_output
    from toolbox.io.writers import JsonlWriter

    total = 0
    scans = []
    with open_output(output) as stream:
        header_written = False
        jsonl = JsonlWriter(stream)  # type: ignore[arg-type]
        try:
            for scan in scan_records(source.chunks, source.alphabet, source.jobs, search=function):
                scans.append(_length_only(scan))
                if output_format == "tsv":
                    write_tsv_hits(stream, scan, source.jobs, not header_written)  # type: ignore[arg-type]
                    header_written = True
                elif output_format == "bed":
                    write_bed_hits(stream, scan, source.jobs)  # type: ignore[arg-type]
                else:
                    write_jsonl_hits(jsonl, scan, source.jobs)
                total += sum(len(h.matched) for h in scan.hits or [])
        except HammingError as error:
            raise common.CliError(str(error)) from None
        # Check inside the block, so that an input error leaves no output file.
        if not all(job.exhausted for job in source.jobs) or not scans:
            _check_lengths(scans, source.jobs)
        if output_format == "tsv" and not header_written:
            stream.write("\t".join(HIT_COLUMNS) + "\n")
    common.info(f"{total} hit(s) in {len(scans)} record(s)")
    return total


def _length_only(scan: RecordScan) -> RecordScan:
    from toolbox.algos.hamming.stream import RecordScan

    return RecordScan(scan.id, scan.length, None, None)


ApproxMethod = Literal["kp", "sampling"]
ApproxProduct = Literal["auto", "direct", "matmul"]


def _make_approx_function(method: str, eps: float, delta: float, seed: int,
                          repetitions: int | None, product: str) -> Any:
    from toolbox.algos.hamming.approx import approx_profile, approx_profiles

    calls = [0]
    announced: set[int] = set()

    def run(jobs: list[PatternJob], codes: Any) -> Any:
        if id(jobs[0]) not in announced:
            announced.add(id(jobs[0]))
            for job in jobs:
                _announce(job, method if method == "kp" else f"sampling, {product} product")
        if method == "sampling":
            # One seed per block and length: the patterns share sampled positions.
            calls[0] += 1
            return approx_profiles(codes, [job.codes for job in jobs], eps, method=method,
                                   delta=delta, seed=seed * 1_000_003 + calls[0],
                                   product=product)
        estimates = []
        for job in jobs:
            calls[0] += 1
            estimates.append(approx_profile(codes, job.codes, eps, method=method, delta=delta,
                                            seed=seed * 1_000_003 + calls[0],
                                            repetitions=repetitions))
        return estimates

    return run


@app.command("approx")
def approx(
    text: options.Input,
    eps: Annotated[float, typer.Option("--eps", "-e", help="Relative error ε (kp) or error as a fraction of the "
                   "pattern length (sampling).")],
    patterns: Patterns = None,
    pattern_file: PatternFile = None,
    alphabet: AlphabetOption = "auto",
    ignore_case: IgnoreCase = False,
    both_strands: BothStrands = False,
    input_format: InputFormatOption = "auto",
    method: Annotated[ApproxMethod, typer.Option("--method", "-m", help="kp: random colourings, "
                      "(1-ε)·HD <= estimate <= HD; sampling: sampled positions, "
                      "|estimate - HD| <= ε·m.")] = "kp",
    delta: Annotated[float, typer.Option("--delta", help="Allowed failure probability per block of text.")] = 0.01,
    repetitions: Annotated[int | None, typer.Option("--repetitions", min=1, show_default=False,
                           help="kp colourings per block (default: enough for --delta).")] = None,
    product: Annotated[ApproxProduct, typer.Option("--product", help="How sampling counts "
                       "matches at the sampled positions: direct (one comparison per window, "
                       "sample and pattern), matmul (one 0/1 matrix product per letter, with "
                       "BLAS), or auto (the one predicted faster). The estimates are the "
                       "same.")] = "auto",
    seed: options.Seed = 0,
    output_format: Annotated[ProfileFormat, typer.Option("--format", "-F", help="tsv, bedgraph "
                             "(one pattern and strand) or npy.")] = "tsv",
    output: options.Output = "-",
    block_size: BlockSize = _DEFAULT_BLOCK,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    """Estimate the Hamming distance of each pattern to every window, with a stated guarantee.

    \b
    Example:
        toolbox hamming approx fixtures/hamming/ecoli_20k.fa -p GGCAATATGTCTCTGTGTGG --eps 0.2

    kp never overestimates and, with probability at least 1 - delta for
    each block, is at least (1 - eps) times the exact distance everywhere;
    sampling is within eps·m of it with the same probability. Both are
    usually slower than the exact engines on DNA and protein text. Patterns
    of one length share the positions that sampling draws.
    """
    common.configure(quiet=quiet, verbose=verbose)
    for name, value in (("--eps", eps), ("--delta", delta)):
        if not 0 < value < 1:
            message = f"{name} {value} is out of range; choose a value between 0 and 1 (exclusive)"
            raise common.CliError(message)
    source = _prepare(text, patterns, pattern_file, alphabet, "exact", ignore_case, both_strands,
                      input_format, block_size)
    function = _make_approx_function(method, eps, delta, seed, repetitions, product)
    scans = _collect(source, profile=function)
    _write_profiles(scans, source.jobs, output_format, output, "estimate")


@app.command("calibrate")
def calibrate(
    size: Annotated[int, typer.Option("--size", min=10_000, help="Random text length used "
                    "for the timings.", metavar="SYMBOLS")] = 1 << 21,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store the constants where "
                    "--method auto reads them (TOOLBOX_HAMMING_COSTS, else "
                    "~/.config/toolbox/hamming-costs.json).")] = True,
    output: options.Output = "-",
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    """Time each engine on this machine and refit the cost model behind --method auto.

    \b
    Example:
        toolbox hamming calibrate --no-save

    Prints the fitted constants as JSON; takes a few seconds.
    """
    from dataclasses import asdict

    from toolbox.algos.hamming.calibrate import calibrate as fit
    from toolbox.algos.hamming.costmodel import save_costs
    from toolbox.io.files import open_output
    from toolbox.io.writers import write_json

    common.configure(quiet=quiet, verbose=verbose)
    common.apply_threads(1)
    model = fit(size)
    with open_output(output) as stream:
        write_json(stream, asdict(model))  # type: ignore[arg-type]
    if save:
        try:
            path = save_costs(model)
        except OSError as error:
            message = f"cannot save the constants: {error}; set TOOLBOX_HAMMING_COSTS to a writable path"
            raise common.CliError(message, common.EXIT_NO_RESULT) from None
        common.info(f"saved to {path}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="hamming")
