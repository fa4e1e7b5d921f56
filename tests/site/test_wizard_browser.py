"""The enhanced wizard in a real Chromium, on a small static site of our own.

The site follows the real site's markup contract (the region `wizard_html`
renders, the title `<state> - <site>`, links to the other language, the
module script) for the fixture tree; `tests/support/pyodide.py` writes it.
Tests marked `both` run on each runtime (Pyodide, MicroPython): the walks, the
clock, privacy and every fault; the others test the page script alone and run
on Pyodide only.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tebiki.core import engine
from tests.support.pyodide import (
    FIXTURES,
    SiteServer,
    build_runtime,
    load_trees,
    needs_chromium,
    needs_node,
    write_fixture_site,
)

pytestmark = [needs_node, needs_chromium, pytest.mark.browser]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
JST = timezone(timedelta(hours=9))
READY = "document.documentElement.dataset.tebiki"


RUNTIMES = ["pyodide", "micropython"]
both = pytest.mark.parametrize("site", RUNTIMES, indirect=True)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict:
    """The fixture site on each runtime, built when a test first asks for it."""
    return {}


@pytest.fixture
def site(request, sites, tmp_path_factory):
    """(site folder, compiled trees, runtime): Pyodide unless a test says `both`."""
    runtime = getattr(request, "param", "pyodide")
    if runtime not in sites:
        work = tmp_path_factory.mktemp("browser-" + runtime)
        folder, compiled = build_runtime(FIXTURES / "mini", work, runtime=runtime)
        write_fixture_site(folder, compiled)
        sites[runtime] = (folder, load_trees(compiled), runtime)
    return sites[runtime]


@pytest.fixture
def server(site):
    with SiteServer(site[0]) as srv:
        yield srv


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda e: errors.append(e))
    yield page
    context.close()
    assert not errors, errors


def enhanced(page, url: str):
    page.goto(url)
    page.wait_for_function(f"{READY} === 'ready'", timeout=30_000)
    page.evaluate("window.__sameDocument = true")
    return page


def wait_until_static(page, timeout_s: float = 15) -> None:
    """Poll without evaluating strings (a CSP without 'unsafe-eval' forbids that)."""
    for _ in range(int(timeout_s * 10)):
        if page.get_attribute("html", "data-tebiki") == "static":
            return
        page.wait_for_timeout(100)
    raise AssertionError("the wizard never gave up on the engine")


def still_same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def press_until_focused(page, selector: str) -> None:
    for _ in range(40):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def region_answers(page) -> dict:
    return json.loads(page.get_attribute("#tebiki-wizard", "data-answers"))


# --- walking the trees -------------------------------------------------------------------------


@both
def test_every_path_completes_by_keyboard_without_a_reload(site, server, page):
    _, trees, _runtime = site
    for tid, tree in trees.items():
        enhanced(page, server.url(f"/wizard/{tid}/"))
        for path in engine.iter_paths(tree):
            if region_answers(page):  # back to the start, by keyboard too
                press_until_focused(page, ".tebiki-restart a")
                page.keyboard.press("Enter")
                page.wait_for_url(re.compile(re.escape(f"/wizard/{tid}/") + "$"))
                page.wait_for_function("document.getElementById('tebiki-wizard')"
                                       ".dataset.answers === '{}'")
            options = []
            for question, option in path["answers"]:
                assert page.get_attribute("#tebiki-wizard", "data-node") == question
                press_until_focused(page, f'a[data-option="{option}"]')
                page.keyboard.press("Enter")
                options.append(option)
                tail = f"/wizard/{tid}/" + "".join(o + "/" for o in options)
                page.wait_for_url(re.compile(re.escape(tail) + "$"))
                page.wait_for_function("(n) => document.getElementById('tebiki-wizard')"
                                       ".dataset.answers.split(',').length === n",
                                       arg=len(options))
                # focus on the new heading, title and status follow the state
                assert page.evaluate("document.activeElement.id") == "tebiki-heading"
                heading = page.inner_text("#tebiki-heading").strip()
                assert page.title().startswith(heading + " - ")
                page.wait_for_function("(t) => document.querySelector('[role=status]')"
                                       "?.textContent === t", arg=heading)
            assert page.get_attribute("#tebiki-wizard", "data-state") == "outcome"
            assert page.get_attribute("#tebiki-wizard", "data-node") == path["id"]
            assert still_same_document(page)


@both
def test_enhanced_states_are_the_static_pages_plus_the_clock(site, server, page):
    """The worker renders with the same Python renderer: the region equals the static
    page's for the same URL, apart from the open-now notes only a clock can give."""
    enhanced(page, server.url("/wizard/mini/"))
    for option in ("easy", "no-phone", "rep"):
        page.click(f'a[data-option="{option}"]')
        page.wait_for_url(re.compile(f"/{option}/$"))
        page.wait_for_function("(o) => location.pathname.endsWith(o + '/')", arg=option)
        same = page.evaluate("""async () => {
            const strip = (el) => { el.querySelectorAll('.tebiki-status').forEach(s => s.remove());
                                    return el.outerHTML; };
            const text = await (await fetch(location.href)).text();
            const doc = new DOMParser().parseFromString(text, 'text/html');
            const live = document.getElementById('tebiki-wizard').cloneNode(true);
            return [strip(live), strip(doc.getElementById('tebiki-wizard'))];
        }""")
        assert same[0] == same[1]


