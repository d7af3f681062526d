package sim

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FaxDialplanOptions configure FaxDialplan.
type FaxDialplanOptions struct {
	// PageTime is how long one page takes on the simulator's clock
	// (default 9 s, 14400 bit/s).
	PageTime time.Duration
	// Timeout is how long ReceiveFAX/SendFAX wait for a far end that is no
	// fax machine before failing (default 30 s).
	Timeout time.Duration
}

// FaxDialplan is the project's fax dialplan as asterisk-conf renders it:
// the app continues a channel to context fax-rx (or fax-tx), extension s,
// after setting FAXFILE; the channel pushes the hangup handler fax-done
// (ChannelUserevent FaxResult with dir, status, error, pages, station, mode,
// file), runs ReceiveFAX (SendFAX), and if still up re-enters Stasis with
// fax-done,<rx|tx>,<status>,<pages>,<error>.
//
// The far end is the device on the channel: a device that sends "fax" or
// "fax:<pages>" (Device.Send) is a fax machine and the transfer succeeds
// after PageTime a page; a receiving fax machine then stays on the line, a
// sending one hangs up after its last page (so the result comes only from
// the hangup handler). Any other far end fails after Timeout. AMI gets
// ReceiveFAX/SendFAX. No TIFF is written. Other contexts hang up.
func FaxDialplan(o FaxDialplanOptions) DialplanFunc {
	if o.PageTime == 0 {
		o.PageTime = 9 * time.Second
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	return func(ctx context.Context, d *DialplanChannel) {
		dir := map[string]string{"fax-rx": "rx", "fax-tx": "tx"}[d.Context()]
		if dir == "" {
			return
		}
		runFax(ctx, d, dir, o)
	}
}

func runFax(ctx context.Context, d *DialplanChannel, dir string, o FaxDialplanOptions) {
	s := d.s
	d.Exec("Set", "CHANNEL(hangup_handler_push)=fax-done,s,1("+dir+")")
	d.PushHangupHandler(func(h *DialplanChannel) {
		f := map[string]string{"dir": dir, "status": h.Var("FAXSTATUS"), "error": h.Var("FAXERROR"),
			"pages": h.Var("FAXPAGES"), "station": h.Var("REMOTESTATIONID"), "mode": h.Var("FAXMODE"), "file": h.Var("FAXFILE")}
		h.Exec("UserEvent", fmt.Sprintf("FaxResult,dir: %s,status: %s,error: %s,pages: %s,station: %s,mode: %s,file: %s",
			f["dir"], f["status"], f["error"], f["pages"], f["station"], f["mode"], f["file"]))
		h.UserEvent("FaxResult", f)
	})
	d.Exec("Set", "TIMEOUT(absolute)=900")
	app := map[string]string{"rx": "ReceiveFAX", "tx": "SendFAX"}[dir]
	opt := map[string]string{"rx": "f", "tx": "zf"}[dir]
	file := d.Var("FAXFILE")
	d.Exec(app, file+","+opt)
	faxInitFailed(d)
	faxReset(d)

	s.mu.Lock()
	pages, isFax := 0, false
	if c := d.c; c.dev != nil {
		label := c.dev.sendLabel()
		if strings.HasPrefix(label, "fax") {
			isFax, pages = true, 1
			if n, err := strconv.Atoi(strings.TrimPrefix(label, "fax:")); err == nil && n > 0 {
				pages = n
			}
		}
	}
	s.mu.Unlock()

	wait := o.Timeout
	if isFax {
		wait = time.Duration(pages) * o.PageTime
	}
	if d.Wait(ctx, wait) != nil || d.Gone() {
		return
	}
	status, errText, str := "SUCCESS", "", "OK"
	if !isFax {
		status, errText, str, pages = "FAILED", "TIMEOUT", "fax negotiation timed out", 0
	}
	for _, kv := range [][2]string{{"FAXSTATUS", status}, {"FAXERROR", errText}, {"FAXSTATUSSTRING", str},
		{"REMOTESTATIONID", ""}, {"LOCALSTATIONID", ""}, {"FAXBITRATE", "14400"}, {"FAXRESOLUTION", "8031x7700"},
		{"FAXMODE", "audio"}, {"FAXPAGES", strconv.Itoa(pages)}} {
		d.SetVar(kv[0], kv[1])
	}
	s.AMIEvent(app, "Channel", d.Name(), "Uniqueid", d.ID(), "RemoteStationID", "", "LocalStationID", "",
		"PagesTransferred", strconv.Itoa(pages), "Resolution", "8031", "TransferRate", "14400", "FileName", file)
	if isFax && dir == "rx" {
		// The sending fax machine hangs up after its last page.
		s.mu.Lock()
		if c := d.c; !c.hungUp && c.call != nil {
			s.hangupLocked(c, remoteHangupSpec(c))
		}
		s.mu.Unlock()
		return
	}
	_ = d.Stasis("fax-done", dir, status, strconv.Itoa(pages), errText)
}

// remoteHangupSpec is the hang-up a phone's BYE causes on c.
func remoteHangupSpec(c *channel) hangupSpec {
	if c.kind == kindInbound {
		return hangupSpec{reqNoCause: true, cause: 16}
	}
	return hangupSpec{reqCause: 16, cause: 16}
}
