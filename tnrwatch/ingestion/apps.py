from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "tnrwatch.ingestion"
    label = "ingestion"
