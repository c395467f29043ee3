from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from financien.api.betaalbatches import (
    BetaalbatchViewSet,
    BetaalrekeningViewSet,
    RekeningViewSet,
)
from financien.api.signaleringen import (
    DoorrollenView,
    PrognoseView,
    SignaleringsdrempelViewSet,
    SignaleringViewSet,
    VerplichtingenView,
)
from financien.api.views import (
    BegrotingsjaarViewSet,
    BoekingViewSet,
    BudgetpostViewSet,
    ReserveringViewSet,
    ToewijzingsregelViewSet,
)

router = SimpleRouter()
router.register("budgetposten", BudgetpostViewSet, basename="budgetpost")
router.register("begrotingsjaren", BegrotingsjaarViewSet, basename="begrotingsjaar")
router.register(
    "budgetpost-toewijzingsregels", ToewijzingsregelViewSet, basename="budgetpost-toewijzingsregel"
)
router.register("boekingen", BoekingViewSet, basename="boeking")
router.register("reserveringen", ReserveringViewSet, basename="reservering")
router.register("rekeningen", RekeningViewSet, basename="rekening")
router.register("betaalbatches", BetaalbatchViewSet, basename="betaalbatch")
router.register("betaalrekeningen", BetaalrekeningViewSet, basename="betaalrekening")
router.register("signaleringen", SignaleringViewSet, basename="signalering")
router.register("signaleringsdrempels", SignaleringsdrempelViewSet, basename="signaleringsdrempel")

urlpatterns: list[URLPattern | URLResolver] = [
    path("budgetposten/<str:uuid>/prognose/", PrognoseView.as_view(), name="budgetpost-prognose"),
    path("begrotingsjaren/doorrollen/", DoorrollenView.as_view(), name="begrotingsjaar-doorrollen"),
    path("verplichtingen/", VerplichtingenView.as_view(), name="verplichtingen"),
    *router.urls,
]
