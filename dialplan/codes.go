package dialplan

// CodeID names one feature code dialled from a phone (FEATURES.md section 2).
// Where one catalogue feature has several codes (on/off, login/logout) each
// code has its own id; Feature reports the catalogue id.
type CodeID string

// The feature codes of FEATURES.md section 2. Their default dial strings are
// listed by DefaultCodes.
const (
	CodeVMMain          CodeID = "FC-VM-MAIN"       // *60#: voicemail main menu
	CodeVMMy            CodeID = "FC-VM-MY"         // *61#: own mailbox
	CodePickupGroup     CodeID = "FC-PICKUP-GROUP"  // *8#: pick up in own department
	CodePickupDirect    CodeID = "FC-PICKUP-DIRECT" // **<ext>#: pick up that extension's call
	CodeBlacklistLast   CodeID = "FC-BL-LAST"       // *76#: blacklist the last external caller
	CodeBlacklistAdd    CodeID = "FC-BL-ADD"        // *75#: prompt for a number to blacklist
	CodeBlacklistDel    CodeID = "FC-BL-DEL"        // *075#: prompt for a number to whitelist
	CodeSpyListen       CodeID = "FC-SPY-LISTEN"    // *90<ext>#: listen, unheard
	CodeSpyWhisper      CodeID = "FC-SPY-WHISPER"   // *91<ext>#: talk to the extension only
	CodeSpyBarge        CodeID = "FC-SPY-BARGE"     // *92<ext>#: talk to both
	CodeQueueLogin      CodeID = "FC-QUEUE-LOGIN"   // *93<queue>#: dynamic agent logs in
	CodeQueueLogout     CodeID = "FC-QUEUE-LOGOUT"  // *093<queue>#: dynamic agent logs out
	CodeQueuePause      CodeID = "FC-QUEUE-PAUSE"   // *95#: agent pauses
	CodeQueueResume     CodeID = "FC-QUEUE-RESUME"  // *095#: agent resumes
	CodeWakeupMenu      CodeID = "FC-WAKEUP"        // *55#: wakeup call menu
	CodeWakeupAdd       CodeID = "FC-WAKEUP-ADD"    // *55*MMDDHHMM#: add a wakeup call
	CodeWakeupCancelAll CodeID = "FC-WAKEUP-CANCEL" // *055#: cancel all wakeup calls
	CodeFwdAll          CodeID = "FC-FWD-ALL"       // *71<number>#: forward all calls
	CodeFwdAllOff       CodeID = "FC-FWD-ALL-OFF"   // *071#
	CodeFwdBusy         CodeID = "FC-FWD-BUSY"      // *72<number>#: forward on busy
	CodeFwdBusyOff      CodeID = "FC-FWD-BUSY-OFF"  // *072#
	CodeFwdNoAnswer     CodeID = "FC-FWD-NOANS"     // *73<number>#: forward on no answer
	CodeFwdNoAnswerOff  CodeID = "FC-FWD-NOANS-OFF" // *073#
	CodeDNDOn           CodeID = "FC-DND-ON"        // *74#: do not disturb on
	CodeDNDOff          CodeID = "FC-DND-OFF"       // *074#: do not disturb off
	CodeAnnounceWAN     CodeID = "FC-ANNOUNCE-WAN"  // **11#: say the WAN IP
	CodeAnnounceLAN     CodeID = "FC-ANNOUNCE-LAN"  // **12#: say the LAN IP
	CodeAnnounceExt     CodeID = "FC-ANNOUNCE-EXT"  // **13#: say the caller's extension
	CodeIntercom        CodeID = "FC-INTERCOM"      // *50<ext>#: two-way auto-answer call
	CodePage            CodeID = "FC-PAGE"          // *51<ext>#: one-way auto-answer call
)

// argKind says what a feature code takes after its digits.
type argKind uint8

const (
	argNone      argKind = iota // nothing: the code is complete on its own
	argExtension                // an extension number (not a queue or ring group, not the caller)
	argTarget                   // a forwarding target: extension, ring group, queue or prefix + external
	argQueue                    // a configured queue number
	argWakeup                   // MMDDHHMM
)

func (a argKind) String() string {
	switch a {
	case argExtension:
		return "an extension number"
	case argTarget:
		return "a target number (extension, ring group, queue, or outbound prefix + external number)"
	case argQueue:
		return "a queue number"
	case argWakeup:
		return "a date and time as MMDDHHMM"
	}
	return "nothing"
}

type codeSpec struct {
	id      CodeID
	def     string
	arg     argKind
	feature string
}

