# karasu-rv (filled in by the karasu-rv work).
