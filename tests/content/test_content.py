"""The My Number Card guide's content, checked on every path through the engine.

Each test guards an answer a worried reader would act on: being sent to a
convenience store that cannot help, not being told to stop a lost card first,
arriving at the counter without the right ID. Paths come from the engine's own
enumeration (`engine.iter_paths`), so a new option or outcome is covered
without touching this file.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tebiki.core import engine, render

TODAY = date.today()
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0)
TREES = ("pin-reset", "pin-change", "lost-card", "which-pin", "certificate-expired",
         "lost-smartphone", "damaged-card", "period-of-stay", "living-abroad")
CERTIFICATE_PINS = {"signature", "user-auth"}
SUSPENSION_NUMBER = "0120-95-0178"
FAX_NUMBER = "0120-601-785"  # F28: free, for deaf and hard-of-hearing people
ABROAD_NUMBER = "+81-3-6734-0170"  # F31
NAVI_DIAL = "0570-783-578"  # F30: the card call centre, its own hours
FOREIGN_CARD_NUMBER = "0120-0178-27"
FOREIGN_SYSTEM_NUMBER = "0120-0178-26"  # My Number system and Mynaportal: not for PINs
PIN_TREES = ("pin-reset", "pin-change", "which-pin")
HOLDER_ID_RULE = [["id-photo"], ["id-no-photo", "id-no-photo"]]
# Outcomes where the reader goes nowhere: a lost card found before anything was
# reported, or after a police report only (no suspension, so nothing at a counter).
NOWHERE_TO_GO = {("lost-card", "found-nothing-reported"), ("lost-card", "found-tell-police")}
NOTHING_TO_BRING = {("lost-card", "found-nothing-reported")}
REPRESENTATIVE_ID_RULE = [["id-photo", "id-photo"], ["id-photo", "id-no-photo"]]
EXPRESS_ID_RULE = REPRESENTATIVE_ID_RULE  # F32: photo ID + one more, or two photo IDs
# F46: the parent goes with the child; one sentence, the same on every page
GO_WITH_CHILD = {"ja": "お子さんと一緒に行きます"
                       "（同行が不要な市区町村もあるので確認してください）。",
                 "en": "Go with your child; some cities do not need the child there, so check."}


def _paths(bundle, tree_id: str, now=None) -> list[tuple[dict, dict]]:
    """(answers, engine result) for every path of a tree."""
    tree = bundle.trees[tree_id]
    out = []
    for path in engine.iter_paths(tree):
        answers = dict(path["answers"])
        out.append((answers, engine.next_step(tree, answers, now)))
    return out


@pytest.fixture(scope="module")
def paths(bundle) -> dict[str, list[tuple[dict, dict]]]:
    return {tid: _paths(bundle, tid) for tid in TREES}


def _ids(records: list) -> list[str]:
    return [r["id"] for r in records]


def _texts(value) -> list[dict]:
    """Every {ja, en} text inside an engine result."""
    found = []
    if isinstance(value, dict):
        if "ja" in value or "en" in value:
            found.append(value)
        for v in value.values():
            found.extend(_texts(v))
    elif isinstance(value, list):
        for v in value:
            found.extend(_texts(v))
    return found


def _all_text(result: dict, lang: str) -> str:
    return "\n".join(t.get(lang, "") for t in _texts(result) if isinstance(t.get(lang), str))


def _one_of_sets(result: dict) -> list[tuple[list[list[str]], dict | None]]:
    return [([_ids(s) for s in b["sets"]], b.get("note"))
            for b in result["bring"] if b["kind"] == "one_of"]


def _docs(result: dict) -> list[str]:
    docs = [b["doc"]["id"] for b in result["bring"] if b["kind"] == "doc"]
    for sets, _ in _one_of_sets(result):
        docs.extend(d for s in sets for d in s)
    return docs


def _path_name(tree_id: str, answers: dict) -> str:
    return f"{tree_id}: " + " > ".join(f"{q}={o}" for q, o in answers.items())


# --- every path --------------------------------------------------------------------------


class TestEveryPath:
    def test_the_guide_has_every_tree(self, bundle):
        assert set(TREES) == set(bundle.trees)

    @pytest.mark.parametrize("tree_id", TREES)
    def test_every_path_ends_in_an_outcome(self, bundle, tree_id):
        ends = [p["end"] for p in engine.iter_paths(bundle.trees[tree_id])]
        assert ends and set(ends) == {"outcome"}

    @pytest.mark.parametrize("tree_id", TREES)
    def test_every_outcome_says_where_what_how_cost_and_time(self, paths, tree_id):
        for answers, result in paths[tree_id]:
            name = _path_name(tree_id, answers)
            assert result["type"] == "outcome", name
            assert result["places"] or (tree_id, result["id"]) in NOWHERE_TO_GO, \
                f"{name}: no place to go"
            assert result["bring"] or (tree_id, result["id"]) in NOTHING_TO_BRING, \
                f"{name}: nothing to bring"
            assert result["steps"], f"{name}: no steps"
            for field in ("cost", "time", "if_fails", "summary"):
                assert result[field], f"{name}: no {field}"
            assert result["contacts"], f"{name}: nobody to call"
            assert result["sources"], f"{name}: no sources"

    @pytest.mark.parametrize("tree_id", TREES)
    def test_every_text_on_every_path_is_in_both_languages(self, bundle, paths, tree_id):
        tree = bundle.trees[tree_id]
        for answers, result in paths[tree_id]:
            name = _path_name(tree_id, answers)
            # the questions on the way, as the reader sees them
            asked: dict = {}
            for qid, oid in answers.items():
                question = engine.next_step(tree, asked)
                assert question["id"] == qid
                for text in _texts(question):
                    for lang in ("ja", "en"):
                        assert isinstance(text.get(lang), str) and text[lang].strip(), \
                            f"{name}: question {qid} lacks {lang}: {text}"
                asked[qid] = oid
            for text in _texts(result):
                for lang in ("ja", "en"):
                    assert isinstance(text.get(lang), str) and text[lang].strip(), \
                        f"{name}: outcome {result['id']} lacks {lang}: {text}"

    @pytest.mark.parametrize("tree_id", TREES)
    def test_japanese_texts_are_japanese_and_english_texts_are_not(self, paths, tree_id):
        for answers, result in paths[tree_id]:
            for text in _texts(result):
                ja, en = text.get("ja", ""), text.get("en", "")
                if not isinstance(ja, str) or not isinstance(en, str):
                    continue
                assert ja != en, f"{_path_name(tree_id, answers)}: untranslated {en!r}"


# --- forgot / locked PIN -----------------------------------------------------------------


def _store_is_possible(answers: dict) -> bool:
    """F7-F9, F12: the holder, a certificate PIN, the other one known, an NFC phone."""
    pin = answers.get("which-pin")
    other = answers.get("knows-user-auth-pin") or answers.get("knows-signature-pin")
    return (pin in CERTIFICATE_PINS and answers.get("who-goes") == "holder"
            and other == "knows-other" and answers.get("nfc-phone") == "has-nfc-phone")


class TestPinReset:
    def test_the_store_only_where_it_really_works(self, paths):
        for answers, result in paths["pin-reset"]:
            at_store = "convenience-store-kiosk" in _ids(result["places"])
            assert at_store == _store_is_possible(answers), _path_name("pin-reset", answers)

    def test_store_route_exists_for_both_certificate_pins(self, paths):
        pins = {a["which-pin"] for a, r in paths["pin-reset"]
                if "convenience-store-kiosk" in _ids(r["places"])}
        assert pins == CERTIFICATE_PINS

    def test_store_path_asks_for_the_other_pin_not_the_forgotten_one(self, paths):
        for answers, result in paths["pin-reset"]:
            if not _store_is_possible(answers):
                continue
            steps = " ".join(s["text"]["en"] for s in result["steps"])
            if answers["which-pin"] == "signature":
                assert "user-authentication PIN" in steps
            else:
                assert "signature PIN (6 to 16" in steps
            assert "24 hours" in steps and "6:30" in steps and "23:00" in steps

    def test_user_auth_at_the_store_names_the_chains_that_can_and_cannot(self, paths):
        for answers, result in paths["pin-reset"]:
            if not (_store_is_possible(answers) and answers["which-pin"] == "user-auth"):
                continue
            warnings = [w["text"] for w in result["warnings"]]
            chains = next(w for w in warnings if "Seven-Eleven" in w["en"])
            assert "Lawson" in chains["en"] and "cannot" in chains["en"]
            assert "ローソン" in chains["ja"] and "できません" in chains["ja"]
            # no warning on this path says Lawson or FamilyMart can reset it
            for w in warnings:
                if "can be reset at" in w["en"]:
                    assert "Lawson" not in w["en"] and "FamilyMart" not in w["en"]

    def test_store_paths_warn_about_the_preconditions(self, paths):
        for answers, result in paths["pin-reset"]:
            if not _store_is_possible(answers):
                continue
            en = " ".join(w["text"]["en"] for w in result["warnings"])
            assert "no longer valid" in en and "address" in en  # F10
            assert "only the holder" in en
            assert "smartphone certificate" in en and "Mynaportal app" in en  # F14

    def test_store_booking_is_on_a_smartphone_never_a_computer(self, paths):
        # F8: the reservation is made only in the JPKI PIN reset app on a phone
        for answers, result in paths["pin-reset"]:
            if not _store_is_possible(answers):
                continue
            name = _path_name("pin-reset", answers)
            places = [p["name"] for p in result["places"]]
            for place in places:
                assert "computer" not in place["en"].lower(), f"{name}: {place['en']}"
                assert "パソコン" not in place["ja"], f"{name}: {place['ja']}"
            assert any("smartphone" in p["en"].lower() and "スマートフォン" in p["ja"]
                       for p in places), f"{name}: no smartphone place for the booking"

    def test_the_store_place_has_its_hours_as_data(self, bundle):
        kiosk = bundle.records["places"]["convenience-store-kiosk"]
        assert kiosk["hours"] == [{"days": list(engine.WEEKDAYS), "open": "06:30",
                                   "close": "23:00"}]

    def test_four_digit_pins_other_than_user_auth_are_reset_only_at_the_counter(self, paths):
        for answers, result in paths["pin-reset"]:
            if answers.get("which-pin") in ("resident-register", "card-info", "both-certificate"):
                assert _ids(result["places"]) == ["municipal-counter"], \
                    _path_name("pin-reset", answers)

    def test_every_counter_path_gives_the_id_rule_and_says_cities_differ(self, paths):
        for answers, result in paths["pin-reset"]:
            if _ids(result["places"]) != ["municipal-counter"] or result["id"] == "check-expiry":
                continue
            name = _path_name("pin-reset", answers)
            assert "my-number-card" in _docs(result), name
            rules = [(sets, note) for sets, note in _one_of_sets(result)
                     if sets == HOLDER_ID_RULE]
            assert rules, f"{name}: no 'one photo ID or two without a photo' rule"
            assert any(note and "市区町村" in note["ja"] and "cit" in note["en"].lower()
                       for _, note in rules), f"{name}: does not say that cities differ"

    def test_parent_and_guardian_bring_only_their_own_proof(self, paths):
        # F17, F46: a guardian must not read the parent's 戸籍謄本 text, nor a
        # parent the guardianship certificate
        for answers, result in paths["pin-reset"]:
            name = _path_name("pin-reset", answers)
            docs = _docs(result)
            who = answers.get("who-goes")
            assert ("koseki-tohon" in docs) == (who == "parent"), name
            assert ("guardianship-certificate" in docs) == (who == "guardian"), name
            if who in ("parent", "guardian"):
                assert result["id"] == "counter-reset", name
                own = [b for b in result["bring"] if b.get("for") == who and b["kind"] == "one_of"]
                assert [[_ids(g) for g in b["sets"]] for b in own] == [REPRESENTATIVE_ID_RULE], name
                holder = "child" if who == "parent" else "ward"
                assert any(b.get("for") == holder and b["kind"] == "doc"
                           and b["doc"]["id"] == "my-number-card" for b in result["bring"]), name
                # nothing is the holder's own without saying whose it is
                assert all(b.get("for") for b in result["bring"]), name

    def test_legal_representative_is_told_when_the_proofs_are_needed(self, paths):
        # F17: no 戸籍謄本 for the same household or a domicile (本籍) in that
        # city; some cities want the guardianship certificate from the last 3 months
        reps = [(a, r) for a, r in paths["pin-reset"]
                if a.get("who-goes") in ("parent", "guardian")]
        assert {a["who-goes"] for a, _ in reps} == {"parent", "guardian"}
        for answers, result in reps:
            name = _path_name("pin-reset", answers)
            doc = "koseki-tohon" if answers["who-goes"] == "parent" else "guardianship-certificate"
            (item,) = [b for b in result["bring"] if b["kind"] == "doc" and b["doc"]["id"] == doc]
            ja, en = item["note"]["ja"], item["note"]["en"]
            if doc == "koseki-tohon":
                assert "同じ世帯" in ja and "本籍" in ja, name
                assert "same household" in en and "本籍" in en, name
            else:
                assert "3か月" in ja and "3 months" in en, name

    def test_the_holder_is_15_or_over_and_a_child_never_goes_alone(self, bundle, paths):
        # F46: the holder path says the holder is 15 or over; a parent's path
        # tells the parent to take the child
        question = engine.next_step(bundle.trees["pin-reset"], {"which-pin": "resident-register"})
        labels = {o["id"]: o["label"] for o in question["options"]}
        assert "15歳以上" in labels["holder"]["ja"] and "15 or over" in labels["holder"]["en"]
        assert set(labels) == {"holder", "parent", "guardian", "proxy"}
        for answers, result in paths["pin-reset"]:
            if answers.get("who-goes") == "parent":
                steps = _all_text({"s": result["steps"]}, "en")
                assert GO_WITH_CHILD["en"] in steps, _path_name("pin-reset", answers)

    def test_proxy_goes_twice_with_the_sealed_form(self, paths):
        for answers, result in paths["pin-reset"]:
            is_proxy = answers.get("who-goes") == "proxy"
            assert (result["id"] == "counter-proxy") == is_proxy
            if not is_proxy:
                assert "inquiry-answer-form" not in _docs(result)
                continue
            assert "inquiry-answer-form" in _docs(result)
            assert "power-of-attorney" in _docs(result)
            ja = _all_text(result, "ja")
            en = _all_text(result, "en")
            assert "転送不要" in ja and "転送不要" in en
            assert "2回目" in ja and "Second visit" in en
            assert "封" in ja and "seal" in en

    def test_not_sure_hands_over_to_which_pin(self, bundle):
        result = engine.next_step(bundle.trees["pin-reset"], {"which-pin": "not-sure"})
        assert result["type"] == "outcome"
        assert [c["tree"] for c in result["continue"]] == ["which-pin"]

    def test_new_pin_rules_shown_match_the_pins_being_reset(self, paths):
        for answers, result in paths["pin-reset"]:
            en = " ".join(s["text"]["en"] for s in result["steps"])
            pin = answers.get("which-pin")
            if pin == "not-sure" or result["id"] == "check-expiry":
                continue
            signature_too = pin in ("signature", "both-certificate") or \
                answers.get("knows-signature-pin") == "forgot-other"
            assert ("6 to 16 characters" in en) == signature_too, \
                _path_name("pin-reset", answers)


# --- change a known PIN ------------------------------------------------------------------


class TestPinChange:
    def test_no_path_sends_anyone_to_a_store_to_change_a_pin(self, paths):
        for answers, result in paths["pin-change"]:
            assert "convenience-store-kiosk" not in _ids(result["places"]), \
                _path_name("pin-change", answers)

    def test_resident_register_pin_is_changed_only_at_the_counter(self, paths):
        for answers, result in paths["pin-change"]:
            if answers.get("which-pin") == "resident-register":
                assert _ids(result["places"]) == ["municipal-counter"]
            if "home" in _ids(result["places"]) and result["id"] == "change-online":
                assert answers["which-pin"] in ("signature", "user-auth", "card-info")

    def test_online_change_hands_over_to_reset_for_the_same_pin(self, bundle, paths):
        # a PIN that locks while being changed must be reset: the link starts
        # pin-reset with the reader's PIN already chosen, and only that one
        online = [(a, r) for a, r in paths["pin-change"] if r["id"] == "change-online"]
        assert online
        for answers, result in online:
            name = _path_name("pin-change", answers)
            resets = [c for c in result["continue"] if c["tree"] == "pin-reset"]
            assert [c["answers"]["which-pin"] for c in resets] == [answers["which-pin"]], name
            step = engine.next_step(bundle.trees["pin-reset"], resets[0]["answers"])
            assert step["unused"] == [] and step["id"] == "who-goes", name

    @pytest.mark.parametrize("tree_id", PIN_TREES)
    def test_pin_paths_give_the_foreign_language_line_for_cards(self, paths, tree_id):
        # F20: PINs are card and e-certificate matters (0120-0178-27); the
        # 0120-0178-26 line is for the My Number system and Mynaportal
        for answers, result in paths[tree_id]:
            name = _path_name(tree_id, answers)
            numbers = [p["number"] for c in result["contacts"] for p in c["phones"]]
            assert FOREIGN_CARD_NUMBER in numbers, name
            assert FOREIGN_SYSTEM_NUMBER not in numbers, name

    def test_counter_change_asks_for_a_photo_id(self, paths):
        # F25: a PIN is changed at the counter with photo ID; a reader who brings two
        # documents without a photo is told to come back
        for answers, result in paths["pin-change"]:
            if result["id"] == "change-counter":
                name = _path_name("pin-change", answers)
                assert "id-photo" in _docs(result), name
                for sets, _ in _one_of_sets(result):
                    assert all("id-photo" in s for s in sets), name


# --- lost or stolen card -----------------------------------------------------------------


class TestLostCard:
    def test_first_contact_is_the_24_hour_suspension_line(self, bundle, paths):
        for answers, result in paths["lost-card"]:
            name = _path_name("lost-card", answers)
            if answers["card-status"] != "missing":
                continue
            first = result["contacts"][0]
            assert first["id"] == "mynumber-suspension", name
            assert first["phones"][0]["number"] == SUSPENSION_NUMBER
            assert "2" in first["phones"][0]["guidance"]["ja"]
            assert first["hours"] == [{"days": list(engine.WEEKDAYS), "open": "00:00",
                                       "close": "24:00"}]
            # open in the middle of the night on a holiday too
            night = datetime(TODAY.year, 1, 1, 3, 0)
            assert engine.hours_status(first["hours"], first.get("closed_dates", []),
                                       night)["open_now"]

    def test_english_readers_get_the_foreign_language_line(self, paths):
        for answers, result in paths["lost-card"]:
            numbers = [p["number"] for c in result["contacts"] for p in c["phones"]]
            assert FOREIGN_CARD_NUMBER in numbers, _path_name("lost-card", answers)
            foreign = next(c for c in result["contacts"]
                           if c["phones"][0]["number"] == FOREIGN_CARD_NUMBER)
            assert "en" in foreign["languages"]

    def test_first_step_is_the_hotline(self, paths):
        for answers, result in paths["lost-card"]:
            name = _path_name("lost-card", answers)
            if answers["card-status"] in ("found-after-police", "found-unreported"):
                continue  # nothing was suspended: see the test below
            first = result["steps"][0]["text"]
            assert SUSPENSION_NUMBER in first["ja"] and SUSPENSION_NUMBER in first["en"], name
            if answers["card-status"] == "missing":
                assert first["en"].startswith("Call ") and "option 2" in first["en"], name
                assert "電話" in first["ja"] and "2番" in first["ja"], name
                assert FOREIGN_CARD_NUMBER in first["en"], name
            elif answers["card-status"] == "found-again":
                # a found card: the hotline cannot lift a suspension
                assert "cannot" in first["en"] or "will not" in first["en"], name

    def test_police_report_only_when_lost_outside_or_stolen(self, paths):
        for answers, result in paths["lost-card"]:
            where = answers.get("where-lost")
            docs = _docs(result)
            reported = where in ("lost-outside", "stolen") or \
                answers["card-status"] == "found-after-police"  # quoted to the police
            assert ("police-receipt-number" in docs) == reported
            assert ("disaster-certificate" in docs) == (where == "fire-disaster")
            steps_ja = " ".join(s["text"]["ja"] for s in result["steps"])
            if where == "lost-outside":
                assert "遺失届" in steps_ja and "受理番号" in steps_ja
            if where == "stolen":
                assert "盗難届" in steps_ja and "受理番号" in steps_ja
            if where == "lost-at-home":
                assert "警察への届出は必要ありません" in steps_ja

    def test_lost_at_home_never_sends_anyone_to_the_police(self, paths):
        at_home = [(a, r) for a, r in paths["lost-card"]
                   if a.get("where-lost") == "lost-at-home"]
        assert at_home
        for answers, result in at_home:
            assert "police-station" not in _ids(result["places"]), \
                _path_name("lost-card", answers)

    def test_lost_outside_or_stolen_lists_the_police_then_the_counter(self, paths):
        reported = [(a, r) for a, r in paths["lost-card"]
                    if a.get("where-lost") in ("lost-outside", "stolen")]
        assert {a["where-lost"] for a, _ in reported} == {"lost-outside", "stolen"}
        for answers, result in reported:
            # the report comes first: its receipt number goes to the counter
            assert _ids(result["places"]) == ["police-station", "municipal-counter"], \
                _path_name("lost-card", answers)

    def test_reissue_fees_and_times(self, paths):
        for answers, result in paths["lost-card"]:
            speed = answers.get("reissue-speed")
            if speed == "normal":
                assert "1,000" in result["cost"]["en"] and "800" in result["cost"]["en"]
                # F38: about a month, often longer
                assert "a month" in result["time"]["en"] and "longer" in result["time"]["en"]
                assert "1か月" in result["time"]["ja"] and "以上" in result["time"]["ja"]
            elif speed == "express":
                assert "2,000" in result["cost"]["en"] and "1,800" in result["cost"]["en"]
                assert "1 week" in result["time"]["en"]
                en = _all_text(result, "en")
                assert "30 days" in en and "in person" in en

    def test_express_is_not_offered_before_it_existed(self, bundle):
        tree = bundle.trees["lost-card"]
        answers = {"card-status": "missing", "whose-card": "own", "where-lost": "stolen"}
        before = engine.next_step(tree, answers, "2024-11-30T12:00")
        after = engine.next_step(tree, answers, NOW)
        assert [o["id"] for o in before["options"]] == ["normal"]
        assert [o["id"] for o in after["options"]] == ["normal", "express"]

    def test_found_card_goes_to_the_counter_not_the_phone(self, paths):
        for answers, result in paths["lost-card"]:
            if answers["card-status"] != "found-again":
                continue
            assert _ids(result["places"]) == ["municipal-counter"]
            assert "my-number-card" in _docs(result)
            en = _all_text(result, "en")
            if answers["after-found"] == "not-applied":
                assert "cannot be lifted by phone" in en
            else:
                assert "cannot be used again" in en and "返納" in en

    def test_a_found_card_is_answered_by_how_far_it_was_reported(self, bundle, paths):
        """Found before anything was reported: nothing to do but check it. Found after a
        police report only: tell the police. Found after a suspension: the counter (F36)."""
        tree = bundle.trees["lost-card"]
        first = engine.next_step(tree, {})
        assert {o["id"] for o in first["options"]} >= {
            "missing", "found-again", "found-after-police", "found-unreported"}
        ends = {a["card-status"]: r for a, r in paths["lost-card"] if len(a) == 1}
        unreported, police = ends["found-unreported"], ends["found-after-police"]
        assert unreported["places"] == [] and unreported["bring"] == []
        assert "nothing to do" in unreported["summary"]["en"].lower()
        assert "手続きはいりません" in unreported["summary"]["ja"]
        steps_ja = " ".join(s["text"]["ja"] for s in police["steps"])
        assert police["places"] == [] and "police-receipt-number" in _docs(police)
        assert "警察署" in police["steps"][0]["text"]["ja"] and "受理番号" in steps_ja
        assert "取り下げ" in steps_ja and "police station" in police["summary"]["en"]
        for result in (unreported, police):
            # had it been suspended, the reader is sent back to the counter's answer
            warnings = " ".join(w["text"]["en"] for w in result["warnings"])
            assert SUSPENSION_NUMBER in warnings and "suspended" in warnings
            assert "municipal-counter" not in _ids(result["places"])


# --- which PIN ---------------------------------------------------------------------------


EXPECTED_PIN = {
    "mynaportal-login": "user-auth",
    "clinic-reader": "user-auth",
    "store-certificates": "user-auth",
    "e-signature": "signature",
    "long-pin": "signature",
    "counter-address": "resident-register",
    "app-autofill": "card-info",
}


class TestWhichPin:
    def test_each_situation_names_the_right_pin(self, paths):
        for answers, result in paths["which-pin"]:
            where = answers["where-asked"]
            if where in EXPECTED_PIN:
                assert _ids(result["pins"]) == [EXPECTED_PIN[where]], where

    def test_hand_over_to_reset_and_change_with_the_pin_filled_in(self, bundle, paths):
        for answers, result in paths["which-pin"]:
            where = answers["where-asked"]
            if where not in EXPECTED_PIN:
                continue
            links = {c["tree"]: c["answers"] for c in result["continue"]}
            if EXPECTED_PIN[where] in CERTIFICATE_PINS:
                # F41: a certificate PIN refused although typed right has expired
                assert links.pop("certificate-expired", None) == {}, where
                assert links.pop("period-of-stay", None) == {}, where  # F43
            assert set(links) == {"pin-reset", "pin-change"}, where
            for tree_id, prefilled in links.items():
                assert prefilled == {"which-pin": EXPECTED_PIN[where]}
                step = engine.next_step(bundle.trees[tree_id], prefilled)
                assert step["unused"] == [], f"{tree_id} does not accept {prefilled}"
                assert step["id"] != "which-pin"

    def test_same_four_digit_pins_are_no_reason_to_guess(self, paths):
        # F3 allows the same number, but a 4-digit PIN locks after 3 wrong
        # tries: say they may match, never invite the reader to try them
        told = set()
        for answers, result in paths["which-pin"]:
            name = _path_name("which-pin", answers)
            steps = [s["text"] for s in result["steps"]]
            en = " ".join(t["en"] for t in steps)
            ja = " ".join(t["ja"] for t in steps)
            assert "try the one" not in en.lower(), name
            if "same number" not in en and "同じ番号" not in ja:
                continue
            told.add(result["id"])
            assert "same number" in en and "同じ番号" in ja, f"{name}: ja and en differ"
            assert "don't guess" in en and "reset" in en, name
            assert "推測で入力しない" in ja and "再設定" in ja, name
            assert "3 wrong tries" in en and "3回" in ja, name
        assert told == {"user-auth-pin", "resident-register-pin", "card-info-pin"}

    def test_clinic_reader_mentions_face_recognition(self, paths):
        for answers, result in paths["which-pin"]:
            if answers["where-asked"] == "clinic-reader":
                assert "顔認証" in _all_text(result, "ja")
                assert "face recognition" in _all_text(result, "en")


# --- the PIN facts -----------------------------------------------------------------------


class TestPinRecords:
    def test_formats_and_tries(self, bundle):
        pins = bundle.records["pins"]
        assert set(pins) == {"signature", "user-auth", "resident-register", "card-info"}
        assert pins["signature"]["format"] == {"chars": "alphanumeric", "min_length": 6,
                                               "max_length": 16}
        assert pins["signature"]["tries"] == 5
        for pid in ("user-auth", "resident-register", "card-info"):
            assert pins[pid]["format"] == {"chars": "digits", "min_length": 4, "max_length": 4}
            assert pins[pid]["tries"] == 3

    def test_where_each_pin_is_reset_and_changed(self, bundle):
        pins = bundle.records["pins"]
        assert pins["signature"]["reset_at"] == ["store", "counter"]
        assert pins["user-auth"]["reset_at"] == ["store", "counter"]
        assert pins["resident-register"]["reset_at"] == ["counter"]
        assert pins["card-info"]["reset_at"] == ["counter"]
        assert pins["resident-register"]["change_at"] == ["counter"]
        for pid in ("signature", "user-auth", "card-info"):
            assert pins[pid]["change_at"] == ["online", "counter"]

    def test_signature_pin_rules_are_the_real_ones(self, bundle):
        text = bundle.records["pins"]["signature"]["format_text"]
        assert "No symbols" in text["en"] and "記号" in text["ja"]
        assert "capitals" in text["en"] and "大文字" in text["ja"]

    def test_no_text_anywhere_allows_symbols_in_a_pin(self, paths):
        # the seed article wrongly said the signature PIN may use symbols
        for tree_paths in paths.values():
            for _answers, result in tree_paths:
                for text in _texts(result):
                    ja, en = text.get("ja"), text.get("en")
                    if isinstance(ja, str) and "記号" in ja:
                        assert "使えません" in ja or "含まれません" in ja, ja
                    if isinstance(en, str) and "symbol" in en.lower():
                        assert any(w in en for w in ("No symbols", "not allowed", "never")), en

    def test_same_number_rule_is_stated(self, bundle):
        for pid in ("user-auth", "resident-register", "card-info"):
            note = bundle.records["pins"][pid]["note"]
            assert "同じ番号" in note["ja"] and "same number" in note["en"]


# --- provenance --------------------------------------------------------------------------


class TestProvenance:
    @pytest.mark.parametrize("kind", ["documents", "places", "contacts", "pins"])
    def test_every_record_has_a_known_source_and_a_recent_review(self, bundle, kind):
        sources = bundle.records["sources"]
        for rid, record in bundle.records[kind].items():
            assert record["sources"], f"{kind}.{rid} has no source"
            for sid in record["sources"]:
                assert sid in sources, f"{kind}.{rid}: unknown source {sid}"
            reviewed = date.fromisoformat(record["reviewed"])
            assert TODAY - reviewed <= timedelta(days=365), \
                f"{kind}.{rid} was last reviewed on {reviewed}: check it again"
            assert reviewed <= TODAY, f"{kind}.{rid} is reviewed in the future"

    def test_every_source_is_recent_and_official_or_municipal(self, bundle):
        for sid, source in bundle.records["sources"].items():
            reviewed = date.fromisoformat(source["reviewed"])
            assert TODAY - reviewed <= timedelta(days=365), f"source {sid} needs a review"
            assert source["url"].startswith(("https://", "http://")), sid

    @pytest.mark.parametrize("tree_id", TREES)
    def test_every_tree_is_recently_reviewed(self, bundle, tree_id):
        reviewed = date.fromisoformat(bundle.trees[tree_id]["reviewed"])
        assert TODAY - reviewed <= timedelta(days=365)

    def test_phone_numbers_are_dialable(self, bundle):
        for cid, contact in bundle.records["contacts"].items():
            for phone in contact["phones"]:
                if phone.get("kind") == "fax":
                    assert "tel" not in phone, cid  # a fax number is never a call link
                    continue
                assert phone["tel"].startswith("tel:"), cid
                digits = phone["tel"][4:].lstrip("+")
                assert digits.isdigit() and len(digits) >= 10, cid


# --- corrections from the 2026-11-30 review (FACTS F28-F40, F48, F49) -----------------


def _numbers(result: dict) -> list[str]:
    return [p["number"] for c in result["contacts"] for p in c["phones"]]


def _missing_card_paths(paths) -> list[tuple[dict, dict]]:
    out = [(a, r) for a, r in paths["lost-card"] if a["card-status"] == "missing"]
    assert out
    return out


class TestFaxForDeafPeople:
    """F28: a deaf reader must find a way to suspend the card wherever the phone lines are."""

    def test_every_contact_with_the_hotline_offers_the_fax_line(self, bundle):
        for cid, contact in bundle.records["contacts"].items():
            numbers = {p["number"]: p for p in contact["phones"]}
            if SUSPENSION_NUMBER in numbers:
                assert FAX_NUMBER in numbers, f"{cid} offers the hotline but not the fax"
                assert numbers[FAX_NUMBER]["kind"] == "fax", cid

    def test_every_lost_card_path_gives_the_fax_in_its_first_step(self, paths):
        for answers, result in _missing_card_paths(paths):
            first = result["steps"][0]["text"]
            assert f"FAX {FAX_NUMBER}" in first["ja"] and f"FAX {FAX_NUMBER}" in first["en"], \
                _path_name("lost-card", answers)
            assert "聴覚" in first["ja"] and "deaf" in first["en"]

    def test_the_lost_card_question_and_summary_name_the_fax(self, bundle):
        tree = bundle.trees["lost-card"]
        for text in (tree["summary"], tree["questions"]["card-status"]["hint"]):
            assert FAX_NUMBER in text["ja"] and FAX_NUMBER in text["en"]


class TestPhoneLines:
    """F29-F31: the right hours for each number and language, and the line from abroad."""

    def test_foreign_language_hours_come_in_two_language_groups(self, bundle):
        contact = bundle.records["contacts"]["foreign-language-card"]
        hours = {p["label"]["en"]: p["hours"] for p in contact["phones"]}
        english = next(h for label, h in hours.items() if "English" in label)
        nepali = next(h for label, h in hours.items() if "Nepali" in label)
        assert english == [{"days": list(engine.WEEKDAYS), "open": "08:30", "close": "20:00"}]
        assert nepali == [{"days": list(engine.WEEKDAYS), "open": "09:00", "close": "18:00"}]
        assert {"vi", "th", "id", "tl", "ne"} <= set(contact["languages"])

    def test_the_navi_dial_keeps_its_own_hours(self, bundle):
        # 08:45 on a Tuesday: the card call centre has opened, the toll-free
        # line opens at 9:30; 18:00 on a Saturday: only the call centre is open
        tree = bundle.trees["pin-reset"]
        answers = {"which-pin": "resident-register", "who-goes": "holder"}
        for now, navi_open, free_open in (("2026-12-01T08:45", True, False),
                                          ("2026-12-05T18:00", True, False),
                                          ("2026-12-01T12:00", True, True),
                                          ("2026-12-01T20:30", False, False)):
            result = engine.next_step(tree, answers, now)
            general = next(c for c in result["contacts"] if c["id"] == "mynumber-general")
            navi = next(p for p in general["phones"] if p["number"] == NAVI_DIAL)
            assert navi["status"]["open_now"] is navi_open, now
            assert general["status"]["open_now"] is free_open, now

    def test_the_number_for_callers_abroad_is_there_in_japanese_too(self, paths):
        for answers, result in _missing_card_paths(paths):
            abroad = [c for c in result["contacts"]
                      if ABROAD_NUMBER in [p["number"] for p in c["phones"]]]
            assert abroad and all(c["id"] != "foreign-language-suspension" for c in abroad), \
                _path_name("lost-card", answers)
            assert "ja" in abroad[0]["name"] and "海外" in abroad[0]["name"]["ja"]


class TestExpressReissue:
    """F32, F33, F35: stricter ID, the right 30 days, posted home, PINs decided first."""

    @pytest.mark.parametrize("tree_id", ["lost-card", "damaged-card"])
    def test_two_ids_without_a_photo_are_never_enough(self, paths, tree_id):
        express = [(a, r) for a, r in paths[tree_id] if a.get("reissue-speed") == "express"]
        assert express
        for answers, result in express:
            name = _path_name(tree_id, answers)
            # the adult who shows their own ID: the holder, the parent for a
            # child, the guardian for an adult ward
            ruled = [b for b in result["bring"] if b["kind"] == "one_of"
                     and b.get("for") in (None, "parent", "guardian")]
            assert ruled, name
            for item in ruled:
                assert [_ids(g) for g in item["sets"]] == EXPRESS_ID_RULE, name
            assert "new-pins" in _docs(result), name  # PINs are written on the application

    def test_the_30_days_run_from_the_city_report_or_the_day_of_the_fire(self, paths):
        for answers, result in paths["lost-card"]:
            if answers.get("reissue-speed") != "express":
                continue
            steps = " ".join(s["text"]["en"] for s in result["steps"])
            if answers["where-lost"] == "fire-disaster":
                # F33: burned or damaged counts from that day; gone missing is a loss
                assert "burned or was damaged in the fire or disaster, express issue is " \
                    "possible within 30 days of that day" in steps
                assert "went missing in the disaster, it counts as lost: within 30 days of " \
                    "the day you report the loss at the city office" in steps
            else:
                assert "within 30 days of the day you report the loss at the city office" in steps

    def test_the_new_card_is_posted_to_the_registered_address(self, paths):
        for answers, result in paths["lost-card"]:
            if answers.get("reissue-speed") == "express":
                ja = _all_text(result, "ja")
                assert "住民票の住所" in ja and "本人限定受取郵便" in ja
                assert "registered address" in _all_text(result, "en")


class TestReissue:
    """F34, F38: a face photo, the fee at collection, and a month or more."""

    def test_a_face_photo_is_asked_for_or_the_qr_code(self, paths):
        for answers, result in paths["lost-card"]:
            if answers.get("reissue-speed") == "normal":
                assert "face-photo" in _docs(result), _path_name("lost-card", answers)
                assert "QRコード" in _all_text(result, "ja")

    def test_the_fee_is_often_paid_on_collection(self, paths):
        for answers, result in paths["lost-card"]:
            if answers.get("reissue-speed") == "normal":
                assert "受け取るときに払う" in result["cost"]["ja"]
                assert "when you collect" in result["cost"]["en"]


class TestFoundCard:
    """F36, F37: ask about a new card, not the 廃止届; hedge which certificates come back."""

    def test_the_question_asks_about_a_new_card_not_a_form_name(self, bundle):
        question = bundle.trees["lost-card"]["questions"]["after-found"]
        texts = [question["text"]] + [o["label"] for o in question["options"]]
        assert "新しいカード" in question["text"]["ja"] and "new card" in question["text"]["en"]
        for text in texts:
            assert "廃止届" not in text["ja"] and "廃止届" not in text["en"]

    def test_the_certificates_are_hedged(self, paths):
        for answers, result in paths["lost-card"]:
            if answers.get("after-found") == "not-applied":
                assert "署名用だけ" in _all_text(result, "ja")
                assert "only the signature certificate" in _all_text(result, "en")


class TestSmallCorrections:
    def test_fuji_is_only_some_stores_in_chugoku_and_shikoku(self, bundle, paths):
        # F39
        texts = [bundle.records["places"]["convenience-store-kiosk"]["note"]]
        for _answers, result in paths["pin-reset"]:
            texts += [w["text"] for w in result["warnings"]]
        named = [t for t in texts if "フジ" in t["ja"]]
        assert named
        for text in named:
            assert "中国・四国地方の一部のフジ" in text["ja"]
            assert "some Fuji stores in the Chugoku and Shikoku regions" in text["en"]

    def test_police_station_name_and_phone_go_with_the_receipt_number(self, paths):
        # F40
        for answers, result in paths["lost-card"]:
            if answers.get("where-lost") in ("lost-outside", "stolen"):
                steps = " ".join(s["text"]["ja"] for s in result["steps"])
                assert "受理番号と、届け出た警察署の名前・電話番号" in steps

    def test_counter_notes_show_the_common_forms_of_the_rule(self, paths):
        # F48: cities vary; card only, or any one document, are common too
        for answers, result in paths["pin-reset"]:
            if result["id"] == "counter-reset" and answers["who-goes"] == "holder":
                (note,) = [n for _, n in _one_of_sets(result)]
                assert "カードだけ" in note["ja"] and "1点" in note["ja"]
                assert "only the card" in note["en"] and "any one document" in note["en"]

    def test_the_card_information_pin_is_changed_in_mynaportal_only(self, paths):
        # F49: no source says the JPKI software changes the card-information PIN
        for answers, result in paths["pin-change"]:
            if result["id"] == "change-online" and answers["which-pin"] == "card-info":
                assert "JPKI" not in _all_text({"s": result["steps"]}, "en")
                assert "Mynaportal" in _all_text({"s": result["steps"]}, "en")

    def test_changing_a_pin_never_takes_a_photo_of_your_face(self, paths):
        # only the reset app of the store route matches the holder's face
        for answers, result in paths["pin-change"]:
            assert "顔を撮影" not in _all_text(result, "ja"), _path_name("pin-change", answers)
            assert "photo of your face" not in _all_text(result, "en")

    def test_daiei_cannot_reset_the_user_authentication_pin(self, paths):
        for answers, result in paths["pin-reset"]:
            if result["id"] == "store-reset" and answers["which-pin"] == "user-auth":
                (chains,) = [w["text"] for w in result["warnings"] if "cannot" in w["text"]["en"]
                             and "Lawson" in w["text"]["en"]]
                assert "Daiei" in chains["en"] and "ダイエーではできません" in chains["ja"]


# --- new situations (FACTS F41-F47) ---------------------------------------------------


class TestExpiredCertificate:
    """F41: a PIN refused though typed right is an expired certificate, not a lock."""

    def test_pin_reset_routes_a_never_wrong_pin_to_the_expiry(self, paths):
        refused = [(a, r) for a, r in paths["pin-reset"] if a.get("what-happened") == "never-wrong"]
        # E6: "neither certificate PIN works" is the likeliest expiry of all
        assert {a["which-pin"] for a, _ in refused} == CERTIFICATE_PINS | {"both-certificate"}
        for _answers, result in refused:
            assert result["id"] == "check-expiry"
            assert [c["tree"] for c in result["continue"]] == ["certificate-expired",
                                                                "period-of-stay"]
            assert "convenience-store-kiosk" not in _ids(result["places"])

    def test_renewal_is_free_at_the_counter_from_3_months_before(self, paths):
        for answers, result in paths["certificate-expired"]:
            name = _path_name("certificate-expired", answers)
            if answers["expiry-date"] == "later":
                assert result["id"] == "not-expiry", name
                assert next(c["tree"] for c in result["continue"]) == "pin-reset"
                continue
            assert _ids(result["places"]) == ["municipal-counter"], name
            assert "Free" in result["cost"]["en"] or "free" in result["cost"]["en"].lower()
            en = _all_text(result, "en")
            assert "not a lock" in en and "3 months" in en, name

    def test_a_child_under_15_is_renewed_by_a_parent(self, paths):
        for answers, result in paths["certificate-expired"]:
            if answers.get("who-renews") == "parent":
                assert "koseki-tohon" in _docs(result)
                assert any(b.get("for") == "child" for b in result["bring"])


class TestHealthInsuranceCard:
    """F42: a lost card that was the reader's health insurance card: the 資格確認書."""

    def test_every_missing_card_path_says_to_ask_the_insurer(self, paths):
        for answers, result in _missing_card_paths(paths):
            ja = " ".join(s["text"]["ja"] for s in result["steps"])
            en = " ".join(s["text"]["en"] for s in result["steps"])
            assert "資格確認書" in ja and "健康保険" in ja, _path_name("lost-card", answers)
            assert "eligibility certificate" in en and "insurer" in en


