from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness for a load balancer: the process answers. Dependencies are not checked here."""
    return JsonResponse({"status": "ok"})
