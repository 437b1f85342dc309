"""TravelCRM: a multi-tenant back office for travel agencies and tour operators."""

__version__ = "0.1.0"
