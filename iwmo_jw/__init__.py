"""The message adapter: a pure codec for iWmo 3.2 and iJw 3.2 (``iwmo_jw.codec``, which imports
nothing of the domain apps) and the berichtenbox (inbox/outbox, deadlines)."""
