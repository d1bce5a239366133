"""Relevance on judged queries: does a resident's search find the proposal it is about?

All 80 Decide Madrid proposals and their 5,633 comments are imported, with the project's
importer, into one consultation: a proposal becomes a top-level contribution whose first
line is its title (the importer's ``title`` column), each comment a reply to it (or to the
comment it answers). Each judged query — as a resident would type it: one to five words,
no operators, accents often left out — names the one proposal it should find; the list,
with why each was judged so, is ``tests/search/judged_queries.csv``.

Figures: *success@10*, the share of queries whose proposal is among the first ten hits,
and *MRR*, the mean of 1/rank of the proposal among the first ``DEPTH`` hits (0 beyond).
Used by ``tests/search/test_judged_relevance.py`` (which imports the rows for real)
and by ``bench/search_relevance.py`` (which builds the documents the import would make, in
seconds rather than the import's minutes).
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests import decide_madrid

JUDGED_QUERIES = Path(__file__).resolve().parent / "search" / "judged_queries.csv"
#: Hits read per query (the API's largest page).
DEPTH = 50
TOP = 10
#: A proposal's reference in the import file: its id after this.
PROPOSAL_REF = "p"
#: What the import allows (``DISCUSSIONS_MAX_LENGTH``), less room for the title's markup.
MAX_TEXT = 4800


@dataclass(frozen=True)
class Judged:
    query: str
    proposal: str
    why: str


@dataclass
class Relevance:
    queries: int
    found_in_top: int
    mrr: float
    ranks: dict[str, int | None]  # query → rank of its proposal (None: not within DEPTH)

    @property
    def success(self) -> float:
        return self.found_in_top / self.queries if self.queries else 0.0

    def as_dict(self) -> dict:
        return {
            "queries": self.queries,
            f"success_at_{TOP}": round(self.success, 3),
            "mrr": round(self.mrr, 3),
            "ranks": self.ranks,
        }


def judged_queries(path: Path = JUDGED_QUERIES) -> list[Judged]:
    with path.open(encoding="utf-8", newline="") as source:
        return [Judged(row["query"], row["proposal"], row["why"]) for row in csv.DictReader(source)]


def import_rows() -> list[dict[str, str]]:
    """Every proposal, then every comment, as rows of ``manage.py import_contributions``."""
    with (decide_madrid.DATA_DIR / "proposals.csv").open(encoding="utf-8", newline="") as source:
        proposals = list(csv.DictReader(source))
    rows = []
    for proposal in proposals:
        created = datetime.fromisoformat(proposal["date"]).replace(tzinfo=decide_madrid.MADRID)
        rows.append(
            {
                "ref": f"{PROPOSAL_REF}{proposal['id']}",
                "parent_ref": "",
                "title": proposal["title"].strip(),
                "text": "\n\n".join(filter(None, [proposal["summary"].strip(), proposal["text"].strip()]))[:MAX_TEXT],
                "author_name": f"Usuario {proposal['userId']}",
                "sector": "citizen",
                "territory": "cajamarca",
                "created_at": created.isoformat(),
            }
        )
    with decide_madrid.COMMENTS_CSV.open(encoding="utf-8", newline="") as source:
        for comment in csv.DictReader(source):
            row = decide_madrid._import_row(comment)
            row["parent_ref"] = row["parent_ref"] or f"{PROPOSAL_REF}{comment['proposalId']}"
            row["title"] = ""
            rows.append(row)
    return rows


def import_csv() -> io.StringIO:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=[*decide_madrid.IMPORT_COLUMNS, "title"])
    writer.writeheader()
    writer.writerows(import_rows())
    buffer.seek(0)
    return buffer


def measure(search: Callable[[str], list[str]], judged: list[Judged] | None = None) -> Relevance:
    """``search(query)`` returns the import refs of the hits, best first (None for a hit
    that is no imported contribution: the consultation, its plan)."""
    judged = judged or judged_queries()
    ranks: dict[str, int | None] = {}
    for item in judged:
        refs = search(item.query)[:DEPTH]
        wanted = f"{PROPOSAL_REF}{item.proposal}"
        ranks[item.query] = refs.index(wanted) + 1 if wanted in refs else None
    found = sum(1 for rank in ranks.values() if rank is not None and rank <= TOP)
    mrr = sum(1 / rank for rank in ranks.values() if rank) / len(judged)
    return Relevance(queries=len(judged), found_in_top=found, mrr=mrr, ranks=ranks)
