package ari

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// matchOp finds the description operation of a traced request: same method,
// same number of segments, literal segments equal.
func matchOp(spec map[string]specFile, method, path string) (responseClass string, ok bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestLiterals := "", -1
	for _, s := range spec {
		for _, a := range s.APIs {
			tpl := strings.Split(strings.Trim(a.Path, "/"), "/")
			if len(tpl) != len(segs) {
				continue
			}
			literals, match := 0, true
			for i, t := range tpl {
				if strings.HasPrefix(t, "{") {
					continue
				}
				if t != segs[i] {
					match = false
					break
				}
				literals++
			}
			if !match {
				continue
			}
			for _, o := range a.Operations {
				if o.HTTPMethod == method && literals > bestLiterals {
					best, bestLiterals = o.ResponseClass, literals
				}
			}
		}
	}
	return best, bestLiterals >= 0
}

func TestTracedAnswersDecodeIntoTheModelsWithoutLoss(t *testing.T) {
	spec := loadSpec(t)
	checked := 0
	for file, lines := range readTraces(t) {
		for i, l := range lines {
			if l.Dir != "response" || l.Status < 200 || l.Status > 299 || len(l.Body) == 0 || l.Body[0] == '"' || string(l.Body) == "null" {
				continue
			}
			rc, ok := matchOp(spec, l.Method, l.Path)
			if !ok {
				t.Errorf("%s:%d: %s %s is not in the description", file, i+1, l.Method, l.Path)
				continue
			}
			elem, list := strings.CutPrefix(rc, "List[")
			elem = strings.TrimSuffix(elem, "]")
			model, ok := modelTypes[elem]
			if !ok {
				t.Errorf("%s:%d: %s %s answers %s, which has no struct", file, i+1, l.Method, l.Path, rc)
				continue
			}
			typ := reflect.TypeOf(model)
			if list {
				typ = reflect.SliceOf(typ)
			}
			v := reflect.New(typ)
			if err := json.Unmarshal(l.Body, v.Interface()); err != nil {
				t.Errorf("%s:%d: %s %s into %v: %v", file, i+1, l.Method, l.Path, typ, err)
				continue
			}
			again, _ := json.Marshal(v.Interface())
			var want, got any
			_ = json.Unmarshal(l.Body, &want)
			_ = json.Unmarshal(again, &got)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s:%d: %s %s lost data\nwant %s\ngot  %s", file, i+1, l.Method, l.Path, l.Body, again)
			}
			checked++
		}
	}
	if checked < 30 {
		t.Fatalf("only %d answers checked", checked)
	}
}
