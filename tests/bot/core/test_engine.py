"""Engine.answer: every differing answer with its sources; abstention; bad questions."""

from __future__ import annotations

import pytest

from bot.core.engine import Engine, QuestionError, answer
from bot.core.models import Answer
from bot.settings import Settings, load_settings

BAGHDAD = "how many were killed in Baghdad?"


def claims(result: Answer) -> dict[str, list[str]]:
    """value -> the doc_id prefixes citing it."""
    return {c.value: [s.doc_id[:3] for s in c.sources] for c in result.answers}


def test_answer_baghdad_toll_gives_both_figures(engine: Engine) -> None:
    result = engine.answer(BAGHDAD)
    got = claims(result)
    assert set(got) == {"3", "1"}, f"expected answers 3 and 1, got {got!r}"
    assert result.conflict, "expected conflict=True for two differing answers"
    assert result.kind == "number", f"expected kind 'number', got {result.kind!r}"
    assert set(got["3"]) >= {"000", "001", "003"}, f"expected 3 from 000, 001, 003, got {got['3']!r}"
    assert got["1"] == ["003"], f"expected 1 from 003, got {got['1']!r}"


def test_answer_baghdad_toll_never_cites_jordan(engine: Engine) -> None:
    for claim in engine.answer(BAGHDAD).answers:
        for source in claim.sources:
            assert "Jordan" not in source.sentence, (
                f"expected no Jordan sentence for {claim.value}: {source.sentence!r}"
            )


def test_answer_ordered_by_number_of_articles(engine: Engine) -> None:
    counts = [len(c.sources) for c in engine.answer(BAGHDAD).answers]
    assert counts == sorted(counts, reverse=True), f"expected most-cited answer first, got {counts!r}"


def test_answer_cites_each_article_once_per_answer(engine: Engine) -> None:
    for claim in engine.answer(BAGHDAD).answers:
        docs = [s.doc_id for s in claim.sources]
        assert len(docs) == len(set(docs)), f"{claim.value}: expected each article once, got {docs!r}"


def test_answer_span_locates_answer_in_sentence(engine: Engine) -> None:
    for claim in engine.answer(BAGHDAD).answers:
        for source in claim.sources:
            shown = source.sentence[source.start : source.end]
            assert claim.value in ("3", "1") and shown.lower().endswith(("three", "one")), (
                f"expected the span to hold the number, got {shown!r} in {source.sentence!r}"
            )
            assert 0 <= source.score <= 1, f"expected a score in [0, 1], got {source.score}"


@pytest.mark.parametrize(
    ("doc", "attribution"),
    [
        ("000", "Iraqi security sources"),
        ("001", "Iran-backed militia officials in Iraq"),
        ("003", "two officials from Iran-backed militias in Iraq"),
    ],
)
def test_answer_sources_carry_attribution(engine: Engine, doc: str, attribution: str) -> None:
    three = next(c for c in engine.answer(BAGHDAD).answers if c.value == "3")
    source = next(s for s in three.sources if s.doc_id.startswith(doc))
    assert source.attribution == attribution, f"{doc}: expected {attribution!r}, got {source.attribution!r}"


def test_answer_one_casualty_attributed_to_us_officials(engine: Engine) -> None:
    one = next(c for c in engine.answer(BAGHDAD).answers if c.value == "1")
    assert one.sources[0].attribution == "U.S. officials", f"expected 'U.S. officials', got {one.sources[0]}"


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("what time was the strike?", "21:30"),
        ("How many US troops are in Iraq?", "2500"),
        ("how many members does Kataib Hezbollah have?", "10000"),
        ("which neighbourhood was hit?", "Mashtal"),
        ("who was the commander killed in the strike?", "Wissam Muhammad Sabir Al-Saadi"),
    ],
)
def test_answer_single_value(engine: Engine, question: str, value: str) -> None:
    got = claims(engine.answer(question))
    assert value in got, f"{question!r}: expected {value!r} among the answers, got {list(got)!r}"


def test_answer_qualifier_kept(engine: Engine) -> None:
    members = next(c for c in engine.answer("how many members does Kataib Hezbollah have?").answers)
    assert (members.qualifier, members.text) == ("up to", "up to 10,000"), f"got {members!r}"


def test_answer_person_lists_aliases(engine: Engine) -> None:
    commander = engine.answer("who was the commander killed in the strike?").answers[0]
    assert any("abu baqir" in a.lower() for a in commander.aliases), (
        f"expected Abu Baqir alias, got {commander!r}"
    )


def test_answer_jordan_attack_dates_disagree(engine: Engine) -> None:
    got = claims(engine.answer("when was the attack on the base in Jordan?"))
    assert {"2024-01-28", "2024-01-27"} <= set(got), f"expected both 27 and 28 January, got {list(got)!r}"


