"""``manage.py import_contributions``: contributions from workshops, paper and radio, from CSV."""

import csv
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from discussions import services
from discussions.importing import import_contributions, import_prefix
from discussions.models import Channel, Contribution, contributions_of
from tests import decide_madrid
from tests.conftest import analyze
from tests.consultations.factories import ActionPlanPageFactory, ConsultationPageFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(consultation, path, *options) -> str:
    out = StringIO()
    call_command("import_contributions", str(consultation.pk), str(path), *options, stdout=out)
    return out.getvalue()


def by_ref(consultation) -> dict[str, Contribution]:
    prefix = import_prefix(consultation)
    return {c.import_ref.removeprefix(prefix): c for c in contributions_of(consultation)}


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- a valid file ----------------------------------------------------------------------
def test_workshop_file_is_imported_parents_first_with_authors_as_written(consultation):
    output = run(consultation, DATA / "workshop.csv")

    assert "Created:                        4" in output
    imported = by_ref(consultation)
    topic, reply = imported["t1"], imported["t1-r1"]
    assert topic.level == 0 and topic.pk < reply.pk
    assert (reply.parent_id, reply.thread_id, reply.level) == (topic.pk, topic.pk, 1)
    assert imported["t1-r2"].parent_id == topic.pk
    assert topic.user is None
    assert (topic.author_display_name, topic.author_sector, topic.author_territory.slug) == (
        "Asociación de Regantes",
        "civil_society",
        "celendin",
    )
    assert imported["t1-r1"].author_territory.slug == "jaen"  # a name, with its accent
    assert imported["t2"].author_sector == "" and imported["t2"].author_territory is None


def test_title_becomes_a_bold_first_line(consultation):
    run(consultation, DATA / "workshop.csv")

    topic = by_ref(consultation)["t1"]
    assert topic.comment.startswith("**Agua potable en Celendín**\nPedimos")
    assert topic.body_html.startswith("<p><strong>Agua potable en Celendín</strong><br>")


def test_naive_dates_are_lima_time_and_offsets_are_kept(consultation):
    run(consultation, DATA / "workshop.csv")

    imported = by_ref(consultation)
    assert imported["t1"].submit_date == datetime(2025, 3, 14, 15, 30, tzinfo=UTC)
    assert imported["t1-r1"].submit_date == datetime(2025, 3, 14, 15, 40, tzinfo=UTC)
    assert imported["t1-r2"].submit_date == datetime(2025, 3, 16, 5, 0, tzinfo=UTC)


def test_channel_of_a_row_overrides_the_channel_option(consultation):
    run(consultation, DATA / "workshop.csv", "--channel", "paper")

    channels = {ref: c.channel for ref, c in by_ref(consultation).items()}
    assert channels == {"t1": "paper", "t1-r1": "paper", "t2": "radio", "t1-r2": "paper"}


def test_channel_defaults_to_workshop(consultation):
    run(consultation, DATA / "workshop.csv")

    channels = {ref: c.channel for ref, c in by_ref(consultation).items()}
    assert channels == {"t1": Channel.WORKSHOP, "t1-r1": Channel.WORKSHOP, "t2": Channel.RADIO, "t1-r2": Channel.PAPER}


def test_imports_into_a_closed_consultation(plan):
    closed = ConsultationPageFactory(
        parent=plan, opens_at=datetime(2025, 3, 1, tzinfo=UTC), closes_at=datetime(2025, 3, 31, tzinfo=UTC)
    )
    run(closed, DATA / "workshop.csv")

    assert contributions_of(closed).count() == 4


def test_semicolon_separated_file_from_a_spreadsheet_is_read(consultation, tmp_path):
    path = write_csv(
        tmp_path / "hoja.csv",
        [{"ref": "1", "text": "Texto; con punto y coma.", "author_name": "Ana", "created_at": "2025-03-14"}],
        delimiter=";",
    )
    run(consultation, path)

    assert by_ref(consultation)["1"].comment == "Texto; con punto y coma."


