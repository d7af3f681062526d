package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// routeMedia registers playbacks and recordings.
func (s *Server) routeMedia(mux *http.ServeMux) {
	const pbNotFound = "Playback not found"
	const recNotFound = "Recording not found"
	withPlayback := func(h func(http.ResponseWriter, *playback, params)) http.HandlerFunc {
		return s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
			pb, ok := s.playbacks[r.PathValue("id")]
			if !ok {
				writeJSON(w, http.StatusNotFound, errorJSON{Message: pbNotFound})
				return
			}
			h(w, pb, p)
		})
	}
	mux.HandleFunc("GET /ari/playbacks/{id}", withPlayback(func(w http.ResponseWriter, pb *playback, p params) {
		writeJSON(w, http.StatusOK, pb.json())
	}))
	mux.HandleFunc("DELETE /ari/playbacks/{id}", withPlayback(func(w http.ResponseWriter, pb *playback, p params) {
		s.stopPlaybackLocked(pb)
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/playbacks/{id}/control", withPlayback(func(w http.ResponseWriter, pb *playback, p params) {
		if err := s.controlPlaybackLocked(pb, p.get("operation")); err != nil {
			writeErr(w, err, pbNotFound)
			return
		}
		s.controls++
		noContent(w)
	}))

	withLive := func(h func(http.ResponseWriter, *liveRecording, params)) http.HandlerFunc {
		return s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
			rec, ok := s.liveRecs[r.PathValue("name")]
			if !ok {
				writeJSON(w, http.StatusNotFound, errorJSON{Message: recNotFound})
				return
			}
			h(w, rec, p)
		})
	}
	mux.HandleFunc("GET /ari/recordings/live/{name}", withLive(func(w http.ResponseWriter, r *liveRecording, p params) {
		writeJSON(w, http.StatusOK, r.json())
	}))
	mux.HandleFunc("POST /ari/recordings/live/{name}/stop", withLive(func(w http.ResponseWriter, r *liveRecording, p params) {
		s.finishRecordingLocked(r, "done")
		noContent(w)
	}))
	mux.HandleFunc("DELETE /ari/recordings/live/{name}", withLive(func(w http.ResponseWriter, r *liveRecording, p params) {
		s.finishRecordingLocked(r, "canceled")
		noContent(w)
	}))
	for _, op := range []string{"pause", "mute"} {
		mux.HandleFunc("POST /ari/recordings/live/{name}/"+op, withLive(func(w http.ResponseWriter, r *liveRecording, p params) {
			if op == "pause" {
				r.state = "paused"
			}
			noContent(w)
		}))
		mux.HandleFunc("DELETE /ari/recordings/live/{name}/"+op, withLive(func(w http.ResponseWriter, r *liveRecording, p params) {
			r.state = "recording"
			noContent(w)
		}))
	}
	mux.HandleFunc("GET /ari/recordings/stored", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		writeJSON(w, http.StatusOK, s.storedRecordingsLocked())
	}))
	withStored := func(h func(http.ResponseWriter, storedRecordingJSON, string, params)) http.HandlerFunc {
		return s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
			rec, path, err := s.storedRecordingLocked(r.PathValue("name"))
			if err != nil {
				writeErr(w, err, recNotFound)
				return
			}
			h(w, rec, path, p)
		})
	}
	mux.HandleFunc("GET /ari/recordings/stored/{name}", withStored(func(w http.ResponseWriter, rec storedRecordingJSON, _ string, p params) {
		writeJSON(w, http.StatusOK, rec)
	}))
	mux.HandleFunc("DELETE /ari/recordings/stored/{name}", withStored(func(w http.ResponseWriter, rec storedRecordingJSON, path string, p params) {
		if err := os.Remove(path); err != nil {
			writeErr(w, fmt.Errorf("delete %s: %w", path, err), recNotFound)
			return
		}
		noContent(w)
	}))
	mux.HandleFunc("GET /ari/recordings/stored/{name}/file", withStored(func(w http.ResponseWriter, rec storedRecordingJSON, path string, p params) {
		f, err := os.Open(path)
		if err != nil {
			writeErr(w, fmt.Errorf("open %s: %w", path, ErrNotFound), recNotFound)
			return
		}
		defer func() { _ = f.Close() }()
		w.Header().Set("Content-Type", "audio/"+rec.Format)
		w.WriteHeader(http.StatusOK)
		_, _ = io.Copy(w, f)
	}))
	mux.HandleFunc("POST /ari/recordings/stored/{name}/copy", withStored(func(w http.ResponseWriter, rec storedRecordingJSON, path string, p params) {
		dst := p.get("destinationRecordingName")
		if dst == "" || strings.Contains(dst, "..") {
			writeErr(w, fmt.Errorf("destinationRecordingName: %w", ErrBadRequest), recNotFound)
			return
		}
		if _, _, err := s.storedRecordingLocked(dst); err == nil {
			writeJSON(w, http.StatusConflict, errorJSON{Message: "A recording with the same name already exists on the system"})
			return
		}
		data, err := os.ReadFile(path)
		if err == nil {
			err = s.copyStoredLocked(rec.Name, dst, rec.Format, data)
		}
		if err != nil {
			writeErr(w, fmt.Errorf("copy recording: %w", err), recNotFound)
			return
		}
		writeJSON(w, http.StatusOK, storedRecordingJSON{Name: dst, Format: rec.Format})
	}))
}

