package sim

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// FaxOptions configure FaxLoopback.
type FaxOptions struct {
	// Context holds the receive and send extensions (default "faxtest").
	Context string
	// ReceiveExten answers and runs ReceiveFAX (default "rx"); SendExten
	// pushes the result hangup handler and runs SendFAX (default "tx").
	ReceiveExten, SendExten string
	// Pages is the number of pages sent (default 2); Duration how long the
	// transfer takes on the simulator's clock (default 9 s a page, as
	// measured at 14400 bit/s).
	Pages    int
	Duration time.Duration
}

// FaxLoopback is the dialplan of the fax_send_receive trace, for a
// simulator whose app faxes itself through a Local channel: the app
// originates Local/<rx>@<context> (whose second half answers and runs
// ReceiveFAX), then continues its own half to <tx>, which pushes a hangup
// handler and runs SendFAX. The receiver hangs up first; the sender's
// hangup handler raises ChannelUserevent FaxResult (status, pages, error,
// station). Channel variables are set in the order Asterisk's res_fax sets
// them. Any other context hangs up.
func FaxLoopback(o FaxOptions) DialplanFunc {
	if o.Context == "" {
		o.Context = "faxtest"
	}
	if o.ReceiveExten == "" {
		o.ReceiveExten = "rx"
	}
	if o.SendExten == "" {
		o.SendExten = "tx"
	}
	if o.Pages == 0 {
		o.Pages = 2
	}
	if o.Duration == 0 {
		o.Duration = time.Duration(o.Pages) * 9 * time.Second
	}
	f := &faxSession{o: o}
	return f.run
}

type faxSession struct {
	o FaxOptions
}

// faxVars are res_fax's variable blocks, as the trace shows them.
func faxInitFailed(d *DialplanChannel) {
	for _, kv := range [][2]string{{"FAXSTATUS", "FAILED"}, {"FAXPAGES", "0"}, {"FAXSTATUS", "FAILED"},
		{"FAXERROR", "INIT_ERROR"}, {"FAXSTATUSSTRING", "error starting fax session"}, {"REMOTESTATIONID", ""},
		{"LOCALSTATIONID", ""}, {"FAXMODE", "audio"}, {"FAXPAGES", "0"}} {
		d.SetVar(kv[0], kv[1])
	}
}

func faxReset(d *DialplanChannel) {
	for _, kv := range [][2]string{{"FAXSTATUS", ""}, {"FAXERROR", ""}, {"FAXSTATUSSTRING", ""},
		{"REMOTESTATIONID", ""}, {"LOCALSTATIONID", ""}, {"FAXMODE", "audio"}, {"FAXPAGES", "0"}} {
		d.SetVar(kv[0], kv[1])
	}
}

func (f *faxSession) run(ctx context.Context, d *DialplanChannel) {
	if d.Context() != f.o.Context {
		return
	}
	pages := strconv.Itoa(f.o.Pages)
	switch d.Exten() {
	case f.o.ReceiveExten:
		d.Answer()
		if d.WaitSignal(ctx, "fax:sending") != nil {
			return
		}
		d.Exec("ReceiveFAX", fmt.Sprintf("/var/spool/asterisk/fax/rx-%s.tif", d.ID()))
		faxInitFailed(d)
		d.SetVar("FAXERROR", "Channel Problems")
		d.SetVar("FAXSTATUSSTRING", "Error before FAX transmission started.")
		faxReset(d)
		if err := d.Wait(ctx, f.o.Duration); err != nil {
			return
		}
		for _, kv := range [][2]string{{"FAXSTATUS", "SUCCESS"}, {"FAXSTATUSSTRING", "OK"}, {"REMOTESTATIONID", ""},
			{"LOCALSTATIONID", ""}, {"FAXBITRATE", "14400"}, {"FAXRESOLUTION", "8031x7700"}, {"FAXMODE", "audio"},
			{"FAXPAGES", pages}} {
			d.SetVar(kv[0], kv[1])
		}
		d.s.AMIEvent("ReceiveFAX", "Channel", d.Name(), "Uniqueid", d.ID(), "RemoteStationID", "",
			"LocalStationID", "", "PagesTransferred", pages, "Resolution", "8031", "TransferRate", "14400",
			"FileName", fmt.Sprintf("/var/spool/asterisk/fax/rx-%s.tif", d.ID()))
		d.Signal("fax:received")
		d.Exec("Hangup", "")
		d.Hangup(16)
	case f.o.SendExten:
		d.Exec("Set", fmt.Sprintf("CHANNEL(hangup_handler_push)=%s,faxresult,1", f.o.Context))
		d.PushHangupHandler(func(h *DialplanChannel) {
			data := fmt.Sprintf("FaxResult,status: %s,pages: %s,error: %s,station: %s",
				h.Var("FAXSTATUS"), h.Var("FAXPAGES"), h.Var("FAXERROR"), h.Var("REMOTESTATIONID"))
			h.Exec("UserEvent", data)
			h.UserEvent("FaxResult", map[string]string{"status": h.Var("FAXSTATUS"), "pages": h.Var("FAXPAGES"),
				"error": h.Var("FAXERROR"), "station": h.Var("REMOTESTATIONID")})
		})
		d.Exec("SendFAX", "/var/spool/asterisk/fax/tx.tif")
		faxInitFailed(d)
		faxReset(d)
		d.Signal("fax:sending")
		if d.WaitSignal(ctx, "fax:received") != nil {
			return
		}
		if d.waitUntil(ctx, func() bool { return d.c.dying || d.c.hungUp }) != nil {
			return
		}
		for _, kv := range [][2]string{{"FAXSTATUS", "FAILED"}, {"FAXERROR", "HANGUP"}, {"FAXSTATUSSTRING", "remote channel hungup"},
			{"REMOTESTATIONID", ""}, {"LOCALSTATIONID", ""}, {"FAXMODE", "audio"}, {"FAXPAGES", "0"},
			{"FAXSTATUS", "SUCCESS"}, {"FAXERROR", "HANGUP"}, {"FAXSTATUSSTRING", "OK"}, {"REMOTESTATIONID", ""},
			{"LOCALSTATIONID", ""}, {"FAXBITRATE", "14400"}, {"FAXRESOLUTION", "8031x7700"}, {"FAXMODE", "audio"},
			{"FAXPAGES", pages}} {
			d.SetVar(kv[0], kv[1])
		}
		d.s.AMIEvent("SendFAX", "Channel", d.Name(), "Uniqueid", d.ID(), "RemoteStationID", "",
			"LocalStationID", "", "PagesTransferred", pages, "Resolution", "8031", "TransferRate", "14400",
			"FileName", "/var/spool/asterisk/fax/tx.tif")
	}
}
