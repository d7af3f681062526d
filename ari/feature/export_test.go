package feature

// ExtensionColumns lists the extension columns Profiles reads (for tests).
func ExtensionColumns() []string {
	out := make([]string, len(extColumns))
	for i, c := range extColumns {
		out[i] = c.name
	}
	return out
}
