"""Zorgaanbieders, the product catalogue, contracts with versions, dated tariffs, SLA norms and
spending caps (bestedingsruimte)."""
