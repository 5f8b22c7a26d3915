"""The compliance engine (pure): rules, queries, evaluation, periods, fingerprints, record reading.

No Django here (an import-linter contract checks it): the engine takes plain plans
(evaluation.VersionPlan), calendars (workdays.Calendar) and an open analytical engine
(warehouse.engines), builds SQLGlot expressions and turns the rows into figures.
compliance.selectors builds the plans from the database; compliance.services stores results.
"""