// routeResources registers endpoints, device states, mailboxes,
// applications and the asterisk resource.
func (s *Server) routeResources(mux *http.ServeMux) {
	mux.HandleFunc("GET /ari/endpoints", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		out := []endpointJSON{}
		for _, e := range s.sortedEndpointsLocked() {
			out = append(out, e.json(s))
		}
		writeJSON(w, http.StatusOK, out)
	}))
	mux.HandleFunc("GET /ari/endpoints/{tech}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		if r.PathValue("tech") != "PJSIP" {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "No Endpoints found - invalid tech " + r.PathValue("tech")})
			return
		}
		out := []endpointJSON{}
		for _, e := range s.sortedEndpointsLocked() {
			out = append(out, e.json(s))
		}
		writeJSON(w, http.StatusOK, out)
	}))
	mux.HandleFunc("GET /ari/endpoints/{tech}/{resource}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		e := s.endpoints[r.PathValue("resource")]
		if r.PathValue("tech") != "PJSIP" || e == nil {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "Endpoint not found"})
			return
		}
		writeJSON(w, http.StatusOK, e.json(s))
	}))

	mux.HandleFunc("GET /ari/deviceStates", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		out := []deviceStateJSON{}
		for _, e := range s.sortedEndpointsLocked() {
			out = append(out, deviceStateJSON{Name: "PJSIP/" + e.name, State: s.pjsipDeviceStateLocked(e)})
		}
		for _, n := range sortedStringKeys(s.devStates) {
			out = append(out, deviceStateJSON{Name: n, State: s.devStates[n]})
		}
		writeJSON(w, http.StatusOK, out)
	}))
	mux.HandleFunc("GET /ari/deviceStates/{name}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		st, _ := s.deviceStateLocked(r.PathValue("name"))
		if st == "" {
			st = "UNKNOWN"
		}
		writeJSON(w, http.StatusOK, deviceStateJSON{Name: r.PathValue("name"), State: st})
	}))
	mux.HandleFunc("PUT /ari/deviceStates/{name}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		if err := s.setDeviceStateLocked(r.PathValue("name"), p.get("deviceState")); err != nil {
			writeErr(w, err, "Device name is missing")
			return
		}
		noContent(w)
	}))
	mux.HandleFunc("DELETE /ari/deviceStates/{name}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		name := r.PathValue("name")
		if _, ok := s.devStates[name]; !ok {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "Device name is missing"})
			return
		}
		delete(s.devStates, name)
		noContent(w)
	}))

	mux.HandleFunc("GET /ari/mailboxes", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		out := []mailboxJSON{}
		for _, n := range sortedMailboxNames(s.mailboxes) {
			m := s.mailboxes[n]
			out = append(out, mailboxJSON{Name: n, OldMessages: m.old, NewMessages: m.new})
		}
		writeJSON(w, http.StatusOK, out)
	}))
	mux.HandleFunc("GET /ari/mailboxes/{name}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		m, ok := s.mailboxes[r.PathValue("name")]
		if !ok {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "Mailbox is does not exist"})
			return
		}
		writeJSON(w, http.StatusOK, mailboxJSON{Name: r.PathValue("name"), OldMessages: m.old, NewMessages: m.new})
	}))
	mux.HandleFunc("PUT /ari/mailboxes/{name}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		if p.get("oldMessages") == "" || p.get("newMessages") == "" {
			writeErr(w, fmt.Errorf("oldMessages and newMessages are required: %w", ErrBadRequest), "")
			return
		}
		s.mailboxes[r.PathValue("name")] = mailbox{old: atoiDefault(p.get("oldMessages"), 0), new: atoiDefault(p.get("newMessages"), 0)}
		s.notifyLocked()
		noContent(w)
	}))
	mux.HandleFunc("DELETE /ari/mailboxes/{name}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		if _, ok := s.mailboxes[r.PathValue("name")]; !ok {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "Mailbox does not exist"})
			return
		}
		delete(s.mailboxes, r.PathValue("name"))
		s.notifyLocked()
		noContent(w)
	}))
	s.routeApplications(mux)
	s.routeAsterisk(mux)
}

