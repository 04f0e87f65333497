"""Paginated lists: `?page=N`, 1-based; the body names its items and gives page, pages, total."""

from django.core.paginator import EmptyPage, Paginator
from ninja import Query, Schema

from .problems import ApiProblem

PAGE_SIZE = 50


def page_query():
    return Query(1, description="Numéro de page, à partir de 1", ge=1)


class PageMeta(Schema):
    page: int
    pages: int
    total: int


def invalid_page(pages: int) -> ApiProblem:
    return ApiProblem(
        400,
        "Page invalide",
        f"Le paramètre page doit être un entier entre 1 et {max(pages, 1)}.",
    )


def paginate(queryset, page: int, *, size: int = PAGE_SIZE):
    """The page's objects and its counts; a page beyond the last is a 400 (not an empty list,
    which a client looping on pages could not tell from the end)."""
    paginator = Paginator(queryset, size)
    try:
        current = paginator.page(page)
    except EmptyPage:
        raise invalid_page(paginator.num_pages) from None
    meta = {"page": current.number, "pages": paginator.num_pages, "total": paginator.count}
    return current.object_list, meta
