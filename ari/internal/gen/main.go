// Command gen generates the ari package's models, events and REST calls from
// Asterisk 22's ARI description (the shared asterisk-ari-22/*.json). Run it
// with `go generate ./ari`.
package main

import (
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"

	"github.com/switchboard-pbx/switchboard/ari/aritest"
)

func main() {
	spec := flag.String("spec", "", "folder of the ARI description (default: located via aritest.SharedDir)")
	out := flag.String("out", ".", "output folder (the ari package)")
	flag.Parse()
	if *spec == "" {
		shared, err := aritest.SharedDir()
		if err != nil {
			log.Fatal(err)
		}
		*spec = filepath.Join(shared, "asterisk-ari-22")
	}
	specs, err := loadSpecs(*spec)
	if err != nil {
		log.Fatal(err)
	}
	files, err := generate(specs)
	if err != nil {
		log.Fatal(err)
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(*out, name), src, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %d files\n", len(files))
}

// generate returns every generated file, gofmt-ed, by name.
func generate(specs []*Spec) (map[string][]byte, error) {
	models, events := collect(specs)
	files := map[string]string{
		"models_gen.go":      genModels(models, events),
		"events_gen.go":      genEvents(models, events),
		"models_gen_test.go": genModelTable(models),
		"consts_gen.go":      genConsts(specs),
	}
	for name, src := range genREST(specs, models) {
		files[name] = src
	}
	out := map[string][]byte{}
	for name, src := range files {
		formatted, err := format.Source([]byte(src))
		if err != nil {
			return nil, fmt.Errorf("format %s: %w", name, err)
		}
		out[name] = formatted
	}
	return out, nil
}
