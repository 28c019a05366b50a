"""`crosscheck repl`: ask questions one after another, with line editing and history.

Commands: `:sources` lists the articles, `:help` shows this, `:quit` (or Ctrl-D)
leaves. Anything else is a question. Input and output streams can be passed in,
so tests drive the loop exactly as a user would.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.core import Engine, QuestionError
from bot.core.followup import combine
from bot.terminal.render import text

log = logging.getLogger(__name__)

PROMPT = "crosscheck> "
HELP = """Ask a question about the event, for example:
  how many were killed?
  when did it happen?
  who was in charge?
Follow-ups read with the question before: "and in <place>?", "when was that?", "who said so?".
Commands: :sources  list the articles   :help  this text   :quit  leave (or Ctrl-D)"""
HISTORY_FILE = Path.home() / ".crosscheck_history"


def _enable_history() -> None:
    """Line editing and a history file, when the terminal supports readline."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        return
    with contextlib.suppress(OSError):  # no history yet, or an unreadable one
        readline.read_history_file(HISTORY_FILE)
    readline.set_history_length(1000)
    import atexit

    def save() -> None:
        try:
            readline.write_history_file(HISTORY_FILE)
        except OSError:
            log.debug("could not save the REPL history to %s", HISTORY_FILE)

    atexit.register(save)


def _sources(engine: Engine) -> str:
    lines = []
    for article in engine.index.articles.values():
        extra = ", ".join(x for x in (article.outlet, article.published) if x)
        lines.append(f"  {article.doc_id}  {article.title}" + (f" ({extra})" if extra else ""))
    return f"{len(lines)} articles:\n" + "\n".join(lines)


def run(engine: Engine, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """The read-answer loop; returns the exit code (0 on :quit or end of input)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty() and stdout.isatty()
    if interactive:
        _enable_history()
    n_articles = len(engine.index.articles)  # load (or build) the index before the first prompt
    print(f"Crosscheck: {n_articles} articles loaded. Type :help for help, :quit to leave.", file=stdout)
    previous: str | None = None
    while True:
        try:
            if interactive:
                line = input(PROMPT)
            else:
                stdout.write(PROMPT)
                stdout.flush()
                line = stdin.readline()
                if not line:
                    raise EOFError
        except EOFError:
            print(file=stdout)
            return 0
        except KeyboardInterrupt:
            print("\n(Ctrl-D or :quit to leave)", file=stdout)
            continue
        question = line.strip()
        if not question:
            continue
        if question in (":quit", ":q", ":exit"):
            return 0
        if question in (":help", ":h", "?"):
            print(HELP, file=stdout)
            continue
        if question == ":sources":
            print(_sources(engine), file=stdout)
            continue
        if question.startswith(":"):
            print(f"Unknown command {question}. Try :help.", file=stdout)
            continue
        try:
            follow = combine(previous, question, engine.index)
            if follow.reading:
                print(follow.reading, file=stdout)
            print(text(engine.answer(follow.question), n_articles=n_articles), file=stdout)
            previous = follow.question
        except QuestionError as exc:
            print(str(exc), file=stdout)
        except Exception:
            log.exception("Failed to answer %r", question)
            print("Sorry, something went wrong answering that; the details are in the log.", file=stdout)
