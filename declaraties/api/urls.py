from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from declaraties.api.views import (
    BeoordelingsinstellingViewSet,
    CreditverzoekViewSet,
    DeclaratieViewSet,
    PrestatieViewSet,
    RegelInstellingViewSet,
    WerkvoorraadViewSet,
)

router = SimpleRouter()
router.register("declaraties", DeclaratieViewSet, basename="declaratie")
router.register("prestaties", PrestatieViewSet, basename="prestatie")
router.register("werkvoorraad", WerkvoorraadViewSet, basename="werkvoorraad")
router.register(
    "beoordelingsinstellingen", BeoordelingsinstellingViewSet, basename="beoordelingsinstelling"
)
router.register("regelinstellingen", RegelInstellingViewSet, basename="regelinstelling")
router.register("creditverzoeken", CreditverzoekViewSet, basename="creditverzoek")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