@both
def test_changing_an_earlier_answer_keeps_the_later_ones_that_still_apply(server, page):
    enhanced(page, server.url("/wizard/mini/easy/no-phone/holder/"))
    assert page.get_attribute("#tebiki-wizard", "data-node") == "counter"
    page.click('a[data-question="which"]')
    page.wait_for_url(re.compile("/wizard/mini/$"))
    assert page.get_attribute("#tebiki-wizard", "data-node") == "which"
    page.click('a[data-option="hard"]')
    # phone and who were answered already and still apply: straight to the outcome
    page.wait_for_url(re.compile("/wizard/mini/hard/no-phone/holder/$"))
    assert page.get_attribute("#tebiki-wizard", "data-node") == "counter"
    assert region_answers(page) == {"which": "hard", "phone": "no-phone", "who": "holder"}
    assert still_same_document(page)


def test_a_changed_answer_that_no_longer_applies_is_asked_again(server, page):
    enhanced(page, server.url("/wizard/mini/easy/has-phone/"))
    page.click('a[data-question="phone"]')
    page.wait_for_url(re.compile("/wizard/mini/easy/$"))
    page.click('a[data-option="no-phone"]')
    page.wait_for_url(re.compile("/wizard/mini/easy/no-phone/$"))
    assert page.get_attribute("#tebiki-wizard", "data-node") == "who"


def summary(page) -> list:
    """The answers summary as the reader sees it: (question, answer, Change link's URL)."""
    return page.eval_on_selector_all(
        ".tebiki-answers__row",
        "rows => rows.map(r => [r.querySelector('dt').innerText, r.querySelector('dd').innerText,"
        " r.querySelector('a').href])")


