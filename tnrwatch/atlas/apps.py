from django.apps import AppConfig


class AtlasConfig(AppConfig):
    name = "tnrwatch.atlas"
    label = "atlas"
