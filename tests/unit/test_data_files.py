"""Checks on the reviewed data files shipped under data/.

These are crisis-support data: the tests guard the properties the bot relies on
(dialable numbers, sources and review dates, safe and well-formed content).
"""

import datetime as dt
import json
import re
import tomllib
from collections import Counter
from pathlib import Path

from bot.domain.moods import FEELINGS as MOOD_FEELINGS
from bot.domain.search import KINDS

DATA = Path(__file__).resolve().parents[2] / "data"
HELPLINES = DATA / "helplines"
RESOURCES = DATA / "resources"

FEELINGS = set(MOOD_FEELINGS)  # the one list the bot parses check-ins against
METHODS = {"phone", "text", "chat", "email", "app"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DIAL = re.compile(r"^\+?[0-9]+( [0-9]+)*$")
# A number written with a leading "+" must be a full international number.
# Short codes stored as pseudo-E.164 ("+1988", "+44116123", "+33333114") are not
# dialable as written; the shortest real E.164 numbers we could show have 10+ digits.
MIN_INTERNATIONAL_DIGITS = 10


def dial_is_valid(dial: str) -> bool:
    if not isinstance(dial, str) or not DIAL.match(dial):
        return False
    if dial.startswith("+"):
        return len(dial.replace(" ", "")) - 1 >= MIN_INTERNATIONAL_DIGITS
    return True


def _country_files():
    return sorted(p for p in HELPLINES.glob("*.json") if p.name != "international.json")


def _load_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _all_helpline_files():
    return sorted(HELPLINES.glob("*.json"))


def _all_records():
    for path in _all_helpline_files():
        for record in _load_json(path)["records"]:
            yield path.name, record


def _load_toml(path):
    with path.open("rb") as fh:
        return tomllib.load(fh)


# ---------------------------------------------------------------- helplines


def test_dial_validator_rejects_pseudo_e164_short_codes():
    for bad in [
        "+1988",
        "+1741741",
        "+44116123",
        "+4485258",
        "+55188",
        "+62119",
        "+82109",
        "+9114416",
        "+6321553",
        "+33333114",
    ]:
        assert not dial_is_valid(bad), bad
    for bad in ["", "1-800-273-8255", "(09) 5222 999", "988 ", "text 741741", "0800  111"]:
        assert not dial_is_valid(bad), bad
    for good in ["988", "116 123", "3114", "13 11 14", "0800 567 567", "+44 20 7946 0000"]:
        assert dial_is_valid(good), good


def test_every_helpline_file_parses():
    files = _all_helpline_files()
    assert files
    for path in files:
        data = _load_json(path)
        assert isinstance(data.get("records"), list) and data["records"], path.name


def test_at_least_25_country_files_besides_international():
    assert (HELPLINES / "international.json").is_file()
    assert len(_country_files()) >= 25


def test_country_files_are_named_by_lowercase_iso_code_and_have_emergency():
    for path in _country_files():
        data = _load_json(path)
        assert re.fullmatch(r"[a-z]{2}", path.stem), path.name
        assert data["country"] == path.stem.upper(), path.name
        assert isinstance(data.get("name"), str) and data["name"].strip(), path.name
        emergency = data.get("emergency")
        assert isinstance(emergency, str) and emergency.strip(), path.name
        assert dial_is_valid(emergency), (path.name, emergency)


def test_international_file_shape():
    data = _load_json(HELPLINES / "international.json")
    assert data["country"] == "INTL"
    assert data["emergency"] is None
    assert len(data["records"]) >= 2


def test_every_record_has_https_source_and_past_iso_verified_at():
    today = dt.date.today()
    for name, record in _all_records():
        source = record.get("source")
        assert isinstance(source, str) and source.startswith("https://"), (name, record.get("id"))
        assert len(source) > len("https://"), (name, record.get("id"))
        verified = record.get("verified_at")
        assert isinstance(verified, str) and ISO_DATE.match(verified), (name, record.get("id"))
        assert dt.date.fromisoformat(verified) <= today, (name, record.get("id"), verified)


def test_every_record_has_the_required_fields():
    for name, record in _all_records():
        for field in ("id", "name", "category", "contacts", "description", "website"):
            assert record.get(field), (name, record.get("id"), field)
        assert record["website"].startswith("https://"), (name, record["id"])


def test_record_ids_are_unique_and_prefixed_by_country():
    seen = set()
    for path in _all_helpline_files():
        prefix = "intl-" if path.stem == "international" else f"{path.stem}-"
        for record in _load_json(path)["records"]:
            assert record["id"].startswith(prefix), (path.name, record["id"])
            assert record["id"] not in seen, record["id"]
            seen.add(record["id"])


def test_every_contact_has_dial_or_url_and_valid_fields():
    for name, record in _all_records():
        assert record["contacts"], (name, record["id"])
        for contact in record["contacts"]:
            assert contact.get("method") in METHODS, (name, record["id"], contact)
            assert contact.get("dial") or contact.get("url"), (name, record["id"], contact)
            if "url" in contact:
                assert contact["url"].startswith("https://"), (name, record["id"], contact)
            where = (name, record["id"])
            assert isinstance(contact.get("hours"), str) and contact["hours"], where
            assert isinstance(contact.get("languages"), list) and contact["languages"], where
            assert isinstance(contact.get("free"), bool), where
            if contact["method"] in {"phone", "text"}:
                assert contact.get("dial"), (name, record["id"], contact)


def test_no_dial_is_a_pseudo_e164_short_code():
    for name, record in _all_records():
        for contact in record["contacts"]:
            if "dial" in contact:
                assert dial_is_valid(contact["dial"]), (name, record["id"], contact["dial"])


def test_known_upstream_defects_are_fixed():
    us = _load_json(HELPLINES / "us.json")
    lifeline = next(r for r in us["records"] if r["id"] == "us-988-lifeline")
    dials = {c["dial"] for c in lifeline["contacts"] if "dial" in c}
    assert dials == {"988"}
    fr = _load_json(HELPLINES / "fr.json")
    assert any(c.get("dial") == "3114" for r in fr["records"] for c in r["contacts"])
    all_dials = [c.get("dial", "") for _, r in _all_records() for c in r["contacts"]]
    assert not any(d.replace(" ", "").startswith("1800273") for d in all_dials)


# ---------------------------------------------------------------- resources


def _resource_files():
    return sorted(RESOURCES.glob("*.toml"))


def test_resources_have_at_least_10_topics_and_60_entries():
    files = _resource_files()
    assert len(files) >= 10
    total = sum(len(_load_toml(p).get("entry", [])) for p in files)
    assert total >= 60


def test_required_resource_topics_exist():
    required = {
        "anxiety",
        "depression",
        "grief",
        "burnout",
        "stress",
        "sleep",
        "loneliness",
        "self-care",
        "relationships",
        "substance-use",
    }
    assert required <= {p.stem for p in _resource_files()}


def test_resource_entries_are_well_formed():
    for path in _resource_files():
        data = _load_toml(path)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem), path.name
        assert isinstance(data.get("title"), str) and data["title"].strip(), path.name
        summary = data.get("summary")
        assert isinstance(summary, str) and summary.strip() and "\n" not in summary, path.name
        entries = data.get("entry")
        assert isinstance(entries, list) and entries, path.name
        for entry in entries:
            where = (path.name, entry.get("title"))
            assert isinstance(entry.get("title"), str) and entry["title"].strip(), where
            desc = entry.get("description")
            assert isinstance(desc, str) and desc.strip(), where
            assert "\n" not in desc and len(desc) <= 120, where
            assert isinstance(entry.get("url"), str) and entry["url"].startswith("https://"), where
            tags = entry.get("tags")
            assert isinstance(tags, list) and tags, where
            assert all(isinstance(t, str) and t.strip() for t in tags), where
            assert entry.get("kind", "article") in KINDS, where


