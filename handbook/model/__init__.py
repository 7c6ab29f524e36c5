"""The handbook as data: documents, the regulation registry, the home's facts, findings."""
