"""Forms of the people pages: adding a person to an organisation, changing their role."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db.models import QuerySet
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.choices import Role
from cleanprod.web.accounts.models import Profile

#: Letters and digits of a generated password, without the look-alikes (l, 1, o, 0).
PASSWORD_CHARACTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generated_password() -> str:
    """A password for a new person, to be told to them once (14 characters, ~80 bits)."""
    return get_random_string(14, PASSWORD_CHARACTERS)


#: The fields of a person's user that the people pages change.
USER_FIELDS = ("first_name", "last_name", "email")


class ProfileFields(forms.ModelForm):
    """The role, enterprise and language of a person, and the name and email of their user;
    the enterprise only among those of their organisation, and only for an enterprise user."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    class Meta:
        model = Profile
        fields = ["role", "enterprise", "language"]
        help_texts = {
            "enterprise": _("Only for an enterprise user: the enterprise whose data they see.")
        }

    def __init__(self, *args: Any, enterprises: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises.select_related("organisation")
        self.fields["enterprise"].required = False
        if self.instance.pk:
            for name in USER_FIELDS:
                self.initial.setdefault(name, getattr(self.instance.user, name))

    def user_changes(self) -> dict[str, list[str]]:
        """The user's fields this form changes: field → [before, after]."""
        user = self.instance.user
        return {
            name: [getattr(user, name), self.cleaned_data[name]]
            for name in USER_FIELDS
            if getattr(user, name) != self.cleaned_data[name]
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organisation = self._organisation()
        enterprise = cleaned.get("enterprise")
        if cleaned.get("role") != Role.ENTERPRISE_USER:
            # Only an enterprise user is tied to an enterprise (Profile.clean says so too).
            cleaned["enterprise"] = None
        elif (
            enterprise is not None
            and organisation is not None
            and enterprise.organisation_id != organisation.pk
        ):
            self.add_error(
                "enterprise",
                _("%(enterprise)s is registered by %(other)s, not by %(organisation)s.")
                % {
                    "enterprise": enterprise,
                    "other": enterprise.organisation,
                    "organisation": organisation,
                },
            )
        return cleaned

    def _organisation(self) -> Any:
        return self.instance.organisation if self.instance.organisation_id else None


class PersonCreateForm(ProfileFields):
    """A new person: their user name, name, email, organisation (when the administrator
    manages several), role, enterprise, and a password given or generated."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    password1 = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave both password fields empty to have one generated and shown once."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "organisation",
        "role",
        "enterprise",
        "language",
        "password1",
        "password2",
    ]

    def __init__(self, *args: Any, organisations: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # An administrator of one organisation adds people to it, without choosing.
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            del self.fields["organisation"]

    def clean_username(self) -> str:
        username = get_user_model().normalize_username(self.cleaned_data["username"])
        field = get_user_model()._meta.get_field("username")
        for validator in field.validators:
            validator(username)
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("The user name %(username)s is taken: choose another."),
                params={"username": username},
            )
        return username

    def _organisation(self) -> Any:
        return self.only_organisation or self.cleaned_data.get("organisation")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first or second:
            if first != second:
                self.add_error("password2", _("The two passwords differ: type them again."))
            else:
                user = get_user_model()(
                    username=cleaned.get("username", ""),
                    first_name=cleaned.get("first_name", ""),
                    last_name=cleaned.get("last_name", ""),
                    email=cleaned.get("email", ""),
                )
                try:
                    password_validation.validate_password(first, user)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned

    def _post_clean(self) -> None:
        organisation = self._organisation()
        if organisation is not None:
            self.instance.organisation = organisation
        super()._post_clean()
