"""Every interface string has a Chinese translation, and no page shown in Chinese leaks one in
English.

Three checks, each catching a different slip: (1) every string the code and templates mark for
translation (extracted here as `makemessages` does, without writing into the source tree) has
a non-empty, checked (not fuzzy) Chinese text in the committed .po; (2) the compiled .mo the
site serves is that .po; (3) the main pages of every role, rendered in Chinese from Chinese
data, show no marked string in English and no English words that were never marked."""

import ast
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import templatize

from .conftest import CATALOG
from .tour import PAGES, page_id, page_url

BASE_DIR = Path(settings.BASE_DIR)
SKIPPED_DIRS = {
    ".venv",
    "var",
    ".git",
    "node_modules",
    "test-artifacts",
    "staticfiles",
    "media",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "tests",
    "bench",
}
TEMPLATE_SUFFIXES = {".html", ".txt"}
# The keywords Django's makemessages gives xgettext for the "django" domain.
XGETTEXT = [
    "xgettext",
    "--language=Python",
    "--from-code=UTF-8",
    "--output=-",
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="needs GNU gettext (apt-get install gettext)",
)


# --- the catalog -----------------------------------------------------------------------------


def parse_po(text):
    """PO entries (blocks apart by blank lines) as dicts: context, msgid, plural, msgstrs,
    fuzzy and refs (the "#:" places). The header and obsolete (#~) entries are left out."""
    fields = {"msgctxt": "context", "msgid": "msgid", "msgid_plural": "plural"}
    entries = []
    for block in re.split(r"\n\s*\n", text):
        entry = {
            "context": None,
            "msgid": "",
            "plural": None,
            "msgstrs": [],
            "fuzzy": False,
            "refs": [],
        }
        field = None
        for line in (line.strip() for line in block.splitlines()):
            if line.startswith("#,"):
                entry["fuzzy"] |= "fuzzy" in line
            elif line.startswith("#:"):
                entry["refs"] += line[2:].split()
            if not line or line.startswith("#"):
                continue
            if line.startswith('"'):
                if field == "msgstr":
                    entry["msgstrs"][-1] += ast.literal_eval(line)
                else:
                    entry[field] += ast.literal_eval(line)
                continue
            keyword, _, rest = line.partition(" ")
            if keyword.startswith("msgstr"):
                entry["msgstrs"].append(ast.literal_eval(rest))
                field = "msgstr"
            else:
                field = fields[keyword]
                entry[field] = ast.literal_eval(rest)
        if entry["msgid"]:
            entries.append(entry)
    return entries


def translatable_files(root):
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in SKIPPED_DIRS for part in relative.parts[:-1]) or not path.is_file():
            continue
        if path.suffix == ".py" or (
            path.suffix in TEMPLATE_SUFFIXES and "templates" in relative.parts
        ):
            yield path


@pytest.fixture(scope="module")
def source_strings(tmp_path_factory):
    """Every (context, msgid) marked for translation in the code and templates, with the
    place it is used: what `makemessages` would put into the .po."""
    work = tmp_path_factory.mktemp("extracted")
    inputs = []
    for path in translatable_files(BASE_DIR):
        if path.suffix == ".py":
            inputs.append(str(path))
            continue
        # Templates become Python-like source for xgettext, as makemessages does; in a
        # directory of our own, never beside the template.
        target = work / path.relative_to(BASE_DIR).with_suffix(path.suffix + ".py")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8"
        )
        inputs.append(str(target))
    listing = work / "files.txt"
    listing.write_text("\n".join(inputs) + "\n", encoding="utf-8")
    result = subprocess.run(
        [*XGETTEXT, f"--files-from={listing}"], capture_output=True, text=True, check=True
    )
    places = {
        (entry["context"], entry["msgid"]): (entry["refs"] or ["?"])[0]
        .replace(f"{work}/", "")
        .replace(f"{BASE_DIR}/", "")
        .replace(".html.py:", ".html:")
        for entry in parse_po(result.stdout)
    }
    assert len(places) > 500, "extraction found too few strings: is xgettext working?"
    return places


@needs_gettext
def test_every_marked_string_has_a_checked_chinese_translation(source_strings):
    catalog = {
        (e["context"], e["msgid"]): e
        for e in parse_po((CATALOG / "django.po").read_text(encoding="utf-8"))
    }
    problems = []
    for key, place in sorted(source_strings.items(), key=lambda item: item[1]):
        entry = catalog.get(key)
        if entry is None:
            problems.append(f"{place}: not in the .po (run makemessages): {key[1]!r}")
        elif entry.get("fuzzy"):
            problems.append(f"{place}: fuzzy, check it and drop the flag: {key[1]!r}")
        elif not entry["msgstrs"] or not all(s.strip() for s in entry["msgstrs"]):
            problems.append(f"{place}: no Chinese text: {key[1]!r}")
    assert not problems, (
        f"{len(problems)} strings lack a Chinese translation in "
        "locale/zh_Hans/LC_MESSAGES/django.po:\n" + "\n".join(problems[:60])
    )


@needs_gettext
def test_translations_keep_every_placeholder():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(CATALOG / "django.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@needs_gettext
def test_the_compiled_catalog_is_the_committed_po(compiled_translations, tmp_path):
    expected = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(expected), str(CATALOG / "django.po")], check=True
    )
    assert compiled_translations.read_bytes() == expected.read_bytes(), (
        "locale/zh_Hans/LC_MESSAGES/django.mo is stale: run `make messages`"
    )


