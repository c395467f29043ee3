from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from kern.constants import AuditActie


class AuditRecord(models.Model):
    """Who changed what, when, with the state before and after. Written by services only,
    in the same transaction as the change; never updated or deleted."""

    tijdstip = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebruiker"),
        help_text=_("Leeg bij systeemacties (import, taak)."),
    )
    actie = models.CharField(
        _("actie"), max_length=20, choices=AuditActie.choices, help_text=_("Soort wijziging.")
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("objecttype"),
        help_text=_("Het soort object dat is gewijzigd."),
    )
    object_id = models.CharField(
        _("object-id"), max_length=64, help_text=_("Primaire sleutel van het object.")
    )
    object_omschrijving = models.CharField(
        _("object"),
        max_length=255,
        help_text=_("Leesbare omschrijving op het moment van wijzigen."),
    )
    toelichting = models.TextField(
        _("toelichting"), blank=True, help_text=_("Reden of context van de wijziging.")
    )
    voor = models.JSONField(
        _("voor"), null=True, blank=True, encoder=DjangoJSONEncoder, help_text=_("Toestand vooraf.")
    )
    na = models.JSONField(
        _("na"), null=True, blank=True, encoder=DjangoJSONEncoder, help_text=_("Toestand achteraf.")
    )

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")
        ordering = ["-tijdstip", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actie__in=AuditActie.values), name="audit_actie_geldig"
            )
        ]

    def __str__(self) -> str:
        return f"{self.actie} {self.object_omschrijving}"
