"""File exchange with the Government of Canada's open-data layouts, and open data.

The layer between the pages and API and the domain apps (ADR 0016): it reads and writes
organizations, services, standards and compliance results, always writing through the owning
app's services. One import pipeline (pipeline.py) serves every layout; each layout package
(gc_inventory, gc_standards) holds its columns, mapping, importer steps, exporter and report.
"""
