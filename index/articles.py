"""Articles: reading a folder of .txt files, cleaning web copy, and their metadata.

Raw web copies carry site chrome ("Latest Videos", "Follow Us:"), photo captions
glued to agency names ("Reuters...[/caption]"), banners that repeat the site
name, copyright lines and "First Published ..." stamps. None of that is content:
it is dropped here so it never becomes a passage or an answer, and what it says
about the article (outlet, publication date) is kept as metadata.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
import unicodedata
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from index.terms import fold

log = logging.getLogger(__name__)

# News articles run to tens of kilobytes; past this a file is a dump, not an article, and indexing
# it whole costs minutes and gigabytes (20 MB: 208 s, 2.9 GB). Only its first part is indexed.
MAX_ARTICLE_BYTES = 1_000_000
# The corpus folder's own metadata sidecar, in config/sources.toml's format: written when an
# article is added (`crosscheck add`), so the folder carries its articles' titles and links.
CORPUS_SIDECAR = "sources.toml"


class CorpusError(Exception):
    """The corpus folder cannot be used; the message says which folder and how to fix it."""


class Paragraph(BaseModel):
    """A paragraph of the cleaned text; headings are paragraphs of their own."""

    start: int
    end: int
    heading: bool = False


class SourceInfo(BaseModel):
    """What the sidecar (config/sources.toml) may say about one article."""

    model_config = ConfigDict(extra="forbid")

    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: date | None = None

    @field_validator("url")
    @classmethod
    def _url_is_web(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class Article(BaseModel):
    """One cleaned article: metadata plus text whose offsets passages point into."""

    doc_id: str
    title: str
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    text: str
    paragraphs: list[Paragraph]


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "″": '"', "′": "'"})
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

# Site chrome seen in web copies. Each matches a whole (short) line.
_CHROME = [
    r"latest (videos?|news|stories)",
    r"(follow|like|join) us( on \w+)?:?",
    r"download( the)? app:?",
    r"(share|email|print|save)( this)?( article| story| page)?:?",
    r"(subscribe|sign up|log ?in|register)\b.{0,60}",
    r"advertisement|sponsored( content)?|promoted( stories)?|trending( now)?",
    r"(read|see|watch) (more|also|next)\b.{0,80}",
    r"(also|must) read:?.{0,80}",
    r"related( articles| stories| news)?:?.{0,80}",
    r"click here\b.{0,80}",
    r"skip to (main )?content|top stories|most read|more from \w+.{0,40}",
    r"all rights reserved\.?",
    r"•.{0,30}",
]
_CHROME_RE = re.compile(r"^(?:" + "|".join(_CHROME) + r")$", re.IGNORECASE)
# "Copyright 2024, X", "© 2024 X", "Copyright (c) 2024 X", "© Copyright 2024-2025 X"
_COPYRIGHT_RE = re.compile(
    r"^(?:(?:copyright|©|\(c\))[\s,.]*)+(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[,.\s]*(?P<owner>.*)$", re.I
)
_CAPTION_RE = re.compile(r"\[/?caption\b[^\]]*\]", re.IGNORECASE)
_STAMP_RE = re.compile(
    r"^(?:first published|published|updated|last updated|posted|date)\s*(?:on|:)?\s*(?P<when>.+)$",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(r"^by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:\s*(?:,|and)\s*.+)?$")
# "(USNewsMag.com) – " or "MOSUL (AP) — " opening a paragraph.
_DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Z .,'-]{1,40}\s*)?\((?P<source>[A-Za-z][\w .&'-]{0,40})\)\s*[-–—]+\s*"
)
_TERMINAL = tuple(".!?:;\"')]…")

WIRE_SERVICES = {"ap", "reuters", "afp", "upi", "dpa"}


def decode(raw: bytes, name: str) -> str | None:
    """Text of a file's bytes, or None (with a warning naming the file) when it is not text.

    UTF-8 (with or without BOM) and BOM-marked UTF-16 are read as such. Other
    bytes are read as Windows-1252, the usual legacy encoding of web copy, with a
    warning; NUL bytes or undecodable control characters mean the file is binary.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        log.warning("Skipping %s: it holds NUL bytes, so it is not a text article.", name)
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        log.warning("Skipping %s: it is neither UTF-8 nor Windows-1252 text.", name)
        return None
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n\t\f")
    if controls > max(3, len(text) // 200):
        log.warning("Skipping %s: it looks binary (control characters), not a text article.", name)
        return None
    log.warning("%s is not UTF-8; read it as Windows-1252. Save it as UTF-8 to silence this.", name)
    return text


def normalize(text: str) -> str:
    """Unify quotes, spaces and line ends so matching and sentence rules see one style."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_RE.sub("", text.translate(_QUOTES))
    return "\n".join(_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))


def _doubled(line: str) -> str | None:
    """The site name when a line is that name written twice ("Asianet NewsableAsianet Newsable")."""
    compact = line.strip()
    n = len(compact)
    for cut in (n // 2, (n + 1) // 2):
        first, second = compact[:cut].strip(), compact[cut:].strip()
        if first and first == second and len(first.split()) <= 5:
            return first
    return None


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_FULL_DATE_RE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}})\b", re.IGNORECASE
)
_STAMP_WORDS = {
    "updated", "published", "posted", "last", "first", "ago", "hour", "hours", "minute", "minutes",
    "day", "days", "on", "at", "am", "pm", "a.m", "p.m", "gmt", "utc", "uk", "us", "est", "edt",
    "ist", "bst", "cet", "live", "updates", "update", "today", "yesterday", "and", "by",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
    "wed", "thu", "fri", "sat", "sun",
}  # fmt: skip


def _is_stamp_line(line: str) -> bool:
    """A short line that is a publication or update stamp: a full date, and otherwise only times
    and stamp words ("February 8, 2024 2:31 AM GMT+3 Updated 4 hours ago")."""
    if len(line.split()) > 16 or not _FULL_DATE_RE.search(line):
        return False
    rest = _FULL_DATE_RE.sub(" ", line)
    words = re.findall(r"[A-Za-z][A-Za-z.]*", rest)
    return all(w.lower().rstrip(".") in _STAMP_WORDS or re.fullmatch(_MONTH, w, re.I) for w in words)


def _is_heading(line: str) -> bool:
    return not line.endswith(_TERMINAL)


class _Cleaned(BaseModel):
    text: str
    paragraphs: list[Paragraph]
    first_line: str | None
    outlet: str | None
    stamp: str | None


def clean(raw_text: str) -> _Cleaned:
    """Drop site chrome, captions, stamps and repeats; keep paragraphs and headings apart."""
    outlet: str | None = None
    stamp: str | None = None
    kept: list[str] = []
    seen: set[str] = set()
    for line in normalize(raw_text).split("\n"):
        if not line:
            kept.append("")
            continue
        if _CAPTION_RE.search(line):
            continue
        if banner := _doubled(line):
            outlet = outlet or banner
            continue
        if match := _COPYRIGHT_RE.match(line):
            owner = re.sub(r"[.,;]?\s*all rights reserved\.?$", "", match.group("owner"), flags=re.I)
            owner = owner.strip(" .,")
            if owner and len(owner.split()) <= 6:
                outlet = outlet or owner
            continue
        if len(line.split()) <= 12 and (match := _STAMP_RE.match(line)):
            stamp = stamp or match.group("when")
            continue
        if _is_stamp_line(line):  # "Thursday 08 February 2024 06:12, UK", "... Updated 4 hours ago"
            stamp = stamp or line
            continue
        if (len(line.split()) <= 8 and _CHROME_RE.match(line)) or _BYLINE_RE.match(line):
            continue
        if match := _DATELINE_RE.match(line):
            source = match.group("source").strip()
            if "." in source or fold(source) in WIRE_SERVICES:
                outlet = outlet or source
            line = line[match.end() :]
        key = fold(line)
        if key in seen:  # a headline repeated above the body, a pull quote
            continue
        seen.add(key)
        kept.append(line)
    paragraphs = _join_soft_wraps(kept)
    text_parts: list[str] = []
    spans: list[Paragraph] = []
    offset = 0
    for para in paragraphs:
        spans.append(Paragraph(start=offset, end=offset + len(para), heading=_is_heading(para)))
        text_parts.append(para)
        offset += len(para) + 1
    first = paragraphs[0] if paragraphs else None
    return _Cleaned(
        text="\n".join(text_parts), paragraphs=spans, first_line=first, outlet=outlet, stamp=stamp
    )


def _join_soft_wraps(lines: list[str]) -> list[str]:
    """Paragraphs from lines: a line is joined to the next only when it was wrapped mid-sentence.

    A wrap is a line without final punctuation followed by one starting in lower
    case or a digit; a heading is followed by a capitalized sentence and stays apart.
    """
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and not current.endswith(_TERMINAL) and line[:1].islower():
            current = f"{current} {line}"
            continue
        if current:
            paragraphs.append(current)
        current = line
    if current:
        paragraphs.append(current)
    return paragraphs


def load_sources(path: Path) -> dict[str, SourceInfo]:
    """Read the metadata sidecar; a broken entry is reported and ignored, never fatal."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        log.warning("Ignoring %s: it is not valid TOML (%s). Fix the file to use its metadata.", path, exc)
        return {}
    sources: dict[str, SourceInfo] = {}
    for doc_id, entry in data.items():
        try:
            sources[doc_id] = SourceInfo.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in exc.errors()
            )
            log.warning("Ignoring metadata for %s in %s: %s", doc_id, path, problems)
    return sources


