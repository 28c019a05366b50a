"""Passages: one per sentence, with everything answering needs precomputed.

A passage keeps its text and offsets into the cleaned article, a search term per
token, token positions that skip insertions (so "three individuals, including
X (Y), the commander ..., had perished" puts "three" next to "perished"), the
typed mentions it holds (counts, dates, times, names) with normalized values and
attribution, and the places it locates things in.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import multiprocessing
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from pydantic import BaseModel

from index import attribution, entities, normalize, places
from index.articles import Article
from index.lexicon import PERSON_TITLES, TITLE_ABBREVIATIONS, word_set
from index.terms import TermMaker, Token, tokenize

if TYPE_CHECKING:  # answering imports the models here; only building needs spaCy
    from spacy.language import Language

    from index.nlp import Paragraph

log = logging.getLogger(__name__)

MentionKind = Literal["count", "age", "date", "time", "person", "org", "place", "norp", "other", "measure"]


class Mention(BaseModel):
    """A typed span of a passage with its normalized value."""

    kind: MentionKind
    start: int  # character offsets within the passage text
    end: int
    tok: int  # token offsets within the passage tokens
    tok_end: int
    text: str
    value: str  # "3", "2024-01-28", "21:30", or an entity id for names
    qualifier: str | None = None
    precision: str | None = None  # dates: day, week, month, year; measures: the unit's family
    attribution: str | None = None
    said_with: str | None = None  # the lemma of the verb that attributes it: "say", "announce"
    quoted: bool = False
    depth: int = 0  # 1 inside an insertion (parenthesis, "including ...", relative clause)
    locative: bool = False  # places: says where something is ("in Mosul"), not whose ("US troops")
    place: str | None = None  # dates: the place the article ties this date's event to elsewhere
    of: str | None = None  # ages: the entity id of the person whose age it is


class SourceRef(BaseModel):
    """Who the sentence attributes something to, where the phrase stands, and by which verb."""

    tok: int  # the attributing verb ("said", "according")
    start: int  # the source phrase within the passage text (0, 0 when carried from before)
    end: int
    text: str  # "U.S. officials"; a pronoun ("It said") resolved to the source it stands for
    verb: str  # lemma: "say", "confirm", "accord"


class PlaceRef(BaseModel):
    """A place the passage locates something in, at token `tok`."""

    tok: int
    entity: str
    depth: int = 0


class Passage(BaseModel):
    """One sentence of an article, ready for retrieval and answer extraction."""

    doc_id: str
    i: int
    para: int
    start: int
    end: int
    text: str
    heading: bool = False
    terms: list[str]  # one per token; punctuation kept as is
    stops: list[bool]  # one per token: not a search term
    pos: list[int]  # one per token: position with insertions skipped
    depth: list[int]  # one per token: 1 inside an insertion
    mentions: list[Mention] = []
    places: list[PlaceRef] = []
    context_place: str | None = None  # inherited from the paragraph or article
    sources: list[SourceRef] = []

    def search_terms(self) -> list[str]:
        """The terms BM25 indexes for this passage."""
        return search_terms(self.terms, self.stops)


def search_terms(terms: list[str], stops: list[bool]) -> list[str]:
    """The terms BM25 indexes for a passage: its tokens' terms but the stop words'."""
    return [t for t, stop in zip(terms, stops, strict=True) if not stop]


DIRECTIONS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
    "southeastern", "southwestern",
}  # fmt: skip
INSERTION_OPENERS = {"including", "such", "who", "whom", "whose", "which", "notably", "among"}
INTRODUCERS = {
    "since", "after", "before", "in", "following", "as", "when", "while", "despite", "during",
    "amid", "with", "on", "at", "according", "unlike", "like", "for", "from", "although", "though",
}  # fmt: skip
COMMON_SENTENCE_STARTS = {"this", "these", "those", "there", "however", "in", "one", "since"}


# A title this many words into a capitalized run still heads a name: "Odisha Fire Service Director
# General Sudanshu Sarangi" is a person after the office's name, not an organization.
TITLE_REACH = 5


def insertions(tokens: list[Token], name_ends: set[int]) -> list[tuple[int, int]]:
    """Token ranges that interrupt a clause: parentheses, dash pairs, ", including ...,",
    relative clauses, and appositions after a name (", the commander of ...,")."""
    ranges: list[tuple[int, int]] = []
    n = len(tokens)
    i = 0
    while i < n:
        text = tokens[i].text
        if text == "(":
            j = next((k for k in range(i + 1, n) if tokens[k].text == ")"), None)
            if j is not None:
                ranges.append((i, j + 1))
                i = j + 1
                continue
        if text in ("–", "—"):
            j = next((k for k in range(i + 1, n) if tokens[k].text == text), None)
            if j is not None:
                ranges.append((i, j + 1))
                i = j + 1
                continue
        if text == "," and i + 1 < n:
            opener = tokens[i + 1].text.lower()
            after_name = i in name_ends or tokens[i - 1].text == ")"
            # "Since the attack by Hamas in Israel, the Islamic Resistance ...": the first comma
            # after an opening preposition ends that phrase; what follows is the main clause.
            introductory = tokens[0].text.lower() in INTRODUCERS and not any(
                t.text == "," for t in tokens[:i]
            )
            appositive = opener in entities.DETERMINERS and after_name and not introductory
            if opener in INSERTION_OPENERS or appositive:
                j = next((k for k in range(i + 1, n) if tokens[k].text in (",", ";")), None)
                if j is None and appositive:
                    i += 1
                    continue
                end = j if j is not None else n
                if end < n and end + 1 < n and tokens[end + 1].text.lower() in ("and", "or"):
                    i += 1  # ", the X, and ..." is a list, not an insertion
                    continue
                ranges.append((i, end))
                i = end
                continue
        i += 1
    return ranges


def positions(n: int, ranges: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Positions where the main clause skips insertions; inside one, positions run on from its start."""
    pos = [0] * n
    depth = [0] * n
    inside: dict[int, int] = {}
    for lo, hi in ranges:
        for k in range(lo, hi):
            inside[k] = lo
            depth[k] = 1
    main = 0
    for k in range(n):
        if k in inside:
            pos[k] = main + (k - inside[k])
        else:
            pos[k] = main
            main += 1
    return pos, depth


