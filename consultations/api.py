"""Read-only public JSON API (Wagtail API v2) for plans and consultations, for open-data reuse.

Wagtail's page endpoint serves only live pages without view restrictions. The documents
endpoint is not exposed: it would list every uploaded file, including unpublished drafts;
a plan's documents are listed, with their addresses, in the plan's own ``documents`` field.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
