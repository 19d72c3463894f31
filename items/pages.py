"""The pages of one kind of plan item, as its app configures them, and their addresses.

An app names its model, its access function, its content form and its services module; `ItemPages` makes the
views (each with the methods it answers in plain sight in `urls()`) from the flows in `items.views`.
"""

from collections.abc import Callable
from functools import partial
from types import ModuleType
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from core.status_form import StatusUpdateForm
from plans.access import get_plan_for_user

from . import views
from .access import can_update_status
from .forms import PlanItemForm
from .models import PlanItem

GET_AND_POST = require_http_methods(["GET", "POST"])


class ItemPages:
    """One kind of item's pages.

    `get_for_user(user, pk, *, write=False)` is the app's access function. `services` is the app's services module,
    whose workflows are named as the conventions name them: `<noun>_create`, `<noun>_change`,
    `<noun>_update_status`, `<noun>_withdraw`, `<noun>_reinstate` and `<noun>_delete`, each taking the item by its
    noun. `context(item)` adds what the app's template, `<app>/<noun>_detail.html`, shows beyond the shared page.
    """

    def __init__(
        self,
        model: type[PlanItem],
        get_for_user: Callable[..., PlanItem],
        form_class: type[PlanItemForm],
        services: ModuleType,
        *,
        status_form_class: type[StatusUpdateForm] = StatusUpdateForm,
        context: Callable[[PlanItem], dict[str, Any]] = lambda item: {},
    ) -> None:
        self.model, self.get_for_user, self.form_class, self.services = model, get_for_user, form_class, services
        self.status_form_class, self.context = status_form_class, context
        self.app, self.noun = model._meta.app_label, model.noun

    def _service(self, verb: str, item: PlanItem) -> Callable[..., Any]:
        return partial(getattr(self.services, f"{self.noun}_{verb}"), **{self.noun: item})

    def detail(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_for_user(request.user, pk)
        template = f"{self.app}/{self.noun}_detail.html"
        return views.item_page(request, item, template=template, **self.context(item))

    def update_status(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_for_user(request.user, pk)
        # 404 if they may not see it (above), 403 if they may see it but not report on it.
        if not can_update_status(request.user, item):
            raise PermissionDenied
        form_class = self.status_form_class
        update = self._service("update_status", item)
        return views.status_update_page(
            request, item, update=update, form_class=form_class, **form_class.arguments_for(item)
        )

    def create(self, request: HttpRequest, plan_pk: int) -> HttpResponse:
        plan = get_plan_for_user(request.user, plan_pk, write=True)
        form = self.form_class(request.POST or None, plan=plan, instance=self.model(plan=plan))
        article = "an" if self.noun[0] in "aeiou" else "a"
        create = getattr(self.services, f"{self.noun}_create")
        return views.create_page(request, plan, form=form, create=create, title=f"Add {article} {self.noun}")

    def edit(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_for_user(request.user, pk, write=True)
        return views.edit_page(request, item, form_class=self.form_class, change=self._service("change", item))

    def withdraw(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_for_user(request.user, pk, write=True)
        withdraw, reinstate = self._service("withdraw", item), self._service("reinstate", item)
        return views.withdraw_or_reinstate(request, item, withdraw=withdraw, reinstate=reinstate)

    def delete(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_for_user(request.user, pk, write=True)
        return views.confirm_delete(request, item, delete=self._service("delete", item))

    def evidence(self, request: HttpRequest, pk: int) -> FileResponse:
        # The same check as the item's page: whoever may see the item may read its evidence; nobody else.
        update_model = self.model._meta.get_field("status_updates").related_model
        return views.evidence_download(request, pk, model=update_model, get_item=self.get_for_user)

    def urls(self) -> list[URLPattern]:
        """The addresses of the pages, named as `<app>:<page>` ("actions:update_status")."""
        app = self.app
        return [
            path(f"{app}/<int:pk>/", require_GET(self.detail), name="detail"),
            path(f"{app}/<int:pk>/status/", GET_AND_POST(self.update_status), name="update_status"),
            path(f"{app}/<int:pk>/edit/", GET_AND_POST(self.edit), name="edit"),
            path(f"{app}/<int:pk>/withdraw/", GET_AND_POST(self.withdraw), name="withdraw"),
            path(f"{app}/<int:pk>/delete/", GET_AND_POST(self.delete), name="delete"),
            path(f"{app}/updates/<int:pk>/evidence/", require_GET(self.evidence), name="evidence"),
            path(f"plans/<int:plan_pk>/{app}/new/", GET_AND_POST(self.create), name="create"),
        ]
