"""Tests for toolbox.io.edgelist, checked against a plain-Python oracle."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolbox.io import edgelist
from toolbox.io.edgelist import read_edge_list
from toolbox.io.errors import InputError


def oracle(text: str, string_ids: bool = False):
    """Parse like read_edge_list with the default options, but slowly and obviously."""
    ids: dict = {}
    edges = set()
    seen_edge = False
    for line in text.split("\n"):
        tokens = [t for t in line.replace(",", " ").replace(";", " ").split() if t]
        if not tokens or tokens[0][0] in "#%":
            continue
        if len(tokens) < 2:
            continue
        if not string_ids:
            try:
                pair = [int(tokens[0]), int(tokens[1])]
            except ValueError:
                continue
        else:
            pair = tokens[:2]
        seen_edge = True
        for node in pair:
            ids.setdefault(node, len(ids))
        a, b = ids[pair[0]], ids[pair[1]]
        if a != b:
            edges.add((min(a, b), max(a, b)))
    assert seen_edge or not edges
    return sorted(edges), list(ids)


def read(tmp_path, text: str | bytes, name: str = "graph.txt", **options):
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return read_edge_list(path, **options)


def pairs(graph):
    return list(zip(graph.source.tolist(), graph.target.tolist(), strict=True))


def test_edge_list_plain_tab_file(tmp_path):
    graph = read(tmp_path, "0\t1\n0\t2\n1\t2\n")
    assert pairs(graph) == [(0, 1), (0, 2), (1, 2)]
    assert graph.node_ids.tolist() == [0, 1, 2]
    assert graph.stats.notes() == []
    assert graph.source.dtype == np.int32


def test_edge_list_every_separator(tmp_path):
    graph = read(tmp_path, "1 2\n2\t3\n3,4\n4;5\n  5   6  \n6 ,\t 7\n")
    assert pairs(graph) == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    assert graph.node_ids.tolist() == [1, 2, 3, 4, 5, 6, 7]


def test_edge_list_comments_blank_and_crlf(tmp_path):
    graph = read(tmp_path, "# SNAP header\r\n% konect\r\n\r\n  # indented\r\n10 20\r\n")
    assert pairs(graph) == [(0, 1)]
    assert graph.stats.comment_lines == 3
    assert graph.stats.blank_lines == 1
    assert graph.stats.lines == 5


def test_edge_list_text_header_detected(tmp_path):
    graph = read(tmp_path, "source,target,weight\n1,2,0.5\n2,3,1.5\n")
    assert pairs(graph) == [(0, 1), (1, 2)]
    assert graph.stats.header_lines == 1
    assert graph.stats.extra_column_lines == 2
    assert not graph.stats.skipped


def test_edge_list_numeric_header_needs_option(tmp_path):
    text = "5242\t28980\n1\t2\n"
    assert read(tmp_path, text).n_edges == 2
    graph = read(tmp_path, text, header_lines=1)
    assert pairs(graph) == [(0, 1)]
    assert graph.node_ids.tolist() == [1, 2]
    assert graph.stats.header_lines == 1


def test_edge_list_malformed_lines_counted(tmp_path):
    graph = read(tmp_path, "1 2\nabc def\n3\n4 x\n12a 5\n2 3\n")
    assert pairs(graph) == [(0, 1), (1, 2)]
    assert graph.stats.skipped.count == 4
    assert graph.stats.skipped.examples[0].startswith(f"{tmp_path / 'graph.txt'}:2:")
    assert "--string-ids" in graph.stats.skipped.examples[0]
    notes = " ".join(graph.stats.notes())
    assert "skipped 4 malformed lines" in notes


def test_edge_list_overlong_integer_is_malformed(tmp_path):
    graph = read(tmp_path, "1 2\n123456789012345678901 2\n")
    assert graph.n_edges == 1
    assert graph.stats.skipped.count == 1


def test_edge_list_loops_and_duplicates(tmp_path):
    graph = read(tmp_path, "1 2\n2 1\n1 2\n3 3\n2 4\n")
    assert pairs(graph) == [(0, 1), (1, 3)]
    assert graph.node_ids.tolist() == [1, 2, 3, 4]
    assert graph.stats.self_loops == 1
    assert graph.stats.duplicates == 2
    notes = graph.stats.notes()
    assert any("1 self-loop" in note for note in notes)
    assert any("2 duplicate" in note for note in notes)


def test_edge_list_sparse_and_negative_ids(tmp_path):
    graph = read(tmp_path, "5000000000 7\n7 -3\n-3 5000000000\n9 -3\n")
    assert graph.node_ids.tolist() == [5000000000, 7, -3, 9]
    assert pairs(graph) == [(0, 1), (0, 2), (1, 2), (2, 3)]


def test_edge_list_gzip_input(tmp_path):
    graph = read(tmp_path, gzip.compress(b"1 2\n2 3\n"), name="graph.txt.gz")
    assert pairs(graph) == [(0, 1), (1, 2)]


def test_edge_list_no_final_newline(tmp_path):
    graph = read(tmp_path, "1 2\n2 3")
    assert graph.n_edges == 2


def test_edge_list_empty_file(tmp_path):
    graph = read(tmp_path, "# nothing\n")
    assert graph.n_nodes == 0
    assert graph.n_edges == 0


def test_edge_list_string_ids(tmp_path):
    graph = read(tmp_path, "name1,name2\nalice,bob\nbob carol\ncarol\n", string_ids=True,
                 header_lines=1)
    assert graph.node_ids.tolist() == ["alice", "bob", "carol"]
    assert pairs(graph) == [(0, 1), (1, 2)]
    assert graph.stats.header_lines == 1
    assert graph.stats.skipped.count == 1


def test_edge_list_custom_delimiter(tmp_path):
    graph = read(tmp_path, "1|2\n2|3\n", delimiter="|")
    assert pairs(graph) == [(0, 1), (1, 2)]
    with pytest.raises(InputError, match="exactly one character"):
        read(tmp_path, "1 2\n", delimiter="||")


def test_edge_list_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_edge_list(tmp_path / "absent.txt")


def test_edge_list_block_boundaries(tmp_path, monkeypatch):
    monkeypatch.setattr(edgelist, "_BLOCK_BYTES", 7)
    text = "# head\nfrom to\n" + "".join(f"{i} {i + 1} extra\n" for i in range(50)) + "bad\n9 8"
    graph = read(tmp_path, text)
    expected, ids = oracle(text)
    assert pairs(graph) == expected
    assert graph.node_ids.tolist() == ids
    assert graph.stats.header_lines == 1
    assert graph.stats.extra_column_lines == 50
    assert graph.stats.skipped.count == 1
    assert ":53: " in graph.stats.skipped.examples[0]


lines = st.one_of(
    st.tuples(st.integers(-3, 12), st.integers(-3, 12)).map(lambda p: f"{p[0]} {p[1]}"),
    st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from([",", "\t", " ; "])).map(
        lambda p: f"{p[0]}{p[2]}{p[1]}"),
    st.sampled_from(["", "# c", "% c", "x y", "7", "1 2 3"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(lines, max_size=30))
def test_edge_list_matches_oracle(tmp_path_factory, body):
    text = "\n".join(body) + "\n"
    path = tmp_path_factory.mktemp("oracle") / "graph.txt"
    path.write_text(text)
    graph = read_edge_list(path)
    expected, ids = oracle(text)
    assert pairs(graph) == expected
    assert graph.node_ids.tolist() == ids
    string_graph = read_edge_list(path, string_ids=True)
    expected_strings, string_ids = oracle(text, string_ids=True)
    assert pairs(string_graph) == expected_strings
    assert string_graph.node_ids.tolist() == string_ids
