"""Algorithm cores. Each subpackage is independent of the command-line layer."""
