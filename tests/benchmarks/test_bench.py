"""The benchmark's pure parts: the synthetic corpus generator, percentiles, retrieval scores, the table.

Nothing here is timed: `crosscheck bench` measures, these tests only check it
measures the right things.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import synthetic
from benchmarks.bench import Figure, percentile, question_texts, render, retrieval_scores
from bot.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "corpus"
NAMES = synthetic.replaceable_names(
    [("Joe Biden", "person"), ("Kataib Hezbollah", "org"), ("Baghdad", "place"), ("Iraq", "place")]
)


def test_replaceable_names_adds_surnames_and_skips_other_kinds() -> None:
    names = synthetic.replaceable_names([("Joe Biden", "person"), ("Iraqi", "norp"), ("Iraq", "place")])
    assert names == {"Joe Biden": "person", "Biden": "surname", "Iraq": "place"}


def test_seed_article_separates_headline_headings_and_sentences() -> None:
    raw = "Big Headline\n\nThe first sentence is here. A second one follows!\n\nA Sub Heading\n\nToo short."
    seed = synthetic.seed_article(raw)
    # Fragments under four words ("Too short.") are not worth recombining.
    assert seed.sentences == ("The first sentence is here.", "A second one follows!")
    assert seed.headings == ("A Sub Heading",)


def test_articles_have_the_expected_structure_and_size() -> None:
    seeds = synthetic.read_seeds(SEEDS)
    made = list(synthetic.articles(seeds, NAMES, n_passages=300, seed=1))
    # 20-40 sentences and a headline each: 300 passages take 8 to 15 articles.
    assert 7 <= len(made) <= 15
    assert len({stem for stem, _ in made}) == len(made)
    for _, text in made:
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        headline = paragraphs[0]
        assert not headline.endswith((".", "!", "?"))  # a heading, as the cleaner reads it
        body = [p for p in paragraphs[1:] if not p.startswith(("First Published", "Copyright"))]
        sentences = [s for p in body for s in synthetic.split_sentences(p)]
        assert 15 <= len(sentences) <= 45


def test_articles_are_deterministic_and_vary_with_the_seed() -> None:
    seeds = synthetic.read_seeds(SEEDS)
    first = list(synthetic.articles(seeds, NAMES, n_passages=100, seed=7))
    assert first == list(synthetic.articles(seeds, NAMES, n_passages=100, seed=7))
    assert first != list(synthetic.articles(seeds, NAMES, n_passages=100, seed=8))


def test_names_are_swapped_consistently_within_an_article() -> None:
    import random

    cast = synthetic.Cast(random.Random(3), NAMES)
    picks = {cast.stand_in("Joe Biden") for _ in range(5)}
    assert len(picks) == 1
    assert cast.stand_in("Biden") == next(iter(picks)).split()[-1]
    assert cast.stand_in("Iraq") in synthetic.COUNTRIES


def test_write_corpus_copies_the_seeds_and_writes_articles(tmp_path: Path) -> None:
    count = synthetic.write_corpus(tmp_path / "c", SEEDS, NAMES, n_passages=120, seed=5)
    files = sorted((tmp_path / "c").glob("*.txt"))
    assert len(files) == count
    assert {p.name for p in SEEDS.glob("*.txt")} <= {p.name for p in files}
    assert any(p.name.startswith("syn_") for p in files)


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5.0], 99) == 5.0
    assert percentile(list(range(101)), 99) == 99
    with pytest.raises(ValueError):
        percentile([], 50)


def test_retrieval_scores_use_doc_prefixes() -> None:
    ranked = ["004_x", "003_y", "004_x", "000_z"]
    scores = retrieval_scores(ranked, {"000", "003"}, ks=(1, 2, 4))
    assert scores == {"r@1": 0.0, "r@2": 0.5, "r@4": 1.0, "rr": 0.5}


def test_question_texts_dedupe_in_order() -> None:
    records = {"a": [{"question": "x"}, {"question": "y"}], "b": [{"question": "x"}, {"question": "z"}]}
    assert question_texts(records) == ["x", "y", "z"]


def test_render_marks_targets() -> None:
    table = render(
        [
            Figure("s", "fast", 2.0, "ms", 5.0),
            Figure("s", "slow", 9.0, "ms", 5.0),
            Figure("s", "n", None, "ms", 1),
        ],
        "header",
    )
    assert "PASS" in table and "FAIL" in table and "skipped" in table
