"""The disagreement digest: facts the articles differ on, found without a question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import digest as digest_module
from bot.core.digest import Digest, DigestConfig, DigestError, Disagreement, digest
from bot.core.engine import Engine
from bot.core.extract import candidates
from bot.core.question import analyse
from bot.core.retrieve import retrieve
from bot.settings import PROJECT_ROOT, Settings, load_settings


@pytest.fixture(scope="module")
def seed_digest(engine: Engine) -> Digest:
    return digest(engine, fresh=True)


def _find(found: Digest, kind: str, measure: str, place: str) -> Disagreement:
    matches = [d for d in found.disagreements if (d.kind, d.measure, d.place) == (kind, measure, place)]
    listed = [(d.kind, d.measure, d.place) for d in found.disagreements]
    assert matches, f"expected a {kind} disagreement on {measure!r} in {place}, got {listed}"
    return matches[0]


@pytest.mark.parametrize(
    ("kind", "measure", "place", "values"),
    [
        ("number", "killed", "Baghdad", {"3", "1"}),
        ("date", "date", "Jordan", {"2024-01-27", "2024-01-28"}),
        ("number", "injured", "Jordan", {"34", "40"}),
    ],
)
def test_digest_seed_disagreements_listed(seed_digest: Digest, kind, measure, place, values) -> None:
    found = _find(seed_digest, kind, measure, place)
    got = {v.value for v in found.values}
    assert got == values, f"expected values {values} for {measure} in {place}, got {got}"
    assert all(v.sources and v.articles == len({s.doc_id for s in v.sources}) for v in found.values)


def test_digest_seed_entries_cite_sentences_and_say_their_nature(seed_digest: Digest) -> None:
    baghdad = _find(seed_digest, "number", "killed", "Baghdad")
    one = next(v for v in baghdad.values if v.value == "1")
    assert one.sources[0].attribution == "U.S. officials", f"got {one.sources[0].attribution!r}"
    assert "one" in one.sources[0].sentence[one.sources[0].start : one.sources[0].end]
    for d in seed_digest.disagreements:
        assert d.nature in ("update", "disagreement") and d.why, f"no nature for {d.question}"
        assert d.articles >= 2, f"{d.question}: a disagreement needs two articles, got {d.articles}"


def test_digest_seed_ranked_by_articles(seed_digest: Digest) -> None:
    counts = [d.articles for d in seed_digest.disagreements]
    assert counts == sorted(counts, reverse=True), f"expected most articles first, got {counts}"


def test_digest_seed_lists_only_the_real_disagreements(seed_digest: Digest) -> None:
    """Every listed fact on the seeds was read and is real; nothing beyond the three is listed."""
    listed = {(d.measure, d.place) for d in seed_digest.disagreements}
    assert listed == {("killed", "Baghdad"), ("date", "Jordan"), ("injured", "Jordan")}, f"got {listed}"


def _article(title: str, stamp: str, body: str) -> str:
    return f"{title}\nFirst Published {stamp}\n{body}\n"


def _engine(corpus: Path, tmp_path: Path) -> Engine:
    return Engine(load_settings(corpus=corpus, index_dir=tmp_path / "index"))


def test_digest_two_events_in_two_places_are_no_disagreement(make_corpus, tmp_path: Path) -> None:
    corpus = make_corpus({
        "a.txt": _article("Blast in Baghdad", "Feb 8, 2024, 8:55 AM IST",
                          "Officials said three people were killed in the blast in Baghdad on Wednesday."),
        "b.txt": _article("Blast in Amman", "Feb 8, 2024, 9:55 AM IST",
                          "Police said five people were killed in the blast in Amman on Wednesday."),
        "c.txt": _article("Two blasts", "Feb 8, 2024, 10:55 AM IST",
                          "Three people were killed in Baghdad. Five people were killed in Amman."),
    })  # fmt: skip
    found = digest(_engine(corpus, tmp_path))
    assert not found.disagreements, f"expected none, got {[d.question for d in found.disagreements]}"


def test_digest_rising_toll_on_later_days_reads_as_update(make_corpus, tmp_path: Path) -> None:
    corpus = make_corpus({
        "a.txt": _article("Crash in Lyon", "Jun 2, 2023, 8:55 PM IST",
                          "At least 50 people were killed in the train crash in Lyon on Friday."),
        "b.txt": _article("Crash in Lyon", "Jun 3, 2023, 8:55 AM IST",
                          "At least 200 people were killed in the train crash in Lyon on Friday."),
        "c.txt": _article("Crash in Lyon", "Jun 4, 2023, 8:55 AM IST",
                          "Officials said 250 people were killed in the train crash in Lyon on Friday."),
    })  # fmt: skip
    found = digest(_engine(corpus, tmp_path))
    killed = _find(found, "number", "killed", "Lyon")
    assert killed.nature == "update", f"expected an update, got {killed.nature}: {killed.why}"
    assert "rising" in killed.why, f"expected a rising figure, got {killed.why!r}"


def test_digest_same_day_different_figures_read_as_disagreement(make_corpus, tmp_path: Path) -> None:
    corpus = make_corpus({
        "a.txt": _article("Crash in Lyon", "Jun 3, 2023, 8:55 AM IST",
                          "Police said 12 people were killed in the train crash in Lyon on Friday."),
        "b.txt": _article("Crash in Lyon", "Jun 3, 2023, 9:55 AM IST",
                          "Doctors said 20 people were killed in the train crash in Lyon on Friday."),
    })  # fmt: skip
    found = digest(_engine(corpus, tmp_path))
    killed = _find(found, "number", "killed", "Lyon")
    assert killed.nature == "disagreement", f"expected a disagreement, got {killed.nature}: {killed.why}"


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("The 2013 attack on a mall in Lyon killed 67 people.", "another year"),
        ("He said 40 gunmen were killed in Lyon.", "counts something else"),
        ("An ex gratia of Rs 50,000 goes to the injured in Lyon.", "money"),
    ],
)
def test_digest_drops_figures_about_something_else(make_corpus, tmp_path: Path, sentence, why) -> None:
    corpus = make_corpus({
        "a.txt": _article("Attack in Lyon", "Jun 3, 2023, 8:55 AM IST",
                          f"Police said 12 were killed and 30 injured in the attack in Lyon. {sentence}"),
        "b.txt": _article("Attack in Lyon", "Jun 3, 2023, 9:55 AM IST",
                          "Police said 12 people were killed and 30 injured in the attack in Lyon."),
    })  # fmt: skip
    found = digest(_engine(corpus, tmp_path))
    assert not found.disagreements, (
        f"{why}: expected none, got {[d.model_dump() for d in found.disagreements]}"
    )
    assert found.agreed >= 1, f"expected the agreed toll to be counted, got {found.agreed}"


def test_digest_kept_beside_the_index_and_reused(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    first = digest(engine)
    config = DigestConfig.load(engine.settings.config_dir / "digest.toml")
    path = digest_module.cache_file(engine, config)
    assert path.is_file(), f"expected the digest kept at {path}"
    digest_module._memory.clear()

    def fail(*args, **kwargs):
        raise AssertionError("recomputed although a kept digest exists")

    monkeypatch.setattr(digest_module, "compute", fail)
    assert digest(engine) == first


def test_digest_unreadable_kept_file_is_recomputed(engine: Engine) -> None:
    config = DigestConfig.load(engine.settings.config_dir / "digest.toml")
    path = digest_module.cache_file(engine, config)
    digest(engine)
    path.write_text("{not json", encoding="utf-8")
    digest_module._memory.clear()
    assert digest(engine).disagreements, "expected the digest recomputed from a broken file"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is missing"),
        (b"[counts\n", "cannot be read"),
        (b'[counts]\nkilled = "how many were killed?"\n', "must contain {place}"),
        (b"[limits]\nmax_questions = 0\n", "invalid"),
    ],
)
def test_digest_config_errors_say_what_to_fix(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "digest.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DigestError, match=message):
        DigestConfig.load(path)


def test_digest_config_shipped_names_no_event() -> None:
    config = DigestConfig.load(PROJECT_ROOT / "config" / "digest.toml")
    text = (PROJECT_ROOT / "config" / "digest.toml").read_text(encoding="utf-8").lower()
    for name in ("baghdad", "jordan", "hezbollah", "balasore", "garissa"):
        assert name not in text, f"config/digest.toml must not name the seed events ({name})"
    assert config.counts and config.events


def test_digest_json_round_trips(seed_digest: Digest, settings: Settings) -> None:
    assert Digest.model_validate_json(seed_digest.model_dump_json()) == seed_digest


@pytest.mark.parametrize("kind", ["count", "date", "person", "place"])
def test_digest_mention_kinds_match_the_assembled_passages(engine: Engine, kind: str) -> None:
    index = engine.index
    kinds = digest_module._MentionKinds(index)
    for n in range(len(index)):
        expected = any(m.kind == kind for m in index.passage(n).mentions)
        got = kinds.holds(n, {kind})
        assert got == expected, f"passage {n}: expected holds({kind!r}) {expected}, got {got}"


def test_digest_anchor_places_match_the_assembled_passages(engine: Engine) -> None:
    index = engine.index
    config = DigestConfig.load(engine.settings.config_dir / "digest.toml")
    anchors = digest_module._Anchors(index, digest_module._Gate(index, config))
    for n in range(len(index)):
        p = index.passage(n)
        expected = {r.entity for r in p.places} or {m.place for m in p.mentions} | {p.context_place}
        got = anchors.places(n)
        assert got == expected, f"passage {n}: expected places {expected}, got {got}"


def test_digest_candidates_are_tied_to_one_of_the_anchor_places(engine: Engine) -> None:
    """What skipping passages by their places rests on: `candidates` ties each to one of them."""
    index = engine.index
    config = DigestConfig.load(engine.settings.config_dir / "digest.toml")
    anchors = digest_module._Anchors(index, digest_module._Gate(index, config))
    asked, _ = digest_module.probes(index, config)
    tied = 0
    for probe in asked:
        q = analyse(probe.question, index)
        for c in candidates(q, index, retrieve(q, index)):
            assert c.place in anchors.places(c.passage), (
                f"{probe.question!r}: expected the place {c.place} among {anchors.places(c.passage)}"
            )
            tied += c.place is not None
    assert tied, "expected some candidates tied to a place"


@pytest.mark.parametrize("skipped", ["kinds", "anchors", "both"])
def test_digest_skipping_passages_that_give_no_candidate_changes_nothing(
    engine: Engine, seed_digest: Digest, monkeypatch: pytest.MonkeyPatch, skipped: str
) -> None:
    if skipped in ("kinds", "both"):
        monkeypatch.setattr(digest_module._MentionKinds, "holds", lambda self, passage, kinds: True)
    if skipped in ("anchors", "both"):
        monkeypatch.setattr(digest_module._Anchors, "may_pass", lambda self, asked, passage: True)
    config = DigestConfig.load(engine.settings.config_dir / "digest.toml")
    unfiltered = digest_module.compute(engine, config)
    assert unfiltered.model_dump() == seed_digest.model_dump(), (
        "expected the same digest with every retrieved passage read, got a different one"
    )
