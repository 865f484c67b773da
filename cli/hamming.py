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
    typer.Option("--pattern", "-p", help="Pattern sequence (repeatable).", show_default=False),
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
        message = "the text holds no sequence; check the input file"
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
    from toolbox.algos.hamming import choose_method, hamming_profile, pattern_letters

    chosen: dict[int, str] = {}

    def run(job: PatternJob, codes: Any) -> Any:
        key = id(job)
        if key not in chosen:
            if method == "auto":
                choice = choose_method(codes.size, job.codes.size,
                                       pattern_letters(job.codes).size,
                                       table=alphabet.mismatch_table is not None)
                chosen[key] = choice.method
                _announce(job, choice.method, choice.predicted)
            else:
                chosen[key] = method
                _announce(job, method)
        return hamming_profile(codes, job.codes, method=chosen[key],
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

    Example: toolbox hamming profile fixtures/hamming/ecoli_20k.fa -p GGCAATATGTCTCTGTGTGG

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
                    output: str) -> None:
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
            write_tsv_profile(stream, scans, jobs)  # type: ignore[arg-type]


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
                        help="Stop reporting a pattern (both strands) after this many hits; "
                        "reading stops when every pattern is done.", show_default=False)] = None,
    output: options.Output = "-",
    block_size: BlockSize = _DEFAULT_BLOCK,
    threads: options.Threads = None,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    """Report every window with at most K mismatches, with its mismatch count.

    Example: toolbox hamming search fixtures/hamming/ecoli_20k.fa -p GGCAATATGTCTCTGTGTGG -k 3 -B

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
    # NOTE: with --both-strands each strand gets its own budget of max_hits,
    # so a pattern can report up to twice as many rows.
    for job in jobs:
        job.remaining = max_hits


def _write_hits(source: _Input, function: Any, output_format: str, output: str) -> int:
    from toolbox.algos.hamming import HammingError, scan_records
    from toolbox.algos.hamming.output import (
        HIT_COLUMNS,
        write_bed_hits,
        write_jsonl_hits,
        write_tsv_hits,
    )
    from toolbox.io.files import open_output
    from toolbox.io.writers import JsonlWriter, TsvWriter

    total = 0
    scans = []
    with open_output(output) as stream:
        tsv = None
        jsonl = JsonlWriter(stream)  # type: ignore[arg-type]
        try:
            for scan in scan_records(source.chunks, source.alphabet, source.jobs, search=function):
                scans.append(_length_only(scan))
                if output_format == "tsv":
                    tsv = write_tsv_hits(stream, scan, source.jobs, tsv)  # type: ignore[arg-type]
                elif output_format == "bed":
                    write_bed_hits(stream, scan, source.jobs)  # type: ignore[arg-type]
                else:
                    write_jsonl_hits(jsonl, scan, source.jobs)
                total += sum(len(h.matched) for h in scan.hits or [])
        except HammingError as error:
            raise common.CliError(str(error)) from None
        if output_format == "tsv" and tsv is None:
            TsvWriter(stream, HIT_COLUMNS)  # type: ignore[arg-type]
    if not all(job.remaining == 0 for job in source.jobs) or not scans:
        _check_lengths(scans, source.jobs)
    common.info(f"{total} hit(s) in {len(scans)} record(s)")
    return total


def _length_only(scan: RecordScan) -> RecordScan:
    from toolbox.algos.hamming.stream import RecordScan

    return RecordScan(scan.id, scan.length, None, None)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="hamming")
