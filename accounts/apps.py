from django.apps import AppConfig, apps
from django.conf import settings

# The admin lists apps by their verbose names: the libraries' own ("AXES", "OTP_TOTP") mean
# nothing to a council's administrator.
LIBRARY_APP_NAMES = {
    "axes": "Sign-in attempts and lockouts",
    "otp_totp": "Second factor: authenticator apps",
    "otp_static": "Second factor: recovery codes",
    "django_otp": "Second factor",
    "simple_history": "Change history",
    "auth": "Roles and permissions",
}


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and the access audit"

    def ready(self) -> None:
        from django.contrib import admin

        from accounts import checks  # noqa: F401  (registers the project's security checks)

        for label, name in LIBRARY_APP_NAMES.items():
            config = apps.app_configs.get(label)
            if config is not None:
                config.verbose_name = name
        admin.site.site_header = f"{settings.COUNCIL_NAME}: Children's Services administration"
        admin.site.site_title = f"{settings.COUNCIL_NAME} Children's Services"
        admin.site.index_title = "Users, teams, reference data and imports"
