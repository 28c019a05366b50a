"""The trained-pipeline path: a parsed pipeline (tagger, parser, ner) with the rule components.

CI has no trained English pipeline (they are not on PyPI from spaCy's authors), so the
tests train a tiny one on a few sentences, save it under tmp_path and load it by path,
as `CROSSCHECK_SPACY_MODEL` does for a real one.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

from bot.core.engine import Engine
from bot.settings import Settings
from index.nlp import load_pipeline

TRAIN = [
    (
        "Sergeant John Marsh said three people were killed in Riverton.",
        ["NNP", "NNP", "NNP", "VBD", "CD", "NNS", "VBD", "VBN", "IN", "NNP", "."],
        [2, 2, 3, 3, 5, 7, 7, 3, 7, 8, 3],
        [
            "compound",
            "compound",
            "nsubj",
            "ROOT",
            "nummod",
            "nsubjpass",
            "auxpass",
            "ccomp",
            "prep",
            "pobj",
            "punct",
        ],
        [("John Marsh", "PERSON"), ("Riverton", "GPE")],
    ),
    (
        "Helena Cruz said the flood began on Monday.",
        ["NNP", "NNP", "VBD", "DT", "NN", "VBD", "IN", "NNP", "."],
        [1, 2, 2, 4, 5, 2, 5, 6, 2],
        ["compound", "nsubj", "ROOT", "det", "nsubj", "ccomp", "prep", "pobj", "punct"],
        [("Helena Cruz", "PERSON"), ("Monday", "DATE")],
    ),
]


def _train(path: Path) -> Path:
    """Train and save a tiny English pipeline with a tagger, a parser and an NER."""
    nlp = spacy.blank("en")
    nlp.add_pipe("tagger")
    # Rare labelled actions are backed off to "dep" by default (30), which leaves a few
    # sentences with no gold transition.
    nlp.add_pipe("parser", config={"min_action_freq": 1})
    nlp.add_pipe("ner")
    examples = []
    for text, tags, heads, deps, ents in TRAIN:
        doc = nlp.make_doc(text)
        assert len(doc) == len(tags), f"expected {len(tags)} tokens in {text!r}, got {len(doc)}"
        spans = [(text.index(words), text.index(words) + len(words), label) for words, label in ents]
        annotations = {"tags": tags, "heads": heads, "deps": deps, "entities": spans}
        examples.append(Example.from_dict(doc, annotations))
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(7)
    for _ in range(15):
        rng.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _train(tmp_path_factory.mktemp("pipeline") / "tiny_en")


def test_load_pipeline_trained_path_is_loaded_and_described(trained_model: Path) -> None:
    nlp, described = load_pipeline(str(trained_model))
    assert "trained pipeline" in described, f"expected the trained path, got {described!r}"
    assert "parser" in nlp.pipe_names and "ner" in nlp.pipe_names, f"got pipes {nlp.pipe_names}"
    order = nlp.pipe_names
    assert order.index("news_sentence_fixes") < order.index("parser"), (
        f"sentence rules must run before the parser (which may not be overruled once it parsed): {order}"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sgt. John Marsh arrived. Maj. Gen. Ann Ray spoke on Jan. 28 at 9 p.m. The next day was calm.",
            [
                "Sgt. John Marsh arrived.",
                "Maj. Gen. Ann Ray spoke on Jan. 28 at 9 p.m.",
                "The next day was calm.",
            ],
        ),
    ],
)
def test_load_pipeline_trained_sentences_follow_the_news_rules(
    trained_model: Path, text: str, expected: list[str]
) -> None:
    nlp, _ = load_pipeline(str(trained_model))
    doc = nlp(text)  # raised E043 when the fixes ran after the parser
    got = [s.text for s in doc.sents]
    assert got == expected, f"expected {expected}, got {got}"
    assert doc.has_annotation("DEP"), "the trained parser should still have parsed the text"


def test_engine_trained_pipeline_builds_and_answers(
    trained_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Flood kills three in Riverton\n\nThe mayor of Riverton, Helena Cruz, said three people were killed "
        "when the river burst its banks on Monday.\n",
        encoding="utf-8",
    )
    (corpus / "b.txt").write_text(
        "Riverton flood toll rises\n\nFive people were killed in the Riverton flood, police said.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CROSSCHECK_SPACY_MODEL", str(trained_model))
    settings = Settings(corpus=corpus, index_dir=tmp_path / "index")
    assert settings.spacy_model == str(trained_model), f"setting not read, got {settings.spacy_model!r}"
    engine = Engine(settings)
    assert "trained pipeline" in engine.index.meta.pipeline, f"got {engine.index.meta.pipeline!r}"
    got = sorted(c.value for c in engine.answer("How many people were killed in the flood?").answers)
    assert got == ["3", "5"], f"expected both tolls, got {got}"
