"""Question analysis: what kind of answer is wanted, about what, and under which constraints.

"How many were killed in Mosul?" -> kind number, focus [kill], place Mosul.
"How many US troops are in Iraq?" -> kind number, counted noun [troop], place Iraq
(US modifies "troops", so it is a term, not a place constraint).
"Who was the commander killed in the strike?" -> kind person, role commander.

Everything here is rules over the question's tokens plus the index's own tables
(lemmas, entity names, vocabulary); no spaCy at question time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from bot.core.models import Kind
from bot.core.reading import read
from index.entities import name_key
from index.lexicon import MODIFIED_NOUNS, ROLE_NOUNS, has_phrase, word_set, words
from index.normalize import month_day, units
from index.store import Index
from index.terms import Token, tokenize

# Checked in order; the first that matches decides the kind.
KIND_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("number", re.compile(
        r"\bhow (many|much|old|large|big)\b|\bnumber of\b|\b(death|casualty) (toll|count|figure)\b"
        r"|\btoll\b|\bcount\b|\btally\b|\b(what|which) (number|figure|total)\b|\bages?\b|\bhow many\b"
        r"|\bnumbers\b"
    )),
    ("time", re.compile(r"\b(what|which|at what) (time|hour)\b|\btime\b|\bhour\b")),
    ("organization", re.compile(
        r"\b(which|what|name of the) (\w+ ){0,2}(group|militia|organi[sz]ation|agency|outlet|newspaper"
        r"|faction|command|unit|party|movement|department|ministry|force|alliance|coalition|paper)s?\b"
    )),
    ("place", re.compile(
        r"\bwhere\b|\b(which|what|in which|in what|name of the) (\w+ ){0,2}(city|town|country|neighbou?rhood"
        r"|district|area|province|region|base|place|location|village|capital|outpost|border)\b"
    )),
    ("date", re.compile(
        r"\bwhen\b|\b(what|which|on what|on which) (date|day|month|year)\b|\bdate\b|^day\b"
        r"|\bsince what\b|\bwhat day\b"
    )),
    ("person", re.compile(
        r"\bwho(m|se)?\b|\bname of the\b|^name\b|\b(which|what) (\w+ ){0,2}(person|official|soldier"
        r"|commander|leader|spokes(man|woman|person)|president|minister|sergeant|general)s?\b|\bnames?\b"
    )),
]  # fmt: skip
# The words of "how far", "how strong": what is asked, not something the answer sits near.
MEASURE_WORDS = {"far", "deep", "fast", "strong", "long", "big", "much", "high", "tall", "heavy"}
LEADING_WH_RE = re.compile(r"^(?:and |so |but )?(when|where|who|whom)\b")
LEADING_WH_KINDS: dict[str, Kind] = {"when": "date", "where": "place", "who": "person", "whom": "person"}
COUNT_ASKED_RE = re.compile(r"\bhow (many|much|old|far|large|big)\b|\bnumber of\b")
ALIAS_RE = re.compile(
    r"\b(real|full|other|actual|alternative|alternate|official) name\b|\balso (called|known)\b"
    r"|\b(known|referred to) as\b|\bnickname\b|\bstand for\b|\bwhat does \w+ mean\b"
)
ACCORDING_RE = re.compile(
    r"\baccording to (?:the )?(?P<a>[^,?]+)|\b(?:did|do|does) (?:the )?(?P<b>[\w .'-]+?) "
    r"(?:say|report|claim|state|confirm|tell|announce|give|put|estimate|cite|record|revise|update|"
    r"release|publish|issue|quote|provide)\b"
    r"|^(?:the )?(?P<c>[\w .'-]+?) (?:said|say|says|reported|report|claimed|confirmed|stated) (?:that )?"
    r"(?:how|what|when|who|where|which)\b"
    # "the Odisha government's revised death toll": whose figure it is
    r"|\b(?:the )?(?P<d>(?:[\w.-]+ ){0,3}[\w.-]+)'s (?:(?:revised|latest|updated|official|final|new|"
    r"initial|own|provisional|first|earlier) )?(?:death |casualty |injury )?"
    r"(?:toll|figures?|count|tally|estimate)\b"
)
QUESTION_YEAR_RE = re.compile(r"\b((?:19|20)\d\d)\b(?!\s*(?:people|dead|killed|injured))")
WEEKDAY_RE = re.compile(r"\bday of the week\b|\bweekday\b")
SPEECH = {"say", "report", "claim", "state", "confirm", "announce", "tell", "believe", "assert", "quote"}
GENERIC_SPEECH = {"say", "tell", "state", "quote"}  # "who said X" accepts any attribution verb
ZONE_RE = re.compile(r"\b(gmt|utc|local time|et|est|edt|ist|pst|pt)\b")
QUESTION_DATE_RE = re.compile(
    r"\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?:,?\s+\d{4})?|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
    r"(?:\s+\d{4})?)\b"
)
# Words that say what kind of thing the answer is: "which militia", "what city".
TYPE_NOUNS = {
    "city", "town", "country", "neighbourhood", "neighborhood", "district", "area", "province",
    "region", "base", "place", "location", "village", "capital", "outpost", "border", "group",
    "militia", "organization", "organisation", "agency", "outlet", "newspaper", "faction",
    "command", "unit", "party", "movement", "department", "ministry", "force", "alliance",
    "coalition", "paper",
}  # fmt: skip
WH_PHRASE_RE = re.compile(r"\b(?:which|what|name of the)\s+((?:[a-z'-]+\s*){1,4})")
WH_PHRASE_STOPS = {
    "did", "does", "do", "was", "were", "is", "are", "has", "have", "had", "will", "would", "can",
    "could", "of", "in", "on", "at", "that", "who", "to", "the", "a", "an", "it", "they",
}  # fmt: skip
# "which hospital", "near which station": facilities are places that are also organizations.
FACILITY_HEADS = {"hospital", "station", "school", "college", "university", "campus", "airport", "port"}
HEAD_KINDS: dict[str, Kind] = {
    **{w: "place" for w in ("city", "town", "country", "neighbourhood", "neighborhood", "district", "area",
                            "province", "region", "base", "place", "location", "village", "capital",
                            "outpost", "border")},
    **{w: "organization" for w in ("group", "militia", "organization", "organisation", "agency", "outlet",
                                   "newspaper", "faction", "command", "unit", "party", "movement",
                                   "department", "ministry", "alliance", "coalition", "paper")},
    **{w: "person" for w in ("commander", "leader", "spokesman", "spokeswoman", "president", "minister",
                             "official", "person", "soldier", "sergeant", "general", "man", "woman")},
    **{w: "place" for w in FACILITY_HEADS},
    **{w: "organization" for w in ("zone", "company", "firm", "network", "channel", "union", "team")},
    **{w: "date" for w in ("date", "day", "month", "year")},
    **{w: "time" for w in ("time", "hour")},
}  # fmt: skip
# "which white house official": "official" names no role narrower than "person".
GENERIC_ROLES = {"official", "person", "man", "woman", "people", "individual"}

QUESTION_WORDS = {
    "how", "many", "much", "what", "when", "where", "which", "who", "whom", "whose", "why",
    "name", "number", "date", "time", "day", "year", "month", "hour", "happen", "occur", "take",
    "place", "article", "articles", "coverage", "source", "sources", "report", "reports", "say",
    "tell", "according", "exactly", "approximately", "total", "figure", "count", "do", "be",
    "kind", "type", "sort", "old", "age", "call", "real", "full", "also", "know", "nickname",
    "accord", "week",
    # light verbs: "carry out the strike", "did it happen" say nothing the answer sits next to
    "carry", "make", "get", "go", "come", "give", "have", "put", "seem",
}  # fmt: skip
# "How many people were killed": "people" does not narrow what is counted.
GENERIC_COUNTED = {"people", "person", "persons", "individual", "individuals", "one", "ones", "ppl"}
# In a question, "Syria drone attack" is an attack in Syria; "US troops" are troops of the US.
QUESTION_MODIFIED = MODIFIED_NOUNS - {"drone", "drones", "airstrike", "airstrikes", "support"}
CURLY_QUOTES = str.maketrans("’‘“”", "''\"\"")
# No "<" inside a match: an unclosed "<@" then stops at the next "<" instead of scanning to the
# end of the text for every one of them (30k characters of "<@" took 8.6 s).
SLACK_MARKUP_RE = re.compile(r"<(?:[@#!][^<>|]*)(?:\|([^<>]*))?>")
SLACK_LINK_RE = re.compile(r"<(https?://[^<>|]+)(?:\|([^<>]*))?>")


@dataclass
class Question:
    """A question, analysed."""

    text: str
    kind: Kind
    accept: set[str]  # mention kinds that can answer it
    focus: list[str]  # content terms the answer must sit near
    counted: list[str] = field(default_factory=list)  # "how many rockets" -> [rocket]
    role: str | None = None  # "who was the commander" -> commander
    entities: list[str] = field(default_factory=list)  # entity ids named in the question
    places: list[str] = field(default_factory=list)  # place entity ids that constrain the answer
    soft_places: list[str] = field(default_factory=list)  # "the US strike": maybe where, maybe who
    inside: bool = False  # "where in Mosul": the answer lies inside the place
    unknown: list[str] = field(default_factory=list)  # names the corpus never mentions
    missing: list[str] = field(default_factory=list)  # content words the corpus never uses
    entity_terms: list[str] = field(default_factory=list)  # terms of non-place entities named
    place_terms: list[str] = field(default_factory=list)  # terms of the places that constrain
    type_noun: str | None = None  # "which militia" -> militia
    speaker: bool = False  # "who said ...": the answer is whoever the sentence is attributed to
    speech: str | None = None  # the speech verb asked about, when narrower than "say": "announce"
    statement: bool = False  # "when did the group say it would stop": the date of a statement
    where_at: bool = False  # "near which station", "in which town": where it is, not from or to
    latest: bool = False  # "the revised toll": the figure as it now stands, not an earlier one
    speaker_entities: list[str] = field(default_factory=list)  # "which White House official said"
    zone: str | None = None  # "what time ... in GMT": times in that zone only ("local" for local time)
    dates: list[str] = field(default_factory=list)  # ISO dates the question names ("the feb 2 strikes")
    according: list[str] = field(default_factory=list)  # "according to US officials" -> [us, official]
    alias: bool = False  # "what is X also called": the answer is another name of X
    named_keys: list[str] = field(default_factory=list)  # how the question spells its entities
    weekday: bool = False  # "what day of the week"
    excluded: list[str] = field(default_factory=list)  # "besides Iraq and Syria": not these places
    phrase_groups: set[str] = field(default_factory=set)  # groups named by a phrase: "lost their lives"
    numbers: list[float] = field(default_factory=list)  # counts the question names: "the 85 targets"
    reading: list[str] = field(default_factory=list)  # how the typed question was mended: "'injurd' as ..."
    role_words: list[str] = field(default_factory=list)  # "the railway minister" -> [railway]
    measure: str | None = None  # "how far" -> distance: the unit family a measure must have
    day_part: tuple[int, int] | None = None  # "in the evening" -> (17, 24): hours a time must fall in
    unit: str | None = None  # "in miles" -> miles: the unit asked for, when the question names one
    event_names: list[str] = field(default_factory=list)  # "the Westgate attack" -> [Westgate's id]


DAY_OF_WEEK_RE = re.compile(r"\bday of the week\b")


def clean_question(raw: str) -> str:
    """Plain text of a question: Slack markup resolved, control characters and extra spaces gone."""
    text = SLACK_LINK_RE.sub(lambda m: m.group(2) or m.group(1), raw)
    text = SLACK_MARKUP_RE.sub(lambda m: m.group(1) or "", text)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = "".join(c if c.isprintable() or c in "\t\n" else " " for c in text)
    text = text.translate(CURLY_QUOTES)
    return " ".join(text.split())


def detect_kind(lowered: str) -> Kind:
    """The kind of answer wanted, from the question's wording."""
    kind: Kind = next((k for k, pattern in KIND_PATTERNS if pattern.search(lowered)), "other")
    opener = LEADING_WH_RE.match(lowered)
    if opener and not COUNT_ASKED_RE.search(lowered):
        # "When did the government cut the toll to 275?": the question word decides, not "toll"
        return LEADING_WH_KINDS[opener.group(1)]
    head = _wh_head(lowered)
    if head not in HEAD_KINDS:
        return kind
    # "which chief minister questioned the death toll": the noun after "which" names the answer,
    # whatever else the question mentions; "how many" still asks for a number.
    if kind in ("organization", "place", "person", "other") or not COUNT_ASKED_RE.search(lowered):
        return HEAD_KINDS[head]
    return kind


