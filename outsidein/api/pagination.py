"""Limit/offset pages with bounded parameters (an unbounded offset overflows SQLite)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
MAX_OFFSET = 10**9


class Page(LimitOffsetPagination):
    """`?limit=&offset=`; the answer is {"items": [...], "count": total}."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Items per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
