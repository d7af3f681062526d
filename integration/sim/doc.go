// Package sim is an in-process simulation of Asterisk 22 as the Switchboard app
// sees it: the ARI REST interface and event WebSocket, a small AMI server, and
// simulated SIP phones that tests drive with plain Go methods (FEATURES.md X-SIM).
//
// The simulator tells the same story as the recorded traces of a real Asterisk
// 22.10.1 (../shared/asterisk-ari-22-traces): the same event types in the same
// order per channel, the same causes and the same response codes; FIDELITY.md
// lists what the replay of those traces corrected. Media is symbolic (sources
// and paths); only recordings are real WAV files (names may hold subfolders,
// vm/101/msg-1, as on Asterisk), and a recording played back is heard as the
// sources it was recorded from. Every timer runs on the injected
// clock.Clock, so tests sharing a clock.Fake with the app run 30 s ring
// timeouts in microseconds (advance the Fake, then Server.Settle).
//
// # Serving
//
//	s, _ := sim.New(sim.Options{Clock: clk})
//	http.ListenAndServe(addr, s.Handler())  // /ari/... and /ari/events, /sim/... (phones)
//	go s.ServeAMI(ctx, amiListener)
//
// Endpoints exist once provisioned through PUT /ari/asterisk/config/dynamic/
// res_pjsip/{endpoint,aor,auth}/{id} (or with Options.AutoProvision). The
// endpoint's context picks the origin of its calls: contexts or names with
// "trunk" -> trunk, "browser"/"web" or a "-web" name -> browser, else phone.
//
// # Phones
//
//	a := s.Phone("201").Device("desk")          // a device (contact) of endpoint 201
//	_ = a.Register("secret")                    // fails if not provisioned / wrong password
//	a.Send("1000Hz")                            // what its microphone carries
//	b := s.Phone("202").Device("desk"); _ = b.Register("pw")
//	b.SetIncoming(sim.IncomingPolicy{Action: sim.AnswerCall, After: 2*time.Second})
//	call, _ := a.Dial("*71803#")                // enters Stasis(switchboard,phone,*71803#)
//	in, _ := b.WaitRinging(ctx)                 // or b.Ringing()
//	name, num := in.CallerID()                  // what the display shows
//	_ = in.Answer()  /  in.AnswerAfter(d)  /  in.Busy()  /  in.Decline()
//	_ = call.SendDTMF("5#"); _ = call.Hold(); _ = call.Transfer("203")  // REFER
//	call.Hears()      // who/what it hears now: ["600Hz"], ["moh:default"], ["sound:beep"]
//	call.Heard()      // prompts, tones and music heard, in order, with clock times
//	call.DTMFReceived(), call.State(), call.HangupCause(), call.ConnectedLine()
//
// Calls arriving while the app has no WebSocket run the project's
// [stasis-failed] dialplan (ss-noservice, cause 34). Channels sent to the
// dialplan with continue run Options.Dialplan: FaxDialplan models the
// project's fax contexts, FaxLoopback the recorded self-fax.
package sim