class _Word(NamedTuple):
    """A spaCy token as passages read it, copied out of the Doc once per paragraph."""

    text: str
    i: int  # token number within the paragraph
    idx: int  # character offset within the paragraph
    is_stop: bool


class _Ent(NamedTuple):
    """An entity span (pipeline or trained NER) of a paragraph."""

    start: int  # tokens
    end: int
    label_: str
    start_char: int
    end_char: int
    text: str


@dataclass
class _Sent:
    """A sentence of a paragraph: its token range, characters, entities and proper-noun spans."""

    start: int
    end: int
    start_char: int
    text: str  # as spaCy's Span.text: from the first token to the end of the last
    ents: list[_Ent]
    propn: list[tuple[int, int]]


class _Words:
    """A paragraph's tokens as passages read them: texts, character offsets and stop flags
    (`_Word`s are made only for the proper-noun spans' tokens: most are never looked at again)."""

    __slots__ = ("idx", "stop", "text")

    def __init__(self, paragraph: Paragraph) -> None:
        self.text, self.idx, self.stop = paragraph.texts, paragraph.idx, paragraph.stop

    def span(self, start: int, end: int) -> list[_Word]:
        """Tokens start..end as `_Word`s."""
        return [_Word(self.text[k], k, self.idx[k], bool(self.stop[k])) for k in range(start, end)]


def _paragraph(paragraph: Paragraph, text: str) -> tuple[_Words, list[_Sent]]:
    """A paragraph's tokens and sentences with their entities and proper-noun spans;
    `text` is the paragraph's text."""
    words = _Words(paragraph)
    idx, texts = words.idx, words.text
    ents = paragraph.ents
    propn = paragraph.propn
    sents = []
    for start, end in paragraph.sents:
        start_char = idx[start]
        end_char = idx[end - 1] + len(texts[end - 1])
        inside = []
        for (
            ent_start,
            ent_end,
            label,
        ) in ents:  # as Span.ents: from the sentence start, up to one running past it
            if ent_start >= start:
                if ent_end <= end:
                    ent_chars = idx[ent_start], idx[ent_end - 1] + len(texts[ent_end - 1])
                    inside.append(_Ent(ent_start, ent_end, label, *ent_chars, text[slice(*ent_chars)]))
                else:
                    break
        spans = [(lo, hi) for lo, hi in propn if lo >= start and hi <= end]
        sents.append(_Sent(start, end, start_char, text[start_char:end_char], inside, spans))
    return words, sents


@dataclass
class _ArticleState:
    """What carries from one sentence to the next within an article."""

    last_source: str | None = None
    open_quote: bool = False
    reopen: bool = False  # the paragraph's first quote mark continues the open quote
    last_subject: str | None = None  # the first name of the previous sentence