def _wh_head(lowered: str) -> str | None:
    """The last noun of the phrase after which/what: "which militia commander" -> commander."""
    match = WH_PHRASE_RE.search(lowered)
    if not match:
        return None
    words = []
    for w in match.group(1).split():
        if w in WH_PHRASE_STOPS:
            break
        if w not in ("kind", "type", "sort"):
            words.append(w)
    known = [w.rstrip("s") if w.rstrip("s") in HEAD_KINDS else w for w in words]
    heads = [w for w in known if w in HEAD_KINDS]
    return heads[-1] if heads else None


def analyse(raw: str, index: Index) -> Question:
    """Analyse a (cleaned) question against the index's vocabulary and entities."""
    reading = read(clean_question(raw), index)
    text = reading.text
    lowered = text.lower()
    kind = detect_kind(lowered)
    # "what day of the week": the week is the answer's form, not something to look for
    plain = DAY_OF_WEEK_RE.sub("day", text) if DAY_OF_WEEK_RE.search(lowered) else text
    words = [t for t in tokenize(plain) if t.kind != "punct"]
    maker = index.term_maker
    terms = [maker.term(w) for w in words]
    lowers = [w.text.lower() for w in words]
    consumed: set[int] = set()

    according = _according(text, words, terms, consumed, maker)
    entity_ids, places, entity_terms, named_keys, soft_places, entity_spans = _entities(
        words, index, consumed
    )
    excluded = _excluded(lowered, words, index, [*places, *soft_places])
    places = [p for p in places if p not in excluded]
    soft_places = [p for p in soft_places if p not in excluded]
    place_terms = [t for e in places for t in maker.terms(index.entities[e].name)]
    exclusive_terms = _exclusive_terms(index)
    # "how many Muslims": a people's name is what is counted, though it names an entity too
    peoples = {
        k for lo, hi, e in entity_spans if index.entities[e].kind in ("norp", "other") for k in range(lo, hi)
    }
    counted = _counted(kind, words, terms, lowers, consumed - peoples, index, exclusive_terms)
    type_noun = (
        _type_noun(words, terms, lowers, consumed, maker)
        if kind in ("place", "organization", "other")
        else None
    )
    role = _role(terms, consumed) if kind in ("person", "other") else None
    named_words = _named_words(entity_spans, words, index)
    role_words = _role_words(words, terms, lowers, role, named_words, maker) if role else []
    focus, missing, unknown = _focus(words, terms, consumed, type_noun, index)
    if kind == "time":  # "what time ... in GMT": the zone is the answer's form, not a word near it
        zone_terms = _zone_terms(lowered, lowers, terms)
        focus = [t for t in focus if not ZONE_RE.fullmatch(t) and t not in zone_terms]
        missing = [w for w in missing if not ZONE_RE.fullmatch(w.lower())]
    spoken_at = next((i for i in range(len(words)) if terms[i] in SPEECH and i not in consumed), None)
    # "who is the al-Shabab spokesman quoted on the attack": an office named before the verb is
    # what is asked; the verb only describes its holder
    role_first = role is not None and role in terms[: spoken_at or 0]
    # "who do the authorities say masterminded it": the verb says whose account, not who spoke
    speaker = (
        kind in ("person", "organization") and spoken_at is not None and not role_first and not according
    )
    speech = None
    speaker_entities: list[str] = []
    if speaker and spoken_at is not None:  # (speaker implies the verb was found)
        focus = [t for t in focus if t not in SPEECH]
        spoken = {words[i].text for i in range(len(words)) if terms[i] in SPEECH}
        missing = [w for w in missing if w not in spoken]  # "was quoted" asks who spoke
        at = spoken_at
        speech = None if terms[at] in GENERIC_SPEECH else terms[at]
        if _wh_head(lowered) in GENERIC_ROLES:
            # "which Red Cross official was quoted": "official" is what the answer is, and sources
            # are rarely called that ("secretary-general Abbas Gullet said")
            focus = [t for t in focus if t not in GENERIC_ROLES]
        # Names before the verb describe the speaker; names after it are what was said.
        speaker_entities = [e for lo, _, e in entity_spans if lo < at]
        role = None  # "who reported the commander was ...": the commander is what was said

    # "How fast was it going when it crashed?": a question opening with "how" asks for the measure,
    # whatever "when" later in it says.
    measurable = kind in ("number", "other") or lowered.startswith("how ")
    measure, unit = _measure(lowered) if measurable else (None, None)
    if measure:
        kind = "number"
        # "how far from Kolkata": the place is where the measure starts, not a constraint on it
        places, soft_places, place_terms = [], [], []
        asked = MEASURE_WORDS | set(units())  # "how big ... in dollars": the form of the answer
        focus = [t for t in focus if t not in asked]
        missing = [w for w in missing if w.lower() not in asked]
    accept = {"measure"} if measure else _accept(kind, role, lowered, focus, exclusive_terms)
    # "where in Mosul", "what base in Syria": the answer lies inside the place named.
    inside = kind == "place" and (
        bool(re.search(r"\bwhere in\b|\b(which|what) part of\b", lowered))
        or (bool(places) and type_noun is not None and type_noun not in ("country", "nation"))
    )
    alias = bool(ALIAS_RE.search(lowered)) and bool(entity_ids)
    if alias:
        kind, accept = "other", {"person", "org", "place", "other"}
    return Question(
        text=text, kind=kind, accept=accept, focus=focus, counted=counted, role=role,
        entities=entity_ids, places=places, inside=inside, unknown=unknown, missing=missing,
        entity_terms=entity_terms, place_terms=place_terms, type_noun=type_noun, speaker=speaker,
        according=according, alias=alias, soft_places=soft_places, named_keys=named_keys,
        weekday=bool(WEEKDAY_RE.search(lowered)), speech=speech, zone=_zone(lowered),
        statement=kind in ("date", "time") and spoken_at is not None,
        latest=kind == "number" and bool(set(lowers) & word_set("latest_markers")),
        where_at=bool(re.search(r"\b(near|at|in|outside|inside|beside)\s+(which|what)\b", lowered)),
        dates=_dates(lowered, index) if kind != "date" else [], excluded=excluded,
        phrase_groups=_phrase_groups(terms, index), speaker_entities=speaker_entities,
        numbers=_numbers(plain, words, consumed) if kind != "number" else [],
        reading=reading.changes, role_words=[] if speaker else role_words, measure=measure, unit=unit,
        day_part=_day_part(lowered) if kind == "time" else None,
        event_names=_event_names(entity_spans, terms, words, maker),
    )  # fmt: skip


