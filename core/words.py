"""How the pages and messages about a record name it, so that its add, change and delete pages (core.edit_views)
word it the same way wherever they are."""

import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class Words:
    label: str  # the page titles of its forms: "Change objective 3"
    message: str  # the start of a message about it: "Objective 3 saved"
    called: str  # it alone, as a page title or a sentence starts: "Objective 3 was changed after you opened this form"