@dataclass
class Builder:
    """Builds passages for a corpus, then types the names across all of it."""

    nlp: Language
    term_maker: TermMaker
    reference_date: date | None  # for articles that state no publication date
    passages: list[dict] = field(default_factory=list)
    occurrences: list[entities.Occurrence] = field(default_factory=list)
    occurrence_mentions: list[dict] = field(default_factory=list)  # parallel to occurrences
    capitalized_inside: Counter[str] = field(default_factory=Counter)  # "Mosul" mid-sentence
    lowercase: Counter[str] = field(default_factory=Counter)  # "militia" as an ordinary word
    dates: dict[tuple[str, date | None], normalize.DateValue | None] = field(default_factory=dict)
    evidence: entities.Evidence = field(default_factory=entities.Evidence)  # every name, corpus-wide
    articles_kept: int = 0
    undated: bool = False  # the article being built states no publication date
    _kept: Any = None  # the temporary file articles' passages wait in for `finish`

    def add_articles(self, articles: Sequence[Article], workers: int = 1) -> None:
        """Build every article's passages, in order; with workers > 1, in that many processes.

        Articles are independent once the corpus's capitalization is known, so each worker
        (forked: it inherits the loaded pipeline) builds whole articles and sends back their
        passages and name occurrences. Here the occurrences become evidence for typing names
        and the passages wait in a temporary file until `finish`: memory holds one article.
        `articles` may be lazy (read on access), so only workers read the text.
        """
        if self._kept is None:
            self._kept = tempfile.TemporaryFile(prefix="crosscheck-passages-")  # noqa: SIM115 (closed by finish)
        if workers <= 1 or len(articles) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            for n in range(len(articles)):
                self._keep(*self._article(articles[n]))
            return
        global _FORKED
        _FORKED = (self, articles)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for built in pool.imap(_article_in_worker, range(len(articles))):
                    self._keep(*built)
        finally:
            _FORKED = None

    def _article(self, article: Article) -> tuple[list[dict], list[entities.Occurrence]]:
        """One article's passages and name occurrences; each name mention records its name key."""
        part = Builder(
            self.nlp, self.term_maker, self.reference_date, capitalized_inside=self.capitalized_inside,
            lowercase=self.lowercase, dates=self.dates,
        )  # fmt: skip
        part.add_article(article)
        for occurrence, mention in zip(part.occurrences, part.occurrence_mentions, strict=True):
            occurrence.key = mention["name_key"] = entities.name_key(occurrence.text)
        return part.passages, part.occurrences

    def _keep(self, passages: list[dict] | bytes, occurrences: list[entities.Occurrence]) -> None:
        """Add an article's occurrences to the evidence and its passages (or their pickle, as a
        worker sends them: the parent need not unpickle what it only writes) to the file."""
        for occurrence in occurrences:
            self.evidence.add(occurrence)
        if isinstance(passages, bytes):
            self._kept.write(passages)
        else:
            pickle.dump(passages, self._kept, protocol=pickle.HIGHEST_PROTOCOL)
        self.articles_kept += 1

    def add_article(self, article: Article) -> None:
        state = _ArticleState()
        reference = article.published or self.reference_date
        self.undated = article.published is None
        texts = [article.text[p.start : p.end] for p in article.paragraphs]
        sentence_index = 0
        from index.nlp import annotate  # here: answering imports this module, and must not import spaCy

        paragraphs = annotate(self.nlp, texts)
        for para_index, (para, annotated) in enumerate(zip(article.paragraphs, paragraphs, strict=True)):
            opens_with_quote = article.text[para.start : para.start + 1] == '"'
            # News copy reopens a quote that runs on into the next paragraph with a quote mark;
            # a paragraph without one has left the quote.
            state.reopen = state.open_quote and opens_with_quote
            state.open_quote = state.open_quote and opens_with_quote
            words, sents = _paragraph(annotated, texts[para_index])
            for sent in sents:
                if not sent.text.strip():
                    continue
                passage = self._passage(
                    article,
                    para_index,
                    para.start,
                    para.heading,
                    words,
                    sent,
                    sentence_index,
                    reference,
                    state,
                )
                sentence_index += 1
                self.passages.append(passage)

    def _passage(
        self,
        article: Article,
        para_index: int,
        para_start: int,
        heading: bool,
        words: _Words,
        sent: _Sent,
        index: int,
        reference: date | None,
        state: _ArticleState,
    ) -> dict:
        """One sentence as a passage record: terms, positions, sources, value and name mentions."""
        text = sent.text.rstrip()
        base = sent.start_char
        tokens = tokenize(text)
        starts = [t.start for t in tokens]
        terms = [self.term_maker.term(t) for t in tokens]
        stops = [self.term_maker.is_stop(t) for t in tokens]

        def tok_range(char_start: int, char_end: int) -> tuple[int, int]:
            lo = max(0, bisect.bisect_right(starts, char_start - base) - 1)
            hi = bisect.bisect_left(starts, char_end - base)
            return lo, max(hi, lo + 1)

        quoted = _quoted_mask(text, tokens, state)
        names = self._name_spans(words, sent, heading, tok_range)
        name_ends = {hi for _, _, hi, _ in names}
        ranges = insertions(tokens, name_ends)
        pos, depth = positions(len(tokens), ranges)
        lemmas = [t if t else "" for t in terms]
        cues, source_refs, inherited_source = _sources(text, tokens, lemmas, quoted, state)
        here = _Sentence(text, tokens, [t.text.lower() for t in tokens], quoted, pos, depth, lemmas, cues,
                         inherited_source)  # fmt: skip
        mentions = self._value_mentions(here, sent, names, tok_range, base, reference)
        first_occurrence = len(self.occurrences)
        for span, lo, hi, ner_label in names:
            self._add_name(here, mentions, span, lo, hi, ner_label)
        self._opener_alias(here, first_occurrence, state)
        for capital, lo, hi in _capitals(tokens, here.lowered):
            self._add_name(
                here, mentions, capital, lo, hi, "GPE"
            )  # "the Iraqi capital" is the city, as a place
        mentions.sort(key=lambda m: m["tok"])
        _attach_ages(mentions)
        return dict(
            doc_id=article.doc_id, i=index, para=para_index,
            start=para_start + base, end=para_start + base + len(text),
            text=text, heading=heading, terms=terms, stops=stops, pos=pos, depth=depth,
            mentions=mentions, places=[],
            sources=source_refs,
        )  # fmt: skip

    def _value_mentions(
        self, here: _Sentence, sent: _Sent, names: list[tuple[str, int, int, str | None]],
        tok_range: Callable[[int, int], tuple[int, int]], base: int, reference: date | None,
    ) -> list[dict]:  # fmt: skip
        """Counts, dates and times the pipeline found in the sentence, outside names ("Camp 9")."""
        mentions: list[dict] = []
        for ent in sent.ents:
            kind = {"COUNT": "count", "CARDINAL": "count", "DATE": "date", "TIME": "time"}.get(ent.label_)
            if kind is None:
                continue
            lo, hi = tok_range(ent.start_char, ent.end_char)
            if any(lo < n_hi and n_lo < hi for _, n_lo, n_hi, _ in names):
                continue  # "Camp 9": a number inside a name
            mention = self._value_mention(
                kind, ent, here.tokens, lo, hi, base, reference, here.quoted, here.text
            )
            if mention is None:
                continue
            before, after = mention.pop("extend", (0, 0))
            lo, hi = lo - before, hi + after
            mention.update(
                tok=lo, tok_end=hi, attribution=here.attribution_at(lo), said_with=here.verb_at(lo),
                depth=here.depth[lo],
            )  # fmt: skip
            mentions.append(mention)
        return mentions

    def _add_name(
        self, here: _Sentence, mentions: list[dict], span: str, lo: int, hi: int, ner_label: str | None
    ) -> None:
        """Record a name: its occurrence (for typing across the corpus) and its mention."""
        tokens, lowered, text = here.tokens, here.lowered, here.text
        votes, locative = entities.evidence(lowered, lo, hi, ner_label)
        nouns = entities.type_nouns(lowered, lo, hi)
        occurrence = entities.Occurrence(
            passage=len(self.passages),  # the passage being built is appended next
            mention=len(mentions),
            text=span,
            votes=votes,
            types={self.term_maker.term(Token(w, 0, len(w), "word")) for w in nouns},
        )
        self._aliases(occurrence, tokens, lo, hi, text)
        mention = dict(
            kind="other", start=tokens[lo].start, end=tokens[hi - 1].end, tok=lo, tok_end=hi,
            text=text[tokens[lo].start : tokens[hi - 1].end], value="", quoted=bool(here.quoted[lo]),
            attribution=here.attribution_at(lo), said_with=here.verb_at(lo), depth=here.depth[lo],
            locative=locative,
        )  # fmt: skip
        if lo > 0 and lowered[lo - 1] in DIRECTIONS:
            mention["direction_start"] = tokens[lo - 1].start  # "southern Iraq", if a place
        self.occurrences.append(occurrence)
        self.occurrence_mentions.append(mention)
        mentions.append(mention)

    def _opener_alias(self, here: _Sentence, first_occurrence: int, state: _ArticleState) -> None:
        """ "Also known as the Nasr Brigades": another name of the previous sentence's subject."""
        lowered_words = [w for w in here.lowered if w.isalpha()]
        opener = lowered_words[:3] == ["also", "known", "as"] or lowered_words[:2] == ["known", "as"]
        sentence_names = self.occurrences[first_occurrence:]
        if opener and sentence_names and state.last_subject:
            sentence_names[0].alias_texts.append(state.last_subject)
        if sentence_names:
            state.last_subject = sentence_names[0].text

    def _value_mention(
        self, kind: str, ent: _Ent, tokens: list[Token], lo: int, hi: int, base: int,
        reference: date | None, quoted: list[bool], sentence: str,
    ) -> dict | None:  # fmt: skip
        text = ent.text
        start, end = ent.start_char - base, ent.end_char - base
        common = dict(kind=kind, start=start, end=end, text=text, quoted=bool(quoted[lo]))
        if kind == "count":
            if _age(tokens, lo, hi, ent.text):
                return common | dict(kind="age", value=ent.text)
            if _not_a_count(ent, tokens, lo, hi):
                return None
            count = normalize.parse_count(text)
            if count is None:
                return None
            lowered = [t.text.lower() for t in tokens]
            unit = normalize.measure_unit(lowered[max(0, lo - 1) : lo], lowered[hi : hi + 3])
            if unit is not None:
                # "250 km", "$215,000": a measure, its unit in the value; never a count of anything
                first, last = tokens[lo - unit.before], tokens[hi + unit.after - 1]
                value = f"{normalize.format_number(count.value * unit.scale)} {unit.canonical}"
                return common | dict(
                    kind="measure", value=value, qualifier=count.qualifier, precision=unit.family,
                    start=first.start, end=last.end, text=sentence[first.start : last.end],
                    extend=(unit.before, unit.after),
                )  # fmt: skip
            return common | dict(value=normalize.format_number(count.value), qualifier=count.qualifier)
        if kind == "time":
            clock = normalize.parse_time(text) or normalize.parse_time(normalize.without_qualifier(text))
            if clock is None:
                return None
            if lo == 0 and hi < len(tokens) and tokens[hi].text in ("—", "–", "-", "|", ":"):
                return None  # "19:40 GMT — US confirms strike": when a live blog posted, not an event
            words = [t.text for t in tokens[hi : hi + 2]]
            zone = normalize.time_zone(text, words)
            return common | dict(value=clock, qualifier=zone)
        relative = not normalize._HAS_YEAR_RE.search(text) and not any(c.isdigit() for c in text)
        if relative and quoted[lo]:
            return None  # "Last night" in a quote is relative to when it was said, not published
        if self.undated and text.lower() in normalize.DAYS_BACK:
            return None  # "yesterday" in an article of unknown date: any day, not the corpus's
        key = (text, reference)
        if key not in self.dates:  # dateparser costs about 2 ms a call; coverage repeats its dates
            self.dates[key] = normalize.resolve_date(text, reference)
        resolved = self.dates[key]
        if resolved is None:
            return None
        return common | dict(value=resolved.iso, precision=resolved.precision)

    def _name_spans(
        self, doc_words: _Words, sent: _Sent, heading: bool, tok_range
    ) -> list[tuple[str, int, int, str | None]]:
        """Proper-noun spans of a sentence, cleaned: no dates, titles or sentence-initial words."""
        spans = []
        ents = sent.ents
        date_like = [(e.start, e.end) for e in ents if e.label_ in ("DATE", "TIME")]
        for span_start, span_end in sent.propn:
            if any(s < span_end and span_start < e for s, e in date_like):
                continue
            words = doc_words.span(span_start, span_end)
            while words and (
                (words[0].is_stop and not (words[0].text.isupper() and len(words[0].text) > 1))
                or words[0].text.rstrip(".").lower() in PERSON_TITLES
                or words[0].text in TITLE_ABBREVIATIONS
                or (words[0].i == sent.start and len(words) == 1 and not self._proper_start(words[0].text))
                or (words[0].i == sent.start and len(words) > 1 and self._common_word(words[0].text))
            ):
                words = words[1:]
            titled = [k for k, w in enumerate(words) if w.text.rstrip(".").lower() in PERSON_TITLES]
            if titled and titled[-1] + 1 < len(words) and titled[-1] <= TITLE_REACH:
                words = words[titled[-1] + 1 :]  # "Iraqi Prime Minister Ali Hassan al-Amin"
            while words and (words[-1].text.lower() in entities.TRAILING_TITLES or words[-1].text == "-"):
                words = words[:-1]
            if len(words) > 1 and words[-1].text.isdigit() and words[-2].is_stop:
                # "Tower 22" is a name; "AP About 400 people" is a name before a count.
                words = words[:-2]
            if not any(w.text[:1].isalpha() for w in words):
                continue  # "Over 300 individuals": the capitalized word was a stop word
            if not words:
                continue
            if len(words) == 1 and (
                words[0].text.upper() in normalize.ZONES
                or self.lowercase[words[0].text.lower()] > self.capitalized_inside[words[0].text.lower()]
            ):
                continue  # "GMT"; "Militia" capitalized in a headline-like line is still a common word
            first, last = words[0], words[-1]
            lo, hi = tok_range(first.idx, last.idx + len(last.text))
            label = None
            for ent in ents:
                if ent.start <= first.i < ent.end and ent.label_ not in ("COUNT", "DATE", "TIME", "CARDINAL"):
                    label = ent.label_
            if heading:
                # Title Case makes every heading word look like a name; trust only known places.
                words = _known_place(words)
                if not words:
                    continue
                first, last = words[0], words[-1]
                lo, hi = tok_range(first.idx, last.idx + len(last.text))
            surface = sent.text[first.idx - sent.start_char : last.idx + len(last.text) - sent.start_char]
            spans.append((surface, lo, hi, label))
        return spans

    def _common_word(self, word: str) -> bool:
        """Is a capitalized sentence-initial word a common noun before a name ("Student Collins
        Wetangula said")? Only if the corpus writes it in lower case and never capitalizes it
        mid-sentence, and the gazetteer does not know it."""
        lower = word.lower()
        if self.capitalized_inside[lower] or not self.lowercase[lower] or word.isupper():
            return False
        return not (places.lookup(word) or places.demonym_country(word))

    def _proper_start(self, word: str) -> bool:
        """Is a capitalized sentence-initial word a name? Only if the corpus also capitalizes it
        mid-sentence, or the gazetteer knows it ("Undeterred, ..." and "Security forces" are not)."""
        lower = word.lower()
        if lower in COMMON_SENTENCE_STARTS or (lower in self.term_maker.stops and not word.isupper()):
            return False
        if lower in word_set("person_nouns") and not self.capitalized_inside[lower]:
            return False  # "Police identified ...": a noun for people, though a town is called so
        if places.lookup(word) or places.demonym_country(word):
            return True
        # A word written in lower case more often than capitalized is a common word ("Militia
        # officials said ..."), even if a headline-like line capitalizes it somewhere.
        return self.capitalized_inside[lower] > self.lowercase[lower]

    def _add_surnames(self, found: list[entities.Entity]) -> None:
        """Let "haddad" or "lopez" name a person when no other name and no common word claims it."""
        taken = {k for e in found for k in e.keys}
        owners: dict[str, list[entities.Entity]] = {}
        for entity in found:
            words = entities.name_key(entity.name).split()
            if entity.kind == "person" and len(words) >= 2:
                owners.setdefault(words[-1], []).append(entity)
        for surname, people in owners.items():
            if len(people) == 1 and surname not in taken and not self.lowercase[surname] and len(surname) > 2:
                people[0].keys.append(surname)

    def note_capitalization(self, articles: list[Article]) -> None:
        """Collect words the corpus capitalizes mid-sentence: those are names wherever they stand."""
        for article in articles:
            self.add_capitalization(*capitalization(article))

    def add_capitalization(self, lowercase: Counter[str], capitalized_inside: Counter[str]) -> None:
        """Add one article's counts (from `capitalization`)."""
        self.lowercase.update(lowercase)
        self.capitalized_inside.update(capitalized_inside)

    def _aliases(self, occ: entities.Occurrence, tokens: list[Token], lo: int, hi: int, text: str) -> None:
        """Record aliases the text states: "X (Y)", "X, also known as Y", "X neighbourhood of Y"."""
        n = len(tokens)
        if hi + 2 < n and tokens[hi].text == "(":
            close = next((k for k in range(hi + 1, min(n, hi + 12)) if tokens[k].text == ")"), None)
            if close:
                occ.alias_texts.append(text[tokens[hi + 1].start : tokens[close - 1].end])
        words = [t.text.lower() for t in tokens]
        if words[hi : hi + 4] == [",", "also", "known", "as"] or words[hi : hi + 3] == [",", "known", "as"]:
            k = hi + 4 if words[hi + 1] == "also" else hi + 3
            if k < n and words[k] == "the":
                k += 1
            end = k
            while end < n and tokens[end].text[:1].isupper():
                end += 1
            if end > k:
                occ.alias_texts.append(text[tokens[k].start : tokens[end - 1].end])
        if hi + 2 < n and words[hi] in entities.PLACE_NOUNS and words[hi + 1] in ("of", "in"):
            k = hi + 2
            while k < n and words[k] in (
                "the",
                "eastern",
                "western",
                "northern",
                "southern",
                "east",
                "west",
                "north",
                "south",
                "central",
            ):
                k += 1
            end = k
            while end < n and tokens[end].text[:1].isupper():
                end += 1
            if end > k:
                occ.inside_text = text[tokens[k].start : tokens[end - 1].end]
        elif hi + 1 < n and words[hi] == "in" and tokens[hi + 1].text[:1].isupper():
            end = hi + 1
            while end < n and tokens[end].text[:1].isupper():
                end += 1
            occ.inside_text = text[tokens[hi + 1].start : tokens[end - 1].end]

    def finish(self) -> tuple[list[entities.Entity], Iterator[list[dict]]]:
        """Type every name across the corpus; then each article's passages, in order, with their
        names typed and places and context settled (read back one article at a time)."""
        found, entity_of_key = self.resolve()
        return found, self._finished(entity_of_key, {e.id: e for e in found})

    def resolve(self) -> tuple[list[entities.Entity], dict[str, str]]:
        """Type every name across the corpus: the entities, and the entity id of each name key."""
        found, entity_of_key = entities.resolve_evidence(self.evidence)
        self._add_surnames(found)
        return found, entity_of_key

    def _finished(
        self, entity_of_key: dict[str, str], by_id: dict[str, entities.Entity]
    ) -> Iterator[list[dict]]:
        kept, self._kept = self._kept, None
        if kept is None:
            return
        with kept:
            kept.seek(0)
            for _ in range(self.articles_kept):
                passages = pickle.load(kept)
                _settle(passages, entity_of_key, by_id)
                yield passages


