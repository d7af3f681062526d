package feature

// ExtensionColumns lists the extension columns Profiles reads (for tests).
func ExtensionColumns() []string {
	out := make([]string, len(extColumns))
	for i, c := range extColumns {
		out[i] = c.name
	}
	return out
}

// ProfileStatements reports how many profile batches ran on st's store.
func ProfileStatements(d StoreDirectory) int64 { return batcherFor(d.Store).runs.Load() }
