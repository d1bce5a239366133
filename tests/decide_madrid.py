"""Real threaded comments from Decide Madrid, in the contributions import CSV format.

The comments are Madrid City Council's (decide.madrid.es, 2015–2019, republished by
``argrecsys/dgov-visual-analytics`` under the Apache License 2.0), not Cajamarca's: they
are used for their real shape — messy text, orphans, deep reply chains — and every row
is given Cajamarca-side values (sector ``citizen``, territory ``cajamarca``) because the
import needs some. Nothing here describes Cajamarca's participants.

Shared by the tests and the benchmarks (bench/ imports it from here; tests never import
bench/). The data is kept in the repository, in ``data/decide-madrid/`` with its
attribution; ``DECIDE_MADRID_DIR`` may point elsewhere.
"""

import csv
import io
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

DATA_DIR = Path(os.environ.get("DECIDE_MADRID_DIR", Path(__file__).resolve().parent.parent / "data" / "decide-madrid"))
COMMENTS_CSV = DATA_DIR / "comments.csv"
#: The largest thread: 592 comments, 74 of which name a parent missing from the data.
LARGEST_PROPOSAL = 1419
IMPORT_COLUMNS = ("ref", "parent_ref", "text", "author_name", "sector", "territory", "created_at")
MADRID = ZoneInfo("Europe/Madrid")


def available() -> bool:
    return COMMENTS_CSV.is_file()


def proposal_rows(proposal_id: int = LARGEST_PROPOSAL, *, comments_csv: Path = COMMENTS_CSV) -> list[dict[str, str]]:
    """The proposal's comments as import rows, in file order and unchanged in substance.

    Empty texts and parents missing from the data are kept: the importer has to cope.
    Dates are Madrid's local time, written with their offset.
    """
    wanted = str(proposal_id)
    with comments_csv.open(encoding="utf-8", newline="") as source:
        return [_import_row(comment) for comment in csv.DictReader(source) if comment["proposalId"] == wanted]


def _import_row(comment: dict[str, str]) -> dict[str, str]:
    clock = comment["time"].removeprefix("0 days ").strip()
    created_at = datetime.fromisoformat(f"{comment['date']}T{clock}").replace(tzinfo=MADRID)
    return {
        "ref": comment["id"],
        "parent_ref": "" if comment["parentId"] == "-1" else comment["parentId"],
        "text": comment["text"],
        "author_name": f"Usuario {comment['userId']}",
        "sector": "citizen",
        "territory": "cajamarca",
        "created_at": created_at.isoformat(),
    }


def as_csv(rows: list[dict[str, str]]) -> io.StringIO:
    """``rows`` written as an import file, ready to read from the start."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    buffer.seek(0)
    return buffer


def missing_parents(rows: list[dict[str, str]]) -> int:
    """How many rows reply to a comment that is not among ``rows``."""
    refs = {row["ref"] for row in rows}
    return sum(1 for row in rows if row["parent_ref"] and row["parent_ref"] not in refs)
