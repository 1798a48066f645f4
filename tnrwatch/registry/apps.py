from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tnrwatch.registry"
    label = "registry"
