from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "outsidein.compliance"
    label = "compliance"
    verbose_name = "Compliance results"

    def ready(self):
        # Results are recomputed when their inputs change (standards, calendars, records): the
        # lower layers announce it through common.changes, never by importing compliance.
        from outsidein.common.changes import on_inputs_changed
        from outsidein.compliance.services import compliance_recompute_on_change

        on_inputs_changed(compliance_recompute_on_change)