# --- the pages -------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the attributes read out or shown,
    without scripts, styles and code (identifiers such as check codes)."""

    SKIPPED = {"script", "style", "code", "template"}
    SPOKEN = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        attrs = dict(attrs)
        for name in self.SPOKEN:
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append(" ".join(data.split()))


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(chunk.split()) for chunk in parser.chunks if chunk.strip()]


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")


def english_patterns(source_strings):
    """For every marked string with words: patterns of how it would show, untranslated (a
    string with markup shows as several pieces of text). Strings whose Chinese is the same
    text on purpose (an acronym, a brand) are left out."""
    catalog = parse_po((CATALOG / "django.po").read_text(encoding="utf-8"))
    same = {e["msgid"] for e in catalog if e["msgstrs"] and e["msgstrs"][0] == e["msgid"]}
    patterns = []
    for _context, msgid in source_strings:
        if msgid in same:
            continue
        for piece in TAG.split(msgid):
            text = " ".join(piece.split())
            if len(re.findall(r"[A-Za-z]", PLACEHOLDER.sub("", text))) < 2:
                continue  # no words: only placeholders, figures or punctuation
            regex = ".+?".join(re.escape(part) for part in PLACEHOLDER.split(text))
            patterns.append((msgid, re.compile(rf"^{regex}$")))
    return patterns


# Words that read the same in Chinese: acronyms, product and format names, the brand.
SAME_IN_CHINESE = {
    "Markdown",
    "SaaS",
    "Office",
    "English",
    "Zhizao",
    "Hub",
    "OpenAPI",
    "Swagger",
    "ReDoc",
    "Word",
    "Excel",
    "PowerPoint",
    "Webhook",
    "Webhooks",
    "https",
    "WebP",
}
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’./_-]*")


def english_words(chunk):
    """Latin words of a chunk that are neither acronyms (MES, APIs), codes (L2, GB/T,
    2025-28, addresses) nor names kept as they are in Chinese."""
    words = []
    for token in TOKEN.findall(chunk):
        word = token.strip("./_-'’")
        if (
            len(word) < 3
            or re.search(r"[\d_./]", word)
            or word.isupper()
            or re.fullmatch(r"[A-Z]+s", word)
            or word in SAME_IN_CHINESE
        ):
            continue
        words.append(word)
    return words


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_in_chinese_shows_no_english(
    compiled_translations, source_strings, site, client, page
):
    role, name, keys, query = page
    if role:
        client.force_login(site["users"][role])
    client.cookies["django_language"] = "zh-hans"
    response = client.get(page_url(site, name, keys, query))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html

    chunks = visible_text(html)
    patterns = english_patterns(source_strings)
    untranslated = sorted(
        {chunk for chunk in chunks if any(pattern.match(chunk) for _msgid, pattern in patterns)}
    )
    assert not untranslated, f"marked strings shown in English: {untranslated}"
    unmarked = sorted({chunk for chunk in chunks if english_words(chunk)})
    assert not unmarked, f"English text never marked for translation: {unmarked}"


def test_the_page_check_sees_english_and_lets_chinese_pass():
    chunks = visible_text(
        '<html lang="zh-hans"><head><title>工作台</title><style>p{}</style></head><body>'
        '<p>保存草稿</p><button>Save draft</button><span title="Score from 0 to 1">0.9</span>'
        "<p>剩余 2 days left</p><code>near_duplicate</code><script>var Hidden = 1;</script>"
        "<p>GB/T 39116-2020 · MES · L2 · APIs · 2025-28 · 张工@example.com</p>"
        '<input type="submit" value="Send"><p>Never translated</p></body></html>'
    )
    strings = {
        (None, "Save draft"),
        (None, "Score from 0 to 1"),
        (None, "%(span)s left"),
        (None, "Send"),
    }
    patterns = english_patterns(strings)
    assert sorted(c for c in chunks if any(p.match(c) for _m, p in patterns)) == [
        "Save draft",
        "Score from 0 to 1",
        "Send",
        "剩余 2 days left",
    ]
    assert sorted(c for c in chunks if english_words(c)) == [
        "Never translated",
        "Save draft",
        "Score from 0 to 1",
        "Send",
        "剩余 2 days left",
    ]


# --- content and formats in the reader's language ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, total, date_pattern",
    [
        ("zh-hans", "¥1,234,567.00", r"^\d{4}年\d{1,2}月\d{1,2}日$"),
        ("en", "¥1,234,567.00", r"^\d{2}/\d{2}/\d{4}$"),
    ],
)
def test_money_and_dates_follow_the_readers_locale(
    compiled_translations, site, client, language, total, date_pattern
):
    quote = site["rival_quote"]
    with translation.override(language):
        valid_until = formats.date_format(quote.valid_until, "SHORT_DATE_FORMAT")
    assert re.match(date_pattern, valid_until)
    client.force_login(site["users"]["enterprise"])
    client.cookies["django_language"] = language
    html = client.get(page_url(site, "quote-request-detail", ("quote_request",))).content
    chunks = visible_text(html.decode())
    assert total in chunks
    assert valid_until in chunks


@pytest.mark.django_db
def test_content_shows_in_the_readers_language_with_the_other_as_fallback(
    compiled_translations, site, client
):
    both = site["offer"]  # written in both languages
    both.title_en = "Machine tool failure forecasting"
    both.save(update_fields=["title_en"])
    only_chinese = site["published"]  # no English text
    url = page_url(site, "solution-detail", ("offer",))
    fallback_url = page_url(site, "solution-detail", ("published",))
    for language, shown in (("en", both.title_en), ("zh-hans", both.title_zh)):
        client.cookies["django_language"] = language
        assert shown in visible_text(client.get(url).content.decode())
        assert only_chinese.title_zh in visible_text(client.get(fallback_url).content.decode())
