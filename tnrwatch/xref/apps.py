from django.apps import AppConfig


class XrefConfig(AppConfig):
    name = "tnrwatch.xref"
    label = "xref"
    default_auto_field = "django.db.models.BigAutoField"
