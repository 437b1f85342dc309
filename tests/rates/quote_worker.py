"""A price-lookup process for the cache tests: it shares the run's database (and Redis) with the
test process through the environment it inherits, and answers one lookup per line it reads:
`{"tenant_id", "user_id", "service_id", "check_in"}` -> `{"net": "6000.00"}` or
`{"error": "<reason>"}`. It stays up between lookups, so its in-process cache lives on."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import date

from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import pricing
from travelcrm.rates.schemas import PriceQuery


def main() -> None:
    for line in sys.stdin:
        asked = json.loads(line)
        ctx = TenantContext(uuid.UUID(asked["tenant_id"]), uuid.UUID(asked["user_id"]), Role.OWNER)
        query = PriceQuery(
            service_id=uuid.UUID(asked["service_id"]),
            check_in=date.fromisoformat(asked["check_in"]),
        )
        try:
            with tenant_scope(ctx) as session:
                answer = {"net": str(pricing.quote_price(session, ctx, query).total_net)}
        except pricing.NoPriceError as exc:
            answer = {"error": exc.reason}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
