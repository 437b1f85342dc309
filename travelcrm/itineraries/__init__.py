"""Itineraries: day-wise trips priced from published rates."""
