"""Persistence for Coach: tables, queries and migrations. All SQL lives in this package."""