def test_answer_time_spellings_one_answer_citing_both_articles(engine: Engine) -> None:
    got = claims(engine.answer("what time did the strike happen?"))
    assert list(got) == ["21:30"], f"expected one answer, 21:30 ('9.30pm' and '9:30 pm'), got {list(got)!r}"
    assert sorted(got["21:30"]) == ["002", "003"], f"expected 002 and 003 cited, got {got['21:30']!r}"


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "how many people live in Baghdad?",  # "live" is not "lives" of the kill group
    ],
)
def test_answer_abstains_with_closest_passages(engine: Engine, question: str) -> None:
    result = engine.answer(question)
    assert result.answers == [], f"{question!r}: expected no answer, got {claims(result)!r}"
    assert not result.conflict, "expected conflict=False without answers"
    assert result.closest, f"{question!r}: expected the closest passages, got none"


def test_answer_abstention_explains_unknown_name(engine: Engine) -> None:
    notices = engine.answer("What is the capital of France?").notices
    assert any("France" in n for n in notices), f"expected a notice naming France, got {notices!r}"


@pytest.mark.parametrize("question", ["", "   ", "\t\n", "?!?", "...", "<!channel>", "<@U123>"])
def test_answer_empty_question_raises(engine: Engine, question: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        engine.answer(question)


@pytest.mark.parametrize(
    "question",
    [
        "<@U123> how many were killed in Baghdad?",
        "<!channel> how many were killed in Baghdad?",
        "<https://example.com/story|how many were killed in Baghdad?>",
        "how many were killed in <https://en.wikipedia.org/wiki/Baghdad|Baghdad>?",
    ],
)
def test_answer_slack_markup_is_plain_text(engine: Engine, question: str) -> None:
    result = engine.answer(question)
    assert "<" not in result.question and "@U123" not in result.question, f"got question {result.question!r}"
    assert set(claims(result)) == {"3", "1"}, (
        f"expected the same answers as {BAGHDAD!r}, got {claims(result)!r}"
    )


def test_answer_huge_question_cut_with_notice(engine: Engine) -> None:
    limit = engine.settings.max_question_chars
    question = BAGHDAD + " please" * 1000
    result = engine.answer(question)
    assert len(result.question) <= limit, (
        f"expected at most {limit} characters read, got {len(result.question)}"
    )
    assert any(str(len(question)) in n for n in result.notices), (
        f"expected a notice of the cut, got {result.notices}"
    )
    assert set(claims(result)) == {"3", "1"}, f"expected it still answered, got {claims(result)!r}"


@pytest.mark.parametrize(("extra", "notice"), [(0, False), (1, True)])
def test_answer_limit_from_settings(settings: Settings, extra: int, notice: bool) -> None:
    limit = 40
    engine = Engine(settings.model_copy(update={"max_question_chars": limit}))
    question = BAGHDAD + " " + "y" * (limit + extra - len(BAGHDAD) - 1)
    cut = [n for n in engine.answer(question).notices if "characters" in n]
    assert bool(cut) == notice, (
        f"{len(question)} chars with limit {limit}: expected a cut notice {notice}, got {cut!r}"
    )


def test_answer_function_uses_given_engine(engine: Engine) -> None:
    result = answer(BAGHDAD, engine)
    assert set(claims(result)) == {"3", "1"}, f"expected 3 and 1, got {claims(result)!r}"


def test_engine_explain_describes_reading(engine: Engine) -> None:
    report = engine.explain(BAGHDAD)
    assert "kind=number" in report and "Baghdad" in report, (
        f"expected kind and place in the report, got {report!r}"
    )


@pytest.mark.parametrize("question", ["how many were killed in Baghdad?", "how tall is the Eiffel Tower?"])
def test_answer_in_flight_keeps_the_index_it_started_with(
    settings: Settings, make_corpus, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    """A refresh that swaps in another index mid-question (an article added) neither fails the
    question nor mixes the two indexes: passage numbers of one are not looked up in the other."""
    import bot.core.engine as engine_module
    from tests.helpers import SMALL_ARTICLE

    engine = Engine(settings)
    expected = engine.answer(question).model_dump()
    other = Engine(load_settings(corpus=make_corpus({"a.txt": SMALL_ARTICLE}), index_dir=settings.index_dir))
    real = engine_module.retrieve

    def retrieve_then_swap(q, index):
        hits = real(q, index)
        engine._index = other.index  # what Engine.refresh does when the corpus changed
        return hits

    monkeypatch.setattr(engine_module, "retrieve", retrieve_then_swap)
    got = engine.answer(question).model_dump()
    assert got == expected, f"expected the answer of the index the question started on, got {got}"
