package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

const chanNotFound = "Channel not found"

func (s *Server) routeChannels(mux *http.ServeMux) {
	mux.HandleFunc("GET /ari/channels", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		out := []channelJSON{}
		for _, c := range s.sortedChannelsLocked() {
			out = append(out, c.json())
		}
		writeJSON(w, http.StatusOK, out)
	}))
	mux.HandleFunc("POST /ari/channels", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		c, err := s.originateLocked(p)
		s.respondChannel(w, c, err)
	}))
	mux.HandleFunc("POST /ari/channels/create", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		c, err := s.createLocked(p)
		s.respondChannel(w, c, err)
	}))
	mux.HandleFunc("GET /ari/channels/{id}", s.withChannel(func(w http.ResponseWriter, c *channel, p params) {
		writeJSON(w, http.StatusOK, c.json())
	}))
	mux.HandleFunc("POST /ari/channels/{id}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		p.q["channelId"] = r.PathValue("id")
		c, err := s.originateLocked(p)
		s.respondChannel(w, c, err)
	}))
	mux.HandleFunc("DELETE /ari/channels/{id}", s.withChannel(func(w http.ResponseWriter, c *channel, p params) {
		cause, err := causeFromReason(p.get("reason_code"), p.get("reason"))
		if err != nil {
			writeErr(w, fmt.Errorf("invalid reason: %w", err), "")
			return
		}
		tech := 0
		if c.kind == kindInbound && c.state != StateUp {
			tech = sipCodeForCause(cause)
		}
		s.requestHangupLocked(c, hangupSpec{byApp: true, reqCause: 32, reqSoft: true, cause: cause, tech: tech})
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/answer", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		if c.kind == kindInbound && c.call != nil {
			c.call.answeredLocked()
		}
		s.answerChannelLocked(c)
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/ring", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		if !c.ringback && c.call != nil {
			c.call.hearLocked("ringing")
		}
		c.ringback = true
		noContent(w)
	}))
	mux.HandleFunc("DELETE /ari/channels/{id}/ring", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		c.ringback = false
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/progress", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/dtmf", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		if p.get("dtmf") == "" {
			writeErr(w, fmt.Errorf("DTMF is required: %w", ErrBadRequest), "")
			return
		}
		if c.call != nil {
			for _, r := range p.get("dtmf") {
				c.call.dtmf = append(c.call.dtmf, string(r))
			}
		}
		s.notifyLocked()
		noContent(w)
	}))
	mute := func(on bool) func(http.ResponseWriter, *channel, params) {
		return func(w http.ResponseWriter, c *channel, p params) {
			dir := orDefault(p.get("direction"), "both")
			if dir == "in" || dir == "both" {
				c.muteIn = on
			}
			if dir == "out" || dir == "both" {
				c.muteOut = on
			}
			s.mediaChangedLocked()
			noContent(w)
		}
	}
	mux.HandleFunc("POST /ari/channels/{id}/mute", s.inStasis(mute(true)))
	mux.HandleFunc("DELETE /ari/channels/{id}/mute", s.inStasis(mute(false)))
	hold := func(on bool) func(http.ResponseWriter, *channel, params) {
		return func(w http.ResponseWriter, c *channel, p params) {
			c.appHold = on // no ChannelHold event when held via ARI (hold_moh_states)
			s.mediaChangedLocked()
			noContent(w)
		}
	}
	mux.HandleFunc("POST /ari/channels/{id}/hold", s.inStasis(hold(true)))
	mux.HandleFunc("DELETE /ari/channels/{id}/hold", s.inStasis(hold(false)))
	mux.HandleFunc("POST /ari/channels/{id}/moh", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		class := orDefault(p.get("mohClass"), "default")
		if c.moh != class && c.call != nil {
			c.call.hearLocked("moh:" + class)
		}
		c.moh = class
		s.mediaChangedLocked()
		noContent(w)
	}))
	mux.HandleFunc("DELETE /ari/channels/{id}/moh", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		c.moh = ""
		s.mediaChangedLocked()
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/silence", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		c.silence = true
		noContent(w)
	}))
	mux.HandleFunc("DELETE /ari/channels/{id}/silence", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		c.silence = false
		noContent(w)
	}))
	play := func(w http.ResponseWriter, c *channel, p params) {
		pb, err := s.playLocked(c, nil, p.get("playbackId"), p.get("media"), p.get("lang"))
		if err != nil {
			writeErr(w, err, chanNotFound)
			return
		}
		w.Header().Set("Location", "/playbacks/"+pb.ID)
		writeJSON(w, http.StatusCreated, pb)
	}
	mux.HandleFunc("POST /ari/channels/{id}/play", s.inStasis(play))
	mux.HandleFunc("POST /ari/channels/{id}/play/{pid}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		p.q["playbackId"] = r.PathValue("pid")
		c, err := s.getChannelLocked(r.PathValue("id"))
		if err != nil {
			writeErr(w, err, chanNotFound)
			return
		}
		play(w, c, p)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/record", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		rec, err := s.recordLocked(c, nil, p)
		if err != nil {
			writeErr(w, err, chanNotFound)
			return
		}
		writeJSON(w, http.StatusCreated, rec)
	}))
	mux.HandleFunc("GET /ari/channels/{id}/variable", s.withChannel(func(w http.ResponseWriter, c *channel, p params) {
		v, ok := s.channelVarLocked(c, p.get("variable"))
		if p.get("variable") == "" {
			writeErr(w, fmt.Errorf("variable is required: %w", ErrBadRequest), "")
			return
		}
		if !ok {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "Provided variable was not found"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"value": v})
	}))
	mux.HandleFunc("POST /ari/channels/{id}/variable", s.withChannel(func(w http.ResponseWriter, c *channel, p params) {
		name := p.get("variable")
		if name == "" {
			writeErr(w, fmt.Errorf("variable is required: %w", ErrBadRequest), "")
			return
		}
		if p.get("report_events") == "true" {
			c.reportVars[name] = true
		}
		before := c.connected
		s.applyVariablesLocked(c, map[string]string{name: p.get("value")})
		s.setVarLocked(c, name, p.get("value"))
		if c.connected != before {
			s.chanEvent(c, "ChannelConnectedLine", nil)
		}
		if indicatesConnected(name) {
			s.indicateConnectedLocked(c)
		}
		noContent(w)
	}))
	snoop := func(w http.ResponseWriter, c *channel, p params) {
		sn, err := s.snoopLocked(c, p)
		if err != nil {
			writeErr(w, err, chanNotFound)
			return
		}
		writeJSON(w, http.StatusOK, sn)
	}
	mux.HandleFunc("POST /ari/channels/{id}/snoop", s.withChannel(snoop))
	mux.HandleFunc("POST /ari/channels/{id}/snoop/{sid}", s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		p.q["snoopId"] = r.PathValue("sid")
		c, err := s.getChannelLocked(r.PathValue("id"))
		if err != nil {
			writeErr(w, err, chanNotFound)
			return
		}
		snoop(w, c, p)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/dial", s.withChannel(func(w http.ResponseWriter, c *channel, p params) {
		timeout := time.Duration(atoiDefault(p.get("timeout"), 0)) * time.Second
		if err := s.dialLocked(c, p.get("caller"), timeout); err != nil {
			writeErr(w, err, chanNotFound)
			return
		}
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/continue", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		if err := s.continueLocked(c, p.get("context"), p.get("extension"), atoiDefault(p.get("priority"), 0)); err != nil {
			writeErr(w, err, chanNotFound)
			return
		}
		noContent(w)
	}))
	mux.HandleFunc("POST /ari/channels/{id}/move", s.inStasis(func(w http.ResponseWriter, c *channel, p params) {
		app := p.get("app")
		if app == "" {
			writeErr(w, fmt.Errorf("app is required: %w", ErrBadRequest), "")
			return
		}
		if a := s.apps[app]; !a.active() {
			s.chanEvent(c, "ApplicationMoveFailed", map[string]any{"destination": app, "args": splitArgs(p.get("appArgs"))})
			noContent(w)
			return
		}
		s.leaveStasisLocked(c)
		s.enterStasisLocked(c, app, splitArgs(p.get("appArgs")), nil)
		noContent(w)
	}))
}

