from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from contracten.api.tariefblad import (
    TariefbladExportView,
    TariefbladImportView,
    TariefbladSjabloonView,
)
from contracten.api.views import (
    BestedingsruimteViewSet,
    ContractViewSet,
    IkView,
    IndexatieView,
    ProductcategorieViewSet,
    ProductViewSet,
    SlaNormViewSet,
    TariefOpView,
    TariefperiodeViewSet,
    ZorgaanbiederViewSet,
)

router = SimpleRouter()
router.register("zorgaanbieders", ZorgaanbiederViewSet, basename="zorgaanbieder")
router.register("productcategorieen", ProductcategorieViewSet, basename="productcategorie")
router.register("producten", ProductViewSet, basename="product")
router.register("contracten", ContractViewSet, basename="contract")
router.register("tariefperioden", TariefperiodeViewSet, basename="tariefperiode")
router.register("sla-normen", SlaNormViewSet, basename="slanorm")
router.register("bestedingsruimten", BestedingsruimteViewSet, basename="bestedingsruimte")

urlpatterns: list[URLPattern | URLResolver] = [
    path("ik/", IkView.as_view(), name="ik"),
    path("tarief-op/", TariefOpView.as_view(), name="tarief-op"),
    path("indexaties/", IndexatieView.as_view(), name="indexatie"),
    path("tariefblad/", TariefbladExportView.as_view(), name="tariefblad-export"),
    path("tariefblad/sjabloon/", TariefbladSjabloonView.as_view(), name="tariefblad-sjabloon"),
    path("tariefblad/import/", TariefbladImportView.as_view(), name="tariefblad-import"),
    *router.urls,
]
