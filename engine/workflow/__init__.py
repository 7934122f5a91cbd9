"""SpiffWorkflow adapter: loads the models, runs workflows in memory. No database, no web."""
