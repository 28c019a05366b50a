"""Shared fixtures: the seed corpus indexed once per test session, in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer import Engine
from bot.settings import PROJECT_ROOT, Settings, load_settings
from index.store import Index

SEED_CORPUS = PROJECT_ROOT / "corpus"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the bundled corpus, with the index written to a temporary folder."""
    return load_settings(corpus=SEED_CORPUS, index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Engine:
    """An engine over the seed corpus (the index is built once per session)."""
    return Engine(settings)


@pytest.fixture(scope="session")
def index(engine: Engine) -> Index:
    return engine.index
