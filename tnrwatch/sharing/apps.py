from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "tnrwatch.sharing"
    label = "sharing"
