from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "outsidein.compliance"
    label = "compliance"
    verbose_name = "Compliance results"
