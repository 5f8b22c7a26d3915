from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "outsidein.demo"
    label = "demo"
    verbose_name = "Demo organization"
