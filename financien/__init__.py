"""financien: budgets, the double-entry ledger with two-phase reservations (see DESIGN.md)."""
