"""Pabulib's `.pb` format (pabulib.org/format): three sections, META (`key;value`), PROJECTS
(`project_id;cost;…`) and VOTES (`voter_id;vote;…`), each a semicolon-separated table.

`read_pb` checks a whole file and either returns an `Instance` or raises `ImportRefused`
listing every problem as file:line:column (column = the 1-based position of the value in its
row). `write_pb` writes an instance back; reading what it wrote gives the same instance, and
writing that again gives the same text."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

from esep.core.problems import Problems

from .counting import Outcome, Project, greedy, scores

SECTIONS = ("META", "PROJECTS", "VOTES")
VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
WITH_POINTS = ("cumulative", "scoring")
REQUIRED_META = ("num_projects", "num_votes", "budget", "vote_type")
REQUIRED_COLUMNS = {
    "META": ("key", "value"),
    "PROJECTS": ("project_id", "cost"),
    "VOTES": ("voter_id", "vote"),
}


@dataclass(frozen=True)
class Instance:
    """A Pabulib instance as text: every value as the file gives it, in the file's order."""

    meta: dict[str, str]
    project_columns: tuple[str, ...]
    projects: dict[str, dict[str, str]]  # by project_id
    vote_columns: tuple[str, ...]
    votes: dict[str, dict[str, str]]  # by voter_id

    @property
    def vote_type(self) -> str:
        return self.meta["vote_type"]

    @property
    def budget(self) -> Decimal:
        return Decimal(self.meta["budget"])

    def cost(self, project: str) -> Decimal:
        return Decimal(self.projects[project]["cost"])

    def ballot(self, voter: str) -> list[str]:
        """The projects a voter chose, in the order given (for ordinal ballots, best first)."""
        return _items(self.votes[voter]["vote"])

    def points(self, voter: str) -> list[int]:
        """The points a voter gave, one per project of `ballot` (cumulative and scoring)."""
        return [int(p) for p in _items(self.votes[voter].get("points", ""))]


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")] if text.strip() else []


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass
class _Section:
    name: str
    line: int  # of the section's name
    header: list[str]
    rows: list[tuple[int, list[str]]]


