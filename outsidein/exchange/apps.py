from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    # No models: an app so that its management commands (inventory, standards) are found.
    name = "outsidein.exchange"
    label = "exchange"
    verbose_name = "File exchange and open data"
