from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tnrwatch.intake"
    label = "intake"
