"""The Pabulib ``.pb`` format (https://pabulib.org/format): one envelope's projects and
anonymised ballots, written here and read back with pabutools' own parser.

Each file is an approval election: ``max_length`` for an approval ballot of *k*
projects, ``max_sum_cost`` for a knapsack ballot. Projects carry their votes and whether
the official rule selected them; ballots carry a random number and how they were cast
(``internet`` or ``paper``), nothing else: no age, sex or district, which in a small
district could point at a person.
"""

from collections.abc import Iterable

from pabutools.election.pabulib import parse_pabulib_from_string

from .counting import EnvelopeInput

#: The order Pabulib's checker expects (pabulib_helpers.fields).
META_ORDER = [
    "description",
    "country",
    "unit",
    "subunit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
    "min_length",
    "max_length",
    "max_sum_cost",
    "min_project_score_threshold",
    "language",
    "currency",
    "comment",
]
#: No district: the checker refuses an empty one, and many projects have none.
PROJECT_FIELDS = ["project_id", "cost", "votes", "name", "category", "selected"]
VOTE_FIELDS = ["voter_id", "vote", "voting_method"]


def _cell(value) -> str:
    """A value as a cell: the format has no quoting, so separators and line breaks in
    people's text become commas and spaces, and surrounding spaces go."""
    text = " ".join(str(value).split())
    return text.replace(";", ",")


def write(meta: dict, projects: Iterable[dict], votes: Iterable[dict]) -> str:
    """The file, with meta keys in Pabulib's order and projects and votes as given."""
    lines = ["META", "key;value"]
    for name in META_ORDER:
        if meta.get(name) not in (None, ""):
            lines.append(f"{name};{_cell(meta[name])}")
    lines += ["PROJECTS", ";".join(PROJECT_FIELDS)]
    for project in projects:
        lines.append(";".join(_cell(project.get(name, "")) for name in PROJECT_FIELDS))
    lines += ["VOTES", ";".join(VOTE_FIELDS)]
    for vote in votes:
        lines.append(";".join(_cell(vote.get(name, "")) for name in VOTE_FIELDS))
    return "\n".join(lines) + "\n"


def read(text: str) -> tuple[EnvelopeInput, dict, set[str]]:
    """A file's envelope (as the counting takes it), its meta, and the projects marked selected."""
    instance, profile = parse_pabulib_from_string(text)
    costs = {project.name: int(project.cost) for project in instance}
    ballots = [frozenset(project.name for project in ballot) for ballot in profile]
    selected = {project.name for project in instance if str(instance.project_meta[project].get("selected", "0")) == "1"}
    envelope = EnvelopeInput(
        key=instance.meta.get("subunit", ""), amount=int(instance.budget_limit), costs=costs, ballots=ballots
    )
    return envelope, dict(instance.meta), selected
