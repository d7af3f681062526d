package provision

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari"
)

// fakeARI models the parts of Asterisk's dynamic configuration that
// provisioning relies on: objects per type and id, static (pjsip.conf)
// objects that cannot be changed (403), 404 for missing objects, and the
// PJSIP endpoint list.
type fakeARI struct {
	t       *testing.T
	mu      sync.Mutex
	objects map[string][]ari.ConfigTuple // "type/id"
	static  map[string]bool              // "type/id" from pjsip.conf
	failPut map[string]int               // "type/id" -> status to answer
	log     []string                     // "METHOD type/id"
}

func newFakeARI(t *testing.T) (*fakeARI, *ari.Client) {
	f := &fakeARI{t: t, objects: map[string][]ari.ConfigTuple{}, static: map[string]bool{}, failPut: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, ari.New(ari.Options{BaseURL: srv.URL + "/ari", Username: "u", Password: "p"})
}

// addStatic adds a pjsip.conf object.
func (f *fakeARI) addStatic(typ, id string, fields ...ari.ConfigTuple) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[typ+"/"+id] = fields
	f.static[typ+"/"+id] = true
}

func (f *fakeARI) get(typ, id string) (map[string]string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tuples, ok := f.objects[typ+"/"+id]
	if !ok {
		return nil, false
	}
	m := map[string]string{}
	for _, t := range tuples {
		m[t.Attribute] = t.Value
	}
	return m, true
}

func (f *fakeARI) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, l := range f.log {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func (f *fakeARI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != "p" {
		http.Error(w, `{"message":"Authentication required"}`, http.StatusUnauthorized)
		return
	}
	if r.URL.Path == "/ari/endpoints/PJSIP" && r.Method == http.MethodGet {
		var eps []ari.Endpoint
		for key := range f.objects {
			if id, ok := strings.CutPrefix(key, "endpoint/"); ok {
				eps = append(eps, ari.Endpoint{Technology: "PJSIP", Resource: id, State: "offline", ChannelIDs: []string{}})
			}
		}
		writeJSON(w, http.StatusOK, eps)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/ari/asterisk/config/dynamic/res_pjsip/")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 2 {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "no such path " + r.URL.Path})
		return
	}
	key := parts[0] + "/" + parts[1]
	f.log = append(f.log, r.Method+" "+key)
	obj, exists := f.objects[key]
	switch r.Method {
	case http.MethodGet:
		if !exists {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Object with id not found"})
			return
		}
		writeJSON(w, http.StatusOK, obj)
	case http.MethodPut:
		if st := f.failPut[key]; st != 0 {
			writeJSON(w, st, map[string]string{"message": "refused by test"})
			return
		}
		if f.static[key] {
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Cannot update sorcery objects"})
			return
		}
		if exists && parts[0] == TypeEndpoint {
			// Asterisk 22.10.1 logs a WARNING (stir_shaken) on every
			// in-place endpoint update; provisioning must never do one
			f.log = append(f.log, "UPDATE "+key)
		}
		var body struct {
			Fields []ari.ConfigTuple `json:"fields"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
			return
		}
		// an update applies the given fields onto a copy of the object
		merged := map[string]int{}
		out := append([]ari.ConfigTuple(nil), obj...)
		for i, t := range out {
			merged[t.Attribute] = i
		}
		for _, t := range body.Fields {
			if i, ok := merged[t.Attribute]; ok {
				out[i] = t
				continue
			}
			merged[t.Attribute] = len(out)
			out = append(out, t)
		}
		f.objects[key] = out
		writeJSON(w, http.StatusOK, out)
	case http.MethodDelete:
		if !exists {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Object with id not found"})
			return
		}
		if f.static[key] {
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Could not delete object"})
			return
		}
		delete(f.objects, key)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