# --- re-runs, dry runs, sections ------------------------------------------------------
def test_running_the_same_file_again_creates_nothing(consultation):
    run(consultation, DATA / "workshop.csv")
    output = run(consultation, DATA / "workshop.csv")

    assert "Created:                        0" in output
    assert "Already present (skipped):      4" in output
    assert contributions_of(consultation).count() == 4


def test_the_same_refs_in_another_consultation_are_new_contributions(consultation, plan):
    other = ConsultationPageFactory(parent=plan)
    run(consultation, DATA / "workshop.csv")
    run(other, DATA / "workshop.csv")

    assert contributions_of(other).count() == 4


def test_dry_run_reports_and_saves_nothing(consultation):
    output = run(consultation, DATA / "deep.csv", "--dry-run")

    assert "Created:                        6" in output
    assert "Replies attached at max depth:  2" in output
    assert "Dry run: nothing was saved." in output
    assert not contributions_of(consultation).exists()


def test_section_option_files_top_level_rows_and_replies_follow(consultation):
    run(consultation, DATA / "workshop.csv", "--section", "actividades")

    assert {c.section_anchor for c in contributions_of(consultation)} == {"actividades"}


def test_unknown_section_is_refused_with_the_existing_ones(consultation):
    with pytest.raises(CommandError, match=r"no section “metas”\. Its sections are: objetivo, actividades"):
        run(consultation, DATA / "workshop.csv", "--section", "metas")


# --- invalid rows ----------------------------------------------------------------------
def test_every_invalid_row_is_reported_by_line_and_nothing_is_imported(consultation):
    with pytest.raises(CommandError) as error:
        run(consultation, DATA / "invalid.csv")

    message = str(error.value)
    assert "Nothing was imported: 9 problem(s)" in message
    for expected in [
        "line 3: ref is missing",
        "line 4: ref “ok” is already used on line 2",
        "line 5: text is empty",
        "line 6: unknown sector “campesino”; valid codes: government, civil_society, private_sector, academia, "
        "citizen, international",
        "line 7: unknown territory “Arequipa”",
        "line 8: bad date “14/03/2025”",
        "line 9: unknown channel “telegrama”; valid channels: web, workshop, paper, radio, phone, whatsapp, "
        "social_media",
        "line 10: ref “loop-a” is in a reply cycle: loop-a → loop-b → loop-a",
        "line 11: ref “loop-b” is in a reply cycle: loop-b → loop-a → loop-b",
    ]:
        assert expected in message
    assert "line 2:" not in message and "line 12:" not in message
    assert not contributions_of(consultation).exists()


def test_over_long_text_counts_the_title(consultation, tmp_path):
    limit = settings.DISCUSSIONS_MAX_LENGTH
    path = write_csv(
        tmp_path / "largo.csv",
        [
            {"ref": "fits", "title": "", "text": "a" * limit, "author_name": "Ana", "created_at": "2025-03-14"},
            {"ref": "long", "title": "Título", "text": "a" * limit, "author_name": "Ana", "created_at": "2025-03-14"},
        ],
    )
    with pytest.raises(CommandError, match=rf"line 3: Contributions are limited to {limit} characters"):
        run(consultation, path)
    assert not contributions_of(consultation).exists()


def test_future_date_is_a_bad_date(consultation, tmp_path):
    path = write_csv(
        tmp_path / "futuro.csv", [{"ref": "1", "text": "Hola.", "author_name": "Ana", "created_at": "2999-01-01"}]
    )
    with pytest.raises(CommandError, match="line 2: bad date “2999-01-01”: it is in the future"):
        run(consultation, path)


def test_missing_columns_are_named(consultation, tmp_path):
    path = tmp_path / "sin_columnas.csv"
    path.write_text("ref,texto\n1,Hola\n", encoding="utf-8")

    with pytest.raises(CommandError, match="lacks the column\\(s\\) text, author_name, created_at"):
        run(consultation, path)


