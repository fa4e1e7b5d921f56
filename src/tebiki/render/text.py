"""Plain-text renderings of engine results, for reviewers, translators and tests."""

from __future__ import annotations

from tebiki.core.engine import HOLIDAYS
from tebiki.core.render import bring_groups, day_labels, explained_docs, for_reader, plain
from tebiki.load.labels import SLOT


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
        plain = [d for d in days if d != HOLIDAYS]
        names = [self.label(lid) for lid in day_labels(plain)]
        out = names[0] if names else ""
        for name in names[1:]:
            out = self.label("day-join", a=out, b=name)
        if HOLIDAYS not in days:
            return out
        return self.label("days-and-holidays", days=out) if out else self.label("day-holidays")

    def month_day(self, md: str) -> str:
        month, day = (int(x) for x in md.split("-"))
        return self.label("month-day", m=str(month), d=str(day), month=self.label(f"month-{month}"))

    def hours(self, rec: dict) -> str:
        """Opening hours, then closed dates (a reviewer checks both against the sources)."""
        parts = []
        for h in rec.get("hours", []):
            if h["open"] == "00:00" and h["close"] == "24:00":
                parts.append(f"{self.days(h['days'])} {self.label('open-24h')}")
            else:
                parts.append(f"{self.days(h['days'])} {h['open']}–{h['close']}")
        for span in rec.get("closed_dates", []):
            if span == HOLIDAYS:
                parts.append(self.label("closed-holidays"))
                continue
            dates = self.label("closed-span", start=self.month_day(span["from"]),
                               end=self.month_day(span["to"]))
            parts.append(f"{self.label('closed-dates')} {dates}")
        text = "; ".join(parts)
        note = self.t(rec.get("hours_note"))
        return f"{text} ({note})" if text and note else text or note

    def fill(self, lid: str, **slots: str) -> str:
        return self.label(lid, **slots)

    def join(self, lid: str, items: list[str]) -> str:
        """Items joined by a `{a}…{b}` label (list-join, or-join, and-join)."""
        out = items[0] if items else ""
        for item in items[1:]:
            out = self.fill(lid, a=out, b=item)
        return out

    def document(self, doc: dict, count: int = 1) -> str:
        """A document's short name, counted as the pages count it (ID always)."""
        name = self.t(doc.get("short_name") or doc["name"])
        if count > 1 or doc.get("category") in ("A", "B"):
            return self.fill("doc-n", name=name, n=str(count))
        return name

    def document_set(self, group: list[dict]) -> str:
        """Documents that go together; the same one twice is counted, not repeated."""
        counts: dict[str, int] = {}
        docs: dict[str, dict] = {}
        for doc in group:
            counts[doc["id"]] = counts.get(doc["id"], 0) + 1
            docs[doc["id"]] = doc
        return self.join("and-join", [self.document(docs[d], n) for d, n in counts.items()])

    def bring(self, bring: list) -> list[str]:
        """What to bring, by visit and by whose it is, then what each document is."""
        lines = [f"{self.label('bring')}:"]
        indent = "  "
        for visit, people in bring_groups(bring):
            if visit is not None:
                lines.append(f"  [{self.label('bring-visit-' + visit)}]")
            for who, items in people:
                if who is not None:
                    lines.append(f"  {self.label('bring-for-' + who)}:")
                for item in items:
                    if item["kind"] == "doc":
                        line = f"{indent}- {self.document(item['doc'])}"
                    else:
                        choices = self.join("choice-join", [self.document_set(group)
                                                        for group in item["sets"]])
                        line = f"{indent}- {self.label('one-of')}: {choices}"
                    if item.get("note"):
                        line += f" ({self.t(item['note'])})"
                    lines.append(line)
        docs = explained_docs(bring)
        if docs:
            lines.append(f"  {self.label('docs-about')}:")
            for doc in docs:
                lines.append(f"    {self.t(doc['name'])}")
                if doc.get("examples"):
                    examples = "; ".join(self.t(e) for e in doc["examples"])
                    lines.append(f"      {self.label('examples')}: {examples}")
                if doc.get("note"):
                    lines.append(f"      {self.t(doc['note'])}")
        return lines

    def phone(self, phone: dict) -> str:
        number = self.fill("fax-number", number=phone["number"]) \
            if phone.get("kind") == "fax" else phone["number"]
        guidance = f", {self.t(phone['guidance'])}" if phone.get("guidance") else ""
        line = f"{number} ({self.t(phone['label'])}{guidance})"
        if phone.get("hours"):
            line += f" — {self.label('hours')}: {self.hours(phone)}"
        elif phone.get("hours_note"):
            line += f" — {self.t(phone['hours_note'])}"
        return line

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
            lines.extend(self.bring(view["bring"]))
        for name in ("steps", "warnings"):
            if view[name]:
                lines.append(f"{self.label(name)}:")
                for n, item in enumerate(view[name], 1):
                    marker = f"{n}." if name == "steps" else "!"
                    lines.append(f"  {marker} {self.t(item['text'])}")
        if view["contacts"]:
            lines.append(f"{self.label('contacts')}:")
            for contact in for_reader(view["contacts"], self.lang):  # as pages order them
                lines.append(f"  - {self.t(contact['name'])}")
                lines.extend(f"    {self.phone(phone)}" for phone in contact["phones"])
                if contact.get("hours"):
                    others = [self.fill("fax-number", number=p["number"])
                              if p.get("kind") == "fax" else p["number"]
                              for p in contact["phones"] if not p.get("hours")]
                    name = self.label("hours")
                    if len(others) < len(contact["phones"]):
                        name = self.fill("hours-for", numbers=self.join("list-join", others))
                    lines.append(f"    {name}: {self.hours(contact)}")
                elif contact.get("hours_note"):
                    lines.append(f"    {self.t(contact['hours_note'])}")
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
