"""Adding and removing coverage: links and files in, the corpus folder and the answers updated,
bad input refused with nothing changed. Pages come from a server on loopback (tests/page_server.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.coverage.editor import CoverageEditor, CoverageError
from index.articles import load_sources
from tests.bot.coverage.conftest import coverage_settings, folder_state
from tests.page_server import TEXT_ARTICLE, PageServer

KILLED = "how many were killed in Baghdad?"


def values(engine: Engine, question: str) -> list[str]:
    return [c.value for c in engine.answer(question).answers]


def test_add_url_answers_with_the_new_article_and_says_what_changed(
    fresh_engine: Engine, pages: PageServer
) -> None:
    assert "5" not in values(fresh_engine, KILLED), "the seeds alone should not say five were killed"
    outcome = CoverageEditor(fresh_engine).add(pages.url("/pages/usnewsmag_followup.html"))
    article = outcome.article
    assert (article.title, article.outlet, article.published) == (
        "Baghdad Strike Toll Rises to Five, Officials Say", "USNewsMag.com", "2024-02-09",
    ), f"expected the page's title, outlet and date, got {article!r}"  # fmt: skip
    assert article.passages >= 5, f"expected the article's sentences as passages, got {article.passages}"
    answer = fresh_engine.answer(KILLED)
    given = {c.value: [s.doc_id for s in c.sources] for c in answer.answers}
    assert given.get("5") == [article.doc_id], f"expected 5 killed, from the added article, got {given}"
    shown = outcome.describe()
    assert shown.startswith(
        "Added *Baghdad Strike Toll Rises to Five, Officials Say* (USNewsMag.com, 2024-02-09):"
    )
    assert "killed in Baghdad — now 3 answers (new: 5 per USNewsMag.com)" in shown, f"got {shown!r}"


def test_added_article_is_stored_in_the_corpus_folder_and_seen_by_another_process(
    fresh_engine: Engine, pages: PageServer
) -> None:
    url = pages.url("/pages/asianet_followup.html")
    doc_id = CoverageEditor(fresh_engine).add(url).article.doc_id
    folder = fresh_engine.corpus
    text = (folder / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert text.startswith("Iraq summons US envoy"), f"expected the title first, got {text[:80]!r}"
    assert "Latest Videos" not in text and "Follow Us" not in text, "expected the site chrome left out"
    entry = load_sources(folder / "sources.toml")[doc_id]
    assert (entry.outlet, entry.url, str(entry.published)) == ("Asianet Newsable", url, "2024-02-09"), entry
    other = Engine(fresh_engine.settings)  # another process: reads the folder and the index file anew
    assert other.index.articles[doc_id].outlet == "Asianet Newsable"
    assert "4" in values(other, KILLED), (
        f"expected four killed from the added article, got {values(other, KILLED)}"
    )


def test_remove_takes_the_article_out_of_folder_and_answers(fresh_engine: Engine, pages: PageServer) -> None:
    editor = CoverageEditor(fresh_engine)
    doc_id = editor.add(pages.url("/pages/usnewsmag_followup.html")).article.doc_id
    outcome = editor.remove(doc_id)
    assert outcome.action == "removed" and outcome.articles == 5, f"got {outcome!r}"
    assert not (fresh_engine.corpus / f"{doc_id}.txt").exists(), "expected the text removed"
    assert doc_id not in load_sources(fresh_engine.corpus / "sources.toml"), "expected the entry removed"
    assert "5" not in values(fresh_engine, KILLED), "expected the article's answer gone"
    assert "no longer: 5" in outcome.describe(), f"got {outcome.describe()!r}"


def test_add_text_file_and_a_redirected_link(fresh_engine: Engine, pages: PageServer, tmp_path: Path) -> None:
    file = tmp_path / "militia.txt"
    file.write_text(TEXT_ARTICLE, encoding="utf-8")
    editor = CoverageEditor(fresh_engine)
    added = editor.add(str(file)).article
    assert added.title == "Militia vows revenge after Baghdad strike", f"got {added.title!r}"
    assert "6" in values(fresh_engine, KILLED), f"expected six killed, got {values(fresh_engine, KILLED)}"
    redirected = editor.add(pages.url("/redirect/3")).article
    assert redirected.url == pages.url("/pages/usnewsmag_followup.html"), (
        f"expected the final URL, got {redirected.url}"
    )


# --- bad input: a clear reply, nothing changed ----------------------------------------------------


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory) -> CoverageEditor:
    """One editor for the refusals (none of them changes anything, so they can share it)."""
    return CoverageEditor(Engine(coverage_settings(tmp_path_factory.mktemp("refusals"))))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/pages/paywall.html", "paywall"),
        ("/pages/no_article.html", "no article text"),
        ("/pages/french.html", "does not look like English"),
        ("/pdf", "is a PDF"),
        ("/declared-huge", "larger than 1 MB (50.0 MB)"),
        ("/huge", "larger than 1 MB"),
        ("/slow", "did not answer within 1.5 seconds"),
        ("/missing", "answered 404"),
        ("/redirect/9", "redirects more than 5 times"),
    ],
)
def test_bad_page_is_refused_and_nothing_changes(
    refusing: CoverageEditor, pages: PageServer, path: str, expected: str
) -> None:
    folder = refusing.engine.corpus
    before, fingerprint = folder_state(folder), refusing.engine.index.fingerprint
    with pytest.raises(CoverageError) as refused:
        refusing.add(pages.url(path))
    assert expected in str(refused.value), f"expected {expected!r} in the reply, got {refused.value}"
    assert folder_state(folder) == before, "expected the corpus folder unchanged"
    assert refusing.engine.index.fingerprint == fingerprint, "expected the index unchanged"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("ftp://example.com/a.txt", "only fetch http:// and https://"),
        ("file:///etc/passwd", "only fetch http:// and https://"),
        ("no/such/file.txt", "neither a link"),
        ("README.md", "I add .txt and .html files"),
    ],
)
def test_bad_target_is_refused(refusing: CoverageEditor, target: str, expected: str) -> None:
    with pytest.raises(CoverageError) as refused:
        refusing.add(target)
    assert expected in str(refused.value), f"expected {expected!r}, got {refused.value}"


def test_duplicate_by_link_or_by_text_is_refused(
    fresh_engine: Engine, pages: PageServer, tmp_path: Path
) -> None:
    editor = CoverageEditor(fresh_engine)
    url = pages.url("/text")
    doc_id = editor.add(url).article.doc_id
    before = folder_state(fresh_engine.corpus)
    with pytest.raises(CoverageError, match=f"already in the coverage as {doc_id}"):
        editor.add(url)
    copy = tmp_path / "same.txt"
    copy.write_text(TEXT_ARTICLE.replace("\n\n", "\n"), encoding="utf-8")  # other spacing, same text
    with pytest.raises(CoverageError, match=rf"already in the coverage as {doc_id} \(same text\)"):
        editor.add(str(copy))
    seed = next(p for p in sorted(fresh_engine.corpus.glob("0*.txt")) if p.stem != doc_id)
    with pytest.raises(CoverageError, match=f"as {seed.stem}"):
        editor.add(str(seed))
    assert folder_state(fresh_engine.corpus) == before, "expected nothing changed by the duplicates"


def test_loopback_is_refused_unless_allowed(tmp_path: Path, pages: PageServer) -> None:
    editor = CoverageEditor(Engine(coverage_settings(tmp_path, fetch_allow_private=False)))
    seen = len(pages.hits)
    with pytest.raises(
        CoverageError, match=r"127\.0\.0\.1, an address on a private, local or reserved network"
    ):
        editor.add(pages.url("/pages/usnewsmag_followup.html"))
    assert pages.hits[seen:] == [], f"expected no request to reach the server, got {pages.hits[seen:]}"


def test_remove_unknown_or_last_article_is_refused(refusing: CoverageEditor) -> None:
    with pytest.raises(CoverageError, match="There is no article 'nope'"):
        refusing.remove("nope")
    with pytest.raises(CoverageError, match="There is no article"):
        refusing.remove("../corpus/000_ea547c8e259735c0")
