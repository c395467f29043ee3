from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from inkoop.api.toewijzingen import ClientViewSet, ToewijzingViewSet
from inkoop.api.verzoeken import RegiemeldingViewSet, SlaViewSet, VerzoekViewSet
from inkoop.api.views import (
    AanbiedersZoekenViewSet,
    CapaciteitViewSet,
    ClientstopViewSet,
    InkooptrajectViewSet,
    InschrijvingViewSet,
    PerceelViewSet,
)

router = SimpleRouter()
router.register("inkooptrajecten", InkooptrajectViewSet, basename="inkooptraject")
router.register("percelen", PerceelViewSet, basename="perceel")
router.register("inschrijvingen", InschrijvingViewSet, basename="inschrijving")
router.register("capaciteit", CapaciteitViewSet, basename="capaciteitsmelding")
router.register("clientstops", ClientstopViewSet, basename="clientstop")
router.register("aanbieders-zoeken", AanbiedersZoekenViewSet, basename="aanbieders-zoeken")
router.register("clienten", ClientViewSet, basename="client")
router.register("toewijzingen", ToewijzingViewSet, basename="toewijzing")
router.register("verzoeken", VerzoekViewSet, basename="verzoek")
router.register("regiemeldingen", RegiemeldingViewSet, basename="regiemelding")
router.register("sla", SlaViewSet, basename="sla")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
