package postgres

// UseCopyInsert switches s to the COPY-into-temp-table strategy, for the
// benchmark that compares the two.
func UseCopyInsert(s *Store) { s.insert = insertCopy }