def test_changing_the_first_answer_says_which_later_answers_were_kept(server, page):
    page.set_viewport_size({"width": 375, "height": 667})  # a phone: the notice must show
    enhanced(page, server.url("/en/wizard/mini/easy/no-phone/holder/"))
    page.click('a[data-question="which"]')
    page.wait_for_url(re.compile("/en/wizard/mini/$"))
    # the question asked again shows the answer given before
    marked = page.locator('a.tebiki-option[aria-current="true"]')
    assert marked.count() == 1 and marked.get_attribute("data-option") == "easy"
    assert "Your earlier answer" in marked.inner_text()
    assert page.locator(".tebiki-option__earlier:visible").count() == 1
    page.click('a[data-option="hard"]')
    # phone and who still apply: straight to the outcome, and the page says why
    page.wait_for_url(re.compile("/en/wizard/mini/hard/no-phone/holder/$"))
    notice = page.locator(".tebiki-kept")
    assert notice.is_visible()
    assert "We kept these earlier answers" in notice.inner_text()
    assert notice.locator("li").all_inner_texts() == ["Do you have a phone?: I don't",
                                                      "Who goes?: Me"]
    # above the heading, so it is read before the outcome
    assert notice.bounding_box()["y"] < page.locator("#tebiki-heading").bounding_box()["y"]
    # shown from the top: the Back link and the notice are not under the sticky header
    assert page.evaluate("window.scrollY") == 0
    # the live region announces the outcome and the kept answers
    page.wait_for_function("document.querySelector('[role=status]').textContent"
                           ".includes('Who goes?: Me')")
    status = page.evaluate("document.querySelector('[role=status]').textContent")
    assert status.startswith("Go to the counter") and "Do you have a phone?: I don't" in status
    base = server.url("/en/wizard/mini/")
    assert summary(page) == [
        ["Which one?", "Hard", base + "#tebiki-answer-hard"],
        ["Do you have a phone?", "I don't", base + "hard/#tebiki-answer-no-phone"],
        ["Who goes?", "Me", base + "hard/no-phone/#tebiki-answer-holder"],
    ]
    assert still_same_document(page)
    # the notice is for that step only
    page.click('a[data-question="who"]')
    page.wait_for_url(re.compile("/hard/no-phone/$"))
    assert page.locator(".tebiki-kept").count() == 0
    assert page.get_attribute('a.tebiki-option[aria-current="true"]', "data-option") == "holder"


def test_a_question_past_the_first_lists_the_answers_so_far(server, page):
    enhanced(page, server.url("/wizard/mini/"))
    assert page.locator(".tebiki-answers").count() == 0  # nothing answered yet
    page.click('a[data-option="easy"]')
    page.wait_for_url(re.compile("/wizard/mini/easy/$"))
    page.click('a[data-option="no-phone"]')
    page.wait_for_url(re.compile("/wizard/mini/easy/no-phone/$"))
    assert page.inner_text("#tebiki-your-answers") == "ここまでの回答"
    base = server.url("/wizard/mini/")
    assert summary(page) == [["どれ？", "簡単", base + "#tebiki-answer-easy"],
                             ["電話はある？", "ない", base + "easy/#tebiki-answer-no-phone"]]
    # Back: the question before, its answer marked
    page.click("a.tebiki-back")
    page.wait_for_url(re.compile("/wizard/mini/easy/$"))
    assert page.get_attribute('a.tebiki-option[aria-current="true"]', "data-option") == "no-phone"
    # answering it again the same way skips nothing, so there is no notice
    page.click('a[data-option="no-phone"]')
    page.wait_for_url(re.compile("/wizard/mini/easy/no-phone/$"))
    assert page.locator(".tebiki-kept").count() == 0
    assert still_same_document(page)


@both
def test_back_link_browser_back_forward_and_reload(server, page):
    enhanced(page, server.url("/wizard/mini/"))
    page.click('a[data-option="easy"]')
    page.wait_for_url(re.compile("/easy/$"))
    page.click('a[data-option="no-phone"]')
    page.wait_for_url(re.compile("/easy/no-phone/$"))
    page.click("a.tebiki-back")
    page.wait_for_url(re.compile("/wizard/mini/easy/$"))
    assert page.get_attribute("#tebiki-wizard", "data-node") == "phone"
    page.go_back()
    page.wait_for_url(re.compile("/easy/no-phone/$"))
    page.wait_for_function("document.getElementById('tebiki-wizard').dataset.node === 'who'")
    assert page.evaluate("document.activeElement.id") == "tebiki-heading"
    page.go_back()
    page.go_back()
    page.wait_for_url(re.compile("/wizard/mini/$"))
    page.wait_for_function("document.getElementById('tebiki-wizard').dataset.node === 'which'")
    page.go_forward()
    page.wait_for_url(re.compile("/wizard/mini/easy/$"))
    page.wait_for_function("document.getElementById('tebiki-wizard').dataset.node === 'phone'")
    assert still_same_document(page)
    # the enhanced URL is the static page's permalink: a reload lands on the same state
    response = page.reload()
    assert response.status == 200
    assert page.get_attribute("#tebiki-wizard", "data-node") == "phone"
    assert region_answers(page) == {"which": "easy"}


