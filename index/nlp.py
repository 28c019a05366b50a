"""The spaCy pipeline that turns article paragraphs into sentences and typed spans.

A trained English pipeline (settings: `spacy_model`, default `en_core_web_sm`)
is used when it is installed. It is not on PyPI, so the usual case is
`spacy.blank("en")` with rule components:

- tokenizer exceptions for the title abbreviations of news copy ("Sgt.", "Spc.");
- `sentencizer` plus `news_sentence_fixes`, which rejoins sentences split after an
  abbreviation or an initial;
- no spaCy lemmatizer: passages take their lemmas from spacy-lookups-data's table
  themselves (index/terms.py), so the index and the questions share one table;
- an EntityRuler with patterns for counts and their qualifiers ("at least three",
  "over 40", "up to 10,000"), dates ("Jan. 28", "Wednesday", "last month") and
  clock times ("9.30pm", "9:30 p.m.");
- `proper_noun_spans`, Matcher patterns for runs of capitalized words with name
  particles ("Omar Khalil Hassan Al-Haddad", "Department of Defense", "Camp 9"),
  stored in `doc.spans["propn"]`.

Both paths produce the same annotations; the trained one adds NER labels that
the entity typing uses as strong evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Container, Iterable, Iterator
from typing import Any, NamedTuple

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_STOP, SENT_START
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc, Span

from index.lexicon import (
    MONTHS,
    NAME_PARTICLES,
    PARTS_OF_DAY,
    PERIODS,
    QUALIFIERS,
    SAFE_MONTHS,
    TITLE_ABBREVIATIONS,
    WEEKDAYS,
)
from index.matcher import TokenMatcher, longest_first

log = logging.getLogger(__name__)


# Words that open a sentence far more often than they follow an abbreviation mid-sentence.
SENTENCE_OPENERS = {"The", "A", "An", "He", "She", "It", "They", "We", "This", "That", "These",
                    "Those", "There", "In", "On", "But", "However", "Meanwhile", "Officials"}  # fmt: skip
_CAP = r"^(?:[A-Z][A-Za-z']*|[A-Z](?:\.[A-Z])+\.?|[A-Z]{2,}\d*)$"


def _count_patterns() -> list[dict[str, Any]]:
    core_options: list[list[dict[str, Any]]] = [
        [{"LIKE_NUM": True, "OP": "+"}],
        [{"LIKE_NUM": True}, {"ORTH": "-"}, {"LIKE_NUM": True}],
    ]
    patterns: list[dict[str, Any]] = []
    for core in core_options:
        patterns.append({"label": "COUNT", "pattern": core})
        for qualifier in QUALIFIERS:
            prefix: list[dict[str, Any]] = [{"LOWER": word} for word in qualifier.split()]
            patterns.append({"label": "COUNT", "pattern": prefix + core})
    return patterns


def _date_patterns() -> list[dict[str, Any]]:
    month = {"LOWER": {"IN": MONTHS}}
    safe_month = {"LOWER": {"IN": SAFE_MONTHS}}
    day = {"TEXT": {"REGEX": r"^(0?[1-9]|[12]\d|3[01])(st|nd|rd|th)?$"}}
    year = {"TEXT": {"REGEX": r"^(1[89]|20)\d\d$"}}
    comma = {"ORTH": ",", "OP": "?"}
    the = {"LOWER": "the", "OP": "?"}
    span_words = {"LOWER": {"IN": ["early", "mid", "late", "end", "beginning"]}}
    hyphen = {"ORTH": "-", "OP": "?"}
    patterns = [
        [month, day, comma, year],
        [month, day],
        [day, month, year],
        [day, month],
        [{"LOWER": "the"}, day, {"LOWER": "of"}, month],
        [month, year],
        [safe_month],
        [span_words, hyphen, safe_month],
        [span_words, hyphen, month, year],
        [span_words, hyphen, year],
        [year],
        [{"TEXT": {"REGEX": r"^(1[89]|20)\d0s$"}}],
        [{"TEXT": {"REGEX": r"^\d{4}-\d{2}-\d{2}$"}}],
        [{"LOWER": {"IN": WEEKDAYS}}],
        [{"LOWER": {"IN": WEEKDAYS}}, {"LOWER": {"IN": PARTS_OF_DAY}}],
        [{"LOWER": {"IN": ["last", "this", "next", "past", "previous"]}}, {"LOWER": {"IN": WEEKDAYS}}],
        [{"LOWER": {"IN": ["yesterday", "today", "tonight"]}}],
        [{"LOWER": "last"}, {"LOWER": {"IN": ["night", *PERIODS]}}],
        [the, {"LOWER": {"IN": ["previous", "past", "prior"]}}, {"LOWER": {"IN": PERIODS}}],
        [{"LOWER": "earlier"}, {"LOWER": "this"}, {"LOWER": {"IN": PERIODS}}],
    ]
    return [{"label": "DATE", "pattern": p} for p in patterns]


def _time_patterns() -> list[dict[str, Any]]:
    clock = {"TEXT": {"REGEX": r"^(0?\d|1[0-2])([:.][0-5]\d)?$"}}
    ampm = {"LOWER": {"IN": ["am", "pm", "a.m.", "p.m.", "a.m", "p.m"]}}
    glued = {"TEXT": {"REGEX": r"^(?i:(0?\d|1[0-2])([:.][0-5]\d)?\s*[ap]\.?m\.?)$"}}
    twenty_four = {"TEXT": {"REGEX": r"^([01]?\d|2[0-3]):[0-5]\d$"}}
    zone = {"TEXT": {"REGEX": r"^(GMT|UTC|ET|EST|EDT|IST|AST|CET|BST|PT|PST)$"}, "OP": "?"}
    military = {"TEXT": {"REGEX": r"^([01]\d|2[0-3])[0-5]\d$"}}
    required_zone = {**zone, "OP": "1"}
    patterns = [
        [military, required_zone],  # "(1830 GMT)": a clock time, not the year 1830
        [clock, ampm, zone],
        [glued, zone],
        [glued, {"ORTH": "."}, zone],
        [twenty_four, zone],
        [{"LOWER": {"IN": ["noon", "midnight"]}}],
    ]
    # "around 5 am": longer than the count "around 5", so the time wins the overlap
    for qualifier in QUALIFIERS:
        prefix: list[dict[str, Any]] = [{"LOWER": word} for word in qualifier.split()]
        patterns += [[*prefix, clock, ampm, zone], [*prefix, glued, zone]]
    return [{"label": "TIME", "pattern": p} for p in patterns]


def ruler_patterns() -> list[dict[str, Any]]:
    """All EntityRuler patterns: COUNT, DATE and TIME."""
    return _count_patterns() + _date_patterns() + _time_patterns()


def news_fixes(texts: list[str], starts: list[bool]) -> list[tuple[int, bool]]:
    """Where news copy overrides the sentencizer: (token, starts a sentence) for each token changed.

    The sentencizer starts a sentence after any "." token; in news copy "Sgt.",
    "Maj. Gen." and "John F." precede a name, not a new sentence. Each token's decision
    reads only its own flag and the texts, so one change affects no other.
    """
    changes = []
    for i in range(1, len(texts)):
        prev, word = texts[i - 1], texts[i]
        if not starts[i]:
            if (
                prev.endswith(".")
                and len(prev) > 2
                and prev not in TITLE_ABBREVIATIONS
                and word in SENTENCE_OPENERS
            ):
                changes.append((i, True))  # "at 9:30 p.m. The next day": the abbreviation ends it
            continue
        initial = len(prev) == 2 and prev[0].isupper() and prev[1] == "."
        abbreviation = prev in TITLE_ABBREVIATIONS or initial
        if abbreviation and word[:1].isupper():
            changes.append((i, False))
    return changes


@Language.component("news_sentence_fixes")
def news_sentence_fixes(doc: Doc) -> Doc:
    """Undo sentence starts that follow a title abbreviation or a single initial (`news_fixes`)."""
    # Texts and flags read once: a Token object per access was most of this component's time.
    texts = [t.text for t in doc]
    starts = [flag == 1 for flag in doc.to_array(SENT_START).tolist()]  # 1: starts a sentence
    for i, starts_sentence in news_fixes(texts, starts):
        doc[i].is_sent_start = starts_sentence
    return doc


@Language.factory("proper_noun_spans")
def make_proper_noun_spans(nlp: Language, name: str) -> ProperNounSpans:
    return ProperNounSpans(nlp)


def _like_num(vocab: Any) -> Any:
    """LIKE_NUM as spaCy's Matcher reads it: the lexeme's flag."""
    return lambda text: vocab[text].like_num


class ProperNounSpans:
    """Marks runs of capitalized words (with name particles and numbers) as doc.spans["propn"].

    The longest match wins where matches overlap, as spaCy's greedy="LONGEST" Matcher
    and `filter_spans` decide; index/matcher.py does the matching at a fraction of the cost.
    """

    def __init__(self, nlp: Language) -> None:
        cap = {"TEXT": {"REGEX": _CAP}}
        particle = {"LOWER": {"IN": NAME_PARTICLES}}
        hyphen = {"ORTH": "-", "OP": "?"}
        number = {"TEXT": {"REGEX": r"^\d{1,4}$"}}
        self.matcher = TokenMatcher(_like_num(nlp.vocab))
        self.matcher.add(
            "PROPN",
            [
                [{**cap, "OP": "+"}],
                [{**cap, "OP": "+"}, particle, hyphen, {**cap, "OP": "+"}],
                [
                    {**cap, "OP": "+"},
                    particle,
                    hyphen,
                    {**cap, "OP": "+"},
                    particle,
                    hyphen,
                    {**cap, "OP": "+"},
                ],
                [particle, {"ORTH": "-"}, {**cap, "OP": "+"}],
                [{**cap, "OP": "+"}, number],
            ],
        )

    def spans(self, texts: list[str]) -> list[tuple[int, int]]:
        """The proper-noun spans (start, end) of a paragraph's token texts, in text order."""
        return longest_first((start, end) for _, start, end in self.matcher(texts))

    def __call__(self, doc: Doc) -> Doc:
        spans = self.spans([t.text for t in doc])
        doc.spans["propn"] = [Span(doc, start, end, label="PROPN") for start, end in spans]
        return doc


