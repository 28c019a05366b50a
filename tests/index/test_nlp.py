"""The spaCy pipeline: sentence rules for news copy and the count, date and time matchers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from index.articles import article_files, read_article
from index.nlp import _read, annotate, ruler_patterns
from index.normalize import parse_stamp

SEED_CORPUS = PROJECT_ROOT / "corpus"
SHARED_CORPORA = PROJECT_ROOT.parent / "shared" / "corpora"


def sentences(nlp, text: str) -> list[str]:
    return [s.text for s in nlp(text).sents]


def spans(nlp, text: str, label: str) -> list[str]:
    return [e.text for e in nlp(text).ents if e.label_ == label]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sgt. William Rivers, 46, was killed in Jordan. Maj. Gen. Pat Ryder said the strike was lawful.",
            [
                "Sgt. William Rivers, 46, was killed in Jordan.",
                "Maj. Gen. Pat Ryder said the strike was lawful.",
            ],
        ),
        (
            "Brig. Gen. Pat Ryder, the Pentagon press secretary, said at least three people were killed.",
            ["Brig. Gen. Pat Ryder, the Pentagon press secretary, said at least three people were killed."],
        ),
        (
            "Spc. Kennedy Sanders was 24. Lt. Col. Smith spoke on Jan. 28. Dr. Jones and Mr. Smith agreed.",
            [
                "Spc. Kennedy Sanders was 24.",
                "Lt. Col. Smith spoke on Jan. 28.",
                "Dr. Jones and Mr. Smith agreed.",
            ],
        ),
        (
            "Sgt William Rivers, 46, Specialist Kennedy Sanders, 24, and Specialist Breonna Moffett, 23, "
            "were killed in the attack on the Tower 22 base in Jordan, which injured another 34.",
            [
                "Sgt William Rivers, 46, Specialist Kennedy Sanders, 24, and Specialist Breonna Moffett, 23, "
                "were killed in the attack on the Tower 22 base in Jordan, which injured another 34."
            ],
        ),
    ],
)
def test_pipeline_title_abbreviations_do_not_split(nlp, text: str, expected: list[str]) -> None:
    got = sentences(nlp, text)
    assert got == expected, f"expected {expected!r}, got {got!r}"


def test_pipeline_splits_ordinary_sentences(nlp) -> None:
    got = sentences(nlp, "The drone fired three rockets. Witnesses heard explosions. Was anyone hurt?")
    expected = ["The drone fired three rockets.", "Witnesses heard explosions.", "Was anyone hurt?"]
    assert got == expected, f"expected {expected!r}, got {got!r}"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Iraqi security sources confirmed that at least three people were killed.", "at least three"),
        ("The attack injured over 40 others.", "over 40"),
        ("The attack injured another 34.", "another 34"),
        ("With up to 10,000 members, the group is large.", "up to 10,000"),
        ("The US maintains around 900 troops in Syria.", "around 900"),
        ("Officials stated one casualty.", "one"),
    ],
)
def test_pipeline_marks_counts_with_qualifier(nlp, text: str, count: str) -> None:
    got = spans(nlp, text, "COUNT")
    assert count in got, f"expected COUNT {count!r} in {text!r}, got {got!r}"


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("The strike happened on Wednesday.", "Wednesday"),
        ("It killed three troops in Jordan last month.", "last month"),
        ("Biden authorized this response last week.", "last week"),
        ("The January 27th drone strike killed three.", "January 27th"),
        ("The attack on Jan. 28 killed three.", "Jan. 28"),
        ("He was designated in February 2020.", "February 2020"),
        ("Attacks have escalated since mid-October.", "mid-October"),
        ("It happened the previous month.", "the previous month"),
    ],
)
def test_pipeline_marks_dates(nlp, text: str, when: str) -> None:
    got = spans(nlp, text, "DATE")
    assert when in got, f"expected DATE {when!r} in {text!r}, got {got!r}"


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("At 9.30pm February 7, forces conducted a strike.", "9.30pm"),
        ("The strike was at 9:30 pm local time.", "9:30 pm"),
        ("The strike was at 9:30 p.m. local time.", "9:30 p.m."),
        ("The strike was at 21:30 GMT.", "21:30 GMT"),
        ("The strike came at noon.", "noon"),
    ],
)
def test_pipeline_marks_times(nlp, text: str, clock: str) -> None:
    got = spans(nlp, text, "TIME")
    assert clock in got, f"expected TIME {clock!r} in {text!r}, got {got!r}"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Iran-backed militia officials named Wissam Muhammad Sabir Al-Saadi.",
            "Wissam Muhammad Sabir Al-Saadi",
        ),
        ("A statement from the US Department of Defense said so.", "US Department of Defense"),
        ("The attack on the Tower 22 base killed three.", "Tower 22"),
    ],
)
def test_pipeline_marks_proper_noun_runs(nlp, text: str, name: str) -> None:
    doc = nlp(text)
    got = [s.text for s in doc.spans["propn"]]
    assert name in got, f"expected {name!r} among proper nouns, got {got!r}"


def test_ruler_patterns_cover_three_labels() -> None:
    labels = {p["label"] for p in ruler_patterns()}
    assert labels == {"COUNT", "DATE", "TIME"}, f"expected COUNT, DATE and TIME, got {labels!r}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the gunmen stormed the campus around 5am as they prayed", ["around 5am"]),
        ("it began at about 9:30 p.m. local time", ["about 9:30 p.m."]),
    ],
)
def test_pipeline_a_qualified_clock_time_is_a_time_not_a_count(nlp, text: str, expected: list[str]) -> None:
    got = spans(nlp, text, "TIME")
    assert got == expected, f"{text!r}: expected times {expected}, got {got}"


def _corpus_paragraphs(folder: Path) -> list[str]:
    found = []
    for path in article_files(folder):
        article = read_article(path, None, parse_stamp)
        if article is not None:
            found += [article.text[p.start : p.end] for p in article.paragraphs]
    return found


EDGE_TEXTS = [
    'Sgt. Maj. John F. Kennedy Jr. arrived at 9:30 p.m. The next day, Dr. Smith said: "It\'s over!" Then...',
    "U.S.A. troops?! Yes... (Really.) \"No,\" he said. '9.30pm GMT' -- 2024-02-07.",
    "One",
    "?!",
]


@pytest.mark.parametrize(
    "folder",
    [SEED_CORPUS, PROJECT_ROOT / "tests/data/extra_corpus", *sorted(SHARED_CORPORA.glob("*/articles"))],
    ids=lambda p: p.parent.name if p.name == "articles" else p.name,
)
def test_annotate_blank_pipeline_reads_what_the_doc_components_set(nlp, folder: Path) -> None:
    texts = _corpus_paragraphs(folder) + EDGE_TEXTS
    got = list(annotate(nlp, texts))
    expected = [_read(doc) for doc in nlp.pipe(texts)]  # the components, read back from each Doc
    differing = [(text, g, e) for text, g, e in zip(texts, got, expected, strict=True) if g != e]
    assert not differing, f"expected the Doc path's annotations, got for {differing[0][0]!r}: " + (
        f"{differing[0][1]} instead of {differing[0][2]}"
    )
