"""Normalizers: counts with qualifiers, dates against a reference date, clock times, stamps."""

from __future__ import annotations

from datetime import date

import pytest

from index import normalize
from index.normalize import format_number, parse_count, parse_stamp, parse_time, resolve_date

WEDNESDAY = date(2024, 2, 7)  # the day of the Baghdad strike
THURSDAY = date(2024, 2, 8)  # the publication date of the seed articles that state one


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("at least three", 3, "at least"),
        ("over 40", 40, "over"),
        ("another 34", 34, "another"),
        ("up to 10,000", 10000, "up to"),
        ("around 900", 900, "around"),
        ("2,500", 2500, None),
        ("one", 1, None),
        ("three", 3, None),
        ("Three", 3, None),
        ("thirty-four", 34, None),
        ("85", 85, None),
        ("at least 170", 170, "at least"),
        ("1.5 million", 1_500_000, None),
        ("more than 40", 40, "more than"),
        ("nearly 2,500", 2500, "nearly"),
    ],
)
def test_parse_count_keeps_qualifier(text: str, value: float, qualifier: str | None) -> None:
    count = parse_count(text)
    assert count is not None, f"expected {value} from {text!r}, got None"
    assert count.value == value, f"{text!r}: expected value {value!r}, got {count.value!r}"
    assert count.qualifier == qualifier, (
        f"{text!r}: expected qualifier {qualifier!r}, got {count.qualifier!r}"
    )


def test_parse_count_ignores_trailing_noun() -> None:
    count = parse_count("over 40 others")
    assert count is not None, "expected 40 ('over') from 'over 40 others', got None"
    assert (count.value, count.qualifier) == (40, "over"), f"expected (40, 'over'), got {count[:2]!r}"


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        pytest.param("two hundred and fifty", (250,), id="two hundred and fifty"),
        pytest.param("three dozen", (36, None), id="three dozen"),  # the value, or None rather than a guess
    ],
)
def test_parse_count_compound_number_words(text: str, allowed: tuple[int | None, ...]) -> None:
    count = parse_count(text)
    got = count.value if count else None
    assert got in allowed, f"{text!r}: expected one of {allowed}, got {got!r}"


@pytest.mark.parametrize("text", ["", "several", "the strike", "a dozen militias"])
def test_parse_count_without_number_is_none(text: str) -> None:
    assert parse_count(text) is None, f"expected None for {text!r}, got {parse_count(text)!r}"


@pytest.mark.parametrize(
    ("value", "shown"), [(2500, "2500"), (2500.0, "2500"), (1.5, "1.5"), (1_500_000.0, "1500000"), (3, "3")]
)
def test_format_number_plain_digits(value: float, shown: str) -> None:
    assert format_number(value) == shown, f"expected {shown!r}, got {format_number(value)!r}"


@pytest.mark.parametrize(
    ("text", "reference", "iso", "precision"),
    [
        # A weekday is the latest such day on or before the article's date.
        ("Wednesday", WEDNESDAY, "2024-02-07", "day"),  # same day
        ("Wednesday", THURSDAY, "2024-02-07", "day"),  # the day before
        ("Wednesday night", THURSDAY, "2024-02-07", "day"),
        ("Tuesday", WEDNESDAY, "2024-02-06", "day"),
        ("Thursday", WEDNESDAY, "2024-02-01", "day"),  # never a day after the article
        ("yesterday", THURSDAY, "2024-02-07", "day"),
        ("last month", THURSDAY, "2024-01", "month"),
        ("the previous month", THURSDAY, "2024-01", "month"),
        ("earlier this month", THURSDAY, "2024-02", "month"),
        ("last week", THURSDAY, "2024-W05", "week"),
        ("January 27th", THURSDAY, "2024-01-27", "day"),
        ("January 28", THURSDAY, "2024-01-28", "day"),
        ("Jan. 28", THURSDAY, "2024-01-28", "day"),
        ("February 7th", THURSDAY, "2024-02-07", "day"),
        ("October 7th", THURSDAY, "2023-10-07", "day"),  # the latest October before February 2024
        ("February 2020", THURSDAY, "2020-02", "month"),
        ("mid-October", THURSDAY, "2023-10", "month"),
        ("in January", THURSDAY, "2024-01", "month"),
        ("2024-01-28", THURSDAY, "2024-01-28", "day"),
        ("2024", THURSDAY, "2024", "year"),
    ],
)
def test_resolve_date_against_reference(text: str, reference: date, iso: str, precision: str) -> None:
    got = resolve_date(text, reference)
    assert got is not None, f"{text!r} on {reference}: expected {iso}, got None"
    assert (got.iso, got.precision) == (iso, precision), f"{text!r} on {reference}: expected {iso}, got {got}"


@pytest.mark.parametrize("text", ["Wednesday", "last month", "last week", "yesterday", "the previous month"])
def test_resolve_date_relative_without_reference_is_none(text: str) -> None:
    got = resolve_date(text, None)
    assert got is None, f"{text!r} with no reference date: expected None, got {got}"


@pytest.mark.parametrize(("text", "iso"), [("February 2020", "2020-02"), ("2024-01-28", "2024-01-28")])
def test_resolve_date_absolute_without_reference(text: str, iso: str) -> None:
    got = resolve_date(text, None)
    assert got is not None and got.iso == iso, f"{text!r}: expected {iso}, got {got}"


