"""A fetched page or an uploaded file, read as one article: text, title, outlet, date and link.

Web pages go through trafilatura, a library made for news pages: it finds the
article body among menus, captions and footers and reads the title, site name
and publication date from the page's metadata. Text files are read as the corpus
reads them (index/articles.py). Whatever comes out is checked before it is kept:
enough text to be an article, not a paywall stub, in English (config/coverage.toml
says what each means). trafilatura is imported here only, so answering never pays
for it (about 200 ms).
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from index.articles import clean, decode


class ExtractError(Exception):
    """What was given is not an article Crosscheck can keep; the message says why and what to do."""


class Draft(BaseModel):
    """An article read from a page or a file, before it is stored in the corpus folder."""

    title: str
    outlet: str | None = None
    published: date | None = None
    url: str | None = None
    text: str = Field(description="The article's text: title first, then paragraphs, blank lines apart")


class ArticleRules(BaseModel):
    min_chars: int = 400
    min_sentences: int = 3


class PaywallRules(BaseModel):
    stub_chars: int = 2500
    cues: list[str] = Field(default_factory=list)


class EnglishRules(BaseModel):
    min_share: float = 0.12
    words: list[str] = Field(default_factory=list)


class Rules(BaseModel):
    """config/coverage.toml: what is accepted as an article."""

    article: ArticleRules = Field(default_factory=ArticleRules)
    paywall: PaywallRules = Field(default_factory=PaywallRules)
    english: EnglishRules = Field(default_factory=EnglishRules)

    @classmethod
    def load(cls, path: Path) -> Rules:
        """The rules from a file, or the defaults when it does not exist; ExtractError when broken."""
        if not path.is_file():
            return cls()
        try:
            return cls.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
            raise ExtractError(
                f"{path} cannot be used ({exc}); fix it or remove it to use the defaults."
            ) from None


HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
_HTML_START_RE = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_LANG_RE = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)
_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")


def from_bytes(body: bytes, content_type: str, name: str, url: str | None, rules: Rules) -> Draft:
    """The article in a page's or file's bytes; ExtractError when there is none to keep.

    `content_type` is the server's (for a fetched page) or "" (for a file, told by `name`'s
    suffix or its first bytes); `name` names it in messages.
    """
    kind = _kind(body, content_type, name)
    draft = _from_html(body, url, name) if kind == "html" else _from_text(body, name, url)
    _check(draft, rules, name, body if kind == "html" else b"")
    return draft


def _kind(body: bytes, content_type: str, name: str) -> str:
    suffix = Path(name).suffix.lower()
    if body.startswith(b"%PDF") or content_type == "application/pdf" or suffix == ".pdf":
        raise ExtractError(
            f"{name} is a PDF. I read web pages and text, not PDFs: link the article's web page, "
            "or save its text as a .txt file and add that."
        )
    if content_type in HTML_TYPES or suffix in (".html", ".htm") or _HTML_START_RE.match(body[:2048]):
        return "html"
    if content_type in TEXT_TYPES or (not content_type and suffix == ".txt"):
        return "text"
    shown = content_type or (suffix and f"a {suffix} file") or "not text"
    raise ExtractError(f"{name} is {shown}, not a web page or text; I can only add articles.")


def _from_html(body: bytes, url: str | None, name: str) -> Draft:
    import trafilatura

    found = trafilatura.bare_extraction(
        body, url=url, with_metadata=True, favor_precision=True, include_comments=False,
        include_tables=False, date_extraction_params={"extensive_search": False, "original_date": True},
    )  # fmt: skip
    text = (getattr(found, "text", None) or "").strip() if found is not None else ""
    if not text:
        raise ExtractError(
            f"I found no article text on {name}: it may be an index page, a video or a page built by "
            "JavaScript. Link the article itself, or save its text as a .txt file and add that."
        )
    paragraphs = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    title = " ".join((getattr(found, "title", None) or "").split()) or paragraphs[0][:200]
    if paragraphs and paragraphs[0].casefold() != title.casefold():
        paragraphs.insert(0, title)
    return Draft(
        title=title,
        outlet=(getattr(found, "sitename", None) or None),
        published=_iso_date(getattr(found, "date", None)),
        url=url,
        text="\n\n".join(paragraphs) + "\n",
    )


def _from_text(body: bytes, name: str, url: str | None) -> Draft:
    from index.normalize import parse_stamp

    text = decode(body, name)
    if text is None:
        raise ExtractError(f"{name} is not text (it looks binary); I can only add articles as text or HTML.")
    cleaned = clean(text)
    if not cleaned.text.strip():
        raise ExtractError(f"{name} holds no text once site chrome is removed.")
    return Draft(
        title=(cleaned.first_line or Path(name).stem)[:200],
        outlet=cleaned.outlet,
        published=parse_stamp(cleaned.stamp) if cleaned.stamp else None,
        url=url,
        text=text if text.endswith("\n") else text + "\n",
    )


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _check(draft: Draft, rules: Rules, name: str, html: bytes) -> None:
    body = draft.text.split("\n", 1)[1] if "\n" in draft.text else draft.text  # without the title
    folded = " ".join(body.split()).casefold()
    if len(folded) < rules.paywall.stub_chars and any(cue in folded for cue in rules.paywall.cues):
        raise ExtractError(
            f"{name} looks like a paywall or sign-in page: only {len(folded)} characters of text, asking "
            "the reader to subscribe or sign in. Add the article's full text as a .txt file instead."
        )
    sentences = len(re.findall(r"[.!?][\"')\]]*(?:\s|$)", body))
    if len(folded) < rules.article.min_chars or sentences < rules.article.min_sentences:
        raise ExtractError(
            f"{name} has too little text to be an article ({len(folded)} characters, {sentences} "
            f"sentences; at least {rules.article.min_chars} characters and {rules.article.min_sentences} "
            "sentences are needed). Link the article page itself."
        )
    words = _WORD_RE.findall(folded)
    common = set(rules.english.words)
    share = sum(w in common for w in words) / len(words) if words else 0.0
    if share < rules.english.min_share:  # the words decide: a page's lang attribute is often a template's
        lang = _LANG_RE.search(html[:8192])
        declared = f"; the page says its language is '{lang.group(1).decode()}'" if lang else ""
        raise ExtractError(
            f"{name} does not look like English (only {share:.0%} of its words are common English "
            f"ones{declared}). Crosscheck reads English coverage only."
        )