def _event_names(
    entity_spans: list[tuple[int, int, str]], terms: list[str], words: list[Token], maker
) -> list[str]:
    """The names the question uses to name an event: "the Westgate attack", "the Mandera bus attack"."""
    nouns = word_set("event_nouns")
    found = []
    for _, hi, e in entity_spans:
        following = [terms[k] for k in range(hi, min(len(terms), hi + 3)) if not maker.is_stop(words[k])]
        stop = next((k for k in range(hi, len(terms)) if maker.is_stop(words[k])), len(terms))
        if any(t in nouns for t in following[: stop - hi]) and e not in found:
            found.append(e)
    return found


@cache
def _question_units() -> list[tuple[re.Pattern[str], str]]:
    pairs = (entry.rsplit("=", 1) for entry in words("question_units"))
    return [(re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)"), family) for phrase, family in pairs]


def _measure(lowered: str) -> tuple[str | None, str | None]:
    """What a question asks to be measured ("how far" -> distance) and the unit it names
    ("in miles" -> miles), or (None, None) for a count."""
    family = next((f for pattern, f in _question_units() if pattern.search(lowered)), None)
    if family is None:
        return None, None
    named = re.search(r"\bin ([a-z$%]+(?: cent)?)\b", lowered)
    unit = units()[named.group(1)][0] if named and named.group(1) in units() else None
    return family, unit


# "what time does the curfew start in the evening": the hours each part of the day spans
DAY_PARTS = {
    "morning": (4, 12),
    "afternoon": (12, 18),
    "evening": (17, 24),
    "night": (18, 24),
    "tonight": (18, 24),
}


def _day_part(lowered: str) -> tuple[int, int] | None:
    match = re.search(r"\b(morning|afternoon|evening|night|tonight)\b", lowered)
    return DAY_PARTS[match.group(1)] if match else None


def _exclusive_terms(index: Index) -> set[str]:
    """One-word entries of the groups in lexicon [exclusive] sets: "kill", "injure", ..."""
    return {
        t for members in index.meta.exclusive.values() for g in members
        for phrase in index.groups.get(g, []) if len(phrase) == 1 for t in phrase
    }  # fmt: skip


def _counted(
    kind: Kind, words: list[Token], terms: list[str], lowers: list[str], consumed: set[int], index: Index,
    exclusive_terms: set[str],
) -> list[str]:  # fmt: skip
    """What a number question counts: "how many rockets" -> [rocket], "US troop numbers" -> [troop]."""
    maker = index.term_maker
    counted: list[str] = []
    for i, low in enumerate(lowers):
        if (
            kind == "number"
            and low in ("many", "much", "of")
            and i > 0
            and lowers[i - 1] in ("how", "number")
        ):
            start = i + 1
            # "how many of the attackers": the noun after the partitive
            if low != "of" and start < len(lowers) and lowers[start] == "of":
                start += 1
                while start < len(lowers) and lowers[start] in ("the", "a", "an", "these", "those"):
                    start += 1
            counted = _noun_run(words, terms, start, consumed, maker)
            break
    if kind == "number" and not counted:
        # "US troop numbers", "the death toll": the word before the count word
        for i, low in enumerate(lowers):
            if low in ("numbers", "number", "count", "tally", "total", "figures") and i > 0:
                if i not in consumed and not maker.is_stop(words[i - 1]) and (i - 1) not in consumed:
                    counted = [terms[i - 1]]
                break
    # "how many injuries": the word is what happened, not what is counted.
    return [
        c for c in counted
        if c not in GENERIC_COUNTED and c not in exclusive_terms and c not in QUESTION_WORDS
        and (index.postings.has(c) or c in index.groups_of_term)
    ]  # fmt: skip


def _role(terms: list[str], consumed: set[int]) -> str | None:
    """The role a person question asks about: "who was the commander" -> commander."""
    at = next((i for i in range(len(terms)) if terms[i] in ROLE_NOUNS and i not in consumed), None)
    while at is not None and at + 1 < len(terms) and terms[at + 1] in ROLE_NOUNS and at + 1 not in consumed:
        at += 1  # "chief secretary", "vice chairman": the last noun is the office
    role = terms[at] if at is not None else None
    if role is None and "head" in terms:
        role = "leader"  # "who heads X"
    if role in GENERIC_ROLES:
        role = None
    return role


COMPLEMENT_OPENERS = {"of", "for", "at"}


def _named_words(
    spans: list[tuple[int, int, str]], words: list[Token], index: Index
) -> tuple[set[int], set[int]]:
    """Positions of the words naming places, and people or groups, in the question: neither is
    an office's own word (a place constrains where; a group is checked in the discourse)."""
    places: set[int] = set()
    others: set[int] = set()
    for lo, hi, e in spans:
        entity = index.entities[e]
        if entity.kind == "place":
            places.update(range(lo, hi))
        elif entity.kind in ("org", "norp", "person") and not part_of_name(words[lo:hi], entity.name, index):
            others.update(range(lo, hi))
    return places, others


def part_of_name(words: list[Token], name: str, index: Index) -> bool:
    """Is a lower-case question word just one word of a longer name ("railway" of "Indian
    Railways")? Then it is a common noun the corpus also capitalizes, not the name: "the
    railway minister" is an office, unlike "the kh commander" or "the shabab spokesman"."""
    content = [w.text for w in words if not index.term_maker.is_stop(w)]
    parts = name_key(name).split()
    if len(content) != 1 or len(parts) < 2 or not content[0].islower():
        return False
    return content[0].lower().rstrip("s") in {p.rstrip("s") for p in parts}


def _role_words(
    words: list[Token],
    terms: list[str],
    lowers: list[str],
    role: str,
    named: tuple[set[int], set[int]],
    maker,
) -> list[str]:
    """The words that make a role one office: "the railway minister" -> [railway], "Kenya's
    interior minister" -> [interior] (the place is a constraint, not the office), "the head of
    the police" and "who heads the fire services" -> [police], [fire, service]. A name holds
    the role only when the words around its title have them too. A group named in the
    complement ("the leader of Liwa al-Nasr") is checked in the discourse instead."""
    places, names = named
    at = next((i for i in range(len(terms) - 1, -1, -1) if terms[i] == role), None)
    if at is None:
        return []

    def usable(k: int) -> bool:
        generic = terms[k] in QUESTION_WORDS or terms[k] in GENERIC_ROLES or terms[k] in TYPE_NOUNS
        return not (maker.is_stop(words[k]) or generic)

    found: list[str] = []
    k = at - 1
    while k >= 0 and usable(k) and not lowers[k].endswith("'s") and k not in places:
        if k not in names:
            found.append(terms[k])  # "chief secretary", "railway minister"
        k -= 1
    verb = at > 0 and lowers[at - 1] in ("who", "who's", "whos")  # "who heads the ..."
    if verb or (at + 1 < len(words) and lowers[at + 1] in COMPLEMENT_OPENERS):
        for k in range(at + (1 if verb else 2), min(len(words), at + 7)):
            if not usable(k) or lowers[k].endswith("'s") or k in places | names:
                if found and not maker.is_stop(words[k]):
                    break
                continue  # "the", "Kenya's": past them to the office's own words
            found.append(terms[k])
    return [t for t in found if t != role]


def _focus(
    words: list[Token], terms: list[str], consumed: set[int], type_noun: str | None, index: Index
) -> tuple[list[str], list[str], list[str]]:
    """The content terms the answer must sit near, and the words the coverage never uses:
    (focus, missing content words, unknown names)."""
    maker = index.term_maker
    focus: list[str] = []
    missing: list[str] = []
    unknown: list[str] = []
    for i, (word, term) in enumerate(zip(words, terms, strict=True)):
        if i in consumed or maker.is_stop(word) or term in QUESTION_WORDS or term == type_noun:
            continue
        if term in GENERIC_COUNTED:
            continue
        if not index.postings.has(term) and term not in index.groups_of_term:
            (unknown if word.text[:1].isupper() and i > 0 else missing).append(word.text)
            continue
        if term not in focus:
            focus.append(term)
    return focus, missing, unknown


def _accept(
    kind: Kind, role: str | None, lowered: str, focus: list[str], exclusive_terms: set[str]
) -> set[str]:
    """The mention kinds that can answer a question of this kind."""
    accept = {
        "number": {"count"}, "date": {"date"}, "time": {"time"},
        "place": {"place", "org"} if _wh_head(lowered) in FACILITY_HEADS else {"place"},
        "organization": {"org"},
        # "which Red Cross official": a person; only a bare "who" may be answered by a group
        "person": {"person"} if role or _wh_head(lowered) in GENERIC_ROLES else {"person", "org"},
        "other": {"person", "org", "place", "other"},
    }[kind]  # fmt: skip
    if kind == "number" and re.search(r"\bhow old\b|\bage of\b|\bages?\b", lowered):
        accept = {"age"}
    if kind == "person" and any(t in exclusive_terms for t in focus):
        accept = {"person"}  # organizations are not killed or wounded
    return accept


EXCEPT_RE = re.compile(r"\b(besides|other than|apart from|except|excluding|aside from|beyond)\b")


def _excluded(lowered: str, words: list[Token], index: Index, named: list[str]) -> list[str]:
    """Places the question sets aside: "besides Iraq and Syria, where else ..."."""
    match = EXCEPT_RE.search(lowered)
    if not match:
        return []
    after = lowered[match.end() : match.end() + 60]
    return [e for e in named if any(k in after for k in index.entities[e].keys)]


# Number words as questions use them; text2num reads the articles' numbers at index time,
# but answering stays free of index-time libraries.
_SMALL_NUMBERS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
]  # fmt: skip
NUMBER_WORDS = {word: float(n) for n, word in enumerate(_SMALL_NUMBERS)} | {
    "thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "seventy": 70.0, "eighty": 80.0,
    "ninety": 90.0, "hundred": 100.0, "dozen": 12.0,
}  # fmt: skip


