from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "outsidein.interactions"
    label = "interactions"
    verbose_name = "Interaction imports"