def test_resources_offer_every_kind_members_ask_for():
    """Books, podcasts, apps, courses, helplines and therapist directories: each is a word a
    member searches with (/resources books), so each must find several real entries."""
    found = Counter(
        entry.get("kind", "article")
        for path in _resource_files()
        for entry in _load_toml(path)["entry"]
    )
    for kind in ("book", "podcast", "app", "helpline", "course", "directory", "group"):
        assert found[kind] >= 3, (kind, found[kind])
    urls = [e["url"] for path in _resource_files() for e in _load_toml(path)["entry"]]
    repeated = {u for u in urls if urls.count(u) > 1}
    assert repeated <= {  # the same page under two topics, on purpose
        "https://www.nhs.uk/mental-health/self-help/guides-tools-and-activities/five-steps-to-mental-wellbeing/",
        "https://www.nhs.uk/every-mind-matters/mental-health-issues/stress/",
        "https://headspace.org.au/",
    }, repeated


# ---------------------------------------------------------------- coping


def test_coping_has_at_least_8_exercises():
    exercises = _load_toml(DATA / "coping.toml")["exercise"]
    assert len(exercises) >= 8


def test_coping_exercises_are_well_formed():
    exercises = _load_toml(DATA / "coping.toml")["exercise"]
    slugs = set()
    for ex in exercises:
        where = ex.get("slug")
        assert isinstance(ex.get("slug"), str), where
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ex["slug"]), where
        assert ex["slug"] not in slugs, where
        slugs.add(ex["slug"])
        assert isinstance(ex.get("title"), str) and ex["title"].strip(), where
        assert isinstance(ex.get("minutes"), int) and ex["minutes"] > 0, where
        steps = ex.get("steps")
        assert isinstance(steps, list) and len(steps) >= 3, where
        assert all(isinstance(s, str) and s.strip() for s in steps), where
        feelings = ex.get("feelings")
        assert isinstance(feelings, list) and feelings, where
        assert set(feelings) <= FEELINGS, (where, set(feelings) - FEELINGS)


# ---------------------------------------------------------------- rules


def test_rules_count_and_length():
    rules = _load_toml(DATA / "rules.toml")["rules"]
    assert isinstance(rules, list)
    assert 5 <= len(rules) <= 12
    for rule in rules:
        assert isinstance(rule, str) and rule.strip()
        assert len(rule) < 200, rule
