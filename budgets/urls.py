"""An edition's open-data files: file names below its URL (see :mod:`core.page_files`)."""

from core.page_files import page_file_path

app_name = "budgets"

urlpatterns = [page_file_path(r"(?:pabulib-[a-z0-9-]+\.pb|resultados\.(?:csv|json)|papeletas\.csv)", name="files")]
