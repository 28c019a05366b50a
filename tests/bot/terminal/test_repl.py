"""The REPL, driven through its input stream exactly as a user types."""

from __future__ import annotations

import io

import pytest

from bot.core.engine import Engine
from bot.terminal.repl import HELP, PROMPT, run


def session(engine: Engine, typed: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run(engine, stdin=io.StringIO(typed), stdout=out)
    return code, out.getvalue()


def test_repl_answers_questions_in_turn(engine: Engine) -> None:
    code, out = session(engine, "how many were killed in Baghdad?\nwhat time was the strike?\n")
    assert code == 0, f"expected exit code 0 at end of input, got {code}"
    assert out.startswith("Crosscheck: 5 articles loaded."), f"expected the greeting, got {out[:80]!r}"
    assert "Sources disagree: 2 answers" in out, f"expected the Baghdad disagreement, got:\n{out}"
    assert "21:30" in out, f"expected the time answer, got:\n{out}"
    assert out.index("Sources disagree") < out.index("21:30"), "expected answers in the order asked"
    assert out.count(PROMPT) == 3, (
        f"expected a prompt per question and one at the end, got {out.count(PROMPT)}"
    )


def test_repl_sources_lists_articles(engine: Engine) -> None:
    _, out = session(engine, ":sources\n")
    assert "5 articles:" in out, f"expected the article count, got:\n{out}"
    for doc_id in engine.index.articles:
        assert doc_id in out, f"expected {doc_id} listed, got:\n{out}"
    assert "Asianet Newsable" in out, "expected outlets shown"


@pytest.mark.parametrize("command", [":help", ":h", "?"])
def test_repl_help(engine: Engine, command: str) -> None:
    _, out = session(engine, f"{command}\n")
    assert HELP in out, f"expected the help text for {command!r}, got:\n{out}"


def test_repl_unknown_command_points_to_help(engine: Engine) -> None:
    code, out = session(engine, ":bogus\nwhat time was the strike?\n")
    assert "Unknown command :bogus" in out and ":help" in out, f"expected a pointer to :help, got:\n{out}"
    assert "21:30" in out, "expected the loop to go on after an unknown command"
    assert code == 0, f"expected exit code 0, got {code}"


@pytest.mark.parametrize("command", [":quit", ":q", ":exit"])
def test_repl_quit_stops_reading(engine: Engine, command: str) -> None:
    code, out = session(engine, f"{command}\nwhat time was the strike?\n")
    assert code == 0, f"expected exit code 0, got {code}"
    assert "21:30" not in out, f"expected nothing answered after {command}, got:\n{out}"


@pytest.mark.parametrize("typed", ["", "\n\n   \n", "what time was the strike?"])
def test_repl_end_of_input_exits_cleanly(engine: Engine, typed: str) -> None:
    code, out = session(engine, typed)
    assert code == 0, f"expected exit code 0 at end of input, got {code}"
    assert out.endswith(PROMPT + "\n"), f"expected a final newline after the last prompt, got {out[-40:]!r}"


@pytest.mark.parametrize("question", ["?!", "...", "<!channel>"])
def test_repl_empty_question_explained_and_loop_goes_on(engine: Engine, question: str) -> None:
    _, out = session(engine, f"{question}\nwhat time was the strike?\n")
    assert "The question is empty" in out, f"expected the empty-question message, got:\n{out}"
    assert "21:30" in out, "expected the next question answered"


def test_repl_unexpected_error_reported_and_loop_goes_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine.answer

    def flaky(question: str):
        if "boom" in question:
            raise RuntimeError("index exploded")
        return real(question)

    monkeypatch.setattr(engine, "answer", flaky)
    code, out = session(engine, "boom\nwhat time was the strike?\n")
    assert "something went wrong" in out, f"expected an apology, got:\n{out}"
    assert "index exploded" not in out, "expected no internals shown to the user"
    assert "21:30" in out and code == 0, "expected the loop to go on"


def test_repl_no_answer_shows_closest(engine: Engine) -> None:
    _, out = session(engine, "What is the capital of France?\n")
    assert "I couldn't find that in the 5 articles." in out, f"expected the abstention line, got:\n{out}"
    assert "Closest passages:" in out, f"expected the closest passages, got:\n{out}"


def test_repl_follow_up_reads_the_previous_question(engine: Engine) -> None:
    _, out = session(engine, "how many were killed in Baghdad?\nand in Jordan?\n")
    assert (
        'Read as a follow-up to "how many were killed in Baghdad?": how many were killed in Jordan?' in out
    ), f"expected the follow-up's reading, got:\n{out}"
    assert "how many were killed in Jordan?\n" in out, f"expected the Jordan question answered, got:\n{out}"
