"""Passages: one per sentence of the seed articles, with positions, typed mentions and their values."""

from __future__ import annotations

import pytest

from index.build import BuildOptions, open_index
from index.passages import insertions, positions
from index.store import Index
from index.terms import tokenize
from tests.helpers import mention_in

RIVERS = (
    "Sgt William Rivers, 46, Specialist Kennedy Sanders, 24, and Specialist Breonna Moffett, 23, were "
    "killed in the attack on the Tower 22 base in Jordan, which injured another 34."
)


def test_passages_rivers_list_is_one_sentence(passage_with) -> None:
    p = passage_with("002", "Sgt William Rivers")
    assert p.text == RIVERS, f"expected the whole list as one passage, got {p.text!r}"


@pytest.mark.parametrize(
    ("doc", "heading", "next_starts"),
    [
        ("003", "Conflicting Reports on Casualties", "Reports on the aftermath"),
        ("003", "Military Confirmation and Presidential Authorization", "U.S. Central Command confirmed"),
        ("003", "Escalation of Tensions and Regional Context", "The recent surge in tensions"),
    ],
)
def test_passages_heading_is_own_passage(
    index: Index, passage_with, doc: str, heading: str, next_starts: str
):
    p = passage_with(doc, heading)
    assert p.text == heading, f"expected the heading alone, got {p.text!r}"
    assert p.heading, f"expected {heading!r} marked as a heading"
    number = next(i for i in range(len(index)) if index.passage(i) == p)
    following = index.passage(number + 1)
    assert following.text.startswith(next_starts), (
        f"expected next passage {next_starts!r}, got {following.text!r}"
    )
    assert not following.heading, f"expected {following.text!r} not to be a heading"


def test_passages_numbered_in_article_order(index: Index) -> None:
    for doc_id, numbers in index.passages_by_doc.items():
        order = [index.passage(n).i for n in numbers]
        assert order == list(range(len(numbers))), f"{doc_id}: expected passages 0..n-1, got {order!r}"


def test_passages_text_matches_offsets_terms_per_token(index: Index) -> None:
    for n in range(len(index)):
        p = index.passage(n)
        tokens = tokenize(p.text)
        lengths = {len(tokens), len(p.terms), len(p.stops), len(p.pos), len(p.depth)}
        assert lengths == {len(tokens)}, (
            f"passage {n}: expected one term/stop/pos/depth per token, got {lengths}"
        )
        assert p.end - p.start == len(p.text), (
            f"passage {n}: offsets span {p.end - p.start}, text {len(p.text)}"
        )


@pytest.mark.parametrize(
    ("doc", "fragment", "text", "value", "qualifier"),
    [
        ("000", "Iraqi security sources confirmed", "at least three", "3", "at least"),
        ("000", "around 900 troops", "around 900", "900", "around"),
        ("000", "around 900 troops", "2,500", "2500", None),
        ("001", "injured over 40 others", "over 40", "40", "over"),
        ("002", "Sgt William Rivers", "another 34", "34", "another"),
        ("002", "With up to 10,000 members", "up to 10,000", "10000", "up to"),
        ("003", "initially stating one casualty", "one", "1", None),
    ],
)
def test_passages_count_mentions_normalized(passage_with, doc, fragment, text, value, qualifier) -> None:
    m = mention_in(passage_with(doc, fragment), text)
    assert (m.kind, m.value, m.qualifier) == ("count", value, qualifier), (
        f"{text!r}: expected ('count', {value!r}, {qualifier!r}), got {(m.kind, m.value, m.qualifier)!r}"
    )


@pytest.mark.parametrize(
    ("doc", "fragment", "text", "value"),
    [
        ("000", "on Wednesday", "Wednesday", "2024-02-07"),
        ("000", "last week in which", "last week", "2024-W05"),
        ("000", "since mid-October", "mid-October", "2023-10"),
        ("001", "A February 7th", "February 7th", "2024-02-07"),
        ("001", "January 27th drone strike", "January 27th", "2024-01-27"),
        ("002", "in Jordan last month", "last month", "2024-01"),
        ("002", "in February 2020", "February 2020", "2020-02"),
        ("003", "the previous month", "the previous month", "2024-01"),
        ("003", "following the January 28 attack", "January 28", "2024-01-28"),
    ],
)
def test_passages_date_mentions_resolved(passage_with, doc, fragment, text, value) -> None:
    m = mention_in(passage_with(doc, fragment), text)
    assert (m.kind, m.value) == ("date", value), (
        f"{text!r}: expected date {value!r}, got {(m.kind, m.value)!r}"
    )


@pytest.mark.parametrize(
    ("doc", "fragment", "text"),
    [("002", "At 9.30pm February 7", "9.30pm"), ("003", "at 9:30 pm local time", "9:30 pm")],
)
def test_passages_time_mentions_24_hour(passage_with, doc: str, fragment: str, text: str) -> None:
    m = mention_in(passage_with(doc, fragment), text)
    assert (m.kind, m.value) == ("time", "21:30"), (
        f"{text!r}: expected time '21:30', got {(m.kind, m.value)!r}"
    )


def test_passages_quoted_last_night_is_not_dated(passage_with) -> None:
    p = passage_with("002", "Last night, three US service members")
    dated = [m.text for m in p.mentions if m.kind == "date" and m.text.lower() == "last night"]
    assert not dated, f"expected no date for 'Last night' inside a quote, got {dated!r}"


