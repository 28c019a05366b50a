"""Fixtures of the coverage tests: a copy of the seed corpus to change, and the page server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.settings import Settings, load_settings
from tests.conftest import SEED_CORPUS
from tests.page_server import PageServer, serving_pages


def seed_copy(folder: Path) -> Path:
    """The seed articles copied into `folder` (so a test can add to and remove from them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in SEED_CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


def coverage_settings(root: Path, **overrides: object) -> Settings:
    """Settings over a seed copy under `root`, fetching from loopback allowed, short limits."""
    values: dict[str, object] = {
        "corpus": seed_copy(root / "corpus"),
        "index_dir": root / "index",
        "fetch_allow_private": True,
        "fetch_timeout_seconds": 1.5,
        "fetch_max_bytes": 1_000_000,
    }
    return load_settings(**(values | overrides))


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    with serving_pages() as server:
        yield server


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Engine:
    """An engine over its own copy of the seeds, for tests that change the coverage."""
    return Engine(coverage_settings(tmp_path))


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every file of a folder and its bytes (to assert nothing changed)."""
    return {
        p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")
    }
