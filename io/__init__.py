"""Streaming readers and writers shared by every toolbox subcommand.

The modules here import only the standard library at module level, so the
command-line layer can use them without slowing down ``toolbox --help``.
"""
