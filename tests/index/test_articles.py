"""Reading and cleaning articles: site chrome, banners, captions, stamps, headings, encodings, metadata."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from index.articles import (
    MAX_ARTICLE_BYTES,
    CorpusError,
    SourceInfo,
    article_files,
    clean,
    decode,
    load_sources,
    normalize,
    read_article,
)
from index.build import BuildOptions, open_index
from index.normalize import parse_stamp
from index.store import Index
from tests.conftest import SEED_CORPUS
from tests.helpers import SMALL_ARTICLE

BODY = "Officials said three people were killed in the strike."
ASIANET = SEED_CORPUS / "004_2e80b37fffd6de0c.txt"


def paragraphs(text: str) -> list[tuple[str, bool]]:
    cleaned = clean(text)
    return [(cleaned.text[p.start : p.end], p.heading) for p in cleaned.paragraphs]


@pytest.mark.parametrize(
    "chrome",
    [
        "Latest Videos",
        "Follow Us:",
        "Download App:",
        "• android",
        "  • ios",
        "Advertisement",
        "Share this article",
        "Read more: Iraq demands US troops leave",
        "All rights reserved.",
    ],
)
def test_clean_drops_site_chrome_line(chrome: str) -> None:
    cleaned = clean(f"{BODY}\n{chrome}\n")
    assert cleaned.text == BODY, f"expected only the body, got {cleaned.text!r}"


def test_clean_keeps_chrome_words_inside_a_sentence() -> None:
    line = "Latest videos show the vehicle burning after the strike."
    cleaned = clean(f"{line}\n")
    assert cleaned.text == line, f"expected {line!r} kept, got {cleaned.text!r}"


def test_clean_doubled_banner_becomes_outlet() -> None:
    cleaned = clean(f"Asianet NewsableAsianet Newsable\n\n{BODY}\n")
    assert cleaned.outlet == "Asianet Newsable", f"expected 'Asianet Newsable', got {cleaned.outlet!r}"
    assert "Newsable" not in cleaned.text, f"expected the banner dropped, got {cleaned.text!r}"


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        ("Copyright 2024, USNewsMag.com", "USNewsMag.com"),
        ("Copyright 2024, X", "X"),
        ("© 2024 Global Wire", "Global Wire"),
        ("Copyright © 2024 The Daily Planet. All rights reserved.", "The Daily Planet"),
        ("Copyright (c) 2024 USNewsMag.com", "USNewsMag.com"),
        ("© Copyright 2024 Reuters", "Reuters"),
    ],
)
def test_clean_copyright_line_becomes_outlet(line: str, owner: str) -> None:
    cleaned = clean(f"{BODY}\n\n{line}\n")
    assert cleaned.text == BODY, f"expected the copyright line dropped, got {cleaned.text!r}"
    assert cleaned.outlet == owner, f"expected outlet {owner!r}, got {cleaned.outlet!r}"


def test_clean_drops_captions_glued_to_agency_names() -> None:
    raw = (
        f"{BODY}\n"
        "ReutersPeople inspect a vehicle, after what security sources said was a deadly drone "
        "strike[/caption]\n"
        "AFPEmergency services gather around a vehicle hit by a drone strike in Baghdad[/caption]\n"
        "The Iran-backed militia is said to have been responsible.\n"
    )
    cleaned = clean(raw)
    for leftover in ("[/caption]", "ReutersPeople", "AFPEmergency", "inspect a vehicle"):
        assert leftover not in cleaned.text, f"expected {leftover!r} removed, got {cleaned.text!r}"
    assert "The Iran-backed militia" in cleaned.text, f"expected the next sentence kept, got {cleaned.text!r}"


def test_clean_first_published_stamp_is_not_content() -> None:
    cleaned = clean(f"Headline Here\nFirst Published Feb 8, 2024, 8:55 AM IST\n\n{BODY}\n")
    assert cleaned.stamp == "Feb 8, 2024, 8:55 AM IST", (
        f"expected the stamp kept aside, got {cleaned.stamp!r}"
    )
    assert "Published" not in cleaned.text, f"expected the stamp out of the text, got {cleaned.text!r}"


def test_clean_first_published_wins_over_updated() -> None:
    raw = f"First Published Feb 8, 2024, 8:55 AM IST\nLast Updated Feb 9, 2024, 10:00 AM IST\n{BODY}\n"
    cleaned = clean(raw)
    assert parse_stamp(cleaned.stamp or "") == date(2024, 2, 8), (
        f"expected Feb 8 published, got {cleaned.stamp!r}"
    )
    assert cleaned.text == BODY, f"expected both stamps out of the text, got {cleaned.text!r}"


def test_clean_dateline_gives_outlet_and_is_stripped() -> None:
    cleaned = clean("(USNewsMag.com) – A February 7th U.S. drone strike killed a top leader.\n")
    assert cleaned.outlet == "USNewsMag.com", f"expected 'USNewsMag.com', got {cleaned.outlet!r}"
    assert cleaned.text.startswith("A February 7th"), f"expected the dateline stripped, got {cleaned.text!r}"


def test_clean_heading_without_final_punctuation_is_own_paragraph() -> None:
    got = paragraphs(f"Conflicting Reports on Casualties\n{BODY}\n")
    expected = [("Conflicting Reports on Casualties", True), (BODY, False)]
    assert got == expected, f"expected {expected!r}, got {got!r}"


def test_clean_joins_line_wrapped_mid_sentence() -> None:
    got = paragraphs("Officials said three people were killed\nin the strike on Wednesday.\n")
    expected = [("Officials said three people were killed in the strike on Wednesday.", False)]
    assert got == expected, f"expected {expected!r}, got {got!r}"


def test_clean_drops_repeated_headline() -> None:
    headline = "US airstrike eliminates commander of Iran-backed Kata'ib Hezbollah in Iraq"
    cleaned = clean(f"{headline}\n\n{headline}\n{BODY}\n")
    assert cleaned.text.count(headline) == 1, f"expected the headline once, got {cleaned.text!r}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kata’ib Hezbollah", "Kata'ib Hezbollah"),
        ("a “unilateral strike”", 'a "unilateral strike"'),
        ("the ‘footprints’", "the 'footprints'"),
        ("three\u00a0people", "three people"),
        ("zero\u200bwidth", "zerowidth"),
        ("line one\r\nline two", "line one\nline two"),
    ],
)
def test_normalize_unifies_quotes_and_spaces(raw: str, expected: str) -> None:
    assert normalize(raw) == expected, f"expected {expected!r}, got {normalize(raw)!r}"


TEXT = "The “unilateral strike” in Baghdad’s Mashtal neighbourhood — café."


@pytest.mark.parametrize(
    ("raw", "warns"),
    [
        (TEXT.encode("utf-8"), False),
        (TEXT.encode("utf-8-sig"), False),
        (TEXT.encode("utf-16"), False),  # with its BOM
        (TEXT.encode("cp1252"), True),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "windows-1252"],
)
def test_decode_reads_text_encodings(raw: bytes, warns: bool, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        got = decode(raw, "article.txt")
    assert got == TEXT, f"expected {TEXT!r}, got {got!r}"
    warned = [r.getMessage() for r in caplog.records if "article.txt" in r.getMessage()]
    assert bool(warned) == warns, f"expected a warning: {warns}, got {warned!r}"


@pytest.mark.parametrize(
    "raw",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", b"caf\x81\x8d\x8f\x90\x9d text"],
    ids=["nul-bytes", "not-utf8-nor-cp1252"],
)
def test_decode_binary_is_skipped_with_warning_naming_file(
    raw: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        got = decode(raw, "photo.txt")
    assert got is None, f"expected None for bytes that are not text, got {got!r}"
    assert any("photo.txt" in r.getMessage() for r in caplog.records), "expected a warning naming photo.txt"


def test_read_article_stamp_becomes_publication_date() -> None:
    article = read_article(ASIANET, None, parse_stamp)
    assert article is not None, "expected the Asianet article to be read"
    assert article.published == date(2024, 2, 8), f"expected 2024-02-08, got {article.published}"
    assert article.outlet == "Asianet Newsable", f"expected the banner as outlet, got {article.outlet!r}"
    for chrome in ("Latest Videos", "Follow Us", "Download App", "android", "First Published"):
        assert chrome not in article.text, f"expected {chrome!r} removed from the article text"


def test_read_article_sidecar_overrides_text(tmp_path: Path) -> None:
    info = SourceInfo(outlet="Sidecar Outlet", title="Sidecar Title", published=date(2024, 2, 9))
    article = read_article(ASIANET, info, parse_stamp)
    assert article is not None
    got = (article.outlet, article.title, article.published)
    expected = ("Sidecar Outlet", "Sidecar Title", date(2024, 2, 9))
    assert got == expected, f"expected {expected!r}, got {got!r}"


def test_read_article_title_is_first_line_and_doc_id_is_stem(tmp_path: Path) -> None:
    path = tmp_path / "777_story.txt"
    path.write_text(f"Strike in Baghdad\n{BODY}\n", encoding="utf-8")
    article = read_article(path, None, parse_stamp)
    assert article is not None
    assert (article.doc_id, article.title) == ("777_story", "Strike in Baghdad"), f"got {article!r}"


@pytest.mark.parametrize("content", ["Latest Videos\nFollow Us:\nDownload App:\n• android\n", "", "\n  \n"])
def test_read_article_without_content_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    path = tmp_path / "chrome.txt"
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert read_article(path, None, parse_stamp) is None, "expected None for a chrome-only file"
    assert any("chrome.txt" in r.getMessage() for r in caplog.records), "expected a warning naming the file"


def test_seed_index_has_no_boilerplate(index: Index) -> None:
    leftovers = ["[/caption]", "ReutersPeople", "AFPEmergency", "Latest Videos", "Follow Us", "Download App",
                 "android", "Copyright", "First Published", "Asianet NewsableAsianet"]  # fmt: skip
    for i in range(len(index)):
        text = index.passage(i).text
        found = [x for x in leftovers if x in text]
        assert not found, f"expected no boilerplate, got {found!r} in passage {i}: {text!r}"


def test_seed_index_outlets_from_text_and_sidecar(index: Index) -> None:
    outlets = {doc_id[:3]: article.outlet for doc_id, article in index.articles.items()}
    assert outlets["001"] == "USNewsMag.com", f"expected 'USNewsMag.com', got {outlets['001']!r}"
    assert outlets["004"] == "Asianet Newsable", f"expected 'Asianet Newsable', got {outlets['004']!r}"


def test_seed_index_has_no_curly_quotes(index: Index) -> None:
    for i in range(len(index)):
        text = index.passage(i).text
        assert not set(text) & set("‘’“”"), f"expected straight quotes only, got {text!r}"


def test_article_files_missing_folder_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(CorpusError, match="nowhere"):
        article_files(missing)


def test_article_files_empty_folder_is_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"no \.txt articles"):
        article_files(tmp_path)


def test_article_files_file_instead_of_folder_is_error(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(BODY, encoding="utf-8")
    with pytest.raises(CorpusError, match="folder"):
        article_files(path)


def test_article_files_only_txt_in_name_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "c.md", "d.TXT"):
        (tmp_path / name).write_text(BODY, encoding="utf-8")
    got = [p.name for p in article_files(tmp_path)]
    assert got == ["a.txt", "b.txt", "d.TXT"], f"expected ['a.txt', 'b.txt', 'd.TXT'], got {got!r}"


def test_load_sources_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_sources(tmp_path / "sources.toml") == {}, "expected no metadata without a sidecar"


def test_load_sources_broken_toml_ignored_with_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('["001"\noutlet = "X', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        got = load_sources(path)
    assert got == {}, f"expected no metadata from a broken file, got {got!r}"
    assert any("sources.toml" in r.getMessage() for r in caplog.records), "expected a warning naming the file"


def test_load_sources_bad_entry_ignored_others_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '["good"]\noutlet = "Good Times"\npublished = 2024-02-08\n\n'
        '["bad"]\nurl = "ftp://example.com"\n\n'
        '["typo"]\noutlett = "Misspelled"\n',
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        got = load_sources(path)
    assert list(got) == ["good"], f"expected only 'good' kept, got {list(got)!r}"
    assert got["good"].published == date(2024, 2, 8), f"expected 2024-02-08, got {got['good'].published}"
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "bad" in warned and "typo" in warned, f"expected warnings naming 'bad' and 'typo', got {warned!r}"


# --- one bad file stays local ------------------------------------------------------------------------


def test_article_files_symlink_out_of_the_folder_is_skipped_with_a_warning_naming_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("The password is hunter2.", encoding="utf-8")
    (corpus / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (corpus / "alias.txt").symlink_to(corpus / "a.txt")  # inside the folder: fine
    with caplog.at_level(logging.WARNING):
        got = [p.name for p in article_files(corpus)]
    assert got == ["a.txt", "alias.txt"], f"expected the outside link skipped, got {got}"
    assert any("leak.txt" in r.getMessage() for r in caplog.records), "expected a warning naming leak.txt"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_read_article_over_the_size_cap_reads_only_its_first_part_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, encoding: str
) -> None:
    path = tmp_path / "dump.txt"
    lines = (f"Officials said {i} people were killed in the strike — é.\n" for i in range(3 * 10**5))
    path.write_text("".join(lines), encoding=encoding)  # over 3 MB in either encoding
    with caplog.at_level(logging.WARNING):
        article = read_article(path, None, parse_stamp)
    assert article is not None, "expected the article read"
    assert len(article.text.encode(encoding)) <= MAX_ARTICLE_BYTES, f"got {len(article.text)} characters"
    assert article.text.rstrip().endswith("é."), f"expected whole lines, got ...{article.text[-40:]!r}"
    warned = [r.getMessage() for r in caplog.records]
    assert any("dump.txt" in w and "first" in w for w in warned), f"expected a warning naming it: {warned}"
    assert not any("Windows-1252" in w for w in warned), f"expected no character cut in two: {warned}"


def test_open_index_an_unreadable_article_is_skipped_and_the_rest_indexed(
    tmp_path: Path, make_corpus, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """chmod 000 as a non-root user; as root (CI) opening the file is made to fail instead."""
    corpus = make_corpus({"a.txt": SMALL_ARTICLE, "locked.txt": SMALL_ARTICLE.replace("three", "two")})
    real_open = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    options = BuildOptions(corpus=corpus, config_dir=tmp_path / "config", index_dir=tmp_path / "index")
    with caplog.at_level(logging.WARNING):
        index = open_index(options)
    assert sorted(index.articles) == ["a"], f"expected only a.txt indexed, got {sorted(index.articles)}"
    assert any("locked.txt" in r.getMessage() for r in caplog.records), "expected a warning naming it"
