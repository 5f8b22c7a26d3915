from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "outsidein.common"
    label = "common"
    verbose_name = "Common"

    def ready(self):
        # Registers the deploy check on SECRET_KEY.
        from outsidein.common import secret_key  # noqa: F401
