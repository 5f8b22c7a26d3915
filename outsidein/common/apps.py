from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "outsidein.common"
    label = "common"
    verbose_name = "Common"
