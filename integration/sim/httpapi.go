package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// params are an ARI request's parameters: query string and JSON body
// members (ARI accepts either), with the body's "variables" kept apart.
type params struct {
	q    map[string]string
	vars map[string]string
	raw  []byte
}

func (p params) get(k string) string { return p.q[k] }

func readParams(r *http.Request) (params, error) {
	p := params{q: map[string]string{}, vars: map[string]string{}}
	for k, v := range r.URL.Query() {
		p.q[k] = strings.Join(v, ",")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return p, fmt.Errorf("read body: %w", ErrBadRequest)
	}
	p.raw = body
	if len(strings.TrimSpace(string(body))) == 0 {
		return p, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return p, nil // bodies that are not objects are read by their handlers
	}
	for k, v := range m {
		if k == "variables" {
			var vars map[string]any
			if err := json.Unmarshal(v, &vars); err == nil {
				for vk, vv := range vars {
					switch x := vv.(type) {
					case string:
						p.vars[vk] = x
					case map[string]any:
						p.vars[vk] = fmt.Sprint(x["value"])
					default:
						p.vars[vk] = fmt.Sprint(x)
					}
				}
			}
			continue
		}
		var sv any
		if err := json.Unmarshal(v, &sv); err == nil {
			switch x := sv.(type) {
			case string:
				if _, set := p.q[k]; !set {
					p.q[k] = x
				}
			case float64, bool:
				if _, set := p.q[k]; !set {
					p.q[k] = fmt.Sprint(x)
				}
			}
		}
	}
	return p, nil
}

func atoiDefault(s string, d int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return d
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeErr maps the package's sentinel errors to ARI's statuses and bodies.
func writeErr(w http.ResponseWriter, err error, notFound string) {
	switch {
	case errors.Is(err, ErrAllocationFailed):
		writeJSON(w, http.StatusInternalServerError, errorJSON{Error: "Allocation failed"})
	case errors.Is(err, ErrNotFound):
		writeJSON(w, http.StatusNotFound, errorJSON{Message: notFound})
	case errors.Is(err, ErrNotInStasis):
		writeJSON(w, http.StatusConflict, errorJSON{Message: "Channel not in Stasis application"})
	case errors.Is(err, ErrConflict):
		writeJSON(w, http.StatusConflict, errorJSON{Message: conflictMessage(err)})
	case errors.Is(err, ErrUnprocessable):
		writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Message: err.Error()})
	case errors.Is(err, ErrBadRequest):
		writeJSON(w, http.StatusBadRequest, errorJSON{Message: err.Error()})
	default:
		writeJSON(w, http.StatusInternalServerError, errorJSON{Message: err.Error()})
	}
}

// conflictMessage turns "bridge with id 'b1' already exists: sim: conflict"
// into Asterisk's "Bridge with id 'b1' already exists".
func conflictMessage(err error) string {
	msg := strings.TrimSuffix(err.Error(), ": "+ErrConflict.Error())
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// authorized checks Basic auth or api_key=user:pass.
func (s *Server) authorized(r *http.Request) bool {
	if u, p, ok := r.BasicAuth(); ok {
		return u == s.opts.Username && p == s.opts.Password
	}
	if k := r.URL.Query().Get("api_key"); k != "" {
		u, p, _ := strings.Cut(k, ":")
		return u == s.opts.Username && p == s.opts.Password
	}
	return false
}

// handler is an ARI handler: it runs under the server lock with parsed
// parameters.
type handler func(w http.ResponseWriter, r *http.Request, p params)

func (s *Server) wrap(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="Asterisk REST Interface"`)
			writeJSON(w, http.StatusUnauthorized, errorJSON{Error: "Authentication required"})
			return
		}
		p, err := readParams(r)
		if err != nil {
			writeErr(w, err, "")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r, p)
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// routeARI registers every ARI route under /ari.
func (s *Server) routeARI(mux *http.ServeMux) {
	mux.HandleFunc("GET /ari/events", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			writeJSON(w, http.StatusUnauthorized, errorJSON{Error: "Authentication required"})
			return
		}
		s.handleEvents(w, r)
	})
	s.routeChannels(mux)
	s.routeBridges(mux)
	s.routeMedia(mux)
	s.routeResources(mux)
}
