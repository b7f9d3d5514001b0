"""Material and energy balances: reconciliation, diagnosis of gross errors, meter advice."""
