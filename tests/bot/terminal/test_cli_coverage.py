"""`crosscheck add` and `crosscheck remove` on a copy of the seeds, pages from loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.terminal.cli import EXIT_OK, EXIT_USAGE, main
from tests.bot.coverage.conftest import seed_copy
from tests.page_server import serving_pages


@pytest.fixture
def cli_env(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    corpus = seed_copy(tmp_path / "corpus")
    clean_env.setenv("CROSSCHECK_CORPUS", str(corpus))
    clean_env.setenv("CROSSCHECK_INDEX_DIR", str(tmp_path / "index"))
    clean_env.setenv("CROSSCHECK_FETCH_ALLOW_PRIVATE", "true")
    return corpus


def test_cli_add_then_remove(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serving_pages() as pages:
        code = main(["add", pages.url("/pages/usnewsmag_followup.html"), pages.url("/pages/paywall.html")])
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE, "expected exit 2: one of the two was refused"
    assert "Added Baghdad Strike Toll Rises to Five, Officials Say (USNewsMag.com, 2024-02-09)" in out, out
    assert "paywall" in err, f"expected the paywall page refused on stderr, got {err!r}"
    doc_id = out.split(" as ", 1)[1].split(".", 1)[0]
    assert (cli_env / f"{doc_id}.txt").is_file(), f"expected {doc_id}.txt in the corpus folder"
    assert main(["sources"]) == EXIT_OK
    assert doc_id in capsys.readouterr().out, "expected `sources` to list the added article"
    assert main(["remove", doc_id]) == EXIT_OK
    assert (
        f"Removed Baghdad Strike Toll Rises to Five, Officials Say (USNewsMag.com, 2024-02-09) ({doc_id})"
        in (capsys.readouterr().out)
    )
    assert not (cli_env / f"{doc_id}.txt").exists(), "expected the article's file removed"