// codeTable lists every feature code with its default, its argument and the
// FEATURES.md id it belongs to.
var codeTable = [...]codeSpec{
	{CodeVMMain, "*60", argNone, "FC-VM-MAIN"},
	{CodeVMMy, "*61", argNone, "FC-VM-MY"},
	{CodePickupGroup, "*8", argNone, "FC-PICKUP-GROUP"},
	{CodePickupDirect, "**", argExtension, "FC-PICKUP-DIRECT"},
	{CodeBlacklistLast, "*76", argNone, "FC-BL-LAST"},
	{CodeBlacklistAdd, "*75", argNone, "FC-BL-ADD"},
	{CodeBlacklistDel, "*075", argNone, "FC-BL-DEL"},
	{CodeSpyListen, "*90", argExtension, "FC-SPY-LISTEN"},
	{CodeSpyWhisper, "*91", argExtension, "FC-SPY-WHISPER"},
	{CodeSpyBarge, "*92", argExtension, "FC-SPY-BARGE"},
	{CodeQueueLogin, "*93", argQueue, "FC-QUEUE"},
	{CodeQueueLogout, "*093", argQueue, "FC-QUEUE"},
	{CodeQueuePause, "*95", argNone, "FC-QUEUE"},
	{CodeQueueResume, "*095", argNone, "FC-QUEUE"},
	{CodeWakeupMenu, "*55", argNone, "FC-WAKEUP"},
	{CodeWakeupAdd, "*55*", argWakeup, "FC-WAKEUP"},
	{CodeWakeupCancelAll, "*055", argNone, "FC-WAKEUP"},
	{CodeFwdAll, "*71", argTarget, "FC-FWD-ALL"},
	{CodeFwdAllOff, "*071", argNone, "FC-FWD-ALL"},
	{CodeFwdBusy, "*72", argTarget, "FC-FWD-BUSY"},
	{CodeFwdBusyOff, "*072", argNone, "FC-FWD-BUSY"},
	{CodeFwdNoAnswer, "*73", argTarget, "FC-FWD-NOANS"},
	{CodeFwdNoAnswerOff, "*073", argNone, "FC-FWD-NOANS"},
	{CodeDNDOn, "*74", argNone, "FC-DND"},
	{CodeDNDOff, "*074", argNone, "FC-DND"},
	{CodeAnnounceWAN, "**11", argNone, "FC-ANNOUNCE"},
	{CodeAnnounceLAN, "**12", argNone, "FC-ANNOUNCE"},
	{CodeAnnounceExt, "**13", argNone, "FC-ANNOUNCE"},
	{CodeIntercom, "*50", argExtension, "FC-INTERCOM"},
	{CodePage, "*51", argExtension, "FC-PAGE"},
}

func specOf(id CodeID) (codeSpec, bool) {
	for _, s := range codeTable {
		if s.id == id {
			return s, true
		}
	}
	return codeSpec{}, false
}

// Feature reports the FEATURES.md id the code belongs to (FC-DND for both
// FC-DND-ON and FC-DND-OFF), or "" for an unknown code.
func (c CodeID) Feature() string {
	s, _ := specOf(c)
	return s.feature
}

// TakesArgument reports whether the code is followed by digits (a number,
// an extension, a queue or a date) before the closing '#'.
func (c CodeID) TakesArgument() bool {
	s, _ := specOf(c)
	return s.arg != argNone
}

// AllCodes lists every feature code id in catalogue order.
func AllCodes() []CodeID {
	ids := make([]CodeID, len(codeTable))
	for i, s := range codeTable {
		ids[i] = s.id
	}
	return ids
}

// DefaultCodes returns the default dial string of every feature code, without
// the closing '#' (e.g. CodeFwdAll -> "*71").
func DefaultCodes() map[CodeID]string {
	m := make(map[CodeID]string, len(codeTable))
	for _, s := range codeTable {
		m[s.id] = s.def
	}
	return m
}

// InCallID names one code pressed during a live call (FEATURES.md section 3).
type InCallID string

// The in-call codes of FEATURES.md section 3; defaults in DefaultInCallCodes.
const (
	InCallPark      InCallID = "IC-PARK"       // *4: park the other party
	InCallBlind     InCallID = "IC-BLIND"      // #: blind transfer
	InCallAttended  InCallID = "IC-ATTENDED"   // *2: attended transfer
	InCallRecord    InCallID = "IC-RECORD"     // *1: start/stop recording
	InCallAdhocConf InCallID = "IC-ADHOC-CONF" // *0: ad-hoc conference
)

var inCallTable = [...]struct {
	id  InCallID
	def string
}{
	{InCallPark, "*4"},
	{InCallBlind, "#"},
	{InCallAttended, "*2"},
	{InCallRecord, "*1"},
	{InCallAdhocConf, "*0"},
}

// DefaultInCallCodes returns the default key sequence of every in-call code.
func DefaultInCallCodes() map[InCallID]string {
	m := make(map[InCallID]string, len(inCallTable))
	for _, s := range inCallTable {
		m[s.id] = s.def
	}
	return m
}
