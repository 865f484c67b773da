"""SSumM sparse graph summarization (Lee, Jo, Ko, Lim and Shin, KDD 2020).

Typical use::

    from toolbox.io.edgelist import read_edge_list
    from toolbox.algos.ssumm import evaluate, summarize

    graph = read_edge_list("graph.txt")
    summary = summarize(graph.source, graph.target, graph.n_nodes, ratio=0.2,
                        error="re1", seed=1, node_ids=graph.node_ids)
    figures = evaluate(graph.source, graph.target, summary)  # size_bits, re1, re2
    supergraph = summary.to_networkx()  # needs networkx
"""

from toolbox.algos.ssumm.formats import FORMATS, read_summary, write_summary
from toolbox.algos.ssumm.model import (
    EmptyGraphError,
    Evaluation,
    InvalidBudgetError,
    InvalidSummaryError,
    SsummError,
    Summary,
    evaluate,
)
from toolbox.algos.ssumm.summarize import (
    InvariantError,
    budget_bits,
    reference_ratio,
    summarize,
)

__all__ = [
    "FORMATS",
    "EmptyGraphError",
    "Evaluation",
    "InvalidBudgetError",
    "InvalidSummaryError",
    "InvariantError",
    "SsummError",
    "Summary",
    "budget_bits",
    "evaluate",
    "read_summary",
    "reference_ratio",
    "summarize",
    "write_summary",
]