def _settle(passages: list[dict], entity_of_key: dict[str, str], by_id: dict[str, entities.Entity]) -> None:
    """An article's passages with their names typed (kind and entity id), the places they locate
    things in, ages tied to their people, and the context place of sentences naming none."""
    for passage in passages:
        for mention in passage["mentions"]:
            key = mention.pop("name_key", None)
            entity_id = entity_of_key.get(key) if key is not None else None
            if entity_id is not None:
                mention["kind"] = by_id[entity_id].kind
                mention["value"] = entity_id
    for passage in passages:
        for mention in passage["mentions"]:
            direction = mention.pop("direction_start", None)
            if direction is not None and mention["kind"] == "place":
                mention["start"] = direction
                mention["text"] = passage["text"][direction : mention["end"]]
            locative = mention.get("locative", False)
            if mention["kind"] == "place" and mention["value"] and locative:
                passage["places"].append(
                    dict(tok=mention["tok"], entity=mention["value"], depth=mention["depth"])
                )
        for mention in passage["mentions"]:
            owner = mention.pop("of_mention", None)
            if owner is not None and owner.get("value"):
                mention["of"] = owner["value"]
        passage["mentions"] = [m for m in passage["mentions"] if m["value"]]
    _context_places(passages, by_id)
    _date_places(passages)