@Language.factory("rule_entities")
def make_rule_entities(nlp: Language, name: str) -> RuleEntities:
    return RuleEntities(nlp)


class RuleEntities:
    """spaCy's EntityRuler with overwrite_ents, on index/matcher.py: the same entities, faster.

    Overlapping matches are settled as the EntityRuler settles them: longest first,
    then the earliest; an entity already on the doc that a match overlaps is replaced.
    """

    def __init__(self, nlp: Language) -> None:
        self.matcher = TokenMatcher(_like_num(nlp.vocab))
        self.strings = nlp.vocab.strings

    def add_patterns(self, patterns: list[dict[str, Any]]) -> None:
        """Patterns as the EntityRuler takes them: {"label": ..., "pattern": [token dicts]}."""
        by_label: dict[str, list[list[dict[str, Any]]]] = {}
        for entry in patterns:
            by_label.setdefault(entry["label"], []).append(entry["pattern"])
        for label, group in by_label.items():
            self.matcher.add(label, group)

    def matches(self, texts: list[str]) -> list[tuple[int, int, int]]:
        """The entities the rules find in a paragraph's token texts, as (label hash, start, end),
        none overlapping, in the order the EntityRuler settles them (longest, then earliest)."""
        keys = [self.strings.add(label) for label in self.matcher.labels]
        # The same set of (label hash, start, end) the EntityRuler sorts, so that a span two
        # labels match ("2024": a count and a year) gets the label the EntityRuler gives it.
        found = {(keys[label], start, end) for label, start, end in self.matcher(texts)}
        chosen = []
        seen: set[int] = set()
        for key, start, end in sorted(found, key=lambda m: (m[2] - m[1], -m[1]), reverse=True):
            if start not in seen and end - 1 not in seen:
                chosen.append((key, start, end))
                seen.update(range(start, end))
        return chosen

    def __call__(self, doc: Doc) -> Doc:
        entities = list(doc.ents)
        new_entities = []
        for key, start, end in self.matches([t.text for t in doc]):
            new_entities.append(Span(doc, start, end, label=key))
            entities = [e for e in entities if not (e.start < end and e.end > start)]
        doc.ents = entities + new_entities
        return doc


