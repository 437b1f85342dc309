"""The REST API: app factory and the conventions every route follows."""