def capitalization(article: Article) -> tuple[Counter[str], Counter[str]]:
    """An article's words written in lower case, and those capitalized mid-sentence (lower-cased)."""
    lowercase: Counter[str] = Counter()
    capitalized_inside: Counter[str] = Counter()
    for para in article.paragraphs:
        if para.heading:
            continue
        tokens = tokenize(article.text[para.start : para.end])
        for prev, token in itertools.pairwise(tokens):
            if token.kind not in ("word", "abbr"):
                continue
            if token.text.islower():
                lowercase[token.text] += 1
            elif token.text[:1].isupper() and prev.text not in '.!?:"–—-':
                capitalized_inside[token.text.lower()] += 1
    return lowercase, capitalized_inside


# The builder and articles a forked worker inherits from Builder.add_articles.
_FORKED: tuple[Builder, Sequence[Article]] | None = None


def _article_in_worker(n: int) -> tuple[bytes, list[entities.Occurrence]]:
    """In a worker process: article n's passages, pickled for `Builder._keep`, and name occurrences."""
    assert _FORKED is not None, "only called in a worker forked by Builder.add_articles"
    builder, articles = _FORKED
    passages, occurrences = builder._article(articles[n])
    return pickle.dumps(passages, protocol=pickle.HIGHEST_PROTOCOL), occurrences


