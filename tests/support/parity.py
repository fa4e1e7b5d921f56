"""What the two runtimes' parity tests share: the requests, the comparison with
CPython and the check that the run covered what it claims.

Both runtimes get the very same requests, so neither parity test can cover
less than the other: for every state of every tree (each prefix of every path,
and each state with one earlier answer taken back), `next_step` with and
without a clock, and the rendered wizard region in both languages with and
without a clock, on ordinary and on embed pages, and by options (the form a
Change link sends); the renders the page script asks for when an answer is
changed; and steps and renders on public holidays.
"""

from __future__ import annotations

import json
from pathlib import Path

from tebiki.core import engine

from .pyodide import (
    FIXED_NOWS,
    bridge_on_cpython,
    canonical,
    change_requests,
    holiday_requests,
    load_trees,
    states,
)

LANGS = ("ja", "en")


def requests_for(trees: dict) -> list[dict]:
    requests = []
    for tid, tree in trees.items():
        for answers in states(tree):
            for now in (None, *FIXED_NOWS):
                requests.append({"op": "step", "tree": tid, "answers": answers, "now": now})
            for lang in LANGS:
                for now in (None, *FIXED_NOWS):
                    requests.append({"op": "render", "tree": tid, "answers": answers,
                                     "lang": lang, "now": now})
                # The embed flag changes the outward links only: with and without a clock.
                for now in (None, FIXED_NOWS[0]):
                    requests.append({"op": "render", "tree": tid, "answers": answers,
                                     "lang": lang, "now": now, "embed": True})
                requests.append({"op": "render", "tree": tid, "lang": lang, "now": None,
                                 "options": list(answers.values())})
        requests.extend({"op": "render", **req} for req in change_requests(tid, tree))
    return requests + holiday_requests(trees)


def _got(res: dict) -> str:
    return res["value"] if res["ok"] else "error: " + res["error"]


def _report(runtime: str, found: list) -> str:
    lines = [f"{len(found)} request(s) differ between CPython and {runtime}; the first ones:"]
    for req, want, got in found[:5]:
        at = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
                  min(len(want), len(got)))
        lines.append(f"  {json.dumps(req, ensure_ascii=False)}\n"
                     f"    first difference at character {at}:\n"
                     f"    CPython: {want[max(0, at - 150):at + 250]}\n"
                     f"    {runtime}: {got[max(0, at - 150):at + 250]}")
    return "\n".join(lines)


def step_differences(runtime: str, compiled: Path, requests: list[dict],
                     responses: list[dict]) -> str | None:
    """None when every step answered exactly CPython's JSON; else a report."""
    trees = load_trees(compiled)
    found = []
    for req, res in zip(requests, responses, strict=True):
        if req["op"] == "step":
            want = canonical(engine.next_step(trees[req["tree"]], req["answers"], req["now"]))
            if _got(res) != want:
                found.append((req, want, _got(res)))
    return _report(runtime, found) if found else None


def render_differences(runtime: str, compiled: Path, guides: list[str],
                       requests: list[dict], responses: list[dict]) -> str | None:
    """None when every render gave exactly the bridge's text on CPython; else a report."""
    bridge = bridge_on_cpython()
    bridge.set_labels((compiled / "labels.json").read_text(encoding="utf-8"))
    bridge.set_guides(json.dumps(guides))
    for path in sorted((compiled / "trees").glob("*.json")):
        bridge.add_tree(path.read_text(encoding="utf-8"))
    found = []
    for req, res in zip(requests, responses, strict=True):
        if req["op"] == "render":
            want = bridge.render(json.dumps({k: v for k, v in req.items() if k != "op"}))
            if _got(res) != want:
                found.append((req, want, _got(res)))
    return _report(runtime, found) if found else None


def assert_covers_everything(content: str, compiled: Path, requests: list[dict],
                             responses: list[dict]) -> None:
    """Every state of every tree was asked for, every render answered, and the answers
    show what the requests were meant to reach: open and closed notes, embed links."""
    trees = load_trees(compiled)
    for tid, tree in trees.items():
        wanted = {canonical(a) for a in states(tree)}
        for op in ("step", "render"):
            asked = {canonical(r["answers"]) for r in requests
                     if r["op"] == op and r["tree"] == tid and "answers" in r}
            assert wanted <= asked, (tid, op, sorted(wanted - asked)[:3])
        for path in engine.iter_paths(tree):
            assert path["end"] == "outcome", path
            assert canonical(dict(path["answers"])) in wanted
    assert len(responses) == len(requests)
    rendered = [(req, json.loads(res["value"])["html"])
                for req, res in zip(requests, responses, strict=True)
                if req["op"] == "render" and res["ok"]]
    assert len(rendered) == sum(r["op"] == "render" for r in requests)
    assert {req["lang"] for req, _html in rendered} == set(LANGS)
    timed = [html for req, html in rendered if req["now"]]
    assert any("tebiki-status--open" in h for h in timed)
    assert any("tebiki-status--closed" in h for h in timed)
    # changing an answer: the answer given before marked, the kept answers named
    assert any('aria-current="true"' in html for req, html in rendered if req.get("earlier"))
    assert any('class="tebiki-kept"' in html for req, html in rendered if req.get("answered"))
    embedded = [html for req, html in rendered if req.get("embed")]
    assert embedded and all('data-embed="true"' in h for h in embedded)
    assert any('target="_blank"' in h for h in embedded)
    assert not any('data-embed="true"' in h for req, h in rendered if not req.get("embed"))
    if content == "decision_trees":  # its texts name phone numbers, linked by link_phones
        assert any('class="tebiki-tel"' in h for _req, h in rendered)
