"""Every spreadsheet the admin exports — Wagtail's reports (site history, workflows,
aging pages…) as well as this site's listings — gives dates and times in Lima time, not
UTC, and writes text a spreadsheet would run as a formula as text.

Wagtail writes all of them through one mixin, ``SpreadsheetExportMixin``: its XLSX turns
an aware date-time into naive UTC and its CSV writes "+00:00", and it offers no setting
for either. So :func:`apply`, called once from ``CocreaConfig.ready``, sets both rules on
the mixin itself: one place for every export.
"""

import datetime

from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from core.spreadsheets import formula_safe


def local_time(value: datetime.datetime) -> datetime.datetime:
    """A date-time as Lima's clock shows it, without a zone (spreadsheets keep none)."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def apply(mixin=SpreadsheetExportMixin) -> None:
    if getattr(mixin, "_cocrea_exports", False):
        return
    mixin.custom_value_preprocess = {
        **mixin.custom_value_preprocess,
        datetime.datetime: {mixin.FORMAT_XLSX: local_time, mixin.FORMAT_CSV: local_time},
    }
    write_csv_row = mixin.write_csv_row

    def write_formula_safe_csv_row(self, writer, row_dict):
        return write_csv_row(self, writer, {field: formula_safe(value) for field, value in row_dict.items()})

    mixin.write_csv_row = write_formula_safe_csv_row
    mixin._cocrea_exports = True