@dataclass
class _Sentence:
    """A sentence being made a passage: its tokens and who its parts are attributed to."""

    text: str
    tokens: list[Token]
    lowered: list[str]
    quoted: list[bool]
    pos: list[int]
    depth: list[int]
    lemmas: list[str]
    cues: list[attribution.Cue]  # with pronouns resolved to the last named source
    inherited_source: str | None  # a quote running on from an earlier paragraph

    def attribution_at(self, tok: int) -> str | None:
        """Who the article credits with the words at token `tok`."""
        cue = attribution.source_for(self.cues, tok, self.pos)
        return cue.source if cue else self.inherited_source

    def verb_at(self, tok: int) -> str | None:
        """The speech verb that credits the words at token `tok` ("say", "announce")."""
        cue = attribution.source_for(self.cues, tok, self.pos)
        return self.lemmas[cue.tok] if cue else None


def _sources(
    text: str, tokens: list[Token], lemmas: list[str], quoted: list[bool], state: _ArticleState
) -> tuple[list[attribution.Cue], list[dict], str | None]:
    """The sentence's attribution cues (pronouns resolved), the sources it names as records,
    and the source a quote running on from an earlier paragraph inherits."""
    cues = attribution.find_cues(text, tokens, lemmas)
    resolved_cues = []
    source_refs: list[dict] = []
    for cue in cues:
        source = cue.source
        spoken = cue.source
        if cue.pronoun:
            source = state.last_source
        if source and not cue.pronoun:
            state.last_source = source
        resolved_cues.append(cue._replace(source=source))
        if source and spoken:
            at = text.find(spoken)
            start, end = (at, at + len(spoken)) if at >= 0 else (0, 0)
            source_refs.append(dict(tok=cue.tok, start=start, end=end, text=source, verb=lemmas[cue.tok]))
    first_word = next((k for k, t in enumerate(tokens) if t.kind != "punct"), 0)
    inherited_source = state.last_source if (not cues and quoted and quoted[first_word]) else None
    if inherited_source:  # a quote running on from an earlier paragraph
        source_refs.append(dict(tok=0, start=0, end=0, text=inherited_source, verb="say"))
    return resolved_cues, source_refs, inherited_source