def test_skip_invalid_imports_the_valid_rows_and_lists_the_others(consultation):
    output = run(consultation, DATA / "invalid.csv", "--skip-invalid")

    assert set(by_ref(consultation)) == {"ok", "reply-to-invalid"}
    assert "skipped, line 8: bad date “14/03/2025”" in output
    assert "line 12: parent date was skipped as invalid, imported as a top-level contribution" in output
    assert "Created:                        2" in output
    assert "Invalid rows skipped:           9" in output
    assert by_ref(consultation)["reply-to-invalid"].level == 0


# --- threads -------------------------------------------------------------------------
def test_orphan_becomes_top_level_and_is_reported(consultation):
    output = run(consultation, DATA / "orphans.csv")

    assert "line 3: parent zz not found, imported as a top-level contribution" in output
    assert "Orphans imported as top-level:  1" in output
    imported = by_ref(consultation)
    assert imported["b"].level == 0
    assert (imported["c"].parent_id, imported["c"].thread_id) == (imported["b"].pk, imported["b"].pk)


def test_reply_to_a_row_of_an_earlier_import_attaches_to_it(consultation):
    run(consultation, DATA / "orphans.csv")
    output = run(consultation, DATA / "follow_up.csv")

    assert "Orphans imported as top-level:  0" in output
    imported = by_ref(consultation)
    assert (imported["d"].parent_id, imported["d"].level) == (imported["a"].pk, 1)


def test_replies_deeper_than_the_limit_attach_at_the_deepest_level(consultation):
    output = run(consultation, DATA / "deep.csv")

    assert "Replies attached at max depth:  2" in output
    imported = by_ref(consultation)
    assert [imported[f"d{n}"].level for n in range(6)] == [0, 1, 2, 3, 3, 3]
    assert imported["d4"].parent_id == imported["d5"].parent_id == imported["d2"].pk


# --- choosing the consultation ---------------------------------------------------------
def test_consultation_is_found_by_slug(consultation):
    out = StringIO()
    call_command("import_contributions", consultation.slug, str(DATA / "orphans.csv"), stdout=out)

    assert contributions_of(consultation).count() == 3


def test_unknown_consultation_is_a_clear_error(consultation):
    with pytest.raises(CommandError, match="No discussion has the id or slug “no-existe”"):
        call_command("import_contributions", "no-existe", str(DATA / "orphans.csv"))


def test_slug_shared_by_two_consultations_asks_for_the_id(plan, home_page):
    first = ConsultationPageFactory(parent=plan, slug="agua")
    second = ConsultationPageFactory(parent=ActionPlanPageFactory(parent=plan.get_parent()), slug="agua")

    with pytest.raises(CommandError, match="Several discussions match “agua”") as error:
        call_command("import_contributions", "agua", str(DATA / "orphans.csv"))
    assert f"{first.pk}: " in str(error.value) and f"{second.pk}: " in str(error.value)


# --- real data -------------------------------------------------------------------------
def test_largest_decide_madrid_thread_is_imported_whole(consultation):
    """Proposal 1419 of Decide Madrid: 592 real comments, 74 with a missing parent,
    chains 8 replies deep, 3 empty texts.

    The comments are Madrid's, not Cajamarca's: they are real text nobody here wrote, and
    each row is signed "Usuario <userId>", sector citizen, territory cajamarca only because
    the import format needs those values.
    """
    rows = decide_madrid.proposal_rows(decide_madrid.LARGEST_PROPOSAL)
    assert len(rows) == 592

    result = import_contributions(consultation=consultation, source=decide_madrid.as_csv(rows), skip_invalid=True)

    assert result.created + len(result.invalid) == 592
    assert [problem.message for problem in result.invalid] == ["text is empty"] * 3
    assert len(result.orphans) == decide_madrid.missing_parents(rows) == 74
    assert result.depth_capped > 0
    contributions = {c.pk: c for c in contributions_of(consultation)}
    assert len(contributions) == result.created
    assert max(c.level for c in contributions.values()) == settings.COMMENTS_XTD_MAX_THREAD_LEVEL == 3
    for contribution in contributions.values():
        ancestor = contribution
        while ancestor.parent_id != ancestor.pk:
            ancestor = contributions[ancestor.parent_id]
        assert contribution.thread_id == ancestor.pk and ancestor.level == 0

    again = import_contributions(consultation=consultation, source=decide_madrid.as_csv(rows), skip_invalid=True)
    assert (again.created, again.already_present) == (0, result.created)