def merged_sources(config_sidecar: Path, corpus: Path) -> dict[str, SourceInfo]:
    """The corpus folder's sidecar, with config/sources.toml's entries over it field by field:
    what was written by hand corrects what `add` read from a page."""
    merged = load_sources(corpus / CORPUS_SIDECAR)
    for doc_id, info in load_sources(config_sidecar).items():
        base = merged[doc_id].model_dump(exclude_none=True) if doc_id in merged else {}
        merged[doc_id] = SourceInfo.model_validate(base | info.model_dump(exclude_none=True))
    return merged


def article_files(folder: Path) -> list[Path]:
    """The .txt files of a corpus folder, in name order; raises CorpusError when there are none."""
    if not folder.exists():
        raise CorpusError(
            f"The corpus folder {folder} does not exist. "
            "Pass --corpus DIR or set CROSSCHECK_CORPUS to a folder of .txt articles."
        )
    if not folder.is_dir():
        raise CorpusError(f"The corpus path {folder} is a file; it must be a folder of .txt articles.")
    # os.scandir, not Path.iterdir + is_file: the entry's type comes with the listing, so a
    # corpus of thousands of articles is listed without a stat per file (pathlib's cost was
    # most of an index load at 3,000 articles).
    with os.scandir(folder) as entries:
        found = sorted(
            (e.name, e.is_symlink())
            for e in entries
            if e.name.lower().endswith(".txt") and len(e.name) > len(".txt") and e.is_file()
        )
    files = [folder / name for name, link in found if not link or _inside(folder / name, folder)]
    if not files:
        raise CorpusError(
            f"The corpus folder {folder} holds no .txt articles. "
            "Add articles as UTF-8 .txt files (one article per file) or point --corpus elsewhere."
        )
    return files


