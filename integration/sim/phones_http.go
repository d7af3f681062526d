package sim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// The phone control API under /sim (only served by `switchboard serve
// --engine sim`): the same operations as the Go API, as JSON REST.
//
//	POST /sim/phones/{ep}/devices/{dev}/register   {"password":"…"}
//	POST /sim/phones/{ep}/devices/{dev}/unregister
//	POST /sim/phones/{ep}/devices/{dev}/incoming   {"action":"ring|answer|busy|decline","after_ms":0}
//	POST /sim/phones/{ep}/devices/{dev}/send       {"label":"1000Hz"}
//	POST /sim/phones/{ep}/devices/{dev}/dial       {"target":"202","caller_number":"…"}
//	GET  /sim/phones/{ep}/devices/{dev}            the device and its calls
//	POST /sim/calls/{id}/{op}                      op: answer, busy, decline, hangup, hold, unhold,
//	                                               dtmf {"digits":"12#"}, transfer {"target":"203"},
//	                                               answer_after {"after_ms":500}
//	GET  /sim/calls/{id}                           the call: state, caller id, heard, hears

type deviceView struct {
	Endpoint   string     `json:"endpoint"`
	Name       string     `json:"name"`
	Contact    string     `json:"contact"`
	Registered bool       `json:"registered"`
	Calls      []callView `json:"calls"`
}

type callView struct {
	ID           string   `json:"id"`
	Incoming     bool     `json:"incoming"`
	State        string   `json:"state"`
	CallerName   string   `json:"caller_name"`
	CallerNumber string   `json:"caller_number"`
	AutoAnswered bool     `json:"auto_answered"`
	HangupCause  int      `json:"hangup_cause"`
	Heard        []string `json:"heard"`
	Hears        []string `json:"hears"`
	DTMFReceived []string `json:"dtmf_received"`
}

func (c *Call) view() callView {
	name, num := c.CallerID()
	v := callView{ID: c.id, Incoming: c.incoming, State: string(c.State()), CallerName: name, CallerNumber: num,
		AutoAnswered: c.AutoAnswered(), HangupCause: c.HangupCause(), Hears: c.Hears(), DTMFReceived: c.DTMFReceived()}
	for _, h := range c.Heard() {
		v.Heard = append(v.Heard, h.What)
	}
	return v
}

func (s *Server) findCall(id string) *Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.phones {
		for _, d := range p.devices {
			for _, c := range d.calls {
				if c.id == id {
					return c
				}
			}
		}
	}
	return nil
}

func (s *Server) routePhones(mux *http.ServeMux) {
	type body struct {
		Password     string `json:"password"`
		Action       string `json:"action"`
		AfterMS      int    `json:"after_ms"`
		Label        string `json:"label"`
		Target       string `json:"target"`
		CallerName   string `json:"caller_name"`
		CallerNumber string `json:"caller_number"`
		Digits       string `json:"digits"`
	}
	read := func(r *http.Request) body {
		var b body
		_ = json.NewDecoder(r.Body).Decode(&b)
		return b
	}
	auth := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !s.authorized(r) {
				writeJSON(w, http.StatusUnauthorized, errorJSON{Error: "Authentication required"})
				return
			}
			h(w, r)
		}
	}
	device := func(r *http.Request) *Device {
		return s.Phone(r.PathValue("ep")).Device(r.PathValue("dev"))
	}
	fail := func(w http.ResponseWriter, err error) {
		status := http.StatusConflict
		if errors.Is(err, ErrNotFound) {
			status = http.StatusNotFound
		}
		writeJSON(w, status, errorJSON{Message: err.Error()})
	}
	mux.HandleFunc("GET /sim/phones/{ep}/devices/{dev}", auth(func(w http.ResponseWriter, r *http.Request) {
		d := device(r)
		v := deviceView{Endpoint: d.Endpoint(), Name: d.Name(), Contact: d.Contact(), Registered: d.Registered(), Calls: []callView{}}
		for _, c := range d.Calls() {
			v.Calls = append(v.Calls, c.view())
		}
		writeJSON(w, http.StatusOK, v)
	}))
	mux.HandleFunc("POST /sim/phones/{ep}/devices/{dev}/{op}", auth(func(w http.ResponseWriter, r *http.Request) {
		d, b := device(r), read(r)
		var err error
		switch r.PathValue("op") {
		case "register":
			err = d.Register(b.Password)
		case "unregister":
			d.Unregister()
		case "incoming":
			act := map[string]IncomingAction{"ring": Ring, "answer": AnswerCall, "busy": Busy, "decline": Decline}[b.Action]
			d.SetIncoming(IncomingPolicy{Action: act, After: time.Duration(b.AfterMS) * time.Millisecond})
		case "send":
			d.Send(b.Label)
		case "dial":
			var c *Call
			c, err = d.DialWith(b.Target, DialOptions{CallerName: b.CallerName, CallerNumber: b.CallerNumber})
			if err == nil {
				writeJSON(w, http.StatusOK, c.view())
				return
			}
		default:
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "unknown operation"})
			return
		}
		if err != nil {
			fail(w, err)
			return
		}
		noContent(w)
	}))
	mux.HandleFunc("GET /sim/calls/{id}", auth(func(w http.ResponseWriter, r *http.Request) {
		c := s.findCall(r.PathValue("id"))
		if c == nil {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "call not found"})
			return
		}
		writeJSON(w, http.StatusOK, c.view())
	}))
	mux.HandleFunc("POST /sim/calls/{id}/{op}", auth(func(w http.ResponseWriter, r *http.Request) {
		c := s.findCall(r.PathValue("id"))
		if c == nil {
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "call not found"})
			return
		}
		b := read(r)
		var err error
		switch r.PathValue("op") {
		case "answer":
			err = c.Answer()
		case "answer_after":
			c.AnswerAfter(time.Duration(b.AfterMS) * time.Millisecond)
		case "busy":
			err = c.Busy()
		case "decline":
			err = c.Decline()
		case "hangup":
			err = c.Hangup()
		case "hold":
			err = c.Hold()
		case "unhold":
			err = c.Unhold()
		case "dtmf":
			err = c.SendDTMF(b.Digits)
		case "transfer":
			err = c.Transfer(b.Target)
		default:
			writeJSON(w, http.StatusNotFound, errorJSON{Message: "unknown operation " + strconv.Quote(r.PathValue("op"))})
			return
		}
		if err != nil {
			fail(w, err)
			return
		}
		noContent(w)
	}))
}
