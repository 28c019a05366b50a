"""The feedback store: verdicts on answers in SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.core.feedback import FeedbackError, FeedbackStore


def test_feedback_stored_and_listed_newest_first(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "sub" / "feedback.sqlite3")
    store.add("U1", "how many were killed in Baghdad?", "Sources disagree: 3; 1", "helpful")
    store.add("U2", "when?", "2024-02-07 (2 articles)", "wrong", "  the date is the 8th  ")
    got = store.all()
    assert [(e.user, e.verdict) for e in got] == [("U2", "wrong"), ("U1", "helpful")], f"got {got}"
    assert got[0].comment == "the date is the 8th" and got[0].at.endswith("+00:00"), f"got {got[0]}"
    assert [e.user for e in store.all("wrong")] == ["U2"]


def test_feedback_is_a_real_sqlite_table(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    FeedbackStore(path).add("U1", "q", "a", "wrong", "<!channel> 'quotes'; DROP TABLE feedback")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT user, question, answer, verdict, comment FROM feedback").fetchall()
    assert rows == [("U1", "q", "a", "wrong", "<!channel> 'quotes'; DROP TABLE feedback")], f"got {rows}"


@pytest.mark.parametrize("verdict", ["great", ""])
def test_feedback_unknown_verdict_refused(tmp_path: Path, verdict: str) -> None:
    with pytest.raises(ValueError):
        FeedbackStore(tmp_path / "f.sqlite3").add("U1", "q", "a", verdict)  # type: ignore[arg-type]


def test_feedback_unwritable_path_says_which_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(FeedbackError, match="CROSSCHECK_FEEDBACK_DB"):
        FeedbackStore(blocker / "feedback.sqlite3").add("U1", "q", "a", "helpful")


def test_feedback_long_text_is_cut_not_refused(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    entry = store.add("U1", "q" * 10_000, "a", "wrong", "c" * 10_000)
    assert len(entry.question) == 3000 and entry.comment and len(entry.comment) == 3000
