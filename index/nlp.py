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
from typing import Any

import spacy
from spacy.attrs import SENT_START
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


@Language.component("news_sentence_fixes")
def news_sentence_fixes(doc: Doc) -> Doc:
    """Undo sentence starts that follow a title abbreviation or a single initial.

    The sentencizer starts a sentence after any "." token; in news copy "Sgt.",
    "Maj. Gen." and "John F." precede a name, not a new sentence.
    """
    # Texts and flags read once (a Token object per access was most of this component's time);
    # each token's decision reads only its own flag and texts, so changing one affects no other.
    texts = [t.text for t in doc]
    starts = doc.to_array(SENT_START).tolist()  # 1: starts a sentence; anything else: does not
    for i in range(1, len(texts)):
        prev, word = texts[i - 1], texts[i]
        if starts[i] != 1:
            if (
                prev.endswith(".")
                and len(prev) > 2
                and prev not in TITLE_ABBREVIATIONS
                and word in SENTENCE_OPENERS
            ):
                doc[i].is_sent_start = True  # "at 9:30 p.m. The next day": the abbreviation ends it
            continue
        initial = len(prev) == 2 and prev[0].isupper() and prev[1] == "."
        abbreviation = prev in TITLE_ABBREVIATIONS or initial
        if abbreviation and word[:1].isupper():
            doc[i].is_sent_start = False
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

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher([t.text for t in doc])
        spans = longest_first((start, end) for _, start, end in matches)
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

    def __call__(self, doc: Doc) -> Doc:
        keys = [self.strings.add(label) for label in self.matcher.labels]
        # The same set of (label hash, start, end) the EntityRuler sorts, so that a span two
        # labels match ("2024": a count and a year) gets the label the EntityRuler gives it.
        found = {(keys[label], start, end) for label, start, end in self.matcher([t.text for t in doc])}
        entities = list(doc.ents)
        new_entities = []
        seen: set[int] = set()
        for key, start, end in sorted(found, key=lambda m: (m[2] - m[1], -m[1]), reverse=True):
            if start not in seen and end - 1 not in seen:
                new_entities.append(Span(doc, start, end, label=key))
                entities = [e for e in entities if not (e.start < end and e.end > start)]
                seen.update(range(start, end))
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