def _numbers(text: str, words: list[Token], consumed: set[int]) -> list[float]:
    """Counts a question names ("when were the 85 targets hit", "who said three people died"),
    leaving out those inside names ("Camp 9") and dates ("feb 2", "2020")."""
    dated = [m.span() for m in QUESTION_DATE_RE.finditer(text.lower())]
    found: list[float] = []
    for i, word in enumerate(words):
        if i in consumed or any(lo <= word.start < hi for lo, hi in dated):
            continue
        raw = word.text.replace(",", "")
        value = float(raw) if raw.isdigit() else NUMBER_WORDS.get(raw.lower())
        if value is not None and not (raw.isdigit() and len(raw) == 4 and raw[:2] in ("19", "20")):
            found.append(value)
    return found


def _phrase_groups(terms: list[str], index: Index) -> set[str]:
    """Synonym groups a multi-word entry of the lexicon names in the question ("lost their lives")."""
    found = set()
    for group, entries in index.groups.items():
        for phrase in entries:
            if len(phrase) > 1 and has_phrase(terms, phrase):
                found.add(group)
    return found


def _zone_terms(lowered: str, lowers: list[str], terms: list[str]) -> set[str]:
    """The terms of the words that name a zone ("local time" holds "local"): the answer's form,
    not words its sentence must contain, as "6.55 p.m." answers "local time" unsaid."""
    found: set[str] = set()
    for match in ZONE_RE.finditer(lowered):
        phrase = match.group(1).split()
        for i in range(len(lowers) - len(phrase) + 1):
            if lowers[i : i + len(phrase)] == phrase:
                found.update(terms[i : i + len(phrase)])
    return found


