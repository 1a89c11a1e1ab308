"""A claim's "open in the playground" link in report.html opens the playground in that
claim's state: its data, network and settings, and its caption (real server, real browser)."""

from __future__ import annotations

import re

from mlpkit.experiments import reproduce
from mlpkit.web.presets import PRESETS


def test_a_report_link_opens_the_claims_preset(server, browser, tmp_path):
    reproduce(tmp_path, quick=True, only="C6", seed=0, progress=None, playground_url=server)
    html = (tmp_path / "report.html").read_text()
    links = re.findall(r'<a class="playground" href="([^"]+)">open in the playground</a>', html)
    assert links == [f"{server}#preset=one-vs-two-layers"]

    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto((tmp_path / "report.html").as_uri())
    page.click("a.playground")  # the link opens in the same tab
    page.wait_for_url(re.compile(re.escape(server) + ".*preset=one-vs-two-layers"))
    page.wait_for_function("window.playground && window.playground.frames > 0", timeout=15000)
    preset = PRESETS["one-vs-two-layers"]
    caption = page.text_content("#caption")
    assert str(preset["caption"])[:40] in caption
    # The preset's settings are the page's: every key of its hash is in the page's state.
    state = dict(kv.split("=", 1) for kv in page.evaluate("location.hash")[1:].split("&"))
    for kv in str(preset["hash"]).split("&"):
        key, value = kv.split("=", 1)
        assert state.get(key) == value, (key, state.get(key), value)
    ctx.close()
