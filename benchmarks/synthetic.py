"""Synthetic news corpora for `crosscheck bench`: the seed articles' sentences, recombined and varied.

A benchmark at 10k or 100k passages needs articles that make retrieval and
extraction do the work real coverage makes them do: sentences with counts,
dates, times, quotes and attributions, names of people, groups and places that
the index must type and resolve, headlines, sub-headings and outlet lines. So
each synthetic article is built from runs of consecutive seed sentences (runs
keep quotes and "he said" attributions next to what they refer to), with the
seed's names swapped for others per article (consistently within it), numbers,
dates, weekdays and clock times varied, and a headline, optional publication
stamp and copyright line around them. Everything is drawn from one seeded
random generator, so a given seed always writes the same corpus.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from index.articles import clean, decode

FIRST_NAMES = (
    "Ahmed", "Mohammed", "Ali", "Hassan", "Hussein", "Omar", "Khalid", "Yusuf", "Karim", "Samir",
    "Laila", "Fatima", "Zainab", "Nadia", "Tariq", "Rania", "Mustafa", "Hadi", "Qais", "Haider",
    "James", "Michael", "Sarah", "Emily", "David", "Robert", "Maria", "Daniel", "Jennifer", "Thomas",
    "Linda", "Kevin", "Rachel", "Brian", "Lauren", "Marcus", "Olivia", "Patrick", "Grace", "Victor",
)  # fmt: skip
LAST_NAMES = (
    "al-Amiri", "al-Khazali", "Hamdan", "Jaber", "Nasser", "Saleh", "Haddad", "Karimi", "Rahimi",
    "Mansour", "al-Zubaidi", "al-Obeidi", "Kadhim", "al-Jubouri", "Hashemi", "Darwish", "Smith",
    "Johnson", "Carter", "Hughes", "Bennett", "Foster", "Reyes", "Walsh", "Turner", "Ortiz", "Coleman",
    "Hayes", "Porter", "Griffin", "Sullivan", "Morales", "Jenkins", "Perry", "Barnes", "Fisher",
    "Whitaker", "Lindqvist", "Okafor", "Novak",
)  # fmt: skip
# Real cities and countries, so the gazetteer places them as it would in real coverage.
CITIES = (
    "Mosul", "Basra", "Erbil", "Kirkuk", "Najaf", "Karbala", "Fallujah", "Ramadi", "Damascus", "Aleppo",
    "Homs", "Raqqa", "Amman", "Zarqa", "Irbid", "Beirut", "Tyre", "Sidon", "Sanaa", "Aden", "Tehran",
    "Isfahan", "Tabriz", "Riyadh", "Jeddah", "Doha", "Manama", "Muscat", "Cairo", "Alexandria",
    "Ankara", "Gaziantep", "Kabul", "Kandahar", "Tripoli", "Benghazi", "Khartoum", "Mogadishu",
    "Kharkiv", "Karachi", "Peshawar", "Maiduguri", "Bamako", "Baghdad",
)  # fmt: skip
COUNTRIES = (
    "Iraq", "Syria", "Jordan", "Lebanon", "Yemen", "Iran", "Saudi Arabia", "Kuwait", "Qatar", "Bahrain",
    "Oman", "Egypt", "Turkey", "Afghanistan", "Libya", "Sudan", "Somalia", "Ukraine", "Pakistan",
    "Nigeria", "Mali", "Israel",
)  # fmt: skip
# Neighbourhoods, bases and sites: places the gazetteer does not know, as in real copy.
LOCAL_PLACES = (
    "Karrada", "Jadriya", "Mansour", "Adhamiya", "Zayouna", "Camp Taji", "Al-Asad", "Ain al-Asad",
    "Harir", "Tanf", "Shaddadi", "Rmeilan", "Qaim", "Jurf al-Sakhar", "Tower 17", "Outpost 9",
)  # fmt: skip
GROUP_HEADS = ("Kataib", "Harakat", "Saraya", "Liwa", "Asaib", "Jaish", "Ansar", "Quwat")
GROUP_TAILS = (
    "Sayyid al-Shuhada", "al-Nujaba", "Ahl al-Haq", "Awliya al-Dam", "al-Khorasani", "Imam Ali",
    "al-Abbas", "al-Mukhtar", "Thar Allah", "al-Wa'd al-Sadiq",
)  # fmt: skip
# Government bodies, outlets and movements keep their names: swapping them for militia names
# would make sentences no article would print.
INSTITUTION_WORDS = {"ministry", "department", "command", "house", "pentagon", "times", "state", "guard"}
KEPT_PLACES = {"United States", "US", "Middle East", "Red Sea"}
OUTLETS = (
    "Gulf Wire", "Levant Daily", "Tigris Times", "Euphrates Herald", "Desert Dispatch", "Capital Monitor",
    "Global Newsdesk", "Frontline Post", "Regional Observer", "Crescent Press",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
HEADLINES = (
    "{event} in {city} kills {n}, officials say",
    "{group} commander killed in {city} {event}",
    "{country} vows response after {event} near {city}",
    "{n} dead as {event} hits {city}",
    "What we know about the {event} in {city}",
    "{person} confirms {event} targeting {group}",
)
EVENTS = ("drone strike", "airstrike", "rocket attack", "missile strike", "raid")

# Kept as they are when the original name is kept for an article, so the seed's own
# names stay common (questions about Baghdad find work to do in every corpus size).
KEEP_ORIGINAL_SHARE = 0.35
RUN_LENGTH = (2, 6)  # consecutive seed sentences taken at a time
PARAGRAPH_SENTENCES = (1, 4)
HEADING_SHARE = 0.12  # paragraphs preceded by a sub-heading
STAMP_SHARE = 0.4  # articles with a "First Published ..." line
COPYRIGHT_SHARE = 0.5  # articles ending with a copyright line naming the outlet

_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(A-Z0-9])")
_DATE = r"(?P<month>" + "|".join(MONTHS) + r")\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4}))?"
_PATTERNS = {
    "date": _DATE,
    "weekday": r"\b(?:" + "|".join(WEEKDAYS) + r")\b",
    "time": r"\b\d{1,2}[.:]\d{2}\s?(?:am|pm|a\.m\.|p\.m\.)",
    "number": r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b",
    "word": r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b",
}


@dataclass(frozen=True)
class SeedArticle:
    """A seed article's body sentences (headline and sub-headings apart), for recombining."""

    sentences: tuple[str, ...]
    headings: tuple[str, ...]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph by punctuation: good enough to recombine, spaCy re-splits later."""
    return [s.strip() for s in _SENTENCE_END_RE.split(paragraph) if s.strip()]


def seed_article(raw: str) -> SeedArticle:
    """Body sentences and sub-headings of one seed article's text, cleaned as the indexer cleans it."""
    cleaned = clean(raw)
    sentences: list[str] = []
    headings: list[str] = []
    for n, para in enumerate(cleaned.paragraphs):
        text = cleaned.text[para.start : para.end]
        if n == 0:
            continue  # the headline
        if para.heading:
            headings.append(text)
        else:
            sentences.extend(s for s in split_sentences(text) if len(s.split()) >= 4)
    return SeedArticle(tuple(sentences), tuple(headings))


