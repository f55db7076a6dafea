"""Pabulib's .pb format: real instances read and written back unchanged; malformed files
refused as a whole, every problem located as file:line:column and translated."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from esep.core.problems import ImportRefused
from esep.participation.pabulib import read_pb, write_pb

HERE = Path(__file__).parent / "pabulib"
FILES = sorted(HERE.glob("*.pb"))

GOOD = b"""META
key;value
description;A test
num_projects;3
num_votes;2
budget;100
vote_type;cumulative
PROJECTS
project_id;cost;name
a;40;Benches
b;60;"Lights; and more"
c;100;A park
VOTES
voter_id;vote;points
v1;a,b;3,2
v2;c;5
"""


def refused(data: bytes, name: str = "bad.pb") -> list[str]:
    with pytest.raises(ImportRefused) as raised:
        read_pb(data, name)
    return [str(problem) for problem in raised.value.problems]


def test_the_instances_are_the_ten_credited_ones():
    credited = (HERE / "SOURCES.md").read_text()
    assert len(FILES) == 10
    assert all(f"`{path.name}`" in credited for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_a_real_instance_reads_and_writes_back_unchanged(path):
    instance = read_pb(path.read_bytes(), path.name)
    assert len(instance.projects) == int(instance.meta["num_projects"])
    assert len(instance.votes) == int(instance.meta["num_votes"])
    text = write_pb(instance)
    again = read_pb(text.encode(), path.name)
    assert again == instance
    assert write_pb(again) == text


def test_the_values_of_a_real_instance():
    path = HERE / "Poland_Zabrze_2020_Konczyce.pb"
    instance = read_pb(path.read_bytes(), path.name)
    assert instance.vote_type == "choose-1" and instance.budget == Decimal(150000)
    assert list(instance.projects) == ["P0064", "P0065"]
    assert instance.cost("P0065") == Decimal(140000)
    assert instance.projects["P0064"]["name"] == "Solar - zielone źródło energii"
    assert instance.ballot("9") == ["P0064"]


def test_a_quote_inside_an_unquoted_value_is_kept_as_written():
    path = HERE / "Poland_Czestochowa_2020_Grabowka.pb"
    instance = read_pb(path.read_bytes(), path.name)
    assert instance.projects["47"]["name"].startswith('"Odkupmy" i my - zakup')
    assert read_pb(write_pb(instance).encode(), path.name) == instance


def test_points_ballots_and_quoted_values():
    instance = read_pb(GOOD, "good.pb")
    assert instance.ballot("v1") == ["a", "b"] and instance.points("v1") == [3, 2]
    assert instance.projects["b"]["name"] == "Lights; and more"
    assert '"Lights; and more"' in write_pb(instance)


# (text to replace in GOOD, its replacement, the problem expected)
MALFORMED = [
    # Sections.
    (b"VOTES\n", b"", "16:1: The section VOTES is missing."),
    (b"META\n", b"", "1:1: The file must begin with the section META."),
    (
        b"PROJECTS\n",
        b"VOTES\nvoter_id;vote\nPROJECTS\n",
        "8:1: The section VOTES must come after META, PROJECTS.",
    ),
    (b"id;cost;name", b"id;price;name", "9:1: The section PROJECTS lacks the column cost."),
    # Counts.
    (b"num_projects;3", b"num_projects;4", "4:2: META says num_projects is 4, but the file has 3."),
    (b"num_votes;2", b"num_votes;3", "5:2: META says num_votes is 3, but the file has 2."),
    (b"num_votes;2\n", b"", "1:1: META lacks the key num_votes."),
    # Rows.
    (b"a;40;Benches", b"a;40", "10:3: The row has 2 values; the header of PROJECTS has 3."),
    (b"a;40;", b"a;forty;", "10:2: The cost \u201cforty\u201d is not a positive number."),
    (b"c;100;", b"c;101;", "12:2: The cost 101 is above the budget 100."),
    (b"c;100;", b"a;100;", "12:1: The project id \u201ca\u201d is empty or repeated."),
    (b"budget;100", b"budget;-5", "6:2: The budget must be a number of at least 0."),
    (b"Benches", b"\xff", "10:6: The file is not UTF-8 text."),
    # Votes.
    (b"v2;c;5", b"v2;z;5", "16:2: The vote names an unknown project \u201cz\u201d."),
    (b"v2;c;5", b"v2;c,c;5,1", "16:2: The vote names a project twice."),
    (
        b"v2;c;5",
        b"v2;c;5,1",
        "16:3: The points must be whole numbers, one for each project of the vote.",
    ),
    (b"v2;", b"v1;", "16:1: The voter id \u201cv1\u201d is empty or repeated."),
    (
        b"vote_type;cumulative",
        b"vote_type;lottery",
        "7:2: The vote type \u201clottery\u201d is not one of "
        "approval, choose-1, cumulative, scoring, ordinal.",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), MALFORMED, ids=lambda x: None)
def test_a_malformed_file_is_refused_with_the_place_of_each_problem(old, new, expected):
    assert f"bad.pb:{expected}" in refused(GOOD.replace(old, new, 1))


def test_every_problem_is_listed_at_once():
    bad = GOOD.replace(b"num_votes;2", b"num_votes;9").replace(b"v2;c;5", b"v2;q;5")
    assert refused(bad) == [
        "bad.pb:16:2: The vote names an unknown project \u201cq\u201d.",
        "bad.pb:5:2: META says num_votes is 9, but the file has 2.",
    ]


def test_problems_are_told_in_the_readers_language():
    with translation.override("ru"):
        russian = refused(GOOD.replace(b"v2;c;5", b"v2;z;5"))
    with translation.override("kk"):
        kazakh = refused(GOOD.replace(b"v2;c;5", b"v2;z;5"))
    english = refused(GOOD.replace(b"v2;c;5", b"v2;z;5"))
    assert russian == ["bad.pb:16:2: В голосе назван неизвестный проект «z»."]
    assert kazakh == ["bad.pb:16:2: Дауыста белгісіз «z» жобасы аталған."]
    assert english == ["bad.pb:16:2: The vote names an unknown project \u201cz\u201d."]