def _add_rule_components(nlp: Language, trained: bool) -> None:
    tokenizer: Any = nlp.tokenizer
    for abbreviation in TITLE_ABBREVIATIONS:
        tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    # Sentences come from the same rules on both paths, set before a trained parser runs: the
    # parser keeps preset boundaries, and may not have them rewritten once it has parsed (E043).
    nlp.add_pipe("sentencizer", name="news_sentencizer", first=trained or None)
    nlp.add_pipe("news_sentence_fixes", after="news_sentencizer")
    ruler_options: dict[str, Any] = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    nlp.add_pipe("rule_entities", name="count_date_time", **ruler_options)
    nlp.add_pipe("proper_noun_spans")


RULE_PIPES = ["news_sentencizer", "news_sentence_fixes", "count_date_time", "proper_noun_spans"]


class Paragraph(NamedTuple):
    """A paragraph's annotations as plain lists: what passages read of a Doc."""

    texts: list[str]  # token texts
    idx: list[int]  # token character offsets
    stop: list[int]  # 1 for a stop word
    sents: list[tuple[int, int]]  # sentence token ranges
    ents: list[tuple[int, int, str]]  # entities (start, end, label), in text order
    propn: list[tuple[int, int]]  # proper-noun spans, in text order


def annotate(nlp: Language, texts: Iterable[str]) -> Iterator[Paragraph]:
    """Each text through the pipeline, as a Paragraph.

    The blank pipeline (`load_pipeline` without a trained model: the tokenizer and the rule
    components alone) does not go through spaCy's Doc annotations: the tokenizer's tokens go
    through the same rules as plain lists (`sentences`, `RuleEntities.matches`,
    `ProperNounSpans.spans`), which is what the components compute, without the Span
    objects, entity tags and Token objects that setting and reading them back costs (a third
    of a build's spaCy time). Any other pipeline runs as spaCy runs it.
    """
    if nlp.pipe_names != RULE_PIPES:
        for doc in nlp.pipe(texts):
            yield _read(doc)
        return
    punct_chars = nlp.get_pipe("news_sentencizer").punct_chars  # type: ignore[attr-defined]
    ruler: RuleEntities = nlp.get_pipe("count_date_time")  # type: ignore[assignment]
    propn: ProperNounSpans = nlp.get_pipe("proper_noun_spans")  # type: ignore[assignment]
    strings = nlp.vocab.strings
    for text in texts:
        doc = nlp.make_doc(text)
        words = [t.text for t in doc]
        idx, stop, punct = _columns(doc, [IDX, IS_STOP, IS_PUNCT])
        ents = sorted((start, end, strings[key]) for key, start, end in ruler.matches(words))
        yield Paragraph(words, idx, stop, sentences(words, punct, punct_chars), ents, propn.spans(words))