func (s *Server) respondChannel(w http.ResponseWriter, c channelJSON, err error) {
	if err != nil {
		writeErr(w, err, chanNotFound)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// withChannel resolves {id} to a live channel (404 "Channel not found").
func (s *Server) withChannel(h func(http.ResponseWriter, *channel, params)) http.HandlerFunc {
	return s.wrap(func(w http.ResponseWriter, r *http.Request, p params) {
		c, err := s.getChannelLocked(r.PathValue("id"))
		if err != nil {
			writeErr(w, err, chanNotFound)
			return
		}
		h(w, c, p)
	})
}

// inStasis is withChannel for operations that need the channel in Stasis
// (409 "Channel not in Stasis application" otherwise).
func (s *Server) inStasis(h func(http.ResponseWriter, *channel, params)) http.HandlerFunc {
	return s.withChannel(func(w http.ResponseWriter, c *channel, p params) {
		if !c.inStasis {
			writeErr(w, ErrNotInStasis, chanNotFound)
			return
		}
		h(w, c, p)
	})
}

// channelVarLocked reads a variable or dialplan function.
func (s *Server) channelVarLocked(c *channel, name string) (string, bool) {
	upper := strings.ToUpper(name)
	switch {
	case strings.HasPrefix(upper, "PJSIP_DIAL_CONTACTS(") && strings.HasSuffix(name, ")"):
		ep := name[len("PJSIP_DIAL_CONTACTS(") : len(name)-1]
		ep, _, _ = strings.Cut(ep, ",")
		return s.dialContactsLocked(ep), true
	case upper == "CALLERID(NUM)":
		return c.caller.Number, true
	case upper == "CALLERID(NAME)":
		return c.caller.Name, true
	case upper == "CONNECTEDLINE(NUM)":
		return c.connected.Number, true
	case upper == "CONNECTEDLINE(NAME)":
		return c.connected.Name, true
	case upper == "CHANNEL(NAME)":
		return c.name, true
	case upper == "CHANNEL(STATE)":
		return c.state, true
	case upper == "CHANNEL(LANGUAGE)":
		return c.language, true
	case upper == "EXTEN":
		return c.exten, true
	case upper == "CONTEXT":
		return c.context, true
	case upper == "UNIQUEID":
		return c.id, true
	case strings.HasPrefix(upper, "DEVICE_STATE(") && strings.HasSuffix(name, ")"):
		st, _ := s.deviceStateLocked(name[len("DEVICE_STATE(") : len(name)-1])
		return st, true
	}
	v, ok := c.vars[name]
	if !ok {
		v, ok = s.globals[name]
	}
	return v, ok
}

// indicatesConnected reports whether setting variable name is a
// CONNECTEDLINE() write that Asterisk indicates to the device: every one
// but those with the i (inhibit) option.
func indicatesConnected(name string) bool {
	lk := strings.ToLower(name)
	args, ok := strings.CutPrefix(lk, "connectedline(")
	if !ok {
		return false
	}
	args = strings.TrimSuffix(args, ")")
	_, opts, _ := strings.Cut(args, ",")
	return !strings.Contains(opts, "i")
}
