"""Open data: a discussion's published contributions, with the government's responses.

What is exported is what the public page shows, in stable codes rather than translated
labels. Only published contributions appear: held or removed ones never do (a reply to
one keeps its ``parent_id``, which then names a row that is not in the file). A
contribution its author withdrew keeps its row, with ``withdrawn`` true and no text and
no response, as the page shows it, so the replies below it keep their place in the
thread. Nothing identifies a person beyond the public display name: no e-mail, IP
address, account id or gender.

The rows are read with one query whatever their number, and streamed.
"""

import csv
import json
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db.models import Case, IntegerField, Value, When
from django.http import StreamingHttpResponse
from django.utils import timezone

from core.spreadsheets import formula_safe

from .models import Contribution, Status, discussion_key

COLUMNS = (
    "id",
    "url",
    "consultation",
    "consultation_url",
    "section",
    "parent_id",
    "thread_id",
    "level",
    "created_at",
    "edited",
    "withdrawn",
    "author",
    "sector",
    "organisation",
    "territory",
    "channel",
    "official",
    "support",
    "disagree",
    "text",
    "response_status",
    "response_text",
    "responded_at",
)

_FIELDS = (
    "pk",
    "object_pk",
    "section_anchor",
    "parent_id",
    "thread_id",
    "level",
    "submit_date",
    "edited_at",
    "withdrawn_at",
    "author_display_name",
    "author_sector",
    "author_organisation",
    "author_territory__slug",
    "channel",
    "is_official",
    "support_count",
    "disagree_count",
    "comment",
    "response_status",
    "response_text",
    "responded_at",
)


def published_of(targets: Sequence):
    """The published contributions (withdrawn ones included) of ``targets``, pages of one model."""
    if not targets:
        return Contribution.objects.none()
    content_type, _ = discussion_key(targets[0])
    keys = [str(target.pk) for target in targets]
    return Contribution.objects.filter(content_type=content_type, object_pk__in=keys, status=Status.PUBLISHED)


def _export_values(targets: Sequence):
    """The exported fields, target by target in the order given, each in thread order."""
    target_order = Case(
        *[When(object_pk=str(target.pk), then=Value(position)) for position, target in enumerate(targets)],
        output_field=IntegerField(),
    )
    return published_of(targets).order_by(target_order, "thread_id", "order").values(*_FIELDS)


def iso_datetime(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def export_rows(targets: Sequence, request) -> Iterator[dict]:
    """One dict per published contribution of ``targets``, with the keys of :data:`COLUMNS`."""
    pages = {str(target.pk): (target.title, target.get_full_url(request)) for target in targets}
    for row in _export_values(targets).iterator(chunk_size=500):
        title, page_url = pages[row["object_pk"]]
        withdrawn = row["withdrawn_at"] is not None
        yield {
            "id": row["pk"],
            "url": f"{page_url}#c{row['pk']}",
            "consultation": title,
            "consultation_url": page_url,
            "section": row["section_anchor"],
            "parent_id": row["parent_id"] if row["level"] else None,
            "thread_id": row["thread_id"],
            "level": row["level"],
            "created_at": iso_datetime(row["submit_date"]),
            "edited": row["edited_at"] is not None and not withdrawn,
            "withdrawn": withdrawn,
            "author": row["author_display_name"],
            "sector": row["author_sector"],
            "organisation": row["author_organisation"],
            "territory": row["author_territory__slug"] or "",
            "channel": row["channel"],
            "official": row["is_official"],
            "support": row["support_count"],
            "disagree": row["disagree_count"],
            "text": "" if withdrawn else row["comment"],
            "response_status": "" if withdrawn else row["response_status"],
            "response_text": "" if withdrawn else row["response_text"],
            "responded_at": None if withdrawn else iso_datetime(row["responded_at"]),
        }


class _Echo:
    """A file-like object whose ``write`` hands the line back, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return formula_safe(value)


def _csv_lines(rows: Iterable[dict], columns: Sequence[str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark makes Excel read the file as UTF-8: accents and ñ stay intact.
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_cell(row[column]) for column in columns])


def _streamed(chunks: Iterator[str], request):
    """The encoded chunks, as the server in use streams them without gathering them first.

    Django's ASGI handler reads a synchronous iterator whole before sending it; there the
    rows are read in the request's database thread a batch at a time instead.
    """
    encoded = (chunk.encode("utf-8") for chunk in chunks)
    return _batches(encoded) if isinstance(request, ASGIRequest) else encoded


async def _batches(chunks: Iterator[bytes], size: int = 200) -> AsyncIterator[bytes]:
    take = sync_to_async(lambda: b"".join(islice(chunks, size)), thread_sensitive=True)
    while batch := await take():
        yield batch


def csv_response(
    rows: Iterable[dict], *, filename: str, request, columns: Sequence[str] = COLUMNS
) -> StreamingHttpResponse:
    """Every cell of free text goes through ``core.spreadsheets.formula_safe``."""
    lines = _csv_lines(rows, columns)
    response = StreamingHttpResponse(_streamed(lines, request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json_chunks(about: dict, rows: Iterable[dict], key: str) -> Iterator[str]:
    head = json.dumps({**about, "generated_at": iso_datetime(timezone.now())}, ensure_ascii=False)
    yield head[:-1] + f', "{key}": ['
    for position, row in enumerate(rows):
        yield ("," if position else "") + json.dumps(row, ensure_ascii=False)
    yield "]}"


def json_response(about: dict, rows: Iterable[dict], *, request, key: str = "contributions") -> StreamingHttpResponse:
    """``about`` (``{"consultation": {...}}`` or ``{"plan": {...}}``), ``generated_at`` and
    the rows under ``key``."""
    return StreamingHttpResponse(
        _streamed(_json_chunks(about, rows, key), request), content_type="application/json; charset=utf-8"
    )