class TestForeignResidents:
    """F43: the card lasts as long as the period of stay; no reminder comes."""

    def test_each_situation_gets_its_procedure(self, paths):
        expected = {("renewed", "not-yet"): "extend-validity",
                    ("pending", "not-yet"): "special-extension",
                    ("renewed", "passed"): "card-lapsed", ("pending", "passed"): "card-lapsed"}
        found = {(a["renewal-status"], a["card-expired"]): r["id"]
                 for a, r in paths["period-of-stay"]}
        assert found == expected

    def test_the_reader_is_told_no_reminder_comes_and_the_pin_is_needed(self, paths):
        for answers, result in paths["period-of-stay"]:
            name = _path_name("period-of-stay", answers)
            en = _all_text(result, "en")
            if result["id"] != "card-lapsed":
                assert "no reminder is sent" in en, name
                assert "four-digit-pin" in _docs(result), name
            else:
                assert "1,000 yen" in result["cost"]["en"], name
            if result["id"] == "special-extension":
                assert "2 months" in en and "once only" in en, name


class TestLostSmartphone:
    """F44: the phone's certificate is suspended by the hotline; the card is not affected."""

    def test_missing_phone_calls_the_24_hour_line_and_keeps_the_card(self, paths):
        for answers, result in paths["lost-smartphone"]:
            if answers["phone-status"] == "found-again":
                continue
            assert SUSPENSION_NUMBER in result["steps"][0]["text"]["en"]
            assert SUSPENSION_NUMBER in _numbers(result)
            if answers["phone-status"] == "missing":
                assert "is not suspended" in _all_text(result, "en")

    def test_a_found_phone_is_unblocked_in_the_app_not_at_the_counter(self, paths):
        (result,) = [r for a, r in paths["lost-smartphone"] if a["phone-status"] == "found-again"]
        assert _ids(result["places"]) == ["mynaportal-app"]
        en = _all_text(result, "en")
        assert "signature certificate is issued again" in en or "issued again" in en


