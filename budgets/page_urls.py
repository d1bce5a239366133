"""An edition's pages below its address, served by ``BudgetProcessPage``'s routes.

Each view is called with the edition's page first, then the request (Wagtail binds the
route to the page). The file names need their pattern in the site's URLconf too
(``budgets.urls``, see :mod:`core.page_files`).
"""

from django.urls import path, re_path

from .views import followup, proposals, results, voting

urlpatterns = [
    path("", proposals.overview, name="overview"),
    path("propuestas/", proposals.proposal_list, name="proposals"),
    path("propuestas/nueva/", proposals.proposal_new, name="new_proposal"),
    path("propuestas/<id:pk>/", proposals.proposal_detail, name="proposal"),
    path("propuestas/<id:pk>/apoyo/", proposals.proposal_support, name="support"),
    path("votar/", voting.ballot, name="ballot"),
    path("votar/elegir/", voting.ballot_choice, name="ballot_choice"),
    path("votar/enviar/", voting.ballot_cast, name="ballot_cast"),
    path("resultados/", results.results, name="results"),
    path("estadisticas/", results.statistics_page, name="statistics"),
    path("seguimiento/", followup.followup, name="followup"),
    path("seguimiento/<slug:province>/", followup.followup, name="followup_province"),
    path("proyectos/<id:pk>/", followup.project_detail, name="project"),
    path("proyectos/<id:pk>/seguir/", followup.project_follow, name="project_follow"),
    # Wagtail hands the path over with a trailing slash; the optional one matches it.
    re_path(r"^(?P<name>pabulib-[a-z0-9-]+\.pb)/?$", results.pb_file, name="pb"),
    re_path(r"^resultados\.csv/?$", results.results_csv, name="results_csv"),
    re_path(r"^resultados\.json/?$", results.results_json, name="results_json"),
    re_path(r"^papeletas\.csv/?$", results.ballots_csv, name="ballots_csv"),
]