def read_seeds(folder: Path) -> list[SeedArticle]:
    """The seed articles of a corpus folder (undecodable files and empty articles skipped)."""
    seeds = []
    for path in sorted(folder.glob("*.txt")):
        text = decode(path.read_bytes(), path.name)
        if text is not None and (seed := seed_article(text)).sentences:
            seeds.append(seed)
    return seeds


class Cast:
    """One article's stand-ins for the seed's names, picked on first use and then kept."""

    def __init__(self, rng: random.Random, names: Mapping[str, str]) -> None:
        self.rng = rng
        self.names = names
        self.chosen: dict[str, str] = {}

    def stand_in(self, name: str) -> str:
        """The name this article uses where the seed says `name`."""
        found = self.chosen.get(name)
        if found is None:
            found = self.chosen[name] = self._pick(name)
        return found

    def _pick(self, name: str) -> str:
        rng, kind = self.rng, self.names.get(name)
        if kind == "surname":  # "Biden" after "Joe Biden": the stand-in's own surname
            full = next((n for n in self.names if self.names[n] == "person" and n.endswith(" " + name)), None)
            return self.stand_in(full).split()[-1] if full else name
        if rng.random() < KEEP_ORIGINAL_SHARE:
            return name
        if kind == "person":
            return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if kind == "org":
            if INSTITUTION_WORDS & set(name.lower().split()):
                return name
            return f"{rng.choice(GROUP_HEADS)} {rng.choice(GROUP_TAILS)}"
        if kind == "place":
            if name in KEPT_PLACES:
                return name
            if name in COUNTRIES:
                return rng.choice(COUNTRIES)
            return rng.choice(CITIES if name in CITIES else LOCAL_PLACES)
        return name


