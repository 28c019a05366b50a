"""Normalizers: counts to digits with their qualifier, dates to ISO, times to 24-hour.

They run at index time, so answering never imports text2num or dateparser.
Every function returns None for text it cannot normalize rather than guessing.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

from index.lexicon import QUALIFIERS, WEEKDAYS, words


class Count(NamedTuple):
    value: int | float
    qualifier: str | None
    number_text: str


class DateValue(NamedTuple):
    iso: str  # "2024-01-28", "2024-01", "2024", or ISO week "2024-W05"
    precision: str  # "day", "week", "month" or "year"


_QUALIFIER_RE = re.compile(
    r"^(?P<q>" + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True)) + r")\s+",
    re.IGNORECASE,
)
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def format_number(value: float) -> str:
    """Plain digits, no separators: 2500, 1.5, 1500000."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def parse_count(text: str) -> Count | None:
    """A count with its qualifier: "at least three people" -> (3, "at least", "three").

    Only the number's own words are read, so a noun after it does not matter. Number
    words go through text2num with threshold 0, so "one" becomes 1 too (its default
    leaves small numbers as words).
    """
    text = " ".join(text.split())
    qualifier = None
    if match := _QUALIFIER_RE.match(text):
        qualifier = match.group("q").lower()
        text = text[match.end() :]
    number_text = _number_words(text)
    if number_text is None:
        return None
    rest = text[len(number_text) :].split()
    if rest and rest[0].lower() == "dozen":  # "three dozen": 36
        value = float(_digits(number_text.lower().replace("-", " "))) * 12
        return Count(int(value), qualifier, f"{number_text} dozen")
    words = number_text.lower().replace("-", " ").split()
    if len(words) > 1 and words[-1] in _SCALES and re.fullmatch(r"\d+(\.\d+)?", words[0].replace(",", "")):
        return Count(float(words[0].replace(",", "")) * _SCALES[words[-1]], qualifier, number_text)
    value = float(_digits(" ".join(words)))
    return Count(int(value) if value.is_integer() else value, qualifier, number_text)


VAGUE_AMOUNTS = {"hundreds", "thousands", "millions", "billions", "dozens", "tens", "scores"}
_NUMERAL_RE = re.compile(r"^\d[\d,]*(?:\.\d+)?(?:\s+(?:thousand|million|billion)\b)?", re.IGNORECASE)


def _digits(words: str) -> str:
    from text_to_num import alpha2digit

    return alpha2digit(words, "en", threshold=0).replace(" ", "").replace(",", "")


_AND_IN_NUMBER_RE = re.compile(r"\b(hundred|thousand|million)\s+and\s+", re.IGNORECASE)


def _number_words(text: str) -> str | None:
    """The leading words of `text` that make a number: "40 others" -> "40"."""
    if match := _NUMERAL_RE.match(text):
        return match.group()
    text = _AND_IN_NUMBER_RE.sub(r"\1 ", text)  # "two hundred and fifty"
    taken: list[str] = []
    for word in text.split():
        if word.lower() in VAGUE_AMOUNTS:
            break  # "hundreds", "dozens": not a number anyone could check
        if not re.fullmatch(r"\d+(\.\d+)?", _digits(" ".join([*taken, word]).lower().replace("-", " "))):
            break
        taken.append(word)
    return " ".join(taken) or None


_CLOCK_RE = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?:(?P<ap>[ap])\.?\s*m\.?)?", re.IGNORECASE)


def parse_time(text: str) -> str | None:
    """A clock time in 24-hour "HH:MM": "9.30pm" -> "21:30", "noon" -> "12:00"."""
    lowered = text.strip().lower()
    if lowered.startswith("noon"):
        return "12:00"
    if lowered.startswith("midnight"):
        return "00:00"
    if military := re.match(r"^([01]\d|2[0-3])([0-5]\d)\b", lowered):
        return f"{military.group(1)}:{military.group(2)}"  # "1830 GMT"
    match = _CLOCK_RE.match(lowered)
    if not match:
        return None
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    meridiem = match.group("ap")
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    elif match.group("m") is None or hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}"


ZONES = {"GMT", "UTC", "ET", "EST", "EDT", "IST", "AST", "CET", "BST", "PT", "PST", "CST", "MST"}


def time_zone(text: str, following: list[str]) -> str | None:
    """The zone a clock time is given in: "18:30 GMT" -> "GMT", "9:30 pm local time" -> "local"."""
    for word in [*text.split()[1:], *following[:1]]:
        if word.upper() in ZONES:
            return word.upper()
    if [w.lower() for w in following[:2]] == ["local", "time"]:
        return "local"
    return None


_RELATIVE_REWRITES = [
    (re.compile(r"^(the )?(previous|past|prior) (week|month|year)$"), r"last \3"),
    (re.compile(r"^earlier this "), "this "),
    (re.compile(r"^(early|mid|late|end|beginning)\s*-?\s*(of )?"), ""),
    (re.compile(r"^(on|in|since|by|until|from) "), ""),
    (re.compile(r"(\d)(st|nd|rd|th)\b"), r"\1"),
]
_WEEKDAY_RE = re.compile(r"^(?P<last>last |this |past |previous )?(?P<day>" + "|".join(WEEKDAYS) + r")\b")
_HAS_YEAR_RE = re.compile(r"\b(1[89]|20)\d\d\b")


