from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tnrwatch.core"
    label = "core"
