"""The sign-in form: Django's, with GOV.UK's specific error messages per field."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's AuthenticationForm (throttling, inactive users, the session) with messages that
    say what to do ("Enter your username") instead of "This field is required."."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
