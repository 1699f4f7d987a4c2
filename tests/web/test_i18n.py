"""The UI speaks Chinese by default: every UI string has a zh_Hans translation, and the compiled
catalogues match their sources."""

import re

from zhongshu.core.i18n import PACKAGE, mo_bytes, parse_po, po_files

TRANSLATE = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)
PY_GETTEXT = re.compile(r"""\b_\((["'])(.+?)\1\)""")


def all_translations() -> dict[str, str]:
    merged: dict[str, str] = {}
    for po in po_files():
        if "zh_Hans" in str(po):
            merged.update(parse_po(po.read_text(encoding="utf-8")))
    return merged


def ui_strings() -> set[tuple[str, str]]:
    found = set()
    for path in PACKAGE.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        found |= {(m.group(2), str(path.relative_to(PACKAGE))) for m in TRANSLATE.finditer(text)}
        for m in BLOCK.finditer(text):
            msgid = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", m.group(1))
            found.add((msgid, str(path.relative_to(PACKAGE))))
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "gettext" not in text:
            continue
        found |= {(m.group(2), str(path.relative_to(PACKAGE))) for m in PY_GETTEXT.finditer(text)}
    return found


def test_every_ui_string_has_a_chinese_translation():
    zh = all_translations()
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in ui_strings() if msgid not in zh)
    assert not missing, "add to a locale/zh_Hans/LC_MESSAGES/django.po and run `make messages`:\n" + "\n".join(missing)


def test_compiled_catalogues_match_their_sources():
    for po in po_files():
        entries = parse_po(po.read_text(encoding="utf-8"))
        entries[""] = "Content-Type: text/plain; charset=UTF-8\n"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.read_bytes() == mo_bytes(entries), f"{mo} is stale: run `make messages`"


def test_pages_are_chinese_by_default_and_english_on_request(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "登录中枢" in page
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in to Zhongshu" in page
