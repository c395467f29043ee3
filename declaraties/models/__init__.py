from declaraties.models.declaratie import (
    Beoordelingsinstelling,
    Creditering,
    Declaratie,
    DeclaratieStatusWijziging,
    Invoer,
    Prestatie,
    Prestatiebeoordelaars,
    PrestatieStatusWijziging,
    RegelInstelling,
)

__all__ = [
    "Beoordelingsinstelling",
    "Creditering",
    "Declaratie",
    "DeclaratieStatusWijziging",
    "Invoer",
    "Prestatie",
    "PrestatieStatusWijziging",
    "Prestatiebeoordelaars",
    "RegelInstelling",
]