def _split(data: bytes, problems: Problems) -> dict[str, _Section]:
    """The file's sections, each with its header and rows; problems of structure recorded."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.add(line, column, _("The file is not UTF-8 text."))
        return {}
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        name = line.strip().upper()
        if name in SECTIONS and ";" not in line:
            if name in sections:
                problems.add(number, 1, _("The section %(name)s appears twice.") % {"name": name})
            expected = SECTIONS[len(sections)] if len(sections) < len(SECTIONS) else None
            if name != expected and name not in sections:
                problems.add(
                    number,
                    1,
                    _("The section %(name)s must come after %(before)s.")
                    % {"name": name, "before": ", ".join(SECTIONS[: SECTIONS.index(name)])},
                )
            current = _Section(name, number, [], [])
            sections.setdefault(name, current)
            continue
        if current is None:
            problems.add(number, 1, _("The file must begin with the section META."))
            return sections
        try:
            cells = next(csv.reader([line], delimiter=";", strict=True))
        except csv.Error:
            # A quote inside an unquoted value (`"Odkupmy" i my`): the value as written.
            cells = line.split(";")
        if not current.header:
            current.header = [cell.strip() for cell in cells]
            _check_header(current, number, problems)
        else:
            current.rows.append((number, cells))
    end = len(lines) + 1
    for name in SECTIONS:
        if name not in sections:
            problems.add(end, 1, _("The section %(name)s is missing.") % {"name": name})
        elif not sections[name].header:
            problems.add(
                sections[name].line, 1, _("The section %(name)s has no header.") % {"name": name}
            )
    return sections


def _check_header(section: _Section, line: int, problems: Problems) -> None:
    seen: set[str] = set()
    for column, name in enumerate(section.header, start=1):
        if name in seen or not name:
            problems.add(
                line, column, _("The column name “%(name)s” is empty or repeated.") % {"name": name}
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS[section.name]:
        if name not in seen:
            problems.add(
                line,
                1,
                _("The section %(section)s lacks the column %(name)s.")
                % {"section": section.name, "name": name},
            )


def _records(section: _Section, problems: Problems) -> list[tuple[int, dict[str, str]]]:
    width = len(section.header)
    records = []
    for line, cells in section.rows:
        if len(cells) != width:
            problems.add(
                line,
                min(len(cells), width) + 1,
                _("The row has %(found)d values; the header of %(section)s has %(expected)d.")
                % {"found": len(cells), "section": section.name, "expected": width},
            )
            continue
        records.append((line, dict(zip(section.header, cells, strict=True))))
    return records


def _col(section: _Section, name: str) -> int:
    return section.header.index(name) + 1 if name in section.header else 1


def read_pb(data: bytes, file: str) -> Instance:
    """The instance in `data` (the bytes of a .pb file named `file`), or ImportRefused."""
    problems = Problems(file)
    sections = _split(data, problems)
    if problems:
        raise problems.refuse()
    meta_section, project_section, vote_section = (sections[name] for name in SECTIONS)

    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    for line, record in _records(meta_section, problems):
        key = record["key"].strip()
        if key in meta:
            problems.add(line, 1, _("The key %(key)s appears twice.") % {"key": key})
        meta[key], meta_lines[key] = record["value"].strip(), line
    for key in REQUIRED_META:
        if key not in meta:
            problems.add(meta_section.line, 1, _("META lacks the key %(key)s.") % {"key": key})
    budget = _number(meta.get("budget", "0"))
    if budget is None or budget < 0:
        problems.add(meta_lines["budget"], 2, _("The budget must be a number of at least 0."))
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        problems.add(
            meta_lines["vote_type"],
            2,
            _("The vote type “%(type)s” is not one of %(types)s.")
            % {"type": vote_type, "types": ", ".join(VOTE_TYPES)},
        )
    if vote_type in WITH_POINTS and "points" not in vote_section.header:
        problems.add(
            vote_section.line + 1,
            1,
            _("Votes of type %(type)s need the column points.") % {"type": vote_type},
        )

    projects: dict[str, dict[str, str]] = {}
    cost_column = _col(project_section, "cost")
    for line, record in _records(project_section, problems):
        project = record["project_id"].strip()
        if not project or project in projects:
            problems.add(
                line,
                _col(project_section, "project_id"),
                _("The project id “%(id)s” is empty or repeated.") % {"id": project},
            )
            continue
        projects[project] = record
        cost = _number(record["cost"])
        if cost is None or cost <= 0:
            problems.add(
                line,
                cost_column,
                _("The cost “%(cost)s” is not a positive number.") % {"cost": record["cost"]},
            )
        elif budget is not None and cost > budget:
            problems.add(
                line,
                cost_column,
                _("The cost %(cost)s is above the budget %(budget)s.")
                % {"cost": record["cost"].strip(), "budget": meta["budget"]},
            )

    votes: dict[str, dict[str, str]] = {}
    vote_column, points_column = _col(vote_section, "vote"), _col(vote_section, "points")
    for line, record in _records(vote_section, problems):
        voter = record["voter_id"].strip()
        if not voter or voter in votes:
            problems.add(
                line,
                _col(vote_section, "voter_id"),
                _("The voter id “%(id)s” is empty or repeated.") % {"id": voter},
            )
            continue
        votes[voter] = record
        chosen = _items(record["vote"])
        for project in chosen:
            if project not in projects:
                problems.add(
                    line,
                    vote_column,
                    _("The vote names an unknown project “%(id)s”.") % {"id": project},
                )
        if len(set(chosen)) != len(chosen):
            problems.add(line, vote_column, _("The vote names a project twice."))
        if vote_type == "choose-1" and len(chosen) > 1:
            problems.add(line, vote_column, _("A choose-1 vote names one project."))
        if vote_type in WITH_POINTS and "points" in record:
            points = _items(record["points"])
            if len(points) != len(chosen) or not all(p.lstrip("-").isdigit() for p in points):
                problems.add(
                    line,
                    points_column,
                    _("The points must be whole numbers, one for each project of the vote."),
                )

    for key, found in (("num_projects", len(projects)), ("num_votes", len(votes))):
        declared = meta.get(key, "").strip()
        if key in meta and declared != str(found):
            problems.add(
                meta_lines[key],
                2,
                _("META says %(key)s is %(declared)s, but the file has %(found)d.")
                % {"key": key, "declared": declared, "found": found},
            )
    if problems:
        raise problems.refuse()
    return Instance(
        meta=meta,
        project_columns=tuple(project_section.header),
        projects=projects,
        vote_columns=tuple(vote_section.header),
        votes=votes,
    )


def write_pb(instance: Instance) -> str:
    """The instance as a .pb file: UTF-8 text, `\\n` line ends, values quoted only where the
    format needs it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    writer.writerows(instance.meta.items())
    out.write("PROJECTS\n")
    writer.writerow(instance.project_columns)
    writer.writerows(
        [row[c] for c in instance.project_columns] for row in instance.projects.values()
    )
    out.write("VOTES\n")
    writer.writerow(instance.vote_columns)
    writer.writerows([row[c] for c in instance.vote_columns] for row in instance.votes.values())
    return out.getvalue()


PABULIB_GREEDY = {
    "greedy": "greedy",
    "greedy-threshold": "greedy-threshold",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-custom": "greedy-reserve",
}


class Election(NamedTuple):
    """What the counting rules take from an instance."""

    projects: list[Project]
    ballots: list[list[str]]
    points: list[list[int]] | None
    ballot_length: int | None


def election_of(instance: Instance) -> Election:
    """The instance's projects (id, cost), its ballots in file order, their points where the
    vote type has them, and the ordinal ballots' length (META `max_length`)."""
    voters = list(instance.votes)
    points = [instance.points(v) for v in voters] if instance.vote_type in WITH_POINTS else None
    length = instance.meta.get("max_length", "").strip()
    return Election(
        [Project(pid, instance.cost(pid)) for pid in instance.projects],
        [instance.ballot(v) for v in voters],
        points,
        int(length) if length.isdigit() else None,
    )


def greedy_outcome(instance: Instance) -> Outcome:
    """The outcome of the greedy rule the instance's META names (`rule`), with its threshold
    (`min_project_score_threshold`)."""
    rule = PABULIB_GREEDY[instance.meta.get("rule", "greedy")]
    election = election_of(instance)
    score = scores(instance.vote_type, election.ballots, election.points, election.ballot_length)
    threshold = Decimal(instance.meta.get("min_project_score_threshold", "0") or "0")
    return greedy(election.projects, score, instance.budget, rule, threshold=threshold)
