"""iwmo_jw: filled by a later issue (see DESIGN.md)."""