def _zone(lowered: str) -> str | None:
    match = ZONE_RE.search(lowered)
    if not match:
        return None
    return "local" if match.group(1) == "local time" else match.group(1).upper()


def _dates(lowered: str, index: Index) -> list[str]:
    """Days the question names ("the feb 2 strikes"), resolved like the articles' dates."""
    from datetime import date

    reference = index.meta.reference_date
    base = date.fromisoformat(reference) if reference else None
    found = []
    for match in QUESTION_DATE_RE.finditer(lowered):
        value = month_day(match.group(), base)
        if value and value.precision == "day":
            found.append(value.iso)
    # "killed in 2011": a year alone names the event of that year
    found += [y for y in QUESTION_YEAR_RE.findall(lowered) if not any(d.startswith(y) for d in found)]
    return found


def _according(text: str, words: list[Token], terms: list[str], consumed: set[int], maker) -> list[str]:
    """The source a question restricts answers to ("according to US officials"), as terms."""
    match = ACCORDING_RE.search(text.lower())
    if not match:
        return []
    group = next(g for g in ("a", "b", "c", "d") if match.group(g))
    lo, hi = match.span(group)
    found = []
    for i, word in enumerate(words):
        if lo <= word.start < hi:
            consumed.add(i)
            # "according to us officials": in a source, "us" is the country, not the pronoun
            if not maker.is_stop(word) or word.text.lower() == "us":
                found.append(terms[i])
    return found