func (s *Server) routeApplications(mux *http.ServeMux) {
	mux.HandleFunc("GET /ari/applications", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		out := []applicationJSON{}
		for _, n := range sortedAppNames(s.apps) {
			out = append(out, s.appJSONLocked(s.apps[n]))
		}
		writeJSON(w, http.StatusOK, out)
	}))
	withApp := func(h func(http.ResponseWriter, *application, params)) http.HandlerFunc {
		return s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
			a, ok := s.apps[r.PathValue("app")]
			if !ok {
				writeJSON(w, http.StatusNotFound, errorJSON{Message: "Application not found"})
				return
			}
			h(w, a, p)
		})
	}
	mux.HandleFunc("GET /ari/applications/{app}", withApp(func(w http.ResponseWriter, a *application, p params) {
		writeJSON(w, http.StatusOK, s.appJSONLocked(a))
	}))
	subscription := func(on bool) func(http.ResponseWriter, *application, params) {
		return func(w http.ResponseWriter, a *application, p params) {
			srcs := splitList(p.get("eventSource"))
			if len(srcs) == 0 {
				writeErr(w, fmt.Errorf("eventSource is required: %w", ErrBadRequest), "")
				return
			}
			for _, src := range srcs {
				kind, id, _ := strings.Cut(src, ":")
				switch kind {
				case "channel":
					if _, ok := s.channels[id]; !ok && id != "" {
						writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Message: "Event source was not found"})
						return
					}
				case "bridge":
					if _, ok := s.bridges[id]; !ok && id != "" {
						writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Message: "Event source was not found"})
						return
					}
				case "endpoint", "deviceState":
				default:
					writeErr(w, fmt.Errorf("invalid event source %q: %w", src, ErrBadRequest), "")
					return
				}
			}
			for _, src := range srcs {
				if on {
					a.sources[src] = true
				} else {
					delete(a.sources, src)
				}
			}
			writeJSON(w, http.StatusOK, s.appJSONLocked(a))
		}
	}
	mux.HandleFunc("POST /ari/applications/{app}/subscription", withApp(subscription(true)))
	mux.HandleFunc("DELETE /ari/applications/{app}/subscription", withApp(subscription(false)))
	mux.HandleFunc("PUT /ari/applications/{app}/eventFilter", withApp(func(w http.ResponseWriter, a *application, p params) {
		var f struct {
			Filter     *struct{ Allowed, Disallowed []map[string]any } `json:"filter"`
			Allowed    []map[string]any                                `json:"allowed"`
			Disallowed []map[string]any                                `json:"disallowed"`
		}
		if len(p.raw) > 0 {
			if err := json.Unmarshal(p.raw, &f); err != nil {
				writeErr(w, fmt.Errorf("filter body: %w", ErrBadRequest), "")
				return
			}
		}
		if f.Filter != nil {
			f.Allowed, f.Disallowed = f.Filter.Allowed, f.Filter.Disallowed
		}
		a.allowed, a.disallowed = f.Allowed, f.Disallowed
		writeJSON(w, http.StatusOK, s.appJSONLocked(a))
	}))
}