@functools.cache
def _date_parser(base: date | None):
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    return DateDataParser(languages=["en"], settings=settings)


_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"]  # fmt: skip


def _month(word: str) -> int | None:
    """1-12 for a month name or its abbreviation ("feb", "sept"), else None ("mayor" is not May)."""
    if len(word) < 3:
        return None
    return next((n for n, name in enumerate(_MONTH_NAMES, 1) if name.startswith(word)), None)


_MONTH_DAY_RE = re.compile(
    r"^(?:(?P<m1>[a-z]{3,9})\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m2>[a-z]{3,9})\.?)"
    r"(?:,?\s+(?P<y>\d{4}))?$"
)


def month_day(text: str, reference: date | None) -> DateValue | None:
    """ "Feb 2", "January 27th", "7 February 2024" as a day; no year takes the reference's
    (at most a week after it). Pure Python, so answering can read dates in questions."""
    match = _MONTH_DAY_RE.match(" ".join(text.lower().split()))
    if not match:
        return None
    month = _month(match.group("m1") or match.group("m2"))
    day = int(match.group("d1") or match.group("d2"))
    if month is None:
        return None
    year = int(match.group("y")) if match.group("y") else (reference.year if reference else None)
    if year is None:
        return None
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    if not match.group("y") and reference is not None and when - reference > timedelta(days=7):
        when = _replace_year(when, year - 1) or when
    return DateValue(when.isoformat(), "day")


# Month names as dateparser reads them: in full, by their first three letters, or "sept".
_MONTH_WORDS = {
    **{name: n for n, name in enumerate(_MONTH_NAMES, 1)},
    **{name[:3]: n for n, name in enumerate(_MONTH_NAMES, 1)},
    "sept": 9,
}
_MON = r"(?P<mon>[a-z]{3,9})\.?"
_COMMON_DATE_RES = [
    re.compile(rf"^{_MON}$"),  # "january": a month
    re.compile(rf"^{_MON},? (?P<year>\d{{4}})$"),  # "february 2020"
    re.compile(rf"^{_MON} (?P<day>\d{{1,2}})(?:,? (?P<year>\d{{4}}))?$"),  # "jan. 28", "sep 11, 2024"
    re.compile(rf"^(?P<day>\d{{1,2}}) {_MON}(?:,? (?P<year>\d{{4}}))?$"),  # "28 january", "2 june 2023"
]
_LAST_RE = re.compile(r"^last (?P<unit>week|month|year)$")


def _common_date(lowered: str, reference: date | None) -> tuple[date, str] | None:
    """What dateparser makes of the forms news copy uses most (month, month and day, month and
    year, full dates, "last week/month/year"), as (date, period), without dateparser: it took a
    millisecond a call and a seventh of an index build. None for every other form, and for
    anything dateparser might read otherwise (an impossible day): dateparser decides those.

    Read as dateparser does with PREFER_DATES_FROM past and RELATIVE_BASE the reference: a day
    without a year is the latest such day on or before the reference; a month alone, the latest
    such month; "last month" the month before the reference's. tests/index/test_normalize.py
    checks every form against dateparser over a grid of references. A month's or a year's date
    is its first day (only the month or the year is read from it).
    """
    if match := _LAST_RE.match(lowered):
        if reference is None:
            return None
        unit = match.group("unit")
        if unit == "week":
            return reference - timedelta(days=7), "week"
        if unit == "month":
            before, month0 = divmod(reference.year * 12 + reference.month - 2, 12)
            return date(before, month0 + 1, 1), "month"
        return date(reference.year - 1, 1, 1), "year"
    for pattern in _COMMON_DATE_RES:
        if match := pattern.match(lowered):
            break
    else:
        return None
    month = _MONTH_WORDS.get(match.group("mon"))
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if month is None or (year is not None and not 1800 <= year <= 2099):
        return None
    if groups.get("day") is None:
        if year is None:
            if reference is None:
                return None
            year = reference.year if month <= reference.month else reference.year - 1
            try:  # dateparser keeps the reference's day: "february" on 29 January may go back years
                date(year, month, reference.day)
            except ValueError:
                return None
        return date(year, month, 1), "month"
    day = int(groups["day"])
    if year is not None:
        try:
            return date(year, month, day), "day"
        except ValueError:
            return None
    if reference is None or not 1 <= day <= 31:
        return None
    # The latest such day on or before the reference; 29 February goes back to a leap year.
    for back in range(9):
        try:
            when = date(reference.year - back, month, day)
        except ValueError:
            continue
        if when <= reference:
            return when, "day"
    return None


# Days before the reference that these words name: exact only when the reference is the day of
# publication (a weekday name, by contrast, names the same day for a few days after).
DAYS_BACK = {"yesterday": 1, "last night": 1, "today": 0, "tonight": 0}


