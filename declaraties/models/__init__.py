from declaraties.models.declaratie import (
    Beoordelingsinstelling,
    Declaratie,
    DeclaratieStatusWijziging,
    Invoer,
    Prestatie,
    PrestatieStatusWijziging,
    RegelInstelling,
)

__all__ = [
    "Beoordelingsinstelling",
    "Declaratie",
    "DeclaratieStatusWijziging",
    "Invoer",
    "Prestatie",
    "PrestatieStatusWijziging",
    "RegelInstelling",
]