def test_start_again_and_the_other_language_follow_the_state(server, page):
    enhanced(page, server.url("/wizard/mini/"))
    page.click('a[data-option="hard"]')
    page.wait_for_url(re.compile("/wizard/mini/hard/$"))
    assert page.get_attribute("a.lang", "href") == server.url("/en/wizard/mini/hard/")
    assert page.get_attribute("link[rel=alternate]", "href") == server.url("/en/wizard/mini/hard/")
    assert page.inner_text("[data-tebiki-title]") == page.inner_text("#tebiki-heading").strip()
    # a relative link of the page around the wizard still goes where it went
    assert page.get_attribute("header a:first-child", "href") == server.url("/")
    page.click(".tebiki-restart a")
    page.wait_for_url(re.compile("/wizard/mini/$"))
    assert region_answers(page) == {}
    page.click('a[data-option="easy"]')
    page.click("a.lang")
    page.wait_for_url(re.compile("/en/wizard/mini/easy/$"))
    assert page.inner_text("#tebiki-heading").strip() == "Do you have a phone?"


@both
def test_english_pages_are_enhanced_in_english(server, page):
    enhanced(page, server.url("/en/wizard/mini/"))
    page.click('a[data-option="easy"]')
    page.wait_for_url(re.compile("/en/wizard/mini/easy/$"))
    assert page.inner_text("#tebiki-heading").strip() == "Do you have a phone?"
    assert page.title() == "Do you have a phone? - Test guide"


# --- what only a live engine can do ----------------------------------------------------------


def _at(page, moment: datetime) -> None:
    page.clock.set_fixed_time(moment)


@pytest.mark.parametrize(("moment", "kind"), [
    (datetime(2026, 11, 28, 12, 0, tzinfo=JST), "open"),
    (datetime(2026, 11, 28, 3, 0, tzinfo=JST), "closed"),
])
@both
def test_the_kiosk_note_follows_the_visitors_clock_in_japan_time(server, page, moment, kind):
    _at(page, moment)
    enhanced(page, server.url("/wizard/mini/easy/has-phone/"))
    page.wait_for_selector(f".tebiki-places .tebiki-status--{kind}")
    # the static page has no clock, so no note; the engine added it in place
    assert page.evaluate("location.pathname") == "/wizard/mini/easy/has-phone/"


