package ari

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/aritest"
)

// opCase is one REST call with every parameter set (see ops_gen_test.go).
type opCase struct {
	resource, nickname, method, path string
	call                             func(ctx context.Context, c *Client) error
}

// specFile is the part of a description file the conformance tests read.
type specFile struct {
	APIs []struct {
		Path       string `json:"path"`
		Operations []struct {
			HTTPMethod    string `json:"httpMethod"`
			Nickname      string `json:"nickname"`
			ResponseClass string `json:"responseClass"`
			Parameters    []struct {
				Name          string `json:"name"`
				ParamType     string `json:"paramType"`
				Required      bool   `json:"required"`
				AllowMultiple bool   `json:"allowMultiple"`
				DataType      string `json:"dataType"`
			} `json:"parameters"`
		} `json:"operations"`
	} `json:"apis"`
	Models map[string]struct {
		Properties map[string]struct {
			Type     string `json:"type"`
			Required *bool  `json:"required"`
		} `json:"properties"`
	} `json:"models"`
}

func loadSpec(t *testing.T) map[string]specFile {
	t.Helper()
	dir := aritest.SpecDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) < 10 {
		t.Fatalf("description files: %v %v", files, err)
	}
	out := map[string]specFile{}
	for _, f := range files {
		if filepath.Base(f) == "resources.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var s specFile
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = s
	}
	return out
}

// jsonFields maps the JSON names of a struct's fields (embedded structs
// flattened) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			maps.Copy(out, jsonFields(f.Type))
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f.Type
	}
	return out
}

// typeMatches reports whether Go type g can hold the description type s.
func typeMatches(g reflect.Type, s string) bool {
	if g.Kind() == reflect.Pointer {
		g = g.Elem()
	}
	if inner, ok := strings.CutPrefix(s, "List["); ok {
		return g.Kind() == reflect.Slice && typeMatches(g.Elem(), strings.TrimSuffix(inner, "]"))
	}
	switch s {
	case "string":
		return g.Kind() == reflect.String && g.Name() == "string"
	case "Date":
		return g == reflect.TypeFor[DateTime]()
	case "int":
		return g.Kind() == reflect.Int
	case "long":
		return g.Kind() == reflect.Int64
	case "double":
		return g.Kind() == reflect.Float64
	case "boolean":
		return g.Kind() == reflect.Bool
	case "object":
		return g.Kind() == reflect.Map && g.Key().Kind() == reflect.String
	}
	return g.Kind() == reflect.Struct && g.Name() == s
}

func TestEveryModelStructCarriesTheDescriptionFieldsWithTheirTypes(t *testing.T) {
	base := jsonFields(reflect.TypeFor[EventBase]())
	checked := 0
	for file, s := range loadSpec(t) {
		for name, m := range s.Models {
			if name == "Event" || name == "Message" {
				continue
			}
			v, ok := modelTypes[name]
			if !ok {
				t.Errorf("%s: model %s has no Go struct", file, name)
				continue
			}
			fields := jsonFields(reflect.TypeOf(v))
			for pn, p := range m.Properties {
				g, ok := fields[pn]
				if !ok {
					t.Errorf("%s.%s: no field with JSON name %q", name, pn, pn)
					continue
				}
				if !typeMatches(g, p.Type) {
					t.Errorf("%s.%s: Go type %v cannot hold %s", name, pn, g, p.Type)
				}
				checked++
			}
			for jn := range fields {
				if _, ok := m.Properties[jn]; !ok {
					if _, inBase := base[jn]; !inBase {
						t.Errorf("%s: field %q is not in the description", name, jn)
					}
				}
			}
		}
	}
	if checked < 250 {
		t.Fatalf("only %d properties checked", checked)
	}
}

func TestEveryEventTypeOfTheDescriptionDecodesToItsStruct(t *testing.T) {
	for _, typ := range EventTypes {
		ev, err := DecodeEvent([]byte(`{"type":"` + typ + `"}`))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if got := reflect.TypeOf(ev).Elem().Name(); got != typ {
			t.Errorf("%s decoded to %s", typ, got)
		}
		if ev.EventType() != typ {
			t.Errorf("%s: EventType %q", typ, ev.EventType())
		}
	}
}

// sampleOf builds a JSON value of description type typ with every property
// of every model set.
func sampleOf(spec map[string]specFile, typ string, depth int) any {
	if inner, ok := strings.CutPrefix(typ, "List["); ok {
		return []any{sampleOf(spec, strings.TrimSuffix(inner, "]"), depth)}
	}
	switch typ {
	case "string":
		return "s"
	case "int", "long":
		return 7.0
	case "double":
		return 1.5
	case "boolean":
		return true
	case "Date":
		return "2026-11-25T21:05:31.991+0000"
	case "object":
		return map[string]any{"k": "v"}
	}
	for _, s := range spec {
		if m, ok := s.Models[typ]; ok {
			obj := map[string]any{}
			if depth > 4 {
				return obj
			}
			for name, p := range m.Properties {
				obj[name] = sampleOf(spec, p.Type, depth+1)
			}
			return obj
		}
	}
	panic("unknown type " + typ)
}

func TestEveryEventDecodesEveryFieldOfTheDescription(t *testing.T) {
	spec := loadSpec(t)
	for _, typ := range EventTypes {
		obj := sampleOf(spec, typ, 0).(map[string]any)
		obj["type"], obj["application"], obj["asterisk_id"] = typ, "switchboard", "02:fc"
		obj["timestamp"] = "2026-11-25T21:05:31.991+0000"
		raw, _ := json.Marshal(obj)
		ev, err := DecodeEvent(raw)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		again, _ := json.Marshal(ev)
		var want, got any
		_ = json.Unmarshal(raw, &want)
		_ = json.Unmarshal(again, &got)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s lost fields\nwant %s\ngot  %s", typ, raw, again)
		}
	}
}
