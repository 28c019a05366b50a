"""Shared fixtures: the seed corpus indexed once per test session, in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
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


# --- Fixtures added for the engine's test suite (the ones above are unchanged). ---


@pytest.fixture
def make_corpus(tmp_path: Path):
    """A factory: make_corpus({"name.txt": str | bytes, ...}) writes a corpus folder under tmp_path."""

    def make(files: dict[str, str | bytes], folder: str = "corpus") -> Path:
        corpus = tmp_path / folder
        corpus.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = corpus / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return corpus

    return make


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No CROSSCHECK_* or Slack settings leak in from the environment running the tests."""
    import os

    for name in list(os.environ):
        if name.startswith(("CROSSCHECK_", "SLACK_")) or name == "PORT":
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def seed_env(clean_env: pytest.MonkeyPatch, settings: Settings, index: Index) -> pytest.MonkeyPatch:
    """Environment under which `crosscheck` (in-process) reuses the session's seed index."""
    clean_env.setenv("CROSSCHECK_INDEX_DIR", str(settings.index_dir))
    return clean_env


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline the index builder uses (blank English with rule components)."""
    from index.nlp import load_pipeline

    pipeline, _ = load_pipeline("en_core_web_sm")
    return pipeline


@pytest.fixture(scope="session")
def passage_with(index: Index):
    """A finder: passage_with("002", "Sgt William Rivers") is the passage of article 002 holding it."""

    def find(doc_prefix: str, fragment: str):
        found = [
            index.passage(i)
            for i in range(len(index))
            if index.passage(i).doc_id.startswith(doc_prefix) and fragment in index.passage(i).text
        ]
        assert len(found) == 1, f"expected one passage of {doc_prefix} holding {fragment!r}, got {len(found)}"
        return found[0]

    return find
