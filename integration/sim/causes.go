package sim

import "strconv"

// Q.850 causes as Asterisk names them in ChannelDestroyed.cause_txt.
var causeText = map[int]string{
	0:   "Unknown",
	1:   "Unallocated (unassigned) number",
	3:   "No route to destination",
	16:  "Normal Clearing",
	17:  "User busy",
	18:  "No user responding",
	19:  "User alerting, no answer",
	21:  "Call Rejected",
	26:  "Answered elsewhere",
	27:  "Destination out of order",
	28:  "Invalid number format (incomplete number)",
	31:  "Normal, unspecified",
	34:  "Circuit/channel congestion",
	38:  "Network out of order",
	58:  "Bearer capability not available",
	127: "Interworking, unspecified",
}

// hangupReasons maps DELETE /channels/{id}?reason= to a cause, as
// res/ari/resource_channels.c does.
var hangupReasons = map[string]int{
	"normal":             16,
	"busy":               17,
	"congestion":         34,
	"no_answer":          19,
	"timeout":            18,
	"rejected":           21,
	"unallocated":        1,
	"normal_unspecified": 31,
	"number_incomplete":  28,
	"codec_mismatch":     58,
	"interworking":       127,
	"failure":            38,
	"answered_elsewhere": 26,
}

// sipCodeForCause is the SIP final response chan_pjsip sends for a cause when
// an unanswered inbound call is ended; it shows up as tech_cause.
func sipCodeForCause(cause int) int {
	switch cause {
	case 17:
		return 486
	case 19, 18:
		return 480
	case 21:
		return 603
	case 34:
		return 503
	case 1:
		return 404
	case 28:
		return 484
	case 58:
		return 488
	}
	return 0
}

// causeFromReason parses DELETE's reason_code / reason.
func causeFromReason(code, reason string) (int, error) {
	if code != "" {
		n, err := strconv.Atoi(code)
		if err != nil {
			return 0, ErrBadRequest
		}
		return n, nil
	}
	if reason == "" {
		return 16, nil
	}
	n, ok := hangupReasons[reason]
	if !ok {
		return 0, ErrBadRequest
	}
	return n, nil
}

// CauseText reports Asterisk's text for a Q.850 cause.
func CauseText(cause int) string {
	if t, ok := causeText[cause]; ok {
		return t
	}
	return "Unknown"
}
