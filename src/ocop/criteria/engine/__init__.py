"""The pure scoring engine: no database, no Django models. Input types are in `types`."""
