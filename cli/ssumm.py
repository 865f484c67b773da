"""The ``toolbox ssumm`` commands: SSumM graph summaries within a size budget, and their errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from toolbox.cli import common, options
from toolbox.io.files import same_output

if TYPE_CHECKING:
    from toolbox.algos.ssumm.model import Evaluation
    from toolbox.io.edgelist import EdgeList

app = typer.Typer(
    help="SSumM sparse graph summaries: supernodes and weighted superedges within a bit budget.",
    no_args_is_help=True,
)

ErrorMode = Literal["re1", "re2"]
CompatMode = Literal["reference", "clean"]
SummaryFormat = Literal["reference", "json", "edgelist"]
ReportFormat = Literal["text", "json"]

StringIds = Annotated[
    bool,
    typer.Option("--string-ids", help="Read node ids as strings instead of integers."),
]
Delimiter = Annotated[
    str | None,
    typer.Option("--delimiter", "-d", metavar="CHAR", show_default=False,
                 help="Extra field separator besides whitespace (default: commas and "
                 "semicolons also separate)."),
]
HeaderLines = Annotated[
    int,
    typer.Option("--header-lines", min=0, metavar="N",
                 help="Skip the first N non-comment lines (needed for numeric headers such as "
                 "'5242 28980'; non-numeric header lines are skipped anyway)."),
]


def _read_graph(path: str, string_ids: bool, delimiter: str | None,
                header_lines: int) -> EdgeList:
    from toolbox.io.edgelist import read_edge_list

    graph = read_edge_list(path, string_ids=string_ids, delimiter=delimiter,
                           header_lines=header_lines)
    for note in graph.stats.notes():
        common.info(note)
    if not string_ids and graph.n_edges == 0 and graph.stats.header_lines > header_lines:
        # Non-numeric lines before the first edge count as a header, so a graph of
        # named nodes read as integers has no edges at all.
        message = (
            f"{graph.stats.path}: no line has two integer node ids, and "
            f"{graph.stats.header_lines} non-numeric line(s) were read as a header; "
            "add --string-ids if the node ids are names"
        )
        raise common.CliError(message)
    common.debug(f"read {graph.n_nodes} nodes and {graph.n_edges} edges from "
                 f"{graph.stats.path} ({graph.stats.lines} lines)")
    return graph


def _format_evaluation(evaluation: Evaluation) -> str:
    rows = [
        ("nodes", str(evaluation.nodes)),
        ("edges", str(evaluation.edges)),
        ("supernodes", str(evaluation.supernodes)),
        ("superedges", str(evaluation.superedges)),
        ("max_weight", str(evaluation.max_weight)),
        ("size_bits", f"{evaluation.size_bits:.2f}"),
        ("original_bits", f"{evaluation.original_bits:.2f}"),
        ("relative_size", "n/a" if evaluation.relative_size is None
         else f"{evaluation.relative_size:.6f}"),
        ("re1", f"{evaluation.re1:.4e}"),
        ("re2", f"{evaluation.re2:.4e}"),
    ]
    return "".join(f"{name}\t{value}\n" for name, value in rows)


def summarize(
    graph: options.Input,
    ratio: Annotated[
        float | None,
        typer.Option("--ratio", "-r", show_default=False,
                     help="Budget as a fraction in (0, 1] of the input size 2 m log2 n bits "
                     "[default: 0.2 unless --bits is given]."),
    ] = None,
    bits: Annotated[
        float | None,
        typer.Option("--bits", "-b", min=0, show_default=False,
                     help="Budget as an absolute size in bits."),
    ] = None,
    error: Annotated[
        ErrorMode,
        typer.Option("--error", "-e", help="Error to minimise: re1 (L1; blocks of density "
                     "below 1/2 never get a superedge) or re2 (L2)."),
    ] = "re2",
    iterations: Annotated[
        int, typer.Option("--iterations", "-T", min=1, max=10_000,
                          help="Merge rounds (1 to 10000); the last one accepts every saving."),
    ] = 20,
    seed: options.Seed = None,  # type: ignore[assignment]
    compat: Annotated[
        CompatMode,
        typer.Option("--compat", help="reference: reproduce the reference implementation's "
                     "choices (ratio rounded up to 2 decimals, running maximum weight, patience "
                     "from the initial group size); clean: exact ratio, final maximum weight, "
                     "patience max(log2|C|, 1)."),
    ] = "reference",
    output: options.Output = "-",
    format: Annotated[
        SummaryFormat,
        typer.Option("--format", "-f", help="Summary format: reference (the reference "
                     "implementation's text), json, or edgelist (superedges for "
                     "networkx.read_edgelist, members in comment lines)."),
    ] = "reference",
    stats: Annotated[
        str | None,
        typer.Option("--stats", metavar="FILE", show_default=False,
                     help="Write sizes, errors, rounds, timings and the seed as JSON to FILE."),
    ] = None,
    num_hashes: Annotated[
        int, typer.Option("--num-hashes", min=1, help="Min-hash functions per round."),
    ] = 10,
    max_group: Annotated[
        int, typer.Option("--max-group", min=2, max=10_000,
                          help="Maximum candidate group size."),
    ] = 500,
    check: Annotated[
        bool,
        typer.Option("--check", help="Recompute every cached figure after each round and fail "
                     "on a difference (slow; for testing)."),
    ] = False,
    string_ids: StringIds = False,
    delimiter: Delimiter = None,
    header_lines: HeaderLines = 0,
    threads: options.Threads = None,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    """Summarize a graph into supernodes and superedges that fit a size budget in bits.

    Example:

    \b
        toolbox ssumm summarize fixtures/ssumm/ego_facebook.txt --ratio 0.2 --error re1 \\
            -o summary.txt

    The summary goes to standard output or -o; a statistics block goes to
    standard error (hidden by --quiet).
    """
    common.configure(quiet=quiet, verbose=verbose)
    if ratio is not None and bits is not None:
        message = "--ratio and --bits cannot be combined; give one budget"
        raise common.CliError(message)
    if ratio is None and bits is None:
        ratio = 0.2
    if stats is not None and stats != "-" and same_output(stats, output):
        message = f"--stats and --output are both {stats!r}; give them different files"
        raise common.CliError(message)
    common.apply_threads(threads)

    from toolbox.algos.ssumm.formats import write_summary
    from toolbox.algos.ssumm.model import SsummError, evaluate
    from toolbox.algos.ssumm.summarize import summarize as run_ssumm
    from toolbox.io.files import open_output
    from toolbox.io.writers import write_json

    edges = _read_graph(graph, string_ids, delimiter, header_lines)
    with common.progress("ssumm rounds", iterations) as bar:

        def report_round(figures: dict[str, Any]) -> None:
            bar.advance()
            common.debug(
                f"round {figures['round']}: {figures['merges']} merges, "
                f"{figures['supernodes']} supernodes, {figures['superedges']} superedges, "
                f"{figures['size_bits']:.2f} bits"
            )

        try:
            summary = run_ssumm(
                edges.source, edges.target, edges.n_nodes, ratio=ratio, bits=bits, error=error,
                iterations=iterations, seed=seed, compat=compat, num_hashes=num_hashes,
                max_group=max_group, node_ids=edges.node_ids, debug=check,
                on_round=report_round)
        except SsummError as exc:
            message = f"{edges.stats.path}: {exc}"
            raise common.CliError(message) from None

    evaluation = evaluate(edges.source, edges.target, summary)
    run_stats = summary.stats
    figures = {
        **evaluation.as_dict(),
        "size_bits_accounted": summary.size_bits(),
        "omega_max_accounted": summary.omega_max,
    }
    header = {key: run_stats[key] for key in ("seed", "error", "compat", "ratio",
                                             "budget_bits", "rounds", "merges")}
    with open_output(output) as stream:
        write_summary(stream, summary, format, extra={**header, **figures})
    if stats is not None:
        with open_output(stats) as stream:
            write_json(stream, {"input": edges.stats.path, **run_stats, **figures})
    _print_statistics(evaluation, summary.size_bits(), run_stats)


def _print_statistics(evaluation: Evaluation, accounted_bits: float,
                      run_stats: dict[str, Any]) -> None:
    budget = run_stats["budget_bits"]
    common.info(
        f"|V| {evaluation.nodes}, |E| {evaluation.edges}; {run_stats['rounds']} rounds, "
        f"{run_stats['merges']} merges in {run_stats['timings']['total']:.2f} s (seed "
        f"{run_stats['seed']})"
    )
    common.info(
        f"original {evaluation.original_bits:.2f} bits, budget {budget:.2f} bits, summary "
        f"{accounted_bits:.2f} bits ({100 * accounted_bits / evaluation.original_bits:.6f}%)"
    )
    common.info(
        f"{evaluation.supernodes} supernodes, {evaluation.superedges} superedges, "
        f"RE1 {evaluation.re1:.4e}, RE2 {evaluation.re2:.4e}"
    )


def evaluate(
    graph: options.Input,
    summary: Annotated[
        str,
        typer.Argument(help="Summary file: the reference text format, or JSON or edgelist "
                       "written by 'toolbox ssumm summarize' (detected from the first line).",
                       metavar="SUMMARY"),
    ],
    format: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="Report as text (name<TAB>value lines) or JSON."),
    ] = "text",
    output: options.Output = "-",
    string_ids: StringIds = False,
    delimiter: Delimiter = None,
    header_lines: HeaderLines = 0,
    quiet: options.Quiet = False,
    verbose: options.Verbose = 0,
) -> None:
    """Report the size in bits and the RE1 and RE2 errors of a summary of a graph.

    Example:

    \b
        toolbox ssumm evaluate fixtures/ssumm/ego_facebook.txt \\
            fixtures/ssumm/summary_ego_facebook.txt

    The size uses the largest superedge weight in the file. Both errors sum
    over ordered node pairs and are divided by n(n-1); RE2 takes the square
    root of the squared sum before dividing.
    """
    common.configure(quiet=quiet, verbose=verbose)
    if graph == "-" and summary == "-":
        message = "GRAPH and SUMMARY cannot both be standard input; give one as a file"
        raise common.CliError(message)

    from toolbox.algos.ssumm.formats import read_summary
    from toolbox.algos.ssumm.model import SsummError
    from toolbox.algos.ssumm.model import evaluate as evaluate_summary
    from toolbox.io.files import display_name, open_output
    from toolbox.io.writers import write_json

    edges = _read_graph(graph, string_ids, delimiter, header_lines)
    loaded = read_summary(summary, edges.node_ids, edges.index_of())
    try:
        evaluation = evaluate_summary(edges.source, edges.target, loaded)
    except SsummError as exc:
        message = f"{display_name(summary)}: {exc}"
        raise common.CliError(message) from None
    with open_output(output) as stream:
        if format == "json":
            write_json(stream, evaluation.as_dict())
        else:
            stream.write(_format_evaluation(evaluation))


def register(root: typer.Typer) -> None:
    app.command("summarize")(summarize)
    app.command("evaluate")(evaluate)
    root.add_typer(app, name="ssumm")