def _type_noun(
    words: list[Token], terms: list[str], lowers: list[str], consumed: set[int], maker
) -> str | None:
    """The noun after which/what that says what kind of thing is wanted ("which militia")."""
    for i, low in enumerate(lowers):
        if low not in ("which", "what") and not (
            low == "name" and i + 2 < len(lowers) and lowers[i + 1] == "of"
        ):
            continue
        run = []
        for k in range(i + 1, min(len(words), i + 6)):
            if lowers[k] in ("kind", "type", "sort", "of", "the", "a", "an"):
                continue
            if maker.is_stop(words[k]) and k not in consumed:
                break
            if k not in consumed:
                run.append(terms[k])
        known = [t for t in run if t in TYPE_NOUNS]
        if known:
            return known[-1]
        if run:
            return run[0]  # "what kind of drone hit": the noun, not the verb after it
    return None


def _noun_run(words: list[Token], terms: list[str], start: int, consumed: set[int], maker) -> list[str]:
    """The words after "how many" that name what is counted, up to a verb-like stop word."""
    run: list[str] = []
    for k in range(start, min(len(words), start + 4)):
        if maker.is_stop(words[k]) and k not in consumed:
            break
        text = words[k].text.lower()
        last = k + 1 >= len(words) or maker.is_stop(words[k + 1])
        if run and last and text.endswith("ed") and terms[k] != text:
            break  # "how many coaches derailed" ends the noun; "critically injured victims" does not
        if k not in consumed:
            run.append(terms[k])
    return run


