from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from iwmo_jw.api.views import InkomendBerichtViewSet, TermijnViewSet, UitgaandBerichtViewSet

router = SimpleRouter()
router.register("inkomend", InkomendBerichtViewSet, basename="inkomend-bericht")
router.register("uitgaand", UitgaandBerichtViewSet, basename="uitgaand-bericht")
router.register("termijnen", TermijnViewSet, basename="termijn")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