def _attach_ages(mentions: list[dict]) -> None:
    """An age ("Lopez, 46,") belongs to the nearest name before it."""
    for age in (m for m in mentions if m["kind"] == "age"):
        owner = [
            n
            for n in mentions
            if n["tok_end"] <= age["tok"] and n["kind"] not in ("count", "age", "date", "time")
        ]
        if owner:
            age["of_mention"] = owner[-1]


def _date_places(passages: list[dict]) -> None:
    """A date names an event: where an article ties "January 27th" to Syria in one sentence,
    its other "January 27th" (in a sentence naming no place) is tied to Syria too."""
    by_doc: dict[str, dict[str, str]] = {}
    for passage in passages:
        for m in passage["mentions"]:
            if m["kind"] == "date" and m.get("precision") == "day" and passage["places"]:
                nearest = min(passage["places"], key=lambda r: abs(r["tok"] - m["tok"]))
                by_doc.setdefault(passage["doc_id"], {}).setdefault(m["value"], nearest["entity"])
    for passage in passages:
        if passage["places"]:
            continue
        known = by_doc.get(passage["doc_id"], {})
        for m in passage["mentions"]:
            if m["kind"] == "date" and m["value"] in known:
                m["place"] = known[m["value"]]


def _context_places(passages: list[dict], by_id: dict[str, entities.Entity]) -> None:
    """A sentence that names no place inherits the last one of its paragraph, else the article's."""
    by_doc: dict[str, list[dict]] = {}
    for passage in passages:
        by_doc.setdefault(passage["doc_id"], []).append(passage)
    for doc_passages in by_doc.values():
        body = [p for p in doc_passages if not p["heading"]]
        headings = [p for p in doc_passages if p["heading"]]
        main = None
        for candidate in (body[:1], headings[:1], body):
            main = next((p["places"][0]["entity"] for p in candidate if p["places"]), None)
            if main:
                break
        last_para, last_place = None, None
        for passage in doc_passages:
            if passage["para"] != last_para:
                last_para, last_place = passage["para"], None
            if passage["places"]:
                last_place = max(passage["places"], key=lambda r: r["tok"])["entity"]
                continue
            passage["context_place"] = last_place or main


