"""allauth's sign-in form, in its own module: allauth's forms import portal.forms
(the sign-up form class), so importing theirs from there would be circular."""

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, able to say that the account is locked for now."""

    @property
    def is_throttled(self) -> bool:
        """True when the sign-in was refused for too many failed attempts, whatever the
        password; the page then offers a sign-in code by email instead."""
        return any(
            error.code == "too_many_login_attempts" for error in self.non_field_errors().as_data()
        )
