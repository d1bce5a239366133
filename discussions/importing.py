"""Contributions gathered offline (workshops, paper forms, radio call-ins), imported from CSV.

One row per contribution, UTF-8, comma- (or semicolon-) separated, with a header row.
Line numbers in reports count records as a spreadsheet shows them: the header is line 1.

============  =========================================================================
column        meaning
============  =========================================================================
ref           required; the file's own identifier of the row, unique in the file
parent_ref    the ``ref`` of the contribution this one replies to; blank = top level
title         optional; shown as a bold first line of the text
text          required; Markdown, at most ``DISCUSSIONS_MAX_LENGTH`` characters with the title
author_name   required; the name the contribution is signed with (may be "Anónimo")
sector        a sector code (``civil_society``, ``citizen``, …) or blank
territory     a territory's slug or name (accents and case ignored) or blank
created_at    required; ISO 8601. A value without offset is in the site's time zone
              (America/Lima)
channel       optional; ``workshop``, ``paper``, ``radio``, ``phone``, ``whatsapp``,
              ``social_media`` or ``web``
============  =========================================================================

The channel of a row is its own ``channel`` cell when not blank, otherwise the
``default_channel`` of the import (the command's ``--channel``, ``workshop`` unless said).

Rows are created parents first, whatever the file order (siblings by date), all in one
transaction. A row whose parent is neither in the file nor imported earlier into the
same consultation becomes a top-level contribution, and is reported. Each contribution
keeps ``import_ref = "<model>:<id>:<ref>"`` (see :func:`import_prefix`), so importing the same file again creates
only what is new. Invalid rows stop the whole import unless ``skip_invalid`` is set.
"""

import csv
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Sector, Territory

from . import bulk
from .errors import Refused
from .models import Channel, Contribution, contributions_of
from .services import clean_text

COLUMNS = ("ref", "parent_ref", "title", "text", "author_name", "sector", "territory", "created_at", "channel")
REQUIRED_COLUMNS = ("ref", "text", "author_name", "created_at")


def import_prefix(target) -> str:
    """What starts the import reference of every contribution imported into ``target``."""
    return f"{target._meta.label_lower}:{target.pk}:"


IMPORT_REF_MAX_LENGTH = Contribution._meta.get_field("import_ref").max_length
AUTHOR_NAME_MAX_LENGTH = Contribution._meta.get_field("author_display_name").max_length
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]])")


class CannotImport(Exception):
    """The file as a whole cannot be imported (unreadable, columns missing, unknown section)."""


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    already_present: int = 0
    depth_capped: int = 0
    #: Invalid rows: nothing was imported (``rejected``) or they were skipped.
    invalid: list[Problem] = field(default_factory=list)
    #: Rows imported as top-level contributions because their parent was not there.
    orphans: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rejected: bool = False
    dry_run: bool = False


@dataclass
class _Row:
    line: int
    ref: str
    parent_ref: str
    text: str
    author_name: str
    sector: str
    territory: Territory | None
    submitted_at: datetime
    channel: str


