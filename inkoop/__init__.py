"""inkoop: procurement (inkooptrajecten, percelen, inschrijvingen that become contracts),
capacity and waiting times, and the provider search for regisseurs (see DESIGN.md)."""
