"""Sample answers for the rendering tests of every front end."""

from __future__ import annotations

from bot.core.models import Answer, Claim, Source

SENTENCE = "Iraqi security sources confirmed that at least three people were killed."
START = SENTENCE.index("at least three")


def source(**changes) -> Source:
    fields = dict(
        doc_id="000_a", title="Strike targets Hezbollah", outlet=None, published=None, sentence=SENTENCE,
        start=START, end=START + len("at least three"), attribution="Iraqi security sources", score=0.8,
    )  # fmt: skip
    return Source(**{**fields, **changes})


ONE_SENTENCE = "U.S. officials initially stated one casualty."
ONE = Source(
    doc_id="003_b", title="U.S. Drone Strike", sentence=ONE_SENTENCE, start=ONE_SENTENCE.index("one"),
    end=ONE_SENTENCE.index("one") + 3, attribution="U.S. officials", score=0.6,
)  # fmt: skip

CONFLICT = Answer(
    question="how many were killed in Baghdad?",
    kind="number",
    answers=[
        Claim(
            value="3", text="at least three", qualifier="at least", sources=[source(), source(doc_id="001_c")]
        ),
        Claim(value="1", text="one", sources=[ONE]),
    ],
    conflict=True,
)
EMPTY = Answer(
    question="What is the capital of France?", kind="place", answers=[], conflict=False,
    closest=[source(start=0, end=0, attribution=None)], notices=["The articles never mention France."],
)  # fmt: skip