class TestDamagedCard:
    """F45: a reissue, no police, express within 30 days of the damage."""

    def test_no_police_and_the_damaged_card_is_brought(self, paths):
        for answers, result in paths["damaged-card"]:
            name = _path_name("damaged-card", answers)
            assert "police-station" not in _ids(result["places"]), name
            assert "police-receipt-number" not in _docs(result), name
            assert "damaged-card" in _docs(result), name
            assert "no police report is needed" in _all_text(result, "en"), name

    def test_the_fee_depends_on_whose_fault_it_was(self, paths):
        for answers, result in paths["damaged-card"]:
            en = " ".join(w["text"]["en"] for w in result["warnings"])
            if answers["damage"] == "broken":
                assert "your own doing" in en
            else:
                assert "no fault of yours" in en


class TestChildren:
    """F46: a parent applies and goes with the child; the child never goes alone."""

    @pytest.mark.parametrize("tree_id", ["lost-card", "damaged-card"])
    def test_a_childs_card_is_handled_by_a_parent(self, paths, tree_id):
        children = [(a, r) for a, r in paths[tree_id] if a.get("whose-card") == "child"]
        assert children
        for answers, result in children:
            name = _path_name(tree_id, answers)
            if result["id"] == "found-after-reissue":
                continue  # handing the old card back: anyone may
            steps = " ".join(s["text"]["en"] for s in result["steps"])
            assert "parent" in steps or "your child" in steps, name
            assert "Go in person" not in steps, name  # the holder's own wording
            assert "koseki-tohon" in _docs(result), name
            if answers.get("reissue-speed") == "express":
                assert "You and your child go together" in steps, name


