"""The timeline: what happened to a query, a customer (and next an itinerary, a quote, a
booking), newest first: notes, logged calls and emails, @mentions, status changes,
assignments, SLA breaches, merges."""