def test_passages_ages_are_not_counts(index: Index, passage_with) -> None:
    p = passage_with("002", "Sgt William Rivers")
    ages = {m.text: m for m in p.mentions if m.kind == "age"}
    assert set(ages) == {"46", "24", "23"}, f"expected ages 46, 24, 23, got {sorted(ages)!r}"
    owner = ages["46"].of and index.entities[ages["46"].of].name
    assert owner == "William Rivers", f"expected 46 to be William Rivers' age, got {owner!r}"
    counts = [m.text for m in p.mentions if m.kind == "count"]
    assert counts == ["another 34"], f"expected only 'another 34' counted, got {counts!r}"


def test_passages_insertion_keeps_count_next_to_verb(passage_with) -> None:
    p = passage_with("003", "asserting that three individuals")
    tokens = [t.text for t in tokenize(p.text)]
    three, perished = tokens.index("three"), tokens.index("perished")
    gap = p.pos[perished] - p.pos[three]
    assert perished - three > 20, "expected the insertion to put many tokens between them"
    assert 0 < gap <= 4, f"expected 'three' within 4 positions of 'perished' (insertions skipped), got {gap}"


def test_insertions_parenthesis_and_including_clause() -> None:
    tokens = tokenize("three individuals, including Wissam (Abu Baqir), the commander, had perished")
    ranges = insertions(tokens, name_ends=set())
    covered = {tokens[k].text for lo, hi in ranges for k in range(lo, hi)}
    for word in ("including", "Wissam", "Abu", "Baqir"):
        assert word in covered, f"expected {word!r} inside an insertion, got ranges {ranges!r}"
    assert "perished" not in covered, "expected the main verb outside every insertion"


def test_insertions_list_is_not_an_insertion() -> None:
    tokens = tokenize("the US, the UK, and France agreed")
    assert insertions(tokens, name_ends={2}) == [], "expected a list ', the UK, and' not to be an insertion"


def test_positions_skip_insertions() -> None:
    pos, depth = positions(6, [(1, 4)])
    assert pos == [0, 1, 2, 3, 1, 2], f"expected [0, 1, 2, 3, 1, 2], got {pos!r}"
    assert depth == [0, 1, 1, 1, 0, 0], f"expected [0, 1, 1, 1, 0, 0], got {depth!r}"


def test_passages_search_terms_drop_stop_words(passage_with) -> None:
    p = passage_with("000", "The drone fired three rockets")
    terms = p.search_terms()
    assert "rocket" in terms and "drone" in terms, f"expected lemmas 'rocket' and 'drone', got {terms!r}"
    assert "the" not in terms and "." not in terms, f"expected no stop words or punctuation, got {terms!r}"


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Over 300 individuals have been reported injured in the blast.", "300"),
        ("Press Trust of India/AP About 400 people were injured, officials said.", "400"),
    ],
)
def test_passages_capitalized_stop_word_before_number_is_not_a_name(
    make_corpus, tmp_path, sentence: str, count: str
) -> None:
    corpus = make_corpus({"a.txt": f"Blast in Riverton\n\n{sentence}\n"})
    index = open_index(BuildOptions(corpus=corpus, config_dir=tmp_path, index_dir=tmp_path / "index"))
    mentions = [m for n in range(len(index)) for m in index.passage(n).mentions]
    counts = [m.value for m in mentions if m.kind == "count"]
    names = [m.text for m in mentions if m.kind not in ("count", "date", "time", "measure")]
    assert count in counts, f"expected the count {count}, got counts {counts} and names {names}"
    assert not any(ch.isdigit() for name in names for ch in name), (
        f"expected no number in a name, got {names}"
    )


def test_passages_sentence_initial_people_noun_is_not_a_place(make_corpus, tmp_path) -> None:
    # Police is also a town in Poland; opening a sentence, it is the police
    corpus = make_corpus({"a.txt": "Siege in Riverton\n\nPolice identified the gunman as Omar Haddad.\n"})
    index = open_index(BuildOptions(corpus=corpus, config_dir=tmp_path, index_dir=tmp_path / "index"))
    named = [(m.text, m.kind) for n in range(len(index)) for m in index.passage(n).mentions]
    assert ("Police", "place") not in named, f"expected 'Police' not to be a place, got {named}"


@pytest.mark.parametrize(
    ("stamp", "dated"),
    [
        ("First Published Apr 3, 2015, 8:55 AM IST\n\n", True),
        ("", False),  # no publication date: "yesterday" could be any day
    ],
)
def test_passages_yesterday_only_in_a_dated_article(make_corpus, tmp_path, stamp: str, dated: bool) -> None:
    text = f"Attack in Riverton\n\n{stamp}Gunmen attacked a college in Riverton yesterday.\n"
    corpus = make_corpus(
        {
            "a.txt": text,
            "b.txt": "Riverton mourns\n\nFirst Published Apr 3, 2015, 9:10 AM IST\n\nA college was hit.\n",
        }
    )
    index = open_index(BuildOptions(corpus=corpus, config_dir=tmp_path, index_dir=tmp_path / "index"))
    dates = [m.text for n in range(len(index)) for m in index.passage(n).mentions if m.kind == "date"]
    assert ("yesterday" in dates) is dated, f"expected 'yesterday' dated: {dated}, got dates {dates}"