class TestLivingAbroad:
    """F47: an embassy or the 本籍地 city, and the +81 line."""

    def test_procedures_go_through_an_embassy_or_the_domicile_city(self, paths):
        for _answers, result in paths["living-abroad"]:
            places = _ids(result["places"])
            assert "embassy" in places and "honseki-city" in places
            assert "municipal-counter" not in places  # there is no 住民票 to go to
            assert ABROAD_NUMBER in _numbers(result)

    def test_a_lost_card_abroad_has_no_express_issue_and_a_pin_is_only_reset_there(self, paths):
        for answers, result in paths["living-abroad"]:
            en = _all_text(result, "en")
            if answers["abroad-need"] == "lost":
                assert "cannot be issued by express issue" in en
                assert ABROAD_NUMBER in result["steps"][1]["text"]["en"]
            else:
                assert "embassies cannot change PINs" in en


class TestBringPerPersonAndVisit:
    """What to bring says whose document it is and for which visit."""

    def test_the_proxy_brings_per_visit_and_per_person(self, paths):
        for _answers, result in paths["pin-reset"]:
            if result["id"] != "counter-proxy":
                continue
            by_visit = {v: [(b.get("for"), b["kind"], b.get("doc", {}).get("id"))
                            for b in result["bring"] if v in b.get("visits", [])]
                        for v in ("1", "2")}
            assert ("holder", "doc", "inquiry-answer-form") in by_visit["2"]
            assert ("holder", "doc", "inquiry-answer-form") not in by_visit["1"]
            assert ("holder", "doc", "power-of-attorney") in by_visit["1"]
            for visit in ("1", "2"):
                assert ("proxy", "one_of", None) in by_visit[visit]
                assert ("holder", "doc", "my-number-card") in by_visit[visit]
            assert all(b.get("for") and b.get("visits") for b in result["bring"])


