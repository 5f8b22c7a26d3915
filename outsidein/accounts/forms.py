"""Password forms: Django's, in the Ontario Design System's look, saving through services."""

import unicodedata

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from outsidein.accounts.services import user_password_change, user_password_reset


def _folded(email: str) -> str:
    return unicodedata.normalize("NFKC", email).casefold()


def _styled(form) -> None:
    for field in form.fields.values():
        field.widget.attrs["class"] = "ontario-input"
    if "new_password1" in form.fields:
        # Django's help is an HTML list, which cannot sit in the hint paragraph a field's
        # aria-describedby names; the same rules, translated by Django, as one sentence each.
        form.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts())


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The old password, then the new one twice (AUTH_PASSWORD_VALIDATORS apply)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def save(self, commit=True):
        user_password_change(user=self.user, password=self.cleaned_data["new_password1"],
                             by=self.user)
        return self.user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """An e-mail address; a reset link goes to the accounts that have it, if any."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def get_users(self, email):
        # Unlike Django's default, an account without a usable password is included: that is
        # how an account created without a password (user_create) gets its first one. No
        # outside directory signs anyone in here, so no password is managed elsewhere.
        wanted = _folded(email)
        candidates = auth_forms.UserModel._default_manager.filter(email__iexact=email,
                                                                  is_active=True)
        # The exact Unicode comparison (Django's too): iexact alone could match a look-alike.
        return (user for user in candidates if _folded(user.email) == wanted)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password twice, after following a reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def save(self, commit=True):
        user_password_reset(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user
