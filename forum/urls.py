"""The forum's meetings calendar: a file name below the forum's URL (see
:mod:`core.page_files`)."""

from core.page_files import page_file_path

app_name = "forum"

urlpatterns = [page_file_path(r"reuniones\.ics", name="calendar")]
