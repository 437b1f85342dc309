"""The Reflex app: registers pages and mounts the REST API. Nothing else."""

import reflex as rx

from travelcrm.api.app import create_api
from travelcrm.bootstrap import configure
from travelcrm.ui import routes
from travelcrm.ui.errors import backend_exception_handler
from travelcrm.ui.middleware import EventContextMiddleware
from travelcrm.ui.pages.audit import page as _audit  # noqa: F401  (registers the page)
from travelcrm.ui.pages.auth import choose as _choose  # noqa: F401  (registers the page)
from travelcrm.ui.pages.auth import links as _links  # noqa: F401  (registers the pages)
from travelcrm.ui.pages.auth import page as _auth  # noqa: F401  (registers the pages)
from travelcrm.ui.pages.auth import signup as _signup  # noqa: F401  (registers the page)
from travelcrm.ui.pages.customers import list_page as _customers  # noqa: F401  (registers the page)
from travelcrm.ui.pages.customers import page as _customer  # noqa: F401  (registers the page)
from travelcrm.ui.pages.errors.page import not_found_page
from travelcrm.ui.pages.home import page as _home  # noqa: F401  (registers the page)
from travelcrm.ui.pages.itineraries import list_page as _itineraries  # noqa: F401  (registers the page)
from travelcrm.ui.pages.itineraries import page as _itinerary  # noqa: F401  (registers the page)
from travelcrm.ui.pages.mail import log_page as _email_log  # noqa: F401  (registers the page)
from travelcrm.ui.pages.mail import templates_page as _email_templates  # noqa: F401  (registers the page)
from travelcrm.ui.pages.outbox import page as _outbox  # noqa: F401  (registers the page)
from travelcrm.ui.pages.pricing import fx_page as _fx_rates  # noqa: F401  (registers the page)
from travelcrm.ui.pages.pricing import markups_page as _markups  # noqa: F401  (registers the page)
from travelcrm.ui.pages.pricing import settings_page as _pricing  # noqa: F401  (registers the page)
from travelcrm.ui.pages.pricing import taxes_page as _taxes  # noqa: F401  (registers the page)
from travelcrm.ui.pages.profile import page as _profile  # noqa: F401  (registers the page)
from travelcrm.ui.pages.queries import board_page as _board  # noqa: F401  (registers the page)
from travelcrm.ui.pages.queries import list_page as _queries  # noqa: F401  (registers the page)
from travelcrm.ui.pages.queries import new_page as _new_query  # noqa: F401  (registers the page)
from travelcrm.ui.pages.queries import page as _query  # noqa: F401  (registers the page)
from travelcrm.ui.pages.queries import settings_page as _query_settings  # noqa: F401  (registers the page)
from travelcrm.ui.pages.queries import workload_page as _workload  # noqa: F401  (registers the page)
from travelcrm.ui.pages.quotes import list_page as _quotes  # noqa: F401  (registers the page)
from travelcrm.ui.pages.quotes import page as _quote  # noqa: F401  (registers the page)
from travelcrm.ui.pages.quotes import settings_page as _quote_settings  # noqa: F401  (registers the page)
from travelcrm.ui.pages.rates import list_page as _rate_lists  # noqa: F401  (registers the page)
from travelcrm.ui.pages.rates import page as _rate_list  # noqa: F401  (registers the page)
from travelcrm.ui.pages.ratesheets import page as _rate_import  # noqa: F401  (registers the page)
from travelcrm.ui.pages.sessions import page as _sessions  # noqa: F401  (registers the page)
from travelcrm.ui.pages.settings import page as _settings  # noqa: F401  (registers the page)
from travelcrm.ui.pages.suppliers import list_page as _suppliers  # noqa: F401  (registers the page)
from travelcrm.ui.pages.suppliers import page as _supplier  # noqa: F401  (registers the page)
from travelcrm.ui.pages.system import page as _system  # noqa: F401  (registers the page)
from travelcrm.ui.pages.users import page as _users  # noqa: F401  (registers the page)
from travelcrm.ui.tokens import keep_tabs_across_worker_loss

configure()

app = rx.App(api_transformer=create_api(), backend_exception_handler=backend_exception_handler)
app.add_middleware(EventContextMiddleware())
keep_tabs_across_worker_loss(app)  # a tab whose web worker dies keeps its page state
app.add_page(not_found_page, route=routes.NOT_FOUND, title="Not found · TravelCRM")
