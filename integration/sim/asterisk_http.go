package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
)

func (s *Server) routeAsterisk(mux *http.ServeMux) {
	mux.HandleFunc("GET /ari/asterisk/ping", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		writeJSON(w, http.StatusOK, map[string]string{"asterisk_id": s.opts.AsteriskID, "ping": "pong",
			"timestamp": timestamp(s.now())})
	}))
	mux.HandleFunc("GET /ari/asterisk/info", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		writeJSON(w, http.StatusOK, map[string]any{
			"build":  map[string]any{"os": "Linux", "kernel": "sim", "machine": "sim", "options": "", "date": "", "user": "sim"},
			"system": map[string]any{"version": "22.10.1", "entity_id": s.opts.AsteriskID},
			"config": map[string]any{"name": "switchboard-sim", "default_language": "en"},
			"status": map[string]any{"startup_time": timestamp(s.start), "last_reload_time": timestamp(s.start)},
		})
	}))
	mux.HandleFunc("GET /ari/asterisk/variable", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		if p.get("variable") == "" {
			writeErr(w, fmt.Errorf("variable is required: %w", ErrBadRequest), "")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"value": s.globals[p.get("variable")]})
	}))
	mux.HandleFunc("POST /ari/asterisk/variable", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		if p.get("variable") == "" {
			writeErr(w, fmt.Errorf("variable is required: %w", ErrBadRequest), "")
			return
		}
		s.globals[p.get("variable")] = p.get("value")
		noContent(w)
	}))
	const base = "/ari/asterisk/config/dynamic/{class}/{type}/{id}"
	valid := func(r *http.Request) (string, bool) {
		class, typ := r.PathValue("class"), r.PathValue("type")
		if class != "res_pjsip" {
			return "", false
		}
		switch typ {
		case "endpoint", "aor", "auth", "contact", "identify", "domain_alias", "transport":
			return class + "/" + typ, true
		}
		return "", false
	}
	mux.HandleFunc("GET "+base, s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		key, ok := valid(r)
		fields, found := s.config[key][r.PathValue("id")]
		if !ok || !found {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "Object not found"})
			return
		}
		writeJSON(w, http.StatusOK, fields)
	}))
	mux.HandleFunc("PUT "+base, s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		key, ok := valid(r)
		if !ok {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "Configuration class or object type not found"})
			return
		}
		var body struct {
			Fields []configField `json:"fields"`
		}
		if len(p.raw) > 0 {
			if err := json.Unmarshal(p.raw, &body); err != nil {
				writeErr(w, fmt.Errorf("fields: %w", ErrBadRequest), "")
				return
			}
		}
		id := r.PathValue("id")
		if s.config[key] == nil {
			s.config[key] = map[string][]configField{}
		}
		merged := append([]configField(nil), s.config[key][id]...)
		for _, f := range body.Fields {
			replaced := false
			for i := range merged {
				if merged[i].Attribute == f.Attribute {
					merged[i].Value, replaced = f.Value, true
				}
			}
			if !replaced {
				merged = append(merged, f)
			}
		}
		if merged == nil {
			merged = []configField{}
		}
		s.config[key][id] = merged
		s.resyncConfigLocked(key, id)
		writeJSON(w, http.StatusOK, merged)
	}))
	mux.HandleFunc("DELETE "+base, s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		key, ok := valid(r)
		id := r.PathValue("id")
		if _, found := s.config[key][id]; !ok || !found {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "Object not found"})
			return
		}
		delete(s.config[key], id)
		s.resyncConfigLocked(key, id)
		noContent(w)
	}))
}

// resyncConfigLocked applies a dynamic configuration change to endpoints.
func (s *Server) resyncConfigLocked(key, id string) {
	switch key {
	case "res_pjsip/endpoint":
		s.syncEndpointLocked(id)
	case "res_pjsip/auth":
		for epID := range s.config["res_pjsip/endpoint"] {
			s.syncEndpointLocked(epID)
		}
	}
	s.notifyLocked()
}

func sortedStringKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedMailboxNames(m map[string]mailbox) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedAppNames(m map[string]*application) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
