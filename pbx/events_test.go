package pbx

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari"
)

// TestEventFilterKeepsEveryEventTypeTheAppHandles reads the code the PBX
// runs on its event stream (the call core, every feature, this package: the
// non-test Go files under ari/core, ari/feature and pbx) and fails when it
// names an event type (ari.Dial, ari.ChannelEnteredBridge, ...) that the
// application's filter, ari.CallAppDisallowed, keeps Asterisk from sending:
// such code would wait for events that never come.
func TestEventFilterKeepsEveryEventTypeTheAppHandles(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string][]string{} // event type -> files naming it
	fset := token.NewFileSet()
	visit := func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ariName := ""
		for _, imp := range f.Imports {
			if strings.Trim(imp.Path.Value, `"`) == "github.com/switchboard-pbx/switchboard/ari" {
				ariName = "ari"
				if imp.Name != nil {
					ariName = imp.Name.Name
				}
			}
		}
		if ariName == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == ariName && slices.Contains(ari.EventTypes, sel.Sel.Name) {
					used[sel.Sel.Name] = append(used[sel.Sel.Name], rel)
				}
			}
			return true
		})
		return nil
	}
	for _, dir := range []string{"ari/core", "ari/feature", "pbx"} {
		if err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(dir)), visit); err != nil {
			t.Fatal(err)
		}
	}
	if len(used["StasisStart"]) == 0 || len(used["ChannelDestroyed"]) == 0 {
		t.Fatalf("the scan found no use of StasisStart/ChannelDestroyed (%v): it reads the wrong files", used)
	}
	for typ, files := range used {
		if slices.Contains(ari.CallAppDisallowed, typ) {
			t.Errorf("%s is handled in %v but ari.CallAppDisallowed filters it out", typ, slices.Compact(files))
		}
	}
}