def _capitals(tokens: list[Token], lowered: list[str]) -> list[tuple[str, int, int]]:
    """ "the Iraqi capital" names a city: the gazetteer's capital of that country, with its span."""
    found = []
    for k in range(len(tokens) - 1):
        if lowered[k + 1] != "capital" or not tokens[k].text[:1].isupper():
            continue
        country = places.demonym_country(tokens[k].text)
        capital = places.capital_of(country) if country else None
        if capital is not None:
            found.append((capital.name, k, k + 2))
    return found


def _known_place(words: list) -> list:
    """The longest run of words that the gazetteer knows as a place ("Mosul" in "Mosul Kills")."""
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if places.lookup(" ".join(w.text for w in run)):
                return run
    return []


def _quoted_mask(text: str, tokens: list[Token], state: _ArticleState) -> list[bool]:
    """Which tokens lie inside a direct quotation, carrying an open quote across sentences.

    Quotes that wrap a few words ("dynamic", "unilateral strike") are scare quotes,
    not speech, and do not count.
    """
    mask = []
    inside = state.open_quote
    opened_at = 0 if inside else None
    spans: list[tuple[int, int]] = []
    for k, token in enumerate(tokens):
        if token.text == '"' and k == 0 and state.reopen:
            state.reopen = False
            mask.append(True)
            continue
        if token.text == '"':
            if inside:
                if opened_at is not None:
                    spans.append((opened_at, k))
                inside = False
            else:
                inside, opened_at = True, k
        mask.append(inside)
    if inside and opened_at is not None:
        spans.append((opened_at, len(tokens)))
    state.open_quote = inside and (len(tokens) - (opened_at or 0) > 4 or state.open_quote)
    for lo, hi in spans:
        if hi - lo <= 5 and not (lo == 0 and state.open_quote):
            for k in range(lo, min(hi + 1, len(mask))):
                mask[k] = False
    return mask


def _age(tokens: list[Token], lo: int, hi: int, text: str) -> bool:
    """ "Maria Lopez, 46," and "a 46-year-old" state ages, not counts."""
    words = [t.text.lower() for t in tokens]
    if not text.isdigit() or int(text) > 120:
        return False
    after_name = lo >= 2 and words[lo - 1] == "," and tokens[lo - 2].text[:1].isupper()
    if after_name and (hi >= len(words) or words[hi] in (",", ";", "and", ")", ".")):
        return True
    return hi + 1 < len(words) and words[hi] in ("-", "year") and words[hi + 1] in ("year", "old", "years")


def _not_a_count(ent: _Ent, tokens: list[Token], lo: int, hi: int) -> bool:
    """Numbers that are not counts of something: "one of", percentages."""
    words = [t.text.lower() for t in tokens]
    if hi < len(words) and words[hi] == "of" and ent.text.lower() in ("one", "two", "some"):
        return True  # "one of the individuals"
    if hi < len(words) and words[hi] in ("%", "percent", "per"):
        return False
    return False
