"""Readers' feedback on answers, kept in SQLite so the newsroom can review misses.

Each row: when, who (a Slack user id, or "terminal"), the question, the answer as
shown (its headline), whether it was "helpful" or "wrong", and what the reader said
was wrong. `FeedbackStore(path)` creates the database and its table on first use;
each call opens its own connection, so Slack's worker threads can share one store.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["helpful", "wrong"]
MAX_TEXT = 3000  # Slack's plain_text_input caps comments near this; longer input is cut, not refused

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'wrong')),
    comment TEXT
)
"""


class FeedbackError(Exception):
    """The feedback database cannot be opened or written; the message says where and why."""


class Feedback(BaseModel):
    """One reader's verdict on one answer."""

    id: int | None = None
    at: str = Field(description="UTC time, ISO 8601")
    user: str
    question: str
    answer: str = Field(description="The answer as shown: its headline")
    verdict: Verdict
    comment: str | None = None


class FeedbackStore:
    """The feedback table in one SQLite file (CROSSCHECK_FEEDBACK_DB)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10)
            connection.execute(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise FeedbackError(
                f"The feedback database {self.path} cannot be opened ({exc}); set CROSSCHECK_FEEDBACK_DB "
                "to a writable path."
            ) from exc
        return connection

    def add(
        self, user: str, question: str, answer: str, verdict: Verdict, comment: str | None = None
    ) -> Feedback:
        """Store one verdict; returns it with its id and time."""
        entry = Feedback(
            at=datetime.now(UTC).isoformat(timespec="seconds"), user=user[:200] or "unknown",
            question=question[:MAX_TEXT], answer=answer[:MAX_TEXT], verdict=verdict,
            comment=(comment or "").strip()[:MAX_TEXT] or None,
        )  # fmt: skip
        try:
            with closing(self._connect()) as db, db:
                cursor = db.execute(
                    "INSERT INTO feedback (at, user, question, answer, verdict, comment) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (entry.at, entry.user, entry.question, entry.answer, entry.verdict, entry.comment),
                )
                entry.id = cursor.lastrowid
        except sqlite3.Error as exc:
            raise FeedbackError(f"Could not store feedback in {self.path} ({exc}).") from exc
        return entry

    def all(self, verdict: Verdict | None = None) -> list[Feedback]:
        """Every stored verdict, newest first (only `verdict`'s when given)."""
        query = "SELECT id, at, user, question, answer, verdict, comment FROM feedback"
        args: tuple[str, ...] = ()
        if verdict:
            query, args = query + " WHERE verdict = ?", (verdict,)
        try:
            with closing(self._connect()) as db:
                rows = db.execute(query + " ORDER BY id DESC", args).fetchall()
        except sqlite3.Error as exc:
            raise FeedbackError(f"Could not read feedback from {self.path} ({exc}).") from exc
        keys = ("id", "at", "user", "question", "answer", "verdict", "comment")
        return [Feedback.model_validate(dict(zip(keys, row, strict=True))) for row in rows]