@pytest.mark.parametrize("text", ["the early 2000s", "sometime", ""])
def test_resolve_date_unresolvable_is_none(text: str) -> None:
    assert resolve_date(text, THURSDAY) is None, (
        f"expected None for {text!r}, got {resolve_date(text, THURSDAY)}"
    )


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("9.30pm", "21:30"),
        ("9:30 pm", "21:30"),
        ("9:30 p.m.", "21:30"),
        ("9:30 PM", "21:30"),
        ("9.30 p.m", "21:30"),
        ("21:30", "21:30"),
        ("9 pm", "21:00"),
        ("8:55 AM", "08:55"),
        ("12 am", "00:00"),
        ("12:15 pm", "12:15"),
        ("noon", "12:00"),
        ("midnight", "00:00"),
    ],
)
def test_parse_time_to_24_hour(text: str, clock: str) -> None:
    assert parse_time(text) == clock, f"{text!r}: expected {clock!r}, got {parse_time(text)!r}"


@pytest.mark.parametrize("text", ["25:00", "13pm", "soon", ""])
def test_parse_time_invalid_is_none(text: str) -> None:
    assert parse_time(text) is None, f"{text!r}: expected None, got {parse_time(text)!r}"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Feb 8, 2024, 8:55 AM IST", date(2024, 2, 8)),
        ("February 8, 2024", date(2024, 2, 8)),
        ("8 February 2024", date(2024, 2, 8)),
        ("Wed, Feb 7 2024 10:00", date(2024, 2, 7)),
    ],
)
def test_parse_stamp_gives_publication_day(text: str, day: date) -> None:
    assert parse_stamp(text) == day, f"{text!r}: expected {day}, got {parse_stamp(text)}"


@pytest.mark.parametrize("text", ["Feb 8", "yesterday", "February 2024", "an hour ago"])
def test_parse_stamp_without_full_date_is_none(text: str) -> None:
    assert parse_stamp(text) is None, f"{text!r}: expected None, got {parse_stamp(text)}"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ([], ["km", "south"], ("km", "distance", 1.0)),
        ([], ["miles"], ("miles", "distance", 1.0)),
        (["$"], ["reward"], ("USD", "money", 1.0)),
        ([], ["million", "shillings"], ("KES", "money", 1_000_000.0)),
        ([], ["mln", "shillings"], ("KES", "money", 1_000_000.0)),
        (["₹"], ["lakh"], ("INR", "money", 100_000.0)),
        (["magnitude"], [], ("magnitude", "magnitude", 1.0)),
        ([], ["-", "magnitude", "quake"], ("magnitude", "magnitude", 1.0)),
        ([], ["per", "cent"], ("%", "percent", 1.0)),
        ([], ["hours"], ("hours", "duration", 1.0)),
        ([], ["people", "killed"], None),
        (["the"], ["soldiers"], None),
    ],
)
def test_measure_unit_reads_units_around_a_number(before, after, expected) -> None:
    from index.normalize import measure_unit

    unit = measure_unit(before, after)
    got = (unit.canonical, unit.family, unit.scale) if unit else None
    assert got == expected, f"{before} N {after}: expected {expected}, got {got}"


# The forms `_common_date` reads without dateparser, each month spelled in full, short and dotted.
_COMMON_FORMS = ["{m}", "{m} 2020", "{m}, 2023", "{m} 1", "{m} 15", "{m} 29", "{m} 31", "{m} 7, 2024",
                 "{m} 31, 2023", "29 {m}", "1 {m}", "5 {m} 2021", "30 {m}, 2024"]  # fmt: skip
_SPELLINGS = ["january", "february", "feb", "feb.", "march", "june", "september", "sep.", "december"]
_COMMON_TEXTS = [form.format(m=spelling) for spelling in _SPELLINGS for form in _COMMON_FORMS] + [
    "sept", "sept 11", "sept. 11, 2001", "11 sept", "last week", "last month", "last year", "May 5th",
]  # fmt: skip
# Month ends, leap days and year ends, where a day-based rule would slip.
_REFERENCES = [None, *(date.fromisoformat(d) for d in (
    "2023-01-01", "2023-01-31", "2023-02-28", "2023-03-01", "2023-03-31", "2023-06-15", "2023-12-31",
    "2024-01-29", "2024-01-30", "2024-02-29", "2024-03-01", "2024-03-31", "2024-07-01", "2024-09-30",
    "2024-12-28", "2025-01-02",
))]  # fmt: skip


@pytest.mark.parametrize("reference", _REFERENCES, ids=str)
def test_resolve_date_common_forms_equal_dateparser(reference: date | None, monkeypatch) -> None:
    """Read without dateparser, every common form resolves as dateparser resolves it."""
    native = [resolve_date(text, reference) for text in _COMMON_TEXTS]
    monkeypatch.setattr(normalize, "_common_date", lambda lowered, reference: None)
    for text, got in zip(_COMMON_TEXTS, native, strict=True):
        expected = resolve_date(text, reference)
        assert got == expected, f"{text!r} on {reference}: expected {expected} (dateparser), got {got}"


@pytest.mark.parametrize(
    "text", ["January", "Feb 2", "7 February 2024", "last week", "last month", "last year"]
)
def test_resolve_date_common_forms_skip_dateparser(text: str, monkeypatch) -> None:
    def refuse(base):
        raise AssertionError(f"{text!r}: expected no dateparser call")

    monkeypatch.setattr(normalize, "_date_parser", refuse)
    assert resolve_date(text, THURSDAY) is not None, f"{text!r}: expected a date"
