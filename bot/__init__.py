"""The recs domain: services, rules, dates, reports, importers and Block Kit views."""
