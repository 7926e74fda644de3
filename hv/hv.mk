# karasu-hv (filled in by the karasu-hv work).
