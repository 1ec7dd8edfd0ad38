"""From the store's workspace to a report model: data lookups, references in prose, pages."""
