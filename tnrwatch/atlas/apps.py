from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_record_version(sender, using: str = "default", **kwargs) -> None:  # noqa: ANN001, ARG001 - signal signature
    # After every migrate: a registry table added or rebuilt since (SQLite's schema editor remakes
    # tables on many changes, dropping their triggers) gets the record version's triggers.
    from django.db import connections

    from . import record_version

    record_version.install(connections[using])


class AtlasConfig(AppConfig):
    name = "tnrwatch.atlas"
    label = "atlas"

    def ready(self) -> None:
        post_migrate.connect(_install_record_version, sender=self, dispatch_uid="atlas.record_version")
