from kern.models.audit import AuditRecord
from kern.models.gebruiker import Gebruiker
from kern.models.gemeente import Gemeente

__all__ = ["AuditRecord", "Gebruiker", "Gemeente"]
