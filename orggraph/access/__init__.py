"""Who may do what: accounts (roles, areas, argon2 passwords) and the audit log. Above the model only."""
