package sim

import (
	"fmt"
	"net/http"
	"strconv"
)

const bridgeNotFound = "Bridge not found"

func (s *Server) routeBridges(mux *http.ServeMux) {
	mux.HandleFunc("GET /ari/bridges", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		out := []bridgeJSON{}
		for _, b := range s.sortedBridgesLocked() {
			out = append(out, b.json())
		}
		writeJSON(w, http.StatusOK, out)
	}))
	create := func(w http.ResponseWriter, r *http.Request, p params) {
		b, err := s.createBridgeLocked(p.get("bridgeId"), p.get("type"), p.get("name"))
		if err != nil {
			writeErr(w, err, bridgeNotFound)
			return
		}
		writeJSON(w, http.StatusOK, b.json())
	}
	mux.HandleFunc("POST /ari/bridges", s.wrap(create))
	mux.HandleFunc("POST /ari/bridges/{id}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		p.q["bridgeId"] = r.PathValue("id")
		create(w, r, p)
	}))
	mux.HandleFunc("GET /ari/bridges/{id}", s.withBridge(func(w http.ResponseWriter, b *bridge, p params) {
		writeJSON(w, http.StatusOK, b.json())
	}))
	mux.HandleFunc("DELETE /ari/bridges/{id}", s.withBridge(func(w http.ResponseWriter, b *bridge, p params) {
		s.destroyBridgeLocked(b)
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/bridges/{id}/addChannel", s.withBridge(func(w http.ResponseWriter, b *bridge, p params) {
		chans, err := s.bridgeChannelsLocked(p)
		if err != nil {
			writeErr(w, err, bridgeNotFound)
			return
		}
		for _, c := range chans {
			if !c.inStasis {
				writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Message: "Channel not in Stasis application"})
				return
			}
			if c.rec != nil {
				writeJSON(w, http.StatusConflict, errorJSON{Message: "Channel is currently recording"})
				return
			}
		}
		absorb, _ := strconv.ParseBool(p.get("absorbDTMF"))
		mute, _ := strconv.ParseBool(p.get("mute"))
		role := p.get("role")
		if inhibit, _ := strconv.ParseBool(p.get("inhibitConnectedLineUpdates")); inhibit {
			role = "inhibit-cl"
		}
		for _, c := range chans {
			s.addToBridgeLocked(b, c, memberOpts{absorbDTMF: absorb, mute: mute, role: role})
		}
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/bridges/{id}/removeChannel", s.withBridge(func(w http.ResponseWriter, b *bridge, p params) {
		chans, err := s.bridgeChannelsLocked(p)
		if err != nil {
			writeErr(w, err, bridgeNotFound)
			return
		}
		for _, c := range chans {
			if c.bridge != b {
				writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Message: "Channel not in this bridge"})
				return
			}
		}
		for _, c := range chans {
			s.removeFromBridgeLocked(c, false)
		}
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/bridges/{id}/moh", s.withBridge(func(w http.ResponseWriter, b *bridge, p params) {
		class := orDefault(p.get("mohClass"), "default")
		if b.moh != class {
			for _, call := range s.listenersLocked(nil, b) {
				call.hearLocked("moh:" + class)
			}
		}
		b.moh = class
		s.mediaChangedLocked()
		noContent(w)
	}))
	mux.HandleFunc("DELETE /ari/bridges/{id}/moh", s.withBridge(func(w http.ResponseWriter, b *bridge, p params) {
		b.moh = ""
		s.mediaChangedLocked()
		noContent(w)
	}))
	play := func(w http.ResponseWriter, b *bridge, p params) {
		pb, err := s.playLocked(nil, b, p.get("playbackId"), p.get("media"), p.get("lang"))
		if err != nil {
			writeErr(w, err, bridgeNotFound)
			return
		}
		w.Header().Set("Location", "/playbacks/"+pb.ID)
		writeJSON(w, http.StatusCreated, pb)
	}
	mux.HandleFunc("POST /ari/bridges/{id}/play", s.withBridge(play))
	mux.HandleFunc("POST /ari/bridges/{id}/play/{pid}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		p.q["playbackId"] = r.PathValue("pid")
		b, err := s.getBridgeLocked(r.PathValue("id"))
		if err != nil {
			writeErr(w, err, bridgeNotFound)
			return
		}
		play(w, b, p)
	}))
	mux.HandleFunc("POST /ari/bridges/{id}/record", s.withBridge(func(w http.ResponseWriter, b *bridge, p params) {
		rec, err := s.recordLocked(nil, b, p)
		if err != nil {
			writeErr(w, err, bridgeNotFound)
			return
		}
		writeJSON(w, http.StatusCreated, rec)
	}))
}

func (s *Server) withBridge(h func(http.ResponseWriter, *bridge, params)) http.HandlerFunc {
	return s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		b, err := s.getBridgeLocked(r.PathValue("id"))
		if err != nil {
			writeErr(w, err, bridgeNotFound)
			return
		}
		h(w, b, p)
	})
}

// bridgeChannelsLocked resolves addChannel/removeChannel's channel list
// (400 when one is missing, as ARI answers).
func (s *Server) bridgeChannelsLocked(p params) ([]*channel, error) {
	ids := splitList(p.get("channel"))
	if len(ids) == 0 {
		return nil, fmt.Errorf("channel is required: %w", ErrBadRequest)
	}
	out := make([]*channel, 0, len(ids))
	for _, id := range ids {
		c, err := s.getChannelLocked(id)
		if err != nil {
			return nil, fmt.Errorf("channel not found: %w", ErrBadRequest)
		}
		out = append(out, c)
	}
	return out, nil
}
