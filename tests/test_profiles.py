"""Organization profile pages -> organizations table: etl/sources/profiles.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl.schema import ORGANIZATION_COLUMNS as ORG_COLUMNS
from etl.schema import vocabularies
from etl.sources import profiles
from etl.sources.base import Options
from etl.sources.profiles import extract_organizations, looks_like_profile, org_id

DATA = Path(__file__).parent / "data" / "profiles"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"  # ../shared beside the project


def page(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def subject_of(df):
    rows = df[df["role"] == "subject"]
    assert len(rows) == 1
    return rows.iloc[0]


# (fixture, name, country, founded, partners, sectors that must be there)
SUBJECT_CASES = [
    (
        "lisbon_macau_society.txt",
        "Lisbon–Macau Cultural Society",
        "PRT",
        1999,
        ["Macao Institute for Performing Arts", "Portuguese Federation of Chamber Choirs"],
        {"culture", "education"},
    ),
    (
        "kenya_china_unnamed.txt",
        "Unnamed Kenya–China association (kenya_china_unnamed)",
        "KEN",
        2011,
        ["Nairobi Wildlife Volunteers Network", "China Green Rivers Foundation"],
        {"environment"},
    ),
    (
        "danang_laos_friendship.txt",
        "Da Nang Vietnam-Laos Friendship Association",
        "VNM",
        2003,
        ["Department of Foreign Affairs of Da Nang", "Da Nang Youth Union"],
        {"economy", "culture"},
    ),
]


@pytest.mark.parametrize(("fixture", "name", "country", "founded", "partners", "sectors"), SUBJECT_CASES)
def test_subject_row(fixture, name, country, founded, partners, sectors):
    text = page(fixture)
    row = subject_of(extract_organizations(text, source=str(DATA / fixture)))
    assert row["name"] == name
    assert row["country_iso3"] == country
    assert row["founded_year"] == founded
    assert row["partners"] == partners
    assert sectors <= set(row["sectors"])
    assert (row["source_start"], row["source_end"]) == (0, len(text))
    assert row["org_id"] == org_id(name)


def test_defined_partner_gets_its_own_row():
    df = extract_organizations(page("lisbon_macau_society.txt"), source="lisbon.txt")
    mipa = df[df["name"] == "Macao Institute for Performing Arts"].iloc[0]
    assert mipa["acronym"] == "MIPA"
    assert mipa["country_iso3"] == "MAC"  # "based in Macao"
    assert mipa["role"] == "partner"
    text = page("lisbon_macau_society.txt")
    assert text[mipa["source_start"] : mipa["source_end"]].startswith("MIPA is a public arts school")


def test_partner_country_from_its_definition():
    df = extract_organizations(page("kenya_china_unnamed.txt"))
    foundation = df[df["name"] == "China Green Rivers Foundation"].iloc[0]
    assert foundation["country_iso3"] == "CHN"
    assert "environment" in foundation["sectors"]


def test_variant_names_of_the_subject_are_aliases_not_partners():
    row = subject_of(extract_organizations(page("danang_laos_friendship.txt")))
    assert row["aliases"] == ["Vietnam-Laos Friendship Association of Da Nang"]
    assert not any("Friendship Association" in p for p in row["partners"])


def test_description_is_built_from_fields():
    row = subject_of(extract_organizations(page("lisbon_macau_society.txt")))
    assert row["description"].startswith("Society based in Portugal, founded 1999; sectors: ")
    assert row["description"] not in page("lisbon_macau_society.txt")


def test_table_shape_and_codes():
    df = extract_organizations(page("danang_laos_friendship.txt"), source="x.txt")
    assert list(df.columns) == [c.name for c in ORG_COLUMNS]
    assert str(df["founded_year"].dtype) == "Int64"
    allowed = set(vocabularies()["sectors"])
    assert all(set(s) <= allowed for s in df["sectors"])
    assert df["org_id"].is_unique


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("lisbon_macau_society.txt", True),
        ("kenya_china_unnamed.txt", True),
        ("danang_laos_friendship.txt", True),
        ("bulletin_not_profile.txt", False),
    ],
)
def test_looks_like_profile(fixture, expected):
    assert looks_like_profile(page(fixture)) is expected


_CASED = [
    "Our Association WAS Officially Established in 1998 and Is Dedicated To friendship.",
    "The society AIMS TO link schools; it Is An Independent Non-Profit Organisation.",
    "OUR MISSION: since ITS founding the club seeks to host visitors.",
    "Nothing here names a profile, only a Forum held IN May.",
]


def _ascii(text: str) -> str:
    return text.encode("ascii", "ignore").decode("ascii")


@pytest.mark.parametrize("text", _CASED + [_ascii(page(name)) for name in ("lisbon_macau_society.txt",
                                                                            "danang_laos_friendship.txt",
                                                                            "bulletin_not_profile.txt")])
def test_lowercase_self_cues_find_what_the_case_blind_pattern_finds(text):
    # looks_like_profile reads ASCII pages lowercased, with the case-sensitive twin of _SELF_CUES.
    assert profiles._SELF_CUES_LOWER.findall(text.lower()) == [m.lower() for m in profiles._SELF_CUES.findall(text)]


def test_the_lowercase_twin_is_the_same_pattern_with_lowercase_literals():
    assert "(?i)" + profiles._SELF_CUES_LOWER.pattern == profiles._SELF_CUES.pattern
    literals = re.sub(r"\\[A-Za-z]", "", profiles._SELF_CUES_LOWER.pattern)  # drop \b, \s, \w
    assert literals == literals.lower()


def test_sniff_takes_bytes_or_text():
    raw = (DATA / "lisbon_macau_society.txt").read_bytes()
    assert profiles.sniff(DATA / "x.txt", raw) is True
    assert profiles.sniff(DATA / "x.txt", raw.decode("utf-8")) is True


def test_page_without_organizations_gives_empty_table():
    df = extract_organizations("Opening hours\n\nMonday to Friday, nine to five.")
    assert df.empty
    assert list(df.columns) == [c.name for c in ORG_COLUMNS]


def test_read_returns_no_events_and_the_table(tmp_path):
    path = tmp_path / "profile.txt"
    path.write_text(page("lisbon_macau_society.txt"), encoding="utf-8")
    result = profiles.read(path, Options())
    assert result.events.empty
    assert result.rejects.empty
    assert subject_of(result.organizations)["name"] == "Lisbon–Macau Cultural Society"
    assert set(result.organizations["source"]) == {str(path)}


def test_read_reports_a_page_without_organizations(tmp_path):
    path = tmp_path / "hours.txt"
    path.write_text("Opening hours\n\nMonday to Friday.", encoding="utf-8")
    result = profiles.read(path, Options())
    assert result.organizations.empty
    assert list(result.rejects["reason"]) == ["no organization found"]


# --- the real seed pages, when the shared folder is there ------------------------------------------


def _seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip("shared seeds not available")
    return found[0]


@pytest.mark.shared
@pytest.mark.parametrize(("prefix", "names_partners"), [("000", True), ("003", False), ("004", True)])
def test_seed_profiles(prefix, names_partners):
    text = _seed(prefix).read_text(encoding="utf-8")
    assert looks_like_profile(text)
    df = extract_organizations(text, source=str(_seed(prefix)))
    assert df["country_iso3"].notna().any()
    subject = subject_of(df)
    assert subject["country_iso3"] is not None
    assert (len(subject["partners"]) >= 1) is names_partners


@pytest.mark.shared
@pytest.mark.parametrize("prefix", ["001", "002"])
def test_seed_bulletins_are_not_profiles(prefix):
    assert not looks_like_profile(_seed(prefix).read_text(encoding="utf-8"))


def test_a_bulletin_dated_in_ordinals_is_no_profile():
    # Self-description and back-references as a profile has them, but a dozen items dated "5th May",
    # "the 21st of June" or "3rd–7th July": a bulletin about the association, not its profile.
    items = [f"On the {d} of {m}, the Association received a delegation of teachers from Leeds."
             for d, m in (("5th", "May"), ("21st", "June"), ("2nd", "July"), ("9th", "August"), ("12th", "September"))]
    items += ["From 3rd–7th July the Association ran a summer school.", "On 14th October the Association opened a branch.",
              "On 1st November 2017 the Association was formally founded in a new county."]
    text = "Bulletin No. 3, 2017\n\nThe Association was founded to serve friendship.\n\n" + "\n\n".join(items)
    assert not looks_like_profile(text)
