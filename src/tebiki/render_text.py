"""Plain-text renderings of engine results, for reviewers, translators and tests."""

from __future__ import annotations

from .labels import SLOT
from .wizard_html import day_labels, plain


class TextRenderer:
    def __init__(self, labels: dict[str, dict[str, str]], lang: str) -> None:
        self.labels = labels
        self.lang = lang

    def t(self, text: dict | None) -> str:
        return plain(text[self.lang]) if text else ""

    def label(self, lid: str, **fill: str) -> str:
        """A label with its {slots} filled (not str.format: a text may hold braces)."""
        return SLOT.sub(lambda m: fill[m.group(1)], self.labels[lid][self.lang])

    def days(self, days: list[str]) -> str:
        names = [self.label(lid) for lid in day_labels(days)]
        out = names[0] if names else ""
        for name in names[1:]:
            out = self.label("day-join", a=out, b=name)
        return out

    def hours(self, rec: dict) -> str:
        parts = []
        for h in rec.get("hours", []):
            if h["open"] == "00:00" and h["close"] == "24:00":
                parts.append(f"{self.days(h['days'])} {self.label('open-24h')}")
            else:
                parts.append(f"{self.days(h['days'])} {h['open']}–{h['close']}")
        text = "; ".join(parts)
        note = self.t(rec.get("hours_note"))
        return f"{text} ({note})" if text and note else text or note

    def document(self, doc: dict) -> str:
        return self.t(doc["name"])

    def document_set(self, group: list[dict]) -> str:
        """Documents that go together; the same one twice reads as "name ×2"."""
        counts: dict[str, int] = {}
        names: dict[str, str] = {}
        for doc in group:
            counts[doc["id"]] = counts.get(doc["id"], 0) + 1
            names[doc["id"]] = self.document(doc)
        return f" {self.label('and')} ".join(
            self.label("doc-count", name=names[d], n=str(n)) if n > 1 else names[d]
            for d, n in counts.items())

    def outcome(self, view: dict) -> list[str]:
        """Every part of an outcome, one line or block per part, in reading order."""
        lines = [self.t(view["title"])]
        if view.get("summary"):
            lines.append(self.t(view["summary"]))
        if view["places"]:
            lines.append(f"{self.label('where')}:")
            for place in view["places"]:
                hours = self.hours(place)
                lines.append(f"  - {self.t(place['name'])}" + (f" [{hours}]" if hours else ""))
        if view["bring"]:
            lines.append(f"{self.label('bring')}:")
            for item in view["bring"]:
                if item["kind"] == "doc":
                    line = f"  - {self.document(item['doc'])}"
                else:
                    sets = [self.document_set(group) for group in item["sets"]]
                    line = f"  - {self.label('one-of')}: " + f" {self.label('or')} ".join(
                        f"({n}) {s}" for n, s in enumerate(sets, 1))
                if item.get("note"):
                    line += f" ({self.t(item['note'])})"
                lines.append(line)
                docs = [item["doc"]] if item["kind"] == "doc" else \
                    [d for group in item["sets"] for d in group]
                shown: set[str] = set()
                for doc in docs:
                    if doc.get("examples") and doc["id"] not in shown:
                        shown.add(doc["id"])
                        examples = "; ".join(self.t(e) for e in doc["examples"])
                        lines.append(f"      {self.t(doc['name'])}: {examples}")
        for name in ("steps", "warnings"):
            if view[name]:
                lines.append(f"{self.label(name)}:")
                for n, item in enumerate(view[name], 1):
                    marker = f"{n}." if name == "steps" else "!"
                    lines.append(f"  {marker} {self.t(item['text'])}")
        if view["contacts"]:
            lines.append(f"{self.label('contacts')}:")
            for contact in view["contacts"]:
                lines.append(f"  - {self.t(contact['name'])}")
                for phone in contact["phones"]:
                    guidance = f", {self.t(phone['guidance'])}" if phone.get("guidance") else ""
                    lines.append(f"    {phone['number']} ({self.t(phone['label'])}{guidance})")
                hours = self.hours(contact)
                if hours:
                    lines.append(f"    {self.label('hours')}: {hours}")
        for name, lid in (("cost", "cost"), ("time", "time"), ("if_fails", "if-fails")):
            if view.get(name):
                lines.append(f"{self.label(lid)}: {self.t(view[name])}")
        if view["continue"]:
            lines.append(f"{self.label('continue')}: " +
                         " / ".join(self.t(c["title"]) for c in view["continue"]))
        if view["sources"]:
            lines.append(f"{self.label('sources')}:")
            for src in view["sources"]:
                lines.append(f"  - {self.t(src['title'])} ({self.t(src['publisher'])}) "
                             f"{src['url']}")
        lines.append(f"{self.label('reviewed')}: {view['reviewed']}")
        return lines