def _entities(
    words: list[Token], index: Index, consumed: set[int]
) -> tuple[list[str], list[str], list[str], list[str], list[str], list[tuple[int, int, str]]]:
    """Entity ids the question names (exactly or by a close spelling), its place constraints,
    the search terms of non-place entities, and the keys as spelled. Marks the words used."""
    keys = index.entity_keys
    found: list[tuple[int, int, str]] = []
    n = len(words)
    windows = [
        (start, start + size)
        for size in range(min(5, n), 0, -1)
        for start in range(0, n - size + 1)
        if not (size == 1 and index.term_maker.is_stop(words[start]))  # "us" the pronoun is not "US"
    ]
    # Exact spellings first, longest first; then near spellings, the closest first.
    for lo, hi in windows:
        if not consumed.intersection(range(lo, hi)):
            match = keys.get(name_key(" ".join(w.text for w in words[lo:hi])))
            if match is not None:
                found.append((lo, hi, match))
                consumed.update(range(lo, hi))
    near: list[tuple[float, int, int, str]] = []
    for lo, hi in windows:
        key = name_key(" ".join(w.text for w in words[lo:hi]))
        candidate = len(key) >= 5 and not consumed.intersection(range(lo, hi))
        if candidate and _maybe_name(words[lo:hi], index) and (close := _fuzzy(key, index)):
            near.append((close[1], hi - lo, lo, close[0]))
    for _, size, lo, match in sorted(near, reverse=True):
        if not consumed.intersection(range(lo, lo + size)):
            found.append((lo, lo + size, match))
            consumed.update(range(lo, lo + size))
    found.sort()
    entity_ids: list[str] = []
    places: list[str] = []
    terms: list[str] = []
    named: list[str] = []
    soft: list[str] = []
    lowers = [w.text.lower() for w in words]
    for start, end, entity_id in found:
        if entity_id not in entity_ids:
            entity_ids.append(entity_id)
        named.append(name_key(" ".join(w.text for w in words[start:end])))
        entity = index.entities[entity_id]
        if entity.kind == "place" and _locative(lowers, start, end, entity.is_country):
            spans = [(lo, hi) for lo, hi, _ in found]
            target = places if _certainly_where(lowers, start, end, entity.is_country, spans) else soft
            if entity_id not in target:
                target.append(entity_id)
            continue  # a place constrains the answer; its name is not something to be near
        terms += [index.term_maker.term(w) for w in words[start:end] if not index.term_maker.is_stop(w)]
    return entity_ids, places, terms, named, soft, found


