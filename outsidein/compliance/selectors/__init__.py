"""Compliance reads, one module per thing read.

- `plans`: the standard versions the engine measures, and their plans (rules, scope, calendars).
- `results`: stored results in a user's scope, and their trends for the dashboard.
- `records`: the records behind a stored result, and the open items at risk.
- `breaches`: guaranteed standards, and the breaches and refunds of one guarantee.
"""
