"""The small shared kernel: Gemeente, Wet, periods, money helpers, BSN, audit, roles."""
