from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "outsidein.publishing"
    label = "publishing"
    verbose_name = "Public pages"