def replaceable_names(entities: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Name -> kind for the seed names worth varying (people, groups, places), plus people's surnames.

    `entities` are (name, kind) pairs, as the seed index types them.
    """
    names = {name: kind for name, kind in entities if kind in ("person", "org", "place") and len(name) > 2}
    for name, kind in list(names.items()):
        parts = name.split()
        if kind == "person" and len(parts) > 1 and parts[-1] not in names:
            names[parts[-1]] = "surname"
    return names


def _pattern(names: Mapping[str, str]) -> re.Pattern[str]:
    """One alternation for names (longest first, so "Kataib Hezbollah" wins over "Hezbollah") and values."""
    ordered = sorted(names, key=len, reverse=True)
    parts = [r"(?P<name>\b(?:" + "|".join(re.escape(n) for n in ordered) + r")\b)"] if ordered else []
    parts += [f"(?P<{kind}>{pattern})" for kind, pattern in _PATTERNS.items()]
    return re.compile("|".join(parts))


def _vary(match: re.Match[str], rng: random.Random, cast: Cast) -> str:
    """The stand-in for one name, number, date, weekday or clock time."""
    kind = match.lastgroup
    text = match.group()
    if kind == "name":
        return cast.stand_in(text)
    if kind == "date":
        day = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"
        return f"{day}, {rng.choice((2023, 2024))}" if match.group("year") else day
    if kind == "weekday":
        return rng.choice(WEEKDAYS)
    if kind == "time":
        return f"{rng.randint(1, 12)}:{rng.choice(('00', '15', '30', '45'))} {rng.choice(('am', 'pm'))}"
    if kind == "number":
        value = int(text.replace(",", ""))
        if 1900 <= value <= 2100:
            return text  # a year
        return f"{rng.randint(max(1, value // 2), max(2, value * 2)):,}"
    word = rng.choice(NUMBER_WORDS)
    return word.capitalize() if text[:1].isupper() else word


def _article(rng: random.Random, seeds: list[SeedArticle], pattern: re.Pattern[str],
             names: Mapping[str, str], n_sentences: int) -> str:  # fmt: skip
    """One synthetic article's text: headline, optional stamp, paragraphs, optional copyright line."""
    cast = Cast(rng, names)

    def vary(text: str) -> str:
        return pattern.sub(lambda m: _vary(m, rng, cast), text)

    body: list[str] = []
    used: set[str] = set()  # an article does not say the same sentence twice
    available = len({s for seed in seeds for s in seed.sentences})
    while len(body) < min(n_sentences, available):
        seed = rng.choice(seeds)
        start = rng.randrange(len(seed.sentences))
        run = [s for s in seed.sentences[start : start + rng.randint(*RUN_LENGTH)] if s not in used]
        used.update(run)
        body.extend(vary(s) for s in run[: n_sentences - len(body)])
    people = [n for n, k in names.items() if k == "person"] or ["Officials"]
    groups = [n for n, k in names.items() if k == "org" and not INSTITUTION_WORDS & set(n.lower().split())]
    groups = groups or ["the militia"]
    headline = rng.choice(HEADLINES).format(
        event=rng.choice(EVENTS), city=rng.choice(CITIES), country=rng.choice(COUNTRIES),
        n=rng.randint(2, 40), group=cast.stand_in(rng.choice(groups)),
        person=cast.stand_in(rng.choice(people)),
    )  # fmt: skip
    lines = [headline[0].upper() + headline[1:], ""]
    if rng.random() < STAMP_SHARE:
        month = rng.choice(MONTHS)[:3]
        lines += [f"First Published {month} {rng.randint(1, 28)}, 2024, {rng.randint(1, 12)}:05 AM IST", ""]
    headings = [h for s in seeds for h in s.headings]
    at = 0
    while at < len(body):
        take = rng.randint(*PARAGRAPH_SENTENCES)
        if headings and at and rng.random() < HEADING_SHARE:
            lines += [vary(rng.choice(headings)), ""]
        lines += [" ".join(body[at : at + take]), ""]
        at += take
    if rng.random() < COPYRIGHT_SHARE:
        lines.append(f"Copyright 2024, {rng.choice(OUTLETS)}")
    return "\n".join(lines).rstrip() + "\n"


def articles(seeds: list[SeedArticle], names: Mapping[str, str], n_passages: int, seed: int = 2024,
             sentences: tuple[int, int] = (20, 40)) -> Iterator[tuple[str, str]]:  # fmt: skip
    """(file stem, text) of synthetic articles holding about `n_passages` passages in all.

    A passage is a sentence, so the count is the body sentences plus each
    headline; the indexer's own sentence splitting makes the final count differ
    by a few percent (the benchmark reports the index's count).
    """
    if not seeds:
        raise ValueError("no seed sentences to build synthetic articles from")
    rng = random.Random(seed)
    pattern = _pattern(names)
    total, number = 0, 0
    while total < n_passages:
        n_sentences = rng.randint(*sentences)
        yield f"syn_{number:06d}", _article(rng, seeds, pattern, names, n_sentences)
        total += n_sentences + 1
        number += 1


def write_corpus(folder: Path, seed_folder: Path, names: Mapping[str, str], n_passages: int,
                 seed: int = 2024) -> int:  # fmt: skip
    """Write a synthetic corpus of about `n_passages` passages into `folder`; returns the file count.

    The seed articles are copied in as they are, so the questions about them keep
    their real answers among the synthetic look-alikes.
    """
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(seed_folder.glob("*.txt")):
        shutil.copyfile(path, folder / path.name)
        count += 1
    for stem, text in articles(read_seeds(seed_folder), names, n_passages, seed):
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        count += 1
    return count
