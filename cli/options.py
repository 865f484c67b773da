"""Option declarations reused by every subcommand, so each flag reads the same everywhere.

Use them as parameter annotations, for example ``output: options.Output = "-"``.
"""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["Debug", "Input", "Output", "Quiet", "Seed", "Threads", "Verbose"]

Input = Annotated[
    str,
    typer.Argument(help="Input file, or '-' for standard input. Gzip input is detected.",
                   metavar="FILE"),
]

Output = Annotated[
    str,
    typer.Option("--output", "-o", help="Write results to this file ('-' is standard output; "
                 "a name ending in .gz is compressed).", metavar="PATH"),
]

Quiet = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Hide notes and progress bars; warnings and errors still show."),
]

Verbose = Annotated[
    int,
    typer.Option("--verbose", "-v", count=True, help="Report details such as the chosen method on stderr."),
]

Seed = Annotated[
    int,
    typer.Option("--seed", help="Seed of the random number generator; equal seeds give equal output.",
                 min=0),
]

Threads = Annotated[
    int | None,
    typer.Option("--threads", "-j", help="Worker threads (default: TOOLBOX_THREADS, else all cores).",
                 min=1, show_default=False),
]

Debug = Annotated[
    bool,
    typer.Option("--debug", help="Show the Python traceback of an unexpected error."),
]
