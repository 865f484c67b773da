"""The wheel maps cli/, algos/ and io/ into the toolbox package and ships the man pages."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    target = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "toolbox"
    # Build from a copy of the tracked files, so the working tree's caches stay out.
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        path = ROOT / name
        if path.is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes(path.read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(target), str(source)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{result.stderr[-2000:]}")
    (wheel,) = target.glob("toolbox-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_maps_subpackages(wheel_names):
    for module in ("toolbox/cli/main.py", "toolbox/io/files.py", "toolbox/algos/__init__.py"):
        assert module in wheel_names


def test_wheel_has_no_top_level_folders(wheel_names):
    top_level = {name.split("/")[0] for name in wheel_names}
    assert "cli" not in top_level
    assert "io" not in top_level
    assert "algos" not in top_level
    assert "tests" not in top_level


def test_wheel_ships_man_pages(wheel_names):
    pages = {name.rsplit("/", 1)[-1] for name in wheel_names if "/share/man/man1/" in name}
    expected = {path.name for path in (ROOT / "man").glob("*.1")}
    assert expected
    assert pages == expected


def test_wheel_declares_console_script(wheel_names):
    assert any(name.endswith(".dist-info/entry_points.txt") for name in wheel_names)
