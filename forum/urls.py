"""The forum's meetings calendar: a file name below the forum's URL (see
:mod:`cocrea.page_files`)."""

from cocrea.page_files import page_file_path

app_name = "forum"

urlpatterns = [page_file_path(r"reuniones\.ics", name="calendar")]
