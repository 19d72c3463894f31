"""Every form of the service, sent empty and sent far too long, answers in GOV.UK's words: each message names its
field ("Enter the financial year of the plan", "Reference must be 20 characters or fewer"), none is Django's
default wording, and no message is given twice.

The forms are found, not listed: every form class in the apps' form modules is walked, so a new form is checked
the day it is written. Forms needing more than their data are given it by FORM_ARGUMENTS.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps as django_apps
from django.conf import settings
from django.test import RequestFactory

from plans.access import people_of
from projects.models import OutputTarget

# Every app of the project's own (not Django's or a library's): a new app's forms are checked without a list to keep.
APPS = [config.name for config in django_apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR]

# Django's own wording, which GOV.UK's pattern replaces with messages naming the field.
DJANGO_DEFAULTS = [
    "This field is required",
    "Ensure this value",
    "Select a valid choice",
    "Enter a valid",
    "Enter a whole number",
    "Enter a number",
    "Enter a list of values",
    "No file was submitted",
    "The submitted file is empty",
    "Upload a valid image",
    "Select an option",
]


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.iter_modules(package.__path__):
            if "form" not in module_info.name:
                continue
            module = importlib.import_module(f"{app}.{module_info.name}")
            for obj in vars(module).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == module.__name__
                    and obj.base_fields  # the base classes (BaseForm, BaseModelForm) have no fields
                    # nor is a model form's base for several models (items.forms.PlanItemForm): its subclasses are
                    and not (issubclass(obj, forms.ModelForm) and obj._meta.model is None)
                ):
                    found.append(obj)
    return found


FORMS = form_classes()


def _user_form(world: Any) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="form-walker")
    return {"user": user}


# Keyword arguments some forms need beyond their data, by class name.
FORM_ARGUMENTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "DashboardFilterForm": lambda w: {"objectives": [], "lead_agencies": ["Metropolitan Police"]},
    "MomentForm": lambda w: {"meetings": []},
    "HistoryFilterForm": lambda w: {"people": ["coordinator"], "items": []},
    "MembershipAddForm": lambda w: {"people": people_of(w.council)},
    "ActionForm": lambda w: {"plan": w.plan},
    "ProjectForm": lambda w: {"plan": w.plan},
    "ProjectStatusForm": lambda w: {"targets": [OutputTarget.objects.create(project=w.project, description="Talks")]},
}
# Forms built on Django's authentication forms take the user first.
NEEDS_USER = {"PasswordChangeForm", "AcceptInvitationForm"}


def build(form_class: type[forms.BaseForm], world: Any, data: dict[str, Any]) -> forms.BaseForm:
    kwargs = FORM_ARGUMENTS.get(form_class.__name__, lambda w: {})(world)
    if form_class.__name__ in NEEDS_USER:
        return form_class(_user_form(world)["user"], data, **kwargs)
    if form_class.__name__ == "SignInForm":
        return form_class(RequestFactory().post("/accounts/login/"), data=data)  # django-axes needs the request
    return form_class(data, **kwargs)


def too_long(form: forms.BaseForm) -> dict[str, str]:
    """Every field (and every part of a date) filled with far more than any limit allows."""
    data = {}
    for name, bound in form.fields.items():
        widget = bound.widget
        if isinstance(widget, forms.MultiWidget):
            for suffix in widget.widgets_names:
                data[f"{name}{suffix}"] = "9" * 3000
        else:
            data[name] = "x" * 100_000
    return data


def messages(form: forms.BaseForm) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


def check(form: forms.BaseForm) -> None:
    form.is_valid()
    found = messages(form)
    for message in found:
        for default in DJANGO_DEFAULTS:
            assert default not in message, f"{type(form).__name__}: Django's wording {message!r}"
    assert len(found) == len(set(found)), f"{type(form).__name__} repeats a message: {found}"


def test_every_form_is_found():
    names = {form.__name__ for form in FORMS}
    assert {"StatusUpdateForm", "ActionForm", "PlanCreateForm", "MembershipAddForm", "AsAtForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=[form.__name__ for form in FORMS])
def test_an_empty_form_answers_in_govuk_words(world, form_class):
    check(build(form_class, world, {}))


@pytest.mark.parametrize("form_class", FORMS, ids=[form.__name__ for form in FORMS])
def test_a_form_far_too_long_answers_in_govuk_words(world, form_class):
    form = build(form_class, world, {})
    check(build(form_class, world, too_long(form)))


@pytest.mark.parametrize("form_class", FORMS, ids=[form.__name__ for form in FORMS])
def test_no_radio_offers_an_empty_option(world, form_class):
    """A radio button with no value ("---------", "Select an option") is not a choice GOV.UK radios offer."""
    form = build(form_class, world, {})
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.RadioSelect):
            values = [str(value) for value, _ in field.widget.choices]
            assert "" not in values, f"{form_class.__name__}.{name} offers an empty radio"
