"""The page's elements JSON escaped by str.replace is exactly what NiceGUI's str.translate gives."""

from __future__ import annotations

import random

from nicegui import client as nicegui_client

from web import page_escape


def test_escape_matches_nicegui_translate_on_random_text():
    rng = random.Random(7)
    alphabet = "&<>`$\"'\\ab ;#\u00e9\u4e2d\U0001f3b9&amp;"
    for length in (0, 1, 2, 5, 50, 2000):
        for _ in range(40):
            text = "".join(rng.choice(alphabet) for _ in range(length))
            assert page_escape.escape(text) == text.translate(nicegui_client.HTML_ESCAPE_TABLE), text


def test_the_page_json_escapes_itself_only_for_nicegui_table():
    page_escape.install()
    dumped = nicegui_client.json.dumps({"html": "<b>&`${x}`</b>"})
    assert dumped == '{"html":"<b>&`${x}`</b>"}'
    table = nicegui_client.HTML_ESCAPE_TABLE
    escaped = '{"html":"&lt;b&gt;&amp;&#96;&#36;{x}&#96;&lt;/b&gt;"}'
    assert dumped.translate(table) == str(dumped).translate(table) == escaped
    assert dumped.translate({ord("<"): "["}) == '{"html":"[b>&`${x}`[/b>"}'
    wrapper = nicegui_client.json
    page_escape.install()  # twice is once
    assert nicegui_client.json is wrapper
    assert wrapper.loads('{"a": 1}') == {"a": 1}  # the rest of nicegui.json as it was