# --- the resident and city review of issue 10 (errors E1-E10, wording) --------------------


def _outcome_paths(paths, tree_id: str, **answers: str | tuple) -> list[tuple[dict, dict]]:
    """Paths of a tree whose answers match (a tuple is any of these options)."""
    out = []
    for path_answers, result in paths[tree_id]:
        if all(path_answers.get(q) in (o if isinstance(o, tuple) else (o,))
               for q, o in answers.items()):
            out.append((path_answers, result))
    assert out, f"{tree_id}: no path with {answers}"
    return out


def _phone(result: dict, contact_id: str, number: str) -> dict:
    contact = next(c for c in result["contacts"] if c["id"] == contact_id)
    return next(p for p in contact["phones"] if p["number"] == number)


class TestResidentReportErrors:
    def test_e1_the_card_call_centre_is_not_shown_closed_over_new_year(self, bundle):
        # F30: 0570-783-578 is open 8:30-20:00 every day; a reader on 30 December
        # must not be told it is closed
        answers = {"which-pin": "resident-register", "who-goes": "holder"}
        result = engine.next_step(bundle.trees["pin-reset"], answers, "2026-12-30T12:00")
        navi = _phone(result, "mynumber-general", NAVI_DIAL)
        assert navi.get("closed_dates", []) == []
        assert navi["status"]["open_now"] is True

    def test_e2_the_fax_never_gets_the_enquiry_hours(self, bundle):
        # F28: the FAX is for suspending a lost card, 24 hours; it is not a
        # weekday enquiry line, so it keeps a schedule of its own everywhere
        sunday_night = "2026-12-06T03:00"
        answers = {"which-pin": "resident-register", "who-goes": "holder"}
        result = engine.next_step(bundle.trees["pin-reset"], answers, sunday_night)
        fax = _phone(result, "mynumber-general", FAX_NUMBER)
        assert fax["hours"] == [{"days": list(engine.WEEKDAYS), "open": "00:00", "close": "24:00"}]
        assert fax["status"]["open_now"] is True
        assert "一時利用停止" in fax["hours_note"]["ja"]
        assert "suspending a lost or stolen card" in fax["hours_note"]["en"]

    def test_e3_a_card_lost_in_a_disaster_counts_30_days_from_the_report(self, bundle, paths):
        # F33: only a card that burned or was damaged counts from that day
        tree = bundle.trees["lost-card"]
        texts = _texts(tree["questions"]) + [t for _a, r in paths["lost-card"] for t in _texts(r)]
        for text in texts:
            ja, en = text.get("ja"), text.get("en")
            if isinstance(ja, str) and isinstance(en, str):
                assert "焼けた・なくなった日から" not in ja, ja
                assert "destroyed or lost in the fire or disaster" not in en, en
        (hint,) = [o["hint"] for o in tree["questions"]["reissue-speed"]["options"]
                   if o["id"] == "express"]
        assert "焼けた・壊れたときは、その日から30日以内" in hint["ja"]
        assert "災害でなくなったときは、紛失と同じく紛失届を出した日から" in hint["ja"]
        assert "a card that went missing in a disaster counts as lost" in hint["en"]

    def test_e4_the_found_card_summary_hedges_the_certificates(self, paths):
        # F37: the first screen must not promise that every certificate is re-issued
        found = _outcome_paths(paths, "lost-card", **{"after-found": "not-applied"})
        for _answers, result in found:
            summary = result["summary"]
            assert "必要に応じて再発行" in summary["ja"] and "署名用だけ" in summary["ja"]
            assert "issued again as needed" in summary["en"]
            assert "only the signature certificate" in summary["en"]

    @pytest.mark.parametrize("tree_id,question", [
        ("pin-reset", "who-goes"), ("certificate-expired", "who-renews"),
        ("lost-card", "whose-card"), ("damaged-card", "whose-card")])
    def test_e5_a_parent_is_told_once_to_go_with_the_child(self, paths, tree_id, question):
        # F46: the parent goes with the child; no page both says so and asks
        # whether the child should come
        option = "parent" if question != "whose-card" else "child"
        for answers, result in _outcome_paths(paths, tree_id, **{question: option}):
            name = _path_name(tree_id, answers)
            if result["id"] == "found-after-reissue":
                continue  # handing the old card back: anyone may
            steps = {lang: _all_text({"s": result["steps"]}, lang) for lang in ("ja", "en")}
            if answers.get("reissue-speed") == "express":
                assert "You and your child go together" in steps["en"], name  # F46 (Yaita)
                continue
            assert GO_WITH_CHILD["ja"] in steps["ja"] and GO_WITH_CHILD["en"] in steps["en"], name
            assert "同行が必要かどうか" not in steps["ja"], name
            assert "whether your child" not in steps["en"], name

    def test_e6_neither_certificate_pin_asks_what_happened(self, bundle):
        # F41: both certificates expire together, so this is the likeliest expiry
        tree = bundle.trees["pin-reset"]
        question = engine.next_step(tree, {"which-pin": "both-certificate"})
        assert question["id"] == "what-happened"
        result = engine.next_step(tree, {"which-pin": "both-certificate",
                                         "what-happened": "never-wrong"})
        assert result["id"] == "check-expiry"
        assert "有効期限" in result["title"]["ja"] and "expired" in result["title"]["en"]

    @pytest.mark.parametrize("tree_id", ["lost-card", "damaged-card"])
    def test_e7_the_express_checklist_has_the_face_photo(self, paths, tree_id):
        # F34: "print my plan" must not leave the photo at home
        for answers, result in _outcome_paths(paths, tree_id, **{"reissue-speed": "express"}):
            photos = [b for b in result["bring"]
                      if b["kind"] == "doc" and b["doc"]["id"] == "face-photo"]
            assert len(photos) == 1, _path_name(tree_id, answers)
            assert "窓口で撮影する市区町村もあります" in photos[0]["note"]["ja"]
            assert "Some cities take the photo at the counter" in photos[0]["note"]["en"]

    def test_e8_the_fax_is_offered_wherever_the_lost_card_phone_lines_are(self, paths):
        # F28: a deaf reader whose IP phone cannot call must still find the FAX
        for answers, result in _missing_card_paths(paths):
            if "050-3818-1250" in result["if_fails"]["ja"]:
                assert f"FAX {FAX_NUMBER}" in result["if_fails"]["ja"], \
                    _path_name("lost-card", answers)
                assert f"FAX {FAX_NUMBER}" in result["if_fails"]["en"]

    def test_e8_the_lost_smartphone_says_what_the_fax_is_for(self, paths):
        # the FAX is published for cards; whether it takes smartphone
        # certificates is not, and the page says so rather than guessing
        (result,) = [r for a, r in paths["lost-smartphone"] if a["phone-status"] == "missing"]
        first = result["steps"][0]["text"]
        assert f"FAX {FAX_NUMBER}" in first["ja"] and f"FAX {FAX_NUMBER}" in first["en"]
        assert "確かめられていません" in first["ja"]
        assert "do not say whether it also takes smartphone certificates" in first["en"]

    @pytest.mark.parametrize("tree_id,question,guardian", [
        ("lost-card", "whose-card", "ward"), ("damaged-card", "whose-card", "ward"),
        ("certificate-expired", "who-renews", "guardian")])
    def test_e9_a_guardian_has_an_answer_of_their_own(self, paths, tree_id, question, guardian):
        assert any(a.get(question) == guardian for a, _r in paths[tree_id])
        # F17: a guardian brings their own ID and the guardianship certificate,
        # reads no parent-only text and is never told to go as the holder
        for answers, result in _outcome_paths(paths, tree_id, **{question: guardian}):
            name = _path_name(tree_id, answers)
            if result["id"] == "found-after-reissue":
                continue
            docs = _docs(result)
            assert "guardianship-certificate" in docs and "koseki-tohon" not in docs, name
            assert any(b.get("for") == "guardian" and b["kind"] == "one_of"
                       for b in result["bring"]), name
            en = _all_text({"s": result["steps"], "w": result["warnings"]}, "en")
            assert "guardian" in en and "adult ward" in en, name
            assert "your child" not in en and "Go in person" not in en, name
            if answers.get("reissue-speed") == "express":
                # express issue: the ward and the guardian apply together (Yaita, Yuzawa)
                assert "You and the adult ward go together" in en, name

    @pytest.mark.parametrize("tree_id", ["lost-card", "damaged-card"])
    def test_e9_a_proxy_is_told_what_a_proxy_may_do(self, paths, tree_id):
        # F18, F32: a proxy brings the holder's letter and their own ID, is not
        # offered express issue, and learns that the holder collects the card
        for answers, result in _outcome_paths(paths, tree_id, **{"whose-card": "proxy"}):
            name = _path_name(tree_id, answers)
            if result["id"] == "found-after-reissue":
                continue
            assert "power-of-attorney" in _docs(result), name
            assert any(b.get("for") == "proxy" and b["kind"] == "one_of"
                       for b in result["bring"]), name
            assert answers.get("reissue-speed") != "express", name
            en = _all_text({"s": result["steps"], "w": result["warnings"]}, "en")
            assert "differs between cities" in en, name
            if result["id"] in ("reissue-normal", "damaged-normal"):
                assert "the cardholder collects the new card in person" in en, name
                assert "a proxy cannot apply for it" in en, name

    @pytest.mark.parametrize("tree_id,outcomes", [
        ("pin-reset", {"check-expiry"}),
        ("which-pin", {"user-auth-pin", "signature-pin"}),
        ("certificate-expired", {"renew-at-counter", "renew-by-proxy", "not-expiry"})])
    def test_e10_a_foreign_resident_is_pointed_to_the_period_of_stay(self, paths, tree_id,
                                                                     outcomes):
        # F43: for a foreign resident the card itself ends with the period of stay
        seen = set()
        for answers, result in paths[tree_id]:
            if result["id"] not in outcomes:
                continue
            seen.add(result["id"])
            name = _path_name(tree_id, answers)
            assert "period-of-stay" in [c["tree"] for c in result["continue"]], name
            assert "在留期間の満了日" in _all_text(result, "ja"), name
            assert "period of stay" in _all_text(result, "en"), name
        assert seen == outcomes