def _inside(path: Path, folder: Path) -> bool:
    """False (with a warning) for a symbolic link to a file outside the corpus folder: whatever
    it points at (a secret, another corpus) is not this corpus's to quote."""
    if not path.is_symlink():
        return True
    try:
        path.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (OSError, ValueError, RuntimeError):  # outside, dangling or a loop
        log.warning("Skipping %s: it is a link to a file outside the corpus folder %s.", path.name, folder)
        return False
    return True


def _read_capped(path: Path) -> bytes:
    """A file's bytes, or for a file over MAX_ARTICLE_BYTES its first part, cut at a line break
    (with a warning naming it); memory stays bounded by the cap whatever the file's size."""
    with path.open("rb") as handle:
        raw = handle.read(MAX_ARTICLE_BYTES + 1)
    if len(raw) <= MAX_ARTICLE_BYTES:
        return raw
    raw = raw[:MAX_ARTICLE_BYTES]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: a line break is a 2-byte unit at an even offset
        newline = b"\n\x00" if raw.startswith(b"\xff\xfe") else b"\x00\n"
        end = raw.rfind(newline)
        while end > 0 and end % 2:
            end = raw.rfind(newline, 0, end)
        raw = raw[: end + 2] if end > 0 else raw[: len(raw) // 2 * 2]
    elif b"\n" in raw:
        raw = raw[: raw.rindex(b"\n") + 1]  # no UTF-8 character cut in two
    log.warning(
        "%s is %.1f MB, more than an article; only its first %.1f MB is indexed.",
        path.name, path.stat().st_size / 1e6, len(raw) / 1e6,
    )  # fmt: skip
    return raw


def read_article(path: Path, info: SourceInfo | None, parse_stamp) -> Article | None:
    """One cleaned Article from a file, or None when the file has no usable text.

    `parse_stamp` turns a "First Published ..." stamp into a date (or None); it
    is passed in so this module does not import the date parser.
    """
    try:
        raw = _read_capped(path)
    except OSError as exc:
        log.warning("Skipping %s: it cannot be read (%s).", path.name, exc.strerror or exc)
        return None
    text = decode(raw, path.name)
    if text is None:
        return None
    cleaned = clean(text)
    if not cleaned.text.strip():
        log.warning("Skipping %s: nothing is left once site chrome is removed.", path.name)
        return None
    info = info or SourceInfo()
    published = info.published or (parse_stamp(cleaned.stamp) if cleaned.stamp else None)
    title = info.title or (cleaned.first_line or path.stem)[:200]
    return Article(
        doc_id=path.stem,
        title=title,
        outlet=info.outlet or cleaned.outlet,
        url=info.url,
        published=published,
        text=cleaned.text,
        paragraphs=cleaned.paragraphs,
    )
