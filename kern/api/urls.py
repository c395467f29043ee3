from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView
from rest_framework.routers import SimpleRouter

from kern.api.views import GemeenteViewSet, TokenAanvragenView

router = SimpleRouter()
router.register("gemeenten", GemeenteViewSet, basename="gemeente")

urlpatterns: list[URLPattern | URLResolver] = [
    # /api/v1/ itself: the interactive documentation.
    path("", RedirectView.as_view(pattern_name="api-docs", permanent=False), name="api-root"),
    path("auth/token/", TokenAanvragenView.as_view(), name="token-aanvragen"),
    *router.urls,
]