class TestResidentReportWording:
    @pytest.mark.parametrize("tree_id", ["lost-card", "damaged-card"])
    def test_the_express_card_is_collected_at_the_counter_only_after_a_move(self, paths, tree_id):
        # the vague "depending on how you receive it" said nothing a reader can act on:
        # the card is posted unless the address or name changes before it arrives
        for answers, result in _outcome_paths(paths, tree_id, **{"reissue-speed": "express"}):
            en = _all_text({"w": result["warnings"]}, "en")
            assert "If your address or name changes between the application and the " \
                "delivery" in en, _path_name(tree_id, answers)
            assert "In some cases" not in en

    def test_certificates_are_reissued_never_issued_again_loosely(self, paths):
        # 再発行 is the word on city forms
        for tree_id, tree_paths in paths.items():
            for answers, result in tree_paths:
                assert "発行し直" not in _all_text(result, "ja"), _path_name(tree_id, answers)

    def test_a_24_hour_line_never_speaks_of_outside_its_hours(self, bundle):
        for cid, contact in bundle.records["contacts"].items():
            always = contact.get("hours") == [{"days": list(engine.WEEKDAYS), "open": "00:00",
                                               "close": "24:00"}]
            note = contact.get("hours_note") or {"ja": "", "en": ""}
            if always:
                assert "時間外" not in note["ja"] and "outside the hours" not in note["en"], cid

    def test_both_languages_say_the_pin_need_not_be_written_down(self, bundle):
        note = bundle.records["documents"]["four-digit-pin"]["note"]
        assert "必要はありません" in note["ja"] and "no need" in note["en"]
        assert "Do not" not in note["en"]

    def test_the_special_extension_is_at_most_two_months(self, paths):
        for _answers, result in _outcome_paths(paths, "period-of-stay",
                                               **{"renewal-status": "pending",
                                                  "card-expired": "not-yet"}):
            title = result["title"]
            assert "最長2か月" in title["ja"] and "up to 2 months" in title["en"]


