package main

import (
	"fmt"
	"sort"
	"strings"
)

// constPrefixes names the constants of each parameter with a list of
// allowable values, by "resource.nickname.param".
var constPrefixes = map[string]string{
	"asterisk.getInfo.only":                  "InfoOnly",
	"bridges.record.ifExists":                "IfExists",
	"channels.record.ifExists":               "IfExists",
	"bridges.record.terminateOn":             "TerminateOn",
	"channels.record.terminateOn":            "TerminateOn",
	"channels.hangup.reason":                 "HangupReason",
	"channels.mute.direction":                "MuteDirection",
	"channels.unmute.direction":              "MuteDirection",
	"channels.snoopChannel.spy":              "SnoopSpy",
	"channels.snoopChannelWithId.spy":        "SnoopSpy",
	"channels.snoopChannel.whisper":          "SnoopWhisper",
	"channels.snoopChannelWithId.whisper":    "SnoopWhisper",
	"channels.externalMedia.encapsulation":   "ExternalMediaEncapsulation",
	"channels.externalMedia.transport":       "ExternalMediaTransport",
	"channels.externalMedia.connection_type": "ExternalMediaConnectionType",
	"channels.externalMedia.direction":       "ExternalMediaDirection",
	"deviceStates.update.deviceState":        "DeviceState",
	"playbacks.control.operation":            "PlaybackOperation",
}

var valueNames = map[string]string{"*": "Star", "#": "Hash"}

// genConsts emits one untyped constant per allowable value of a parameter.
// It panics on a list parameter without a prefix, so a new one in a future
// description is not silently skipped.
func genConsts(specs []*Spec) string {
	type constant struct{ name, value, where string }
	byName := map[string]constant{}
	for _, s := range specs {
		for _, a := range s.APIs {
			for _, o := range a.Operations {
				for _, p := range o.Parameters {
					if p.AllowableValues == nil || p.AllowableValues.ValueType != "LIST" {
						continue
					}
					key := s.file + "." + o.Nickname + "." + p.Name
					prefix, ok := constPrefixes[key]
					if !ok {
						panic("no constant prefix for " + key)
					}
					for _, v := range p.AllowableValues.Values {
						vn, ok := valueNames[v]
						if !ok {
							vn = goName(strings.ToLower(v))
						}
						c := byName[prefix+vn]
						if c.name == "" {
							c = constant{name: prefix + vn, value: v, where: fmt.Sprintf("%s %s's %s", o.HTTPMethod, a.Path, p.Name)}
						}
						byName[c.name] = c
					}
				}
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("// Allowed values of the description's enumerated parameters.\nconst (\n")
	for _, n := range names {
		c := byName[n]
		fmt.Fprintf(&b, "\t// %s is a value of %s.\n\t%s = %q\n", c.name, c.where, c.name, c.value)
	}
	b.WriteString(")\n")
	return b.String()
}