def _columns(doc: Doc, attributes: list[int | str]) -> list[list[int]]:
    """Token attributes as one list each."""
    if not len(doc):
        return [[] for _ in attributes]
    return doc.to_array(attributes).T.tolist()


def _read(doc: Doc) -> Paragraph:
    """A Doc's annotations (a trained pipeline's: its NER entities among them)."""
    idx, stop = _columns(doc, [IDX, IS_STOP])
    return Paragraph(
        [t.text for t in doc], idx, stop, [(s.start, s.end) for s in doc.sents],
        [(e.start, e.end, e.label_) for e in doc.ents],
        [(span.start, span.end) for span in doc.spans.get("propn", [])],
    )  # fmt: skip


def sentences(texts: list[str], punct: list[int], punct_chars: Container[str]) -> list[tuple[int, int]]:
    """Sentence token ranges as spaCy's Sentencizer (with `punct_chars`) then `news_fixes` set
    them and Doc.sents reads them. `punct`: each token's IS_PUNCT flag."""
    n = len(texts)
    starts = [False] * n
    if n:  # the Sentencizer's rule: a sentence starts at the first token after a run of punct_chars
        start, seen_period = 0, False
        starts[0] = True
        for i, text in enumerate(texts):
            in_chars = text in punct_chars
            if seen_period and not punct[i] and not in_chars:
                starts[start] = True
                start, seen_period = i, False
            elif in_chars:
                seen_period = True
        starts[start] = True
    for i, starts_sentence in news_fixes(texts, starts):
        starts[i] = starts_sentence
    bounds = [i for i in range(1, n) if starts[i]]
    return list(zip([0, *bounds], [*bounds, n], strict=True)) if n else []


def load_pipeline(model: str) -> tuple[Language, str]:
    """The pipeline to use and a line describing it for the logs.

    `model` names a trained pipeline package or path; when it cannot be loaded,
    the blank English pipeline with rule components is used instead.
    """
    try:
        nlp = spacy.load(model, exclude=["textcat", "textcat_multilabel"])
        described = f"trained pipeline {model} {nlp.meta.get('version', '')}".strip()
        trained = True
    except OSError:
        nlp = spacy.blank("en")
        described = (
            f'blank "en" pipeline with rule components ({model} is not installed; '
            f"`python -m spacy download {model}` adds it)"
        )
        trained = False
    _add_rule_components(nlp, trained)
    if not trained:
        nlp.initialize()
    # After initialize(), which would otherwise clear them.
    nlp.get_pipe("count_date_time").add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    return nlp, described