def resolve_date(text: str, reference: date | None) -> DateValue | None:
    """An ISO date for a date expression, resolved against the article's date.

    Weekdays resolve to the latest such day on or before the reference (an
    article of Wednesday saying "Wednesday" means that day; dateutil and
    dateparser would move it a week). A month and day without a year take the
    year that puts them at most a week after the reference. Relative dates
    ("Wednesday", "last month") without a reference date cannot be resolved.
    """
    lowered = " ".join(text.lower().replace("-", " - ").split()).replace(" - ", "-")
    for pattern, replacement in _RELATIVE_REWRITES:
        lowered = pattern.sub(replacement, lowered).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", lowered):
        return DateValue(lowered, "day")
    if re.fullmatch(r"(1[89]|20)\d\d", lowered):
        return DateValue(lowered, "year")
    if re.fullmatch(r"(1[89]|20)\d0s", lowered):
        return None  # a decade has no ISO form that compares sensibly
    if match := _WEEKDAY_RE.match(lowered):
        if reference is None:
            return None
        target = WEEKDAYS.index(match.group("day"))
        back = (reference.weekday() - target) % 7
        if match.group("last") in ("last ", "past ", "previous ") and back == 0:
            back = 7
        return DateValue((reference - timedelta(days=back)).isoformat(), "day")
    if lowered in DAYS_BACK:
        if reference is None:
            return None
        return DateValue((reference - timedelta(days=DAYS_BACK[lowered])).isoformat(), "day")
    if reference is None and not _HAS_YEAR_RE.search(lowered):
        return None
    parsed = _common_date(lowered, reference)
    if parsed is None:
        data = _date_parser(reference).get_date_data(lowered)
        if data.date_obj is None:
            return None
        parsed = data.date_obj.date(), data.period or "day"
    when, period = parsed
    if reference is not None and not _HAS_YEAR_RE.search(lowered) and period == "day":
        same_year = _replace_year(when, reference.year)
        if same_year and timedelta(0) < same_year - reference <= timedelta(days=7):
            when = same_year
    if period == "month":
        return DateValue(f"{when.year:04d}-{when.month:02d}", "month")
    if period == "year":
        return DateValue(f"{when.year:04d}", "year")
    if period == "week":
        iso = when.isocalendar()
        return DateValue(f"{iso.year:04d}-W{iso.week:02d}", "week")
    return DateValue(when.isoformat(), "day")


def _replace_year(when: date, year: int) -> date | None:
    try:
        return when.replace(year=year)
    except ValueError:  # 29 February
        return None


_STAMP_DATE_RE = re.compile(
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4})"
)


def parse_stamp(text: str) -> date | None:
    """The date in a publication stamp: "Feb 8, 2024, 8:55 AM IST", "Thursday 08 February 2024
    06:12, UK", "10:14 PM EST, February 7, 2024". The first full date wins."""
    for match in _STAMP_DATE_RE.finditer(text):
        value = resolve_date(match.group(), None)
        if value is not None and value.precision == "day":
            return date.fromisoformat(value.iso)
    return None


class Unit(NamedTuple):
    """A measure's unit as read next to a number: canonical form, family, and how many tokens
    it takes before and after the number."""

    canonical: str
    family: str
    before: int
    after: int
    scale: float


@functools.cache
def units() -> dict[str, tuple[str, str]]:
    """Typed unit -> (canonical unit, family), from index/data/words.toml: "kilometres" ->
    ("km", "distance")."""
    table = {}
    for entry in words("units"):
        typed, meant = entry.rsplit("=", 1)
        canonical, family = meant.split(":")
        table[typed] = (canonical, family)
    return table


@functools.cache
def _scales() -> dict[str, float]:
    return {w: float(n) for w, n in (e.split("=") for e in words("scales"))}


def measure_unit(before: list[str], after: list[str]) -> Unit | None:
    """The unit that makes a number a measure ("250 km", "$215,000", "magnitude 7.8",
    "20 million shillings", "7.8-magnitude"), from the lower-cased tokens around it."""
    table, scales = units(), _scales()
    scale, skip = 1.0, 0
    if after and after[0] in scales:
        scale, skip = scales[after[0]], 1
    rest = after[skip:]
    if rest and rest[0] == "-" and len(rest) > 1:  # "7.8-magnitude quake"
        rest = rest[1:]
        skip += 1
    if len(rest) > 1 and f"{rest[0]} {rest[1]}" in table:
        canonical, family = table[f"{rest[0]} {rest[1]}"]
        return Unit(canonical, family, 0, skip + 2, scale)
    if rest and rest[0] in table:
        canonical, family = table[rest[0]]
        return Unit(canonical, family, 0, skip + 1, scale)
    if before and before[-1] in words("leading_units") and before[-1] in table:
        canonical, family = table[before[-1]]
        return Unit(canonical, family, 1, skip, scale)
    return None


def without_qualifier(text: str) -> str:
    """The text with a leading qualifier taken off: "around 5 am" -> "5 am"."""
    lowered = text.lower()
    for qualifier in sorted(QUALIFIERS, key=len, reverse=True):
        if lowered.startswith(qualifier + " "):
            return text[len(qualifier) + 1 :]
    return text
