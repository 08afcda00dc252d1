"""The domain: models, workflow, deadlines, audit. Imports no Qt."""
