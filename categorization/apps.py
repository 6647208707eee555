from django.apps import AppConfig


class CategorizationConfig(AppConfig):
    name = "categorization"
    verbose_name = "Categorization"
