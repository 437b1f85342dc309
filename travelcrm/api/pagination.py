"""The API's paging parameters: `limit` (capped at the server maximum) and the `cursor` a
previous page gave as `meta.next_cursor`. The paging itself is `travelcrm.core.pagination`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from travelcrm.core.pagination import PageParams
from travelcrm.settings import get_settings


async def page_params(  # async: FastAPI would hand a plain function to the thread pool
    limit: Annotated[
        int | None, Query(ge=1, description="Page size; capped at the server maximum")
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` from the previous page")
    ] = None,
) -> PageParams:
    settings = get_settings()
    size = min(limit or settings.api_page_limit_default, settings.api_page_limit_max)
    return PageParams(limit=size, cursor=cursor)


Paging = Annotated[PageParams, Depends(page_params)]
"""A list route's `limit` and `cursor`."""
