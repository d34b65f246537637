"""allauth's account mail (verification, password reset, sign-in codes) goes through the
same queue as every other email, so no request waits for a mail server and a failed
send is retried with backoff."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from . import services

# Mail whose body is a key to the account: erased from the outbox once sent.
SECRET_MAIL = (
    "account/email/password_reset_key",
    "account/email/password_reset_code",
    "account/email/login_code",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's templates now, in the request (they need it), and queue the
        message for a worker instead of sending it here."""
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, mimetype in getattr(message, "alternatives", []) if "html" in mimetype),
            "",
        )
        services.email_queue(
            to=email,
            kind="account",
            subject=message.subject,
            text_body=message.body,
            html_body=html,
            erase_after_sending=template_prefix.startswith(SECRET_MAIL),
        )
