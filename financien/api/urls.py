from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

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

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