def test_a_visitor_abroad_still_gets_japan_time(server, browser):
    context = browser.new_context(timezone_id="America/New_York")
    page = context.new_page()
    try:
        # 12:00 in Tokyo is 22:00 the evening before in New York
        page.clock.set_fixed_time(datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
        enhanced(page, server.url("/wizard/mini/easy/has-phone/"))
        page.wait_for_selector(".tebiki-places .tebiki-status--open")
    finally:
        context.close()


def test_checklist_ticks_survive_a_reload_in_the_tab_only(server, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        enhanced(page, server.url("/wizard/mini/"))
        for option in ("hard", "no-phone", "rep"):
            page.click(f'a[data-option="{option}"]')
            page.wait_for_url(re.compile(f"/{option}/$"))
        boxes = page.locator("input.tebiki-check")
        assert boxes.count() >= 2
        boxes.nth(0).check()
        page.reload()
        assert page.locator("input.tebiki-check").nth(0).is_checked()
        assert not page.locator("input.tebiki-check").nth(1).is_checked()
        assert page.evaluate("localStorage.length") == 0
        assert context.cookies() == []
        keys = page.evaluate("Object.keys(sessionStorage)")
        assert keys and all(k.startswith("tebiki-check:") for k in keys)
        # the same outcome reached in the page shows the tick too
        page.click('a[data-question="who"]')  # maybe before the engine: then a plain link
        page.wait_for_url(re.compile("/no-phone/(#tebiki-answer-rep)?$"))
        page.click('a[data-option="rep"]')
        page.wait_for_url(re.compile("/rep/$"))
        assert page.locator("input.tebiki-check").nth(0).is_checked()
    finally:
        context.close()
    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(server.url("/wizard/mini/hard/no-phone/rep/"))
        assert not other.locator("input.tebiki-check").nth(0).is_checked()
    finally:
        fresh.close()


def _tick_walk(page, options: list) -> None:
    for option in options:
        page.click(f'a[data-option="{option}"]')
        page.wait_for_url(re.compile(f"/{option}/$"))


def test_ticks_belong_to_one_outcome_page(server, browser):
    context = browser.new_context()
    page = context.new_page()
    card = "#tebiki-check-mini-counter-card"
    try:
        enhanced(page, server.url("/wizard/mini/"))
        _tick_walk(page, ["easy", "no-phone", "holder"])
        page.check(card)
        # the counter again, now for a representative: the card is on that list too,
        # but the tick was made for the other one
        page.click('a[data-question="who"]')
        page.wait_for_url(re.compile("/easy/no-phone/$"))
        _tick_walk(page, ["rep"])
        assert page.locator(card).count() == 1 and not page.is_checked(card)
        # another outcome that asks for the card: not ticked either
        page.click('a[data-question="phone"]')
        page.wait_for_url(re.compile("/wizard/mini/easy/$"))
        _tick_walk(page, ["has-phone"])
        assert page.get_attribute("#tebiki-wizard", "data-node") == "store"
        assert not page.is_checked("#tebiki-check-mini-store-card")
        # the first page keeps its tick, in either language
        page.goto(server.url("/en/wizard/mini/easy/no-phone/holder/"))
        assert page.is_checked(card)
        page.goto(server.url("/wizard/mini/easy/no-phone/rep/"))
        assert not page.is_checked(card)
    finally:
        context.close()


def test_start_again_clears_the_ticks(server, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        enhanced(page, server.url("/wizard/mini/hard/no-phone/rep/"))
        boxes = page.locator("input.tebiki-check")
        boxes.nth(0).check()
        boxes.nth(1).check()
        assert page.evaluate("Object.keys(sessionStorage).length") == 2
        page.click(".tebiki-restart a")
        page.wait_for_url(re.compile("/wizard/mini/$"))
        assert page.evaluate("Object.keys(sessionStorage)") == []
        _tick_walk(page, ["hard", "no-phone", "rep"])
        assert boxes.count() >= 2
        assert not boxes.nth(0).is_checked() and not boxes.nth(1).is_checked()
        # also before the engine has started: start again is a plain link then
        boxes.nth(0).check()
        page.goto(server.url("/wizard/mini/hard/no-phone/rep/"))
        assert boxes.nth(0).is_checked()
        page.click(".tebiki-restart a")
        page.wait_for_url(re.compile("/wizard/mini/$"))
        assert page.evaluate("Object.keys(sessionStorage)") == []
    finally:
        context.close()


def test_print_my_plan_prints_the_outcome_with_its_ticks(server, page):
    page.goto(server.url("/wizard/mini/hard/no-phone/rep/"))
    button = page.locator("[data-tebiki-print]")
    assert button.is_visible()  # shown by the page script, hidden without it
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")
    page.locator("input.tebiki-check").nth(0).check()
    button.click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    try:
        assert page.locator("input.tebiki-check").nth(0).is_checked()
        assert page.locator("#tebiki-heading").is_visible()
        for hidden in ("header", "[data-tebiki-print]", ".tebiki-restart"):
            assert not page.locator(hidden).first.is_visible(), hidden
    finally:
        page.emulate_media(media="screen")


def test_without_javascript_there_is_no_print_button(browser, server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url("/wizard/mini/hard/no-phone/rep/"))
        assert page.locator("[data-tebiki-print]").count() == 1
        assert not page.locator("[data-tebiki-print]").is_visible()
    finally:
        context.close()


# --- privacy -------------------------------------------------------------------------------


@both
def test_no_request_leaves_the_origin_or_carries_an_answer(site, server, page):
    seen: list = []
    page.on("request", lambda r: seen.append(r.url))
    enhanced(page, server.url("/wizard/mini/"))
    page.wait_for_load_state("networkidle")
    assert all(u.startswith(server.origin + "/") or u.startswith("data:") for u in seen), seen
    before = (len(seen), len(server.requests))
    for option in ("easy", "no-phone", "holder"):
        page.click(f'a[data-option="{option}"]')
        page.wait_for_url(re.compile(f"/{option}/$"))
    page.click('a[data-question="which"]')
    page.wait_for_url(re.compile("/wizard/mini/$"))
    page.wait_for_timeout(300)
    # answering makes no request at all: the answers stay in the tab
    assert (len(seen), len(server.requests)) == before, seen[before[0]:]
    _, trees, runtime = site
    # the engine ran on this site's runtime, and on nothing else
    interpreters = {p.split("/")[2].split("-")[0] for p in (r["path"] for r in server.requests)
                    if re.match(r"/_tebiki/(pyodide|micropython)-", p)}
    assert interpreters == {runtime}
    option_ids = {o["id"] for t in trees.values() for q in t["questions"].values()
                  for o in q["options"]}
    for request in server.requests:
        if "/_tebiki/" in request["path"]:
            parts = set(re.split(r"[/?&=.]", request["path"]))
            assert not parts & option_ids, request["path"]
        assert "Cookie" not in request["headers"]
    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length") == 0


# --- faults: the static pages keep working ---------------------------------------------------


def _static_walk(page, server) -> None:
    page.goto(server.url("/wizard/mini/"))
    for option in ("easy", "no-phone", "holder"):
        page.evaluate("window.__sameDocument = true")
        page.click(f'a[data-option="{option}"]')
        page.wait_for_url(re.compile(f"/{option}/$"))
        page.wait_for_load_state("load")
        assert not still_same_document(page)  # a plain page load
    assert page.get_attribute("#tebiki-wizard", "data-node") == "counter"


@both
def test_with_wasm_blocked_by_csp_the_wizard_stays_static(site, browser):
    # no 'wasm-unsafe-eval': Pyodide's WebAssembly never compiles and it hangs;
    # MicroPython's fails, and the worker says so
    with SiteServer(site[0], csp="script-src 'self'; worker-src 'self'") as server:
        context = browser.new_context()
        page = context.new_page()
        errors: list = []
        page.on("pageerror", lambda e: errors.append(e))
        try:
            page.clock.install()  # the page's timers only: the worker runs as it would
            _static_walk(page, server)
            # after the bounded wait (skipped ahead) it gives up quietly, and links still work
            page.clock.fast_forward(9_000)
            wait_until_static(page)
            page.click(".tebiki-restart a")
            page.wait_for_url(re.compile("/wizard/mini/$"))
            assert page.get_attribute("#tebiki-wizard", "data-node") == "which"
            assert not errors
        finally:
            context.close()


@both
def test_a_csp_that_allows_wasm_and_nothing_else_runs_the_engine(site, browser):
    csp = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
           "style-src 'self'; img-src 'self' data:")
    with SiteServer(site[0], csp=csp) as server:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(server.url("/wizard/mini/"))
            for _ in range(300):
                if page.get_attribute("html", "data-tebiki") == "ready":
                    break
                page.wait_for_timeout(100)
            assert page.get_attribute("html", "data-tebiki") == "ready"
            page.evaluate("window.__sameDocument = true")
            page.click('a[data-option="easy"]')
            page.wait_for_url(re.compile("/wizard/mini/easy/$"))
            assert page.get_attribute("#tebiki-wizard", "data-node") == "phone"
            assert still_same_document(page)
        finally:
            context.close()


@both
@pytest.mark.parametrize("missing", ["interpreter", "everything"])
def test_with_the_runtime_missing_the_wizard_stays_static(site, browser, missing):
    folder, _trees, runtime = site
    prefix = "/_tebiki/" + (f"{runtime}-" if missing == "interpreter" else "")
    with SiteServer(folder, missing=(prefix,)) as server:
        context = browser.new_context()
        page = context.new_page()
        errors: list = []
        page.on("pageerror", lambda e: errors.append(e))
        try:
            _static_walk(page, server)
            if missing == "interpreter":
                wait_until_static(page)
            assert not errors
        finally:
            context.close()


@both
def test_an_engine_that_never_gets_ready_is_given_up_after_its_time(site, browser):
    """A runtime stuck downloading (a very slow line): the page waits its bounded time,
    stays static and usable, and the worker is ended (its download with it)."""
    folder, _trees, runtime = site
    stalled = f"/_tebiki/{runtime}-"
    with SiteServer(folder, stall=(stalled,)) as server:
        context = browser.new_context()
        page = context.new_page()
        errors: list = []
        page.on("pageerror", lambda e: errors.append(e))
        try:
            page.clock.install()
            page.goto(server.url("/wizard/mini/"))
            for _ in range(100):  # the worker asks for the stalled file
                if any(r["path"].startswith(stalled) for r in server.requests):
                    break
                page.wait_for_timeout(100)
            else:
                raise AssertionError("the worker never asked for the runtime")
            assert page.get_attribute("html", "data-tebiki") is None  # still waiting
            page.clock.fast_forward(9_000)  # past the page's 8 s wait
            wait_until_static(page, timeout_s=5)
            page.evaluate("window.__sameDocument = true")
            page.click('a[data-option="easy"]')  # a plain link again: a page load
            page.wait_for_url(re.compile("/wizard/mini/easy/$"))
            page.wait_for_load_state("load")
            assert not still_same_document(page)
            assert not errors
        finally:
            context.close()


def test_links_work_while_the_engine_boots(server, page):
    page.goto(server.url("/wizard/mini/"))
    page.click('a[data-option="hard"]')  # at once: long before Python has started
    page.wait_for_url(re.compile("/wizard/mini/hard/$"))
    assert page.get_attribute("#tebiki-wizard", "data-node") == "phone"


# --- accessibility -----------------------------------------------------------------------------


def test_axe_finds_nothing_on_enhanced_states(server, page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    enhanced(page, server.url("/wizard/mini/"))
    steps = [None, "easy", "no-phone", "rep"]
    for option in steps:
        if option:
            page.click(f'a[data-option="{option}"]')
            page.wait_for_url(re.compile(f"/{option}/$"))
            page.wait_for_function("document.activeElement.id === 'tebiki-heading'")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, results.generate_report()
    # a question asked again (its earlier answer marked), then the kept answers' notice
    page.click('a[data-question="which"]')
    page.wait_for_url(re.compile("/wizard/mini/$"))
    page.wait_for_function("document.activeElement.id === 'tebiki-heading'")
    for option in (None, "hard"):
        if option:
            page.click(f'a[data-option="{option}"]')
            page.wait_for_selector(".tebiki-kept")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, results.generate_report()
