from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Open Badges credentials"

    def ready(self) -> None:
        # Certificates live below this app: it hears of a new one through reflections'
        # hook and puts the badge on the certificate and verification pages as panels.
        from portal.hooks import register_panel
        from reflections.hooks import register_certificate_listener

        from . import panels, services

        register_certificate_listener(services.credential_issue_for)
        register_panel("certificate", panels.certificate_badge)
        register_panel("certificate_verify", panels.verification_badge)