def _row_by_row(consultation, rows: list[dict[str, str]]) -> None:
    """The same rows posted one at a time through ``contribution_create``, as the import
    describes its rule: parents before their replies, otherwise by date then file order;
    a reply whose parent is missing starts a thread."""
    by_ref = {row["ref"]: (line, row) for line, row in enumerate(rows) if row["text"].strip()}
    created: dict[str, Contribution] = {}
    pending = sorted(by_ref.values(), key=lambda item: (item[1]["created_at"], item[0]))
    while pending:
        waiting = []
        for line, row in pending:
            parent_ref = row["parent_ref"] if row["parent_ref"] in by_ref else ""
            if parent_ref and parent_ref not in created:
                waiting.append((line, row))
                continue
            created[row["ref"]] = services.contribution_create(
                target=consultation,
                author=None,
                text=row["text"],
                parent=created.get(parent_ref),
                channel=Channel.WORKSHOP,
                author_name=row["author_name"],
                submitted_at=datetime.fromisoformat(row["created_at"]),
                import_ref=f"{import_prefix(consultation)}{row['ref']}",
                check_rules=False,
            )
        pending = waiting


def _shape(consultation) -> dict[str, tuple]:
    """Each contribution's place, named by file refs: parent, thread, level, order, nested count."""
    prefix = import_prefix(consultation)
    rows = list(contributions_of(consultation))
    ref = {row.pk: row.import_ref.removeprefix(prefix) for row in rows}
    return {
        ref[row.pk]: (ref[row.parent_id], ref[row.thread_id], row.level, row.order, row.nested_count) for row in rows
    }


def test_a_bulk_import_lays_out_the_same_threads_as_posting_row_by_row(plan):
    """Proposal 1419's 592 comments: orphans, chains deeper than the limit, empty texts."""
    rows = decide_madrid.proposal_rows(decide_madrid.LARGEST_PROPOSAL)
    bulk_page, posted_page = ConsultationPageFactory(parent=plan), ConsultationPageFactory(parent=plan)

    import_contributions(consultation=bulk_page, source=decide_madrid.as_csv(rows), skip_invalid=True)
    analyze("discussions", "django_comments", "django_comments_xtd")  # as after any real import
    _row_by_row(posted_page, rows)

    assert _shape(bulk_page) == _shape(posted_page)


def test_importing_into_threads_that_already_have_contributions_renumbers_them(consultation):
    header = "ref,parent_ref,text,author_name,created_at\n"
    first = header + "1,,Raíz,Taller,2026-01-01T10:00\n2,1,Hija,Taller,2026-01-01T11:00\n"
    later = header + "3,1,Segunda hija,Taller,2026-01-02T10:00\n4,2,Nieta,Taller,2026-01-02T11:00\n"
    import_contributions(consultation=consultation, source=StringIO(first))

    import_contributions(consultation=consultation, source=StringIO(later))

    shape = _shape(consultation)
    assert shape["1"] == ("1", "1", 0, 1, 3)
    assert shape["2"] == ("1", "1", 1, 2, 1)
    assert shape["4"] == ("2", "1", 2, 3, 0)
    assert shape["3"] == ("1", "1", 1, 4, 0)


def test_an_import_costs_a_few_queries_whatever_its_size(consultation, django_assert_max_num_queries):
    rows = decide_madrid.proposal_rows(decide_madrid.LARGEST_PROPOSAL)
    with django_assert_max_num_queries(60):
        result = import_contributions(consultation=consultation, source=decide_madrid.as_csv(rows), skip_invalid=True)
    assert result.created == 589