# --- the fact-check of issue 10: contradictions with FACTS.md (F17, F18, F25, F26, F28, F31, F32)


def _rendered_contacts(bundle, result: dict, lang: str) -> list[str]:
    """The contact blocks of an outcome as the wizard page shows them."""
    page = render.render_state(result, bundle.labels, lang, root="../")
    return page.split('<div class="tebiki-contact">')[1:]


CONTENT = Path(__file__).resolve().parents[2] / "content"


class TestFactCheckContradictions:
    def test_the_line_from_abroad_claims_no_language(self, bundle, paths):
        # F31: its languages are not confirmed; an English page printing
        # "Languages: Japanese" there tells an English speaker not to call
        answers, result = next((a, r) for a, r in _missing_card_paths(paths))
        for lang, word in (("en", "Languages"), ("ja", "対応言語")):
            blocks = [b for b in _rendered_contacts(bundle, result, lang) if ABROAD_NUMBER in b]
            assert blocks, _path_name("lost-card", answers)
            assert word not in blocks[0].split("</div>")[0], lang

    @pytest.mark.parametrize("tree_id", ["lost-card", "damaged-card"])
    def test_the_child_or_ward_needs_the_express_id_too(self, paths, tree_id):
        # F32: two documents without a photo are not enough for express issue,
        # whoever's card it is
        for answers, result in _outcome_paths(paths, tree_id, **{"reissue-speed": "express",
                                                                 "whose-card": ("child", "ward")}):
            own = [b for b in result["bring"] if b["kind"] == "one_of"
                   and b.get("for") in ("child", "ward")]
            assert own, _path_name(tree_id, answers)
            for item in own:
                assert [_ids(g) for g in item["sets"]] == EXPRESS_ID_RULE, \
                    _path_name(tree_id, answers)

    def test_a_parent_or_guardian_brings_the_same_id_on_every_page(self, paths):
        # F17: usually two photo IDs, or a photo ID and one more; one rule everywhere,
        # so a parent who read the PIN page is not turned away at the lost-card counter
        seen = {}
        for tree_id, tree_paths in paths.items():
            for answers, result in tree_paths:
                for b in result["bring"]:
                    if b["kind"] == "one_of" and b.get("for") in ("parent", "guardian"):
                        rule = [_ids(g) for g in b["sets"]]
                        seen.setdefault(str(rule), _path_name(tree_id, answers))
                        assert rule == REPRESENTATIVE_ID_RULE, _path_name(tree_id, answers)
        assert seen

    def test_the_safety_page_allows_what_the_proxy_procedure_asks(self, paths):
        # F18: the proxy takes the holder's card to the counter; the safety page
        # must not forbid that outright
        proxy = [r for a, r in paths["pin-reset"] if r["id"] == "counter-proxy"]
        assert any(b.get("for") == "holder" and b.get("doc", {}).get("id") == "my-number-card"
                   for b in proxy[0]["bring"])
        ja = (CONTENT / "safety.ja.md").read_text(encoding="utf-8")
        en = (CONTENT / "safety.en.md").read_text(encoding="utf-8")
        assert "カードを預けたりしないでください" not in ja
        assert "カードを預けてよいのは" in ja and "任意代理人" in ja
        assert "hand them your card" not in en
        assert "Hand your card to someone only when they act as your proxy" in en

    def test_a_card_issued_before_18_is_never_said_to_run_ten_years(self, paths):
        # F26: a card issued under 18 runs to the 5th birthday
        for tree_id, tree_paths in paths.items():
            for answers, result in tree_paths:
                for text in _texts(result):
                    if "10th birthday" in text.get("en", ""):
                        assert "18" in text["en"], _path_name(tree_id, answers)
                    if "10回目の誕生日" in text.get("ja", ""):
                        assert "18歳" in text["ja"], _path_name(tree_id, answers)

    def test_a_box_with_the_fax_line_does_not_say_call_only(self):
        # F28: a deaf reader who reads "call" in the heading stops reading
        pages = sorted(CONTENT.glob("*.md")) + sorted((CONTENT / "guide").glob("*.md"))
        boxes = 0
        for page in pages:
            for line in page.read_text(encoding="utf-8").splitlines():
                if "hotline_box(" in line and "mynumber-suspension" in line:
                    boxes += 1
                    heading = line.split('heading="')[1].split('"')[0]
                    assert "FAX" in heading or "fax" in heading, f"{page.name}: {heading}"
        assert boxes >= 6
