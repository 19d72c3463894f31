from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.rag import RAG

register = template.Library()


@register.filter
def rag_tag(value: str) -> SafeString:
    """A GOV.UK tag for a RAG status: the colour never carries the meaning alone, the label does."""
    rag = RAG(value)
    return format_html('<strong class="govuk-tag {}">{}</strong>', rag.tag_class, rag.label)
