"""The HTML of the main pages of each role is sound, in both languages: ids are unique, every
form control has a label a screen reader announces, images have a text alternative, and
<html lang> names the language the page is in."""

from html.parser import HTMLParser

import pytest

from .tour import PAGES, page_id, page_url

pytestmark = pytest.mark.django_db

UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "image", "reset"}


class Structure(HTMLParser):
    """Ids, labels, form controls and images of a page, with what names each control."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.ids = []
        self.label_targets = set()
        self.labelledby = []  # (control, ids) pairs, checked once every id is known
        self.controls = []  # dicts: tag, id, name, named (bool)
        self.images = []  # dicts of attributes
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if attrs.get("id") is not None:
            self.ids.append(attrs["id"])
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_targets.add(attrs["for"])
        elif tag == "img":
            self.images.append(attrs)
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (attrs.get("type") or "text").lower() in UNLABELLED_INPUT_TYPES:
                return
            control = {
                "tag": tag,
                "id": attrs.get("id"),
                "name": attrs.get("name"),
                "named": bool(self.open_labels or (attrs.get("aria-label") or "").strip()),
            }
            self.controls.append(control)
            if attrs.get("aria-labelledby"):
                self.labelledby.append((control, attrs["aria-labelledby"].split()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "label":
            self.open_labels -= 1

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def structure(html):
    parser = Structure()
    parser.feed(html)
    parser.close()
    return parser


def unlabelled(page):
    known = set(page.ids)
    for control, refs in page.labelledby:
        control["named"] |= bool(refs) and all(ref in known for ref in refs)
    return [
        f"<{c['tag']} id={c['id']!r} name={c['name']!r}>"
        for c in page.controls
        if not (c["named"] or (c["id"] and c["id"] in page.label_targets))
    ]


def fetch(client, site, page, language):
    role, name, keys, query = page
    if role:
        client.force_login(site["users"][role])
    client.cookies["django_language"] = language
    response = client.get(page_url(site, name, keys, query))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_html_is_sound(compiled_translations, site, client, page, language):
    page_html = structure(fetch(client, site, page, language))

    assert page_html.html_lang == language
    duplicates = sorted({i for i in page_html.ids if page_html.ids.count(i) > 1})
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert not unlabelled(page_html), f"form controls without a label: {unlabelled(page_html)}"
    dangling = sorted(page_html.label_targets - set(page_html.ids))
    assert not dangling, f"labels for no element: {dangling}"
    missing_alt = [img.get("src") for img in page_html.images if img.get("alt") is None]
    assert not missing_alt, f"images without alt: {missing_alt}"


def test_the_checks_catch_what_they_are_for():
    broken = structure(
        '<html lang="en"><body><p id="a"></p><p id="a"></p>'
        '<label for="x">X</label><input id="x" name="x">'
        '<label>Y <select name="y"></select></label>'
        '<span id="z-label">Z</span><textarea aria-labelledby="z-label" name="z"></textarea>'
        '<input name="lonely"><input type="hidden" name="csrf"><img src="/logo.png">'
        '<input name="ghost" aria-labelledby="nowhere"></body></html>'
    )
    assert sorted({i for i in broken.ids if broken.ids.count(i) > 1}) == ["a"]
    assert unlabelled(broken) == ["<input id=None name='lonely'>", "<input id=None name='ghost'>"]
    assert [img.get("src") for img in broken.images if img.get("alt") is None] == ["/logo.png"]
