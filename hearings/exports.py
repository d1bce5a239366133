"""Open data: a hearing's questions and their answers, as CSV (UTF-8 with BOM, each
cell of free text formula-safe) and JSON — as a discussion's contributions are
(``discussions.exports``), with the hearing's own columns.

Only questions the public can read are exported; one its asker withdrew keeps its row,
without text or answer, as for contributions. Nothing identifies a person beyond the
public name: no e-mail, IP address, account id, gender, nor who on the staff entered it.
"""

from collections.abc import Iterator

from discussions.exports import csv_response, iso_datetime, json_response
from discussions.models import Status

from .models import HearingPage, HearingQuestion, QuestionState

COLUMNS = (
    "id",
    "url",
    "hearing",
    "hearing_url",
    "topic",
    "created_at",
    "channel",
    "asker",
    "anonymous",
    "sector",
    "organisation",
    "territory",
    "support",
    "withdrawn",
    "text",
    "state",
    "answered_at",
    "room_answer",
    "video_seconds",
    "video_url",
    "written_answer",
    "written_answered_at",
    "written_answers_due",
)

_FIELDS = (
    "contribution_id",
    "state",
    "anonymous",
    "answered_at",
    "room_answer",
    "video_seconds",
    "written_answer",
    "written_answered_at",
    "contribution__section_anchor",
    "contribution__submit_date",
    "contribution__withdrawn_at",
    "contribution__channel",
    "contribution__author_display_name",
    "contribution__author_sector",
    "contribution__author_organisation",
    "contribution__author_territory__slug",
    "contribution__support_count",
    "contribution__comment",
)


def export_rows(page: HearingPage, request) -> Iterator[dict]:
    original = page.original
    page_url = page.get_full_url(request)
    topics = {section["anchor"]: section["heading"] for section in original.discussion_sections}
    due = original.answers_due.isoformat() if original.is_over else None
    recording = original.recording
    rows = (
        HearingQuestion.objects.filter(hearing=original, contribution__status=Status.PUBLISHED)
        .order_by("contribution__submit_date", "contribution_id")
        .values(*_FIELDS)
    )
    for row in rows.iterator(chunk_size=500):
        withdrawn = row["contribution__withdrawn_at"] is not None
        answered = not withdrawn
        seconds = row["video_seconds"] if answered else None
        yield {
            "id": row["contribution_id"],
            "url": f"{page_url}#c{row['contribution_id']}",
            "hearing": page.title,
            "hearing_url": page_url,
            "topic": topics.get(row["contribution__section_anchor"], ""),
            "created_at": iso_datetime(row["contribution__submit_date"]),
            "channel": row["contribution__channel"],
            "asker": row["contribution__author_display_name"],
            "anonymous": row["anonymous"],
            "sector": row["contribution__author_sector"],
            "organisation": row["contribution__author_organisation"],
            "territory": row["contribution__author_territory__slug"] or "",
            "support": row["contribution__support_count"],
            "withdrawn": withdrawn,
            "text": "" if withdrawn else row["contribution__comment"],
            "state": "" if withdrawn else row["state"],
            "answered_at": iso_datetime(row["answered_at"]) if answered else None,
            "room_answer": row["room_answer"] if answered else "",
            "video_seconds": seconds,
            "video_url": recording.at(seconds) if recording and seconds is not None else "",
            "written_answer": row["written_answer"] if answered else "",
            "written_answered_at": iso_datetime(row["written_answered_at"]) if answered else None,
            "written_answers_due": due if row["state"] == QuestionState.PENDING and answered else None,
        }


def questions_csv(page: HearingPage, request):
    return csv_response(
        export_rows(page, request), filename=f"{page.slug}-preguntas.csv", request=request, columns=COLUMNS
    )


def questions_json(page: HearingPage, request):
    about = {
        "hearing": {
            "id": page.pk,
            "title": page.title,
            "url": page.get_full_url(request),
            "starts_at": iso_datetime(page.starts_at),
            "ends_at": iso_datetime(page.ends_at),
            "status": page.status,
            "written_answers_due": page.original.answers_due.isoformat(),
        }
    }
    return json_response(about, export_rows(page, request), request=request, key="questions")
