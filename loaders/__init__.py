"""Sources into records, never touching a database: the ledger layout (sheets and columns as data), reading
xlsx and CSV, typing what people type, validating against the schema, writing ledgers, generated demo regions."""