LOCATIVE_BEFORE = {
    "in",
    "near",
    "at",
    "inside",
    "outside",
    "across",
    "within",
    "into",
    "around",
    "of",
    "from",
}
AUXILIARIES = {"did", "does", "do", "has", "have", "had", "will", "would", "is", "was", "are", "were"}
SUBJECT_MARKERS = {"did", "does", "do", "has", "have", "had", "will", "would"}


def _locative(lowers: list[str], start: int, end: int, country: bool) -> bool:
    """Does a place named in a question say where ("in Mosul", "the Syria attack",
    "strike Mosul") rather than who ("did the US target", "US troops")?

    Only a country acts ("did the US strike"); a city or district is always where.
    """
    before = [w for w in lowers[max(0, start - 3) : start] if w not in ("the", "east", "eastern", "west",
              "western", "north", "northern", "south", "southern", "northeast", "central")]  # fmt: skip
    after = lowers[end : end + 2]
    if after[:1] and after[0] in QUESTION_MODIFIED:
        return False  # "US troops", "Mosul officials"
    if not country:
        return True
    if before and before[-1] in SUBJECT_MARKERS:
        return False  # "did the US strike": the US is who struck
    if before and before[-1] == "by":
        return False  # "attacked by Iran"
    # "the US has blamed": a subject; "in the US has ..." is still where
    return not (after[:1] and after[0] in AUXILIARIES and not (before and before[-1] in LOCATIVE_BEFORE))


def _maybe_name(window: list[Token], index: Index) -> bool:
    """Could these words be a (misspelled) name? Capitalized, or all content words with one
    the coverage never uses ("liwaa al-nassr")."""
    if any(w.text[:1].isupper() for w in window) or len(window) == 1:
        return True
    maker = index.term_maker
    return not any(maker.is_stop(w) for w in window) and any(
        not index.postings.has(maker.term(w)) for w in window
    )


# Nouns a country name modifies inside a phrase: "in the US strike", "at the US base".
NOUNS_AFTER_PLACE = QUESTION_MODIFIED | {
    "attack", "attacks", "strike", "strikes", "airstrike", "airstrikes", "bombing", "raid",
    "assault", "base", "bases", "embassy", "drone", "drones", "operation", "operations", "war",
}  # fmt: skip


def _certainly_where(
    lowers: list[str], start: int, end: int, country: bool, names: list[tuple[int, int]]
) -> bool:
    """A city is always where; a country only after "in", "near", ... ("in Syria", "in Iraq
    and Syria"), not as a modifier ("the US strike" may be a strike by the US)."""
    if not country:
        return True
    if end < len(lowers) and lowers[end] in NOUNS_AFTER_PLACE:
        return False  # "in the US strike": "in" governs the strike; the US may be who struck
    k = start - 1
    while k >= 0:
        inside_name = next((lo for lo, hi in names if lo <= k < hi), None)
        if inside_name is not None:
            k = inside_name - 1  # the other name of "Iraq and Syria"
        elif lowers[k] in ("the", "and", "or", ","):
            k -= 1
        else:
            break
    return k >= 0 and lowers[k] in LOCATIVE_BEFORE


def _fuzzy(key: str, index: Index) -> tuple[str, float] | None:
    """An entity whose name is a near spelling of `key` ("mosol" -> Mosul), and how near."""
    from rapidfuzz import fuzz, process

    if index.postings.has(key):  # an ordinary word of the corpus, not a misspelled name
        return None
    match = process.extractOne(key, list(index.entity_keys), scorer=fuzz.ratio, score_cutoff=84)
    return (index.entity_keys[match[0]], float(match[1])) if match else None
