"""The command line: `crosscheck` (or `python -m bot`).

  ask [QUESTION] [--json]   answer one question, or one per stdin line
  repl                      interactive prompt with history
  sources                   list the articles of the corpus
  add URL|FILE...           add articles (web pages, .txt or .html files) and index them
  remove ID...              take articles out of the coverage
  disagreements [--json]    every fact the articles differ on, found without a question
  feedback [--json]         readers' verdicts on answers (Slack's Helpful / Something's wrong)
  index build|search|info   build the index, search it, describe it
  eval FILE.jsonl           score a question file (format of shared/eval/dev.jsonl)
  bench                     latency, build time, cold start and memory figures
                            (eval and bench run the repository's benchmarks/, from a checkout)
  serve | socket            run the Slack app (HTTP, or Socket Mode)

Every command takes --corpus DIR. Errors print what went wrong and how to fix
it, with exit code 2 for bad input or settings and 1 for anything unexpected.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.core import Engine, QuestionError
from bot.logs import configure_logging
from bot.settings import PROJECT_ROOT, SettingsError, load_settings
from bot.terminal.render import text
from index.articles import CorpusError

log = logging.getLogger("crosscheck")

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the command must not be reset by the command's own copy.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--corpus", type=Path, help="folder of .txt articles (default: the bundled corpus)")
    common.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (default INFO)")
    parser = argparse.ArgumentParser(
        prog="crosscheck", parents=[common],
        description="Answer questions about a news event from its coverage, with every differing answer.",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ask = commands.add_parser("ask", parents=[common], help="answer a question (or one per stdin line)")
    ask.add_argument("question", nargs="*", help="the question; omit it to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    ask.add_argument("--explain", action="store_true", help="show how the question was read and scored")
    commands.add_parser("repl", parents=[common], help="interactive prompt")
    commands.add_parser("sources", parents=[common], help="list the articles")
    add = commands.add_parser("add", parents=[common], help="add articles: links or .txt/.html files")
    add.add_argument("targets", nargs="+", metavar="URL|FILE")
    remove = commands.add_parser("remove", parents=[common], help="take articles out (ids from `sources`)")
    remove.add_argument("doc_ids", nargs="+", metavar="ID")
    digest = commands.add_parser(
        "disagreements", parents=[common], help="every fact the articles differ on, without a question"
    )
    digest.add_argument("--json", action="store_true", help="print the digest as JSON")
    digest.add_argument("--fresh", action="store_true", help="recompute instead of reading the kept digest")
    index = commands.add_parser("index", parents=[common], help="build, search or describe the index")
    index_commands = index.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    index_commands.add_parser("build", parents=[common], help="(re)build the index now")
    index_commands.add_parser("info", parents=[common], help="describe the index")
    search = index_commands.add_parser("search", parents=[common], help="ranked passages for a query")
    search.add_argument("query", nargs="+")
    search.add_argument("-k", type=int, default=10, help="how many passages (default 10)")
    evaluate = commands.add_parser("eval", parents=[common], help="score a question file")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("-v", "--verbose", action="store_true", help="show each question")
    bench = commands.add_parser("bench", parents=[common], help="measure speed and memory")
    bench.add_argument("--quick", action="store_true", help="skip the 100k-passage corpus")
    bench.add_argument("--retrieval", action="store_true", help="compare BM25 variants instead")
    bench.add_argument("--json-out", type=Path, metavar="PATH", help="also write the figures as JSON")
    bench.add_argument("--size", type=int, action="append", metavar="N",
                       help="measure synthetic corpora of about N passages, not 10k and 100k")  # fmt: skip
    feedback = commands.add_parser("feedback", parents=[common], help="readers' feedback on answers")
    feedback.add_argument("--json", action="store_true", help="one JSON object per line")
    feedback.add_argument("--wrong", action="store_true", help="only answers marked wrong")
    commands.add_parser("serve", parents=[common], help="run the Slack app over HTTP (Procfile web)")
    commands.add_parser("socket", parents=[common], help="run the Slack app in Socket Mode (Procfile worker)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = _parser().parse_args(argv)
    configure_logging(getattr(args, "log_level", None) or "INFO")
    try:
        corpus = getattr(args, "corpus", None)
        overrides = {"corpus": corpus} if corpus else {}
        settings = load_settings(**overrides)
        engine = Engine(settings)
        return _dispatch(args, engine)
    except (SettingsError, CorpusError) as exc:
        print(f"crosscheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:
        log.exception("Unexpected error")
        print(
            "crosscheck: something went wrong inside Crosscheck (the traceback is above). "
            "Please report it with the command you ran.",
            file=sys.stderr,
        )
        return EXIT_FAILURE


def _dispatch(args: argparse.Namespace, engine: Engine) -> int:
    if args.command == "ask":
        if args.explain:
            print(engine.explain(" ".join(args.question)))
            return EXIT_OK
        # `ask ""` is an empty question, not a request to read stdin.
        question = " ".join(args.question) if args.question else None
        return ask(engine, question, args.json)
    if args.command == "repl":
        from bot.terminal.repl import run

        return run(engine)
    if args.command == "sources":
        return sources(engine)
    if args.command in ("add", "remove"):
        return change_coverage(engine, args.command, args.targets if args.command == "add" else args.doc_ids)
    if args.command == "feedback":
        return feedback_command(engine, args.json, args.wrong)
    if args.command == "disagreements":
        return disagreements(engine, args.json, args.fresh)
    if args.command == "index":
        return index_command(engine, args)
    if args.command in ("eval", "bench"):
        return _development_command(args, engine)
    if args.command in ("serve", "socket"):
        from bot.slack.runners import run_server

        return run_server(engine.settings, socket_mode=args.command == "socket")
    raise AssertionError(args.command)


def _development_command(args: argparse.Namespace, engine: Engine) -> int:
    """`eval` and `bench`: tools that live in the repository's benchmarks/ folder, not in the package.

    From a checkout (an editable install, or `python -m bot` in the project folder) they
    are imported from there; an installed wheel does not ship them, and says so.
    """
    if not (PROJECT_ROOT / "benchmarks" / "__init__.py").is_file():
        print(f"crosscheck: `{args.command}` is a development command: run it from a checkout of the "
              "Crosscheck repository (pip install -e . there); this installation does not include "
              "its benchmarks/ folder.", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))  # the editable install maps bot/ and index/ only
    if args.command == "eval":
        from benchmarks.evaluate import evaluate_file

        return evaluate_file(engine, args.file, verbose=args.verbose)
    from benchmarks.bench import run_bench

    return run_bench(
        engine, quick=args.quick, retrieval=args.retrieval, json_out=args.json_out, sizes=args.size
    )


def ask(engine: Engine, question: str | None, as_json: bool) -> int:
    """`ask`: one question from the arguments, or (with none given) one per line of stdin."""
    if question is not None:
        try:
            result = engine.answer(question)
        except QuestionError as exc:
            print(f"crosscheck: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(result.model_dump_json() if as_json else _text(engine, result))
        return EXIT_OK
    if sys.stdin.isatty():
        print("crosscheck: no question given. Pass one in quotes, or pipe questions in, one per line.",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    failures = 0
    for line in _stdin_lines():
        try:
            result = engine.answer(line)
        except QuestionError as exc:
            failures += 1
            if as_json:
                print(json.dumps({"question": line, "error": str(exc), "answers": [], "conflict": False}))
            else:
                print(f"{line!r}: {exc}\n")
            continue
        print(result.model_dump_json() if as_json else _text(engine, result) + "\n", flush=True)
    return EXIT_OK if not failures else EXIT_USAGE


def _stdin_lines():
    """Lines of stdin, decoded leniently: a stray byte never stops the batch."""
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    if stream is None:
        yield from (line.rstrip("\r\n") for line in sys.stdin)
        return
    for raw in stream:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _text(engine: Engine, result) -> str:
    bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    return text(result, bold=bold, n_articles=len(engine.index.articles))


def sources(engine: Engine) -> int:
    for article in engine.index.articles.values():
        meta = ", ".join(x for x in (article.outlet, article.published, article.url) if x)
        print(f"{article.doc_id}  {article.title}" + (f"  [{meta}]" if meta else ""))
    return EXIT_OK


def change_coverage(engine: Engine, action: str, targets: list[str]) -> int:
    """`add` / `remove`: each target in turn; one refused does not stop the others."""
    from bot.coverage.editor import CoverageEditor, CoverageError

    editor = CoverageEditor(engine)
    refused = 0
    for target in targets:
        try:
            outcome = editor.add(target) if action == "add" else editor.remove(target)
        except CoverageError as exc:
            refused += 1
            print(f"crosscheck: {target}: {exc}", file=sys.stderr)
            continue
        print(outcome.describe(bold=("", "")) + f" (indexed in {outcome.seconds:.2f} s)")
    return EXIT_USAGE if refused else EXIT_OK


def disagreements(engine: Engine, as_json: bool, fresh: bool) -> int:
    """`disagreements`: the digest of every fact the articles differ on."""
    from bot.core.digest import DigestError, digest
    from bot.terminal.render import digest_text

    try:
        found = digest(engine, fresh=fresh)
    except DigestError as exc:
        print(f"crosscheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    print(found.model_dump_json() if as_json else digest_text(found, bold=bold))
    return EXIT_OK


def feedback_command(engine: Engine, as_json: bool, wrong_only: bool) -> int:
    """`feedback`: what readers said about answers, newest first."""
    from bot.core.feedback import FeedbackError, FeedbackStore

    try:
        entries = FeedbackStore(engine.settings.feedback_db).all("wrong" if wrong_only else None)
    except FeedbackError as exc:
        print(f"crosscheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for e in entries:
        if as_json:
            print(e.model_dump_json())
            continue
        print(f"#{e.id} {e.at} {e.user} {e.verdict.upper()}")
        print(f"  question: {e.question}")
        print(f"  answer:   {e.answer}")
        if e.comment:
            print(f"  comment:  {e.comment}")
    if not entries and not as_json:
        print(f"No feedback yet in {engine.settings.feedback_db}.")
    return EXIT_OK


def index_command(engine: Engine, args: argparse.Namespace) -> int:
    from index.build import open_index

    if args.index_command == "build":
        index = open_index(engine.options, rebuild=True)
        print(f"Built {index.path}: {len(index)} passages from {len(index.articles)} articles "
              f"({index.meta.pipeline}).")  # fmt: skip
        return EXIT_OK
    index = engine.index
    if args.index_command == "info":
        shown = ("corpus", "built", "pipeline", "bm25", "reference_date")
        meta = index.meta.model_dump(mode="json", include=set(shown))
        print(json.dumps({k: meta[k] for k in shown}
                         | {"passages": len(index), "articles": len(index.articles), "file": str(index.path)},
                         indent=2))  # fmt: skip
        return EXIT_OK
    query = " ".join(args.query)
    terms = {t: 1.0 for t in index.term_maker.terms(query)}
    if not terms:
        print("crosscheck: the query has no searchable words.", file=sys.stderr)
        return EXIT_USAGE
    for rank, (number, score) in enumerate(index.postings.top(terms, args.k), 1):
        p = index.passage(number)
        print(f"{rank:>3}. {score:7.3f}  {p.doc_id}#{p.i}  {p.text}")
    return EXIT_OK
