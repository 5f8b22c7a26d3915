from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "outsidein.standards"
    label = "standards"
    verbose_name = "Services and standards"
