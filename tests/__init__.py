"""Tests for recs: unit tests beside end-to-end tests that drive the app over HTTP."""
