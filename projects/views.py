from items.pages import ItemPages

from . import services
from .access import get_project_for_user
from .forms import ProjectForm, ProjectStatusForm
from .models import CommissionedProject


def _page_context(project: CommissionedProject) -> dict:
    """What a project's page shows beyond the shared page: the objectives it delivers, its outputs against target."""
    return {"objectives": project.objectives.order_by("number"), "output_targets": project.output_targets.all()}


pages = ItemPages(
    CommissionedProject,
    get_project_for_user,
    ProjectForm,
    services,
    status_form_class=ProjectStatusForm,
    context=_page_context,
)