def import_contributions(
    *,
    consultation,
    source: Iterable[str],
    default_channel: str = Channel.WORKSHOP,
    section_anchor: str = "",
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import the CSV rows read from ``source`` (an open text file) into ``consultation``.

    With ``dry_run`` everything is checked and created, then rolled back, so the result
    reports exactly what a real run would do.
    """
    if default_channel not in Channel.values:
        raise CannotImport(_("Unknown channel “%(channel)s”.") % {"channel": default_channel})
    anchors = [section["anchor"] for section in consultation.discussion_sections]
    if section_anchor and section_anchor not in anchors:
        raise CannotImport(
            _("This consultation has no section “%(anchor)s”. Its sections are: %(anchors)s.")
            % {"anchor": section_anchor, "anchors": ", ".join(anchors) or "—"}
        )
    result = ImportResult(dry_run=dry_run)
    header, records = _read(source)
    result.ignored_columns = [name for name in header if name not in COLUMNS]

    parser = _RowParser(consultation, default_channel)
    rows: dict[str, _Row] = {}
    for line, cells in records:
        row, problems = parser.parse(line, dict(zip(header, cells, strict=False)))
        if row is None:
            result.invalid.extend(Problem(line, message) for message in problems)
        else:
            rows[row.ref] = row
    for problem in _reply_cycles(rows):
        result.invalid.append(problem)
    result.invalid.sort(key=lambda problem: problem.line)
    if result.invalid and not skip_invalid:
        result.rejected = True
        return result

    with transaction.atomic():
        _create(consultation, _creation_order(rows), set(parser.first_lines), section_anchor, result)
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- reading and checking --------------------------------------------------------------
def _read(source: Iterable[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower-cased names) and the non-blank records with their line numbers."""
    try:
        lines = iter(source)
        first = next(lines, "")
        if not first.strip():
            raise CannotImport(_("The file is empty: it needs a header row and one row per contribution."))
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(_chain(first, lines), delimiter=delimiter)
        header = [name.strip().lstrip("\ufeff").lower() for name in next(reader)]
        records = [(number, cells) for number, cells in enumerate(reader, start=2) if any(c.strip() for c in cells)]
    except UnicodeDecodeError:
        raise CannotImport(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None
    except csv.Error as error:
        raise CannotImport(_("The file is not valid CSV: %(error)s") % {"error": error}) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise CannotImport(
            _("The header row lacks the column(s) %(missing)s. Expected columns: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
        )
    return header, records


def _chain(first: str, rest):
    yield first
    yield from rest


class _RowParser:
    def __init__(self, consultation, default_channel: str):
        self.prefix_length = len(f"{consultation.pk}:")
        self.default_channel = default_channel
        self.territories = Territory.objects.all()
        self.now = timezone.now()
        #: The line where each ref first appears, valid row or not.
        self.first_lines: dict[str, int] = {}

    def parse(self, line: int, cells: dict[str, str]) -> tuple[_Row | None, list[str]]:
        """The row, or None and what is wrong with it."""
        value = {name: (cells.get(name) or "").strip() for name in COLUMNS}
        problems = []
        ref = value["ref"]
        if not ref:
            problems.append(_("ref is missing"))
        elif ref in self.first_lines:
            problems.append(
                _("ref “%(ref)s” is already used on line %(line)d") % {"ref": ref, "line": self.first_lines[ref]}
            )
        else:
            self.first_lines[ref] = line
            if len(ref) + self.prefix_length > IMPORT_REF_MAX_LENGTH:
                problems.append(
                    _("ref is longer than %(limit)d characters") % {"limit": IMPORT_REF_MAX_LENGTH - self.prefix_length}
                )
        text = self._text(value["title"], value["text"], problems)
        author_name = value["author_name"]
        if not author_name:
            problems.append(_("author_name is empty (write the name it is signed with, or “Anónimo”)"))
        elif len(author_name) > AUTHOR_NAME_MAX_LENGTH:
            problems.append(_("author_name is longer than %(limit)d characters") % {"limit": AUTHOR_NAME_MAX_LENGTH})
        sector = self._sector(value["sector"], problems)
        territory = self._territory(value["territory"], problems)
        submitted_at = self._date(value["created_at"], problems)
        channel = self._channel(value["channel"], problems)
        if problems:
            return None, problems
        return _Row(line, ref, value["parent_ref"], text, author_name, sector, territory, submitted_at, channel), []

    def _text(self, title: str, text: str, problems: list[str]) -> str:
        if not text:
            problems.append(_("text is empty"))
            return ""
        if title:
            text = "**" + _MARKDOWN_PUNCTUATION.sub(r"\\\1", title) + "**\n" + text
        try:
            return clean_text(text)
        except Refused as refusal:
            problems.append(str(refusal.message))
            return ""

    def _sector(self, value: str, problems: list[str]) -> str:
        code = value.lower()
        if code and code not in Sector.values:
            problems.append(
                _("unknown sector “%(value)s”; valid codes: %(codes)s")
                % {"value": value, "codes": ", ".join(Sector.values)}
            )
        return code

    def _territory(self, value: str, problems: list[str]) -> Territory | None:
        if not value:
            return None
        try:
            return self.territories.lookup(value)
        except Territory.DoesNotExist:
            problems.append(
                _("unknown territory “%(value)s”; give a slug or name, e.g. %(examples)s")
                % {"value": value, "examples": ", ".join(t.slug for t in list(self.territories)[:5])}
            )
            return None

    def _date(self, value: str, problems: list[str]) -> datetime:
        if not value:
            problems.append(_("created_at is empty"))
            return self.now
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            problems.append(
                _("bad date “%(value)s”; use ISO 8601, e.g. 2025-03-14 or 2025-03-14T10:30") % {"value": value}
            )
            return self.now
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        if moment > self.now:
            problems.append(_("bad date “%(value)s”: it is in the future") % {"value": value})
        return moment

    def _channel(self, value: str, problems: list[str]) -> str:
        channel = value.lower() or self.default_channel
        if channel not in Channel.values:
            problems.append(
                _("unknown channel “%(value)s”; valid channels: %(channels)s")
                % {"value": value, "channels": ", ".join(Channel.values)}
            )
        return channel


def _reply_cycles(rows: dict[str, _Row]) -> list[Problem]:
    """Rows whose chain of parents loops back to them; they are removed from ``rows``."""
    done: set[str] = set()
    on_cycle: list[list[str]] = []
    for start in rows:
        path: list[str] = []
        ref = start
        while ref in rows and ref not in done and ref not in path:
            path.append(ref)
            ref = rows[ref].parent_ref
        if ref in path:
            on_cycle.append(path[path.index(ref) :])
        done.update(path)
    problems = []
    for cycle in on_cycle:
        for position, ref in enumerate(cycle):
            loop = [*cycle[position:], *cycle[:position], ref]
            problems.append(
                Problem(
                    rows[ref].line,
                    _("ref “%(ref)s” is in a reply cycle: %(loop)s") % {"ref": ref, "loop": " → ".join(loop)},
                )
            )
    for cycle in on_cycle:
        for ref in cycle:
            del rows[ref]
    return problems


def _creation_order(rows: dict[str, _Row]) -> list[_Row]:
    """Parents before their replies; otherwise by date, then file order."""
    replies: dict[str, list[_Row]] = {}
    ready = []
    for row in rows.values():
        if row.parent_ref in rows:
            replies.setdefault(row.parent_ref, []).append(row)
        else:
            ready.append((row.submitted_at, row.line, row.ref))
    heapq.heapify(ready)
    ordered = []
    while ready:
        *_, ref = heapq.heappop(ready)
        ordered.append(rows[ref])
        for reply in replies.get(ref, ()):
            heapq.heappush(ready, (reply.submitted_at, reply.line, reply.ref))
    return ordered


# --- writing ---------------------------------------------------------------------------
def _create(consultation, rows: list[_Row], refs_in_file: set[str], section_anchor: str, result: ImportResult) -> None:
    """Every new row in one bulk write (see :mod:`discussions.bulk`), parents first."""
    prefix = import_prefix(consultation)
    imported = {
        contribution.import_ref.removeprefix(prefix): contribution
        for contribution in contributions_of(consultation).filter(import_ref__startswith=prefix)
    }
    new_refs: set[str] = set()
    entries = []
    for row in rows:
        if row.ref in imported:
            result.already_present += 1
            continue
        parent = imported.get(row.parent_ref) if row.parent_ref else None
        if row.parent_ref and row.parent_ref in new_refs:
            parent = prefix + row.parent_ref
        elif row.parent_ref and parent is None:
            message = (
                _("parent %(parent)s was skipped as invalid, imported as a top-level contribution")
                if row.parent_ref in refs_in_file
                else _("parent %(parent)s not found, imported as a top-level contribution")
            )
            result.orphans.append(Problem(row.line, message % {"parent": row.parent_ref}))
        entries.append(
            bulk.Entry(
                import_ref=prefix + row.ref,
                text=row.text,
                author_name=row.author_name,
                submitted_at=row.submitted_at,
                parent=parent,
                author_sector=row.sector,
                author_territory_id=row.territory.pk if row.territory else None,
                channel=row.channel,
                section_anchor=section_anchor,
            )
        )
        new_refs.add(row.ref)
    created = bulk.contributions_create(host=consultation, entries=entries)
    levels = {prefix + ref: contribution for ref, contribution in imported.items()} | created
    for entry in entries:
        if entry.parent is None:
            continue
        parent = levels[entry.parent] if isinstance(entry.parent, str) else entry.parent
        if created[entry.import_ref].parent_id != parent.pk:
            result.depth_capped += 1
    result.created += len(created)
    result.orphans.sort(key=lambda problem: problem.line)
