package main

import (
	"fmt"
	"sort"
	"strings"
)

// mapOverrides gives a few free-form objects a concrete Go type: Asterisk
// only ever puts strings in them.
var mapOverrides = map[string]string{
	"Channel.channelvars": "map[string]string",
	"Bridge.bridgevars":   "map[string]string",
}

// goType maps a model property type to Go. Optional references to models
// become pointers so that absence survives a round trip.
func goType(owner, prop, t string, required bool, models map[string]Model) string {
	if o, ok := mapOverrides[owner+"."+prop]; ok {
		return o
	}
	if strings.HasPrefix(t, "List[") {
		inner := strings.TrimSuffix(strings.TrimPrefix(t, "List["), "]")
		return "[]" + goType(owner, "", inner, true, models)
	}
	scalar := map[string]string{"int": "int", "long": "int64", "double": "float64", "boolean": "bool"}
	if g, ok := scalar[t]; ok {
		// Asterisk sends some optional numbers both as 0 and not at all
		// (LiveRecording.silence_duration): a pointer keeps the difference.
		if !required {
			return "*" + g
		}
		return g
	}
	switch t {
	case "string":
		return "string"
	case "Date":
		return "DateTime"
	case "object":
		return "map[string]any"
	}
	if _, ok := models[t]; ok {
		if required {
			return t
		}
		return "*" + t
	}
	panic(fmt.Sprintf("unknown type %q in %s.%s", t, owner, prop))
}

// alwaysSent lists optional strings Asterisk always writes, even empty.
var alwaysSent = map[string]bool{"Dial.forward": true, "Dial.dialstring": true}

func isRequired(p Property) bool { return p.Required != nil && *p.Required }

// writeStruct emits one struct; base is an embedded type or "".
func writeStruct(b *strings.Builder, name string, m Model, base string, models map[string]Model) {
	desc := m.Description
	if desc == "" {
		desc = "is the ARI " + kindOf(base) + " " + name + "."
	} else {
		desc = "is the ARI " + kindOf(base) + " " + name + ": " + desc
	}
	b.WriteString(comment("", name+" "+desc))
	fmt.Fprintf(b, "type %s struct {\n", name)
	if base != "" {
		fmt.Fprintf(b, "\t%s\n", base)
	}
	for _, pn := range sortedKeys(m.Properties) {
		p := m.Properties[pn]
		req := isRequired(p)
		tag := pn
		if !req && !alwaysSent[name+"."+pn] {
			tag += ",omitempty"
		}
		if p.Description != "" {
			b.WriteString(comment("\t", p.Description))
		}
		fmt.Fprintf(b, "\t%s %s `json:\"%s\"`\n", goName(pn), goType(name, pn, p.Type, req, models), tag)
	}
	b.WriteString("}\n\n")
}

// collect returns every model of every file, and the names of the event
// models (Message subtypes: Event's subtypes and MissingParams).
func collect(specs []*Spec) (map[string]Model, map[string]bool) {
	models := map[string]Model{}
	for _, s := range specs {
		for k, v := range s.Models {
			if _, ok := models[k]; !ok {
				models[k] = v
			}
		}
	}
	events := map[string]bool{}
	for _, st := range models["Event"].SubTypes {
		events[st] = true
	}
	for _, st := range models["Message"].SubTypes {
		if st != "Event" {
			events[st] = true
		}
	}
	return models, events
}

func genModels(models map[string]Model, events map[string]bool) string {
	var b strings.Builder
	b.WriteString(header)
	for _, name := range sortedKeys(models) {
		if events[name] || name == "Event" || name == "Message" {
			continue
		}
		writeStruct(&b, name, models[name], "", models)
	}
	return b.String()
}

func genEvents(models map[string]Model, events map[string]bool) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("")
	names := sortedKeys(events)
	b.WriteString("// EventTypes lists every event type of the description, in name order.\n")
	b.WriteString("var EventTypes = []string{\n")
	for _, n := range names {
		fmt.Fprintf(&b, "\t%q,\n", n)
	}
	b.WriteString("}\n\n")
	for _, n := range names {
		writeStruct(&b, n, models[n], "EventBase", models)
		fmt.Fprintf(&b, "// EventType reports %q, also for a value built without its Type field.\n", n)
		fmt.Fprintf(&b, "func (*%s) EventType() string { return %q }\n\n", n, n)
		writeIDs(&b, n, models[n], models)
	}
	b.WriteString("// newEvent returns an empty event of the given type, or nil when the type is unknown.\n")
	b.WriteString("func newEvent(typ string) Event {\n\tswitch typ {\n")
	for _, n := range names {
		fmt.Fprintf(&b, "\tcase %q:\n\t\treturn new(%s)\n", n, n)
	}
	b.WriteString("\t}\n\treturn nil\n}\n\n")
	b.WriteString("// decodeKnown decodes data into the event type typ without reflection on the\n// interface value.\n")
	b.WriteString("func decodeKnown(typ string, data []byte) (Event, error) {\n\tswitch typ {\n")
	for _, n := range names {
		fmt.Fprintf(&b, "\tcase %q:\n\t\tev := new(%s)\n\t\terr := unmarshal(data, ev)\n\t\treturn ev, err\n", n, n)
	}
	b.WriteString("\t}\n\treturn nil, nil\n}\n")
	return b.String()
}

// writeIDs emits ChannelIDs and BridgeIDs: the ids of the channels and
// bridges an event concerns, so that a router can hand it to their owner.
func writeIDs(b *strings.Builder, name string, m Model, models map[string]Model) {
	var ch, br []string
	walkIDs("e", m, models, &ch, &br, 0)
	fmt.Fprintf(b, "// ChannelIDs returns the ids of the channels this %s concerns.\n", name)
	fmt.Fprintf(b, "func (e *%s) ChannelIDs() []string {\n", name)
	if len(ch) == 0 {
		b.WriteString("\treturn nil\n}\n\n")
	} else {
		fmt.Fprintf(b, "\tids := make([]string, 0, %d)\n", len(ch))
		for _, s := range ch {
			b.WriteString("\t" + s + "\n")
		}
		b.WriteString("\treturn ids\n}\n\n")
	}
	fmt.Fprintf(b, "// BridgeIDs returns the ids of the bridges this %s concerns.\n", name)
	fmt.Fprintf(b, "func (e *%s) BridgeIDs() []string {\n", name)
	if len(br) == 0 {
		b.WriteString("\treturn nil\n}\n\n")
	} else {
		fmt.Fprintf(b, "\tids := make([]string, 0, %d)\n", len(br))
		for _, s := range br {
			b.WriteString("\t" + s + "\n")
		}
		b.WriteString("\treturn ids\n}\n\n")
	}
}

// walkIDs appends statements collecting ids reachable from expr (of model m).
func walkIDs(expr string, m Model, models map[string]Model, ch, br *[]string, depth int) {
	keys := sortedKeys(m.Properties)
	// The event's own channel and bridge come first.
	sort.SliceStable(keys, func(i, j int) bool {
		return primary(keys[i]) && !primary(keys[j])
	})
	for _, pn := range keys {
		p := m.Properties[pn]
		f := expr + "." + goName(pn)
		ptr := !isRequired(p)
		ref := f
		if !ptr {
			ref = "&" + f
		}
		switch {
		case p.Type == "Channel":
			*ch = append(*ch, fmt.Sprintf("ids = appendChannel(ids, %s)", ref))
		case p.Type == "Bridge":
			*br = append(*br, fmt.Sprintf("ids = appendBridge(ids, %s)", ref))
		case p.Type == "Playback" || p.Type == "LiveRecording":
			*ch = append(*ch, fmt.Sprintf("ids = appendTarget(ids, %s.TargetURI, \"channel:\")", f))
			*br = append(*br, fmt.Sprintf("ids = appendTarget(ids, %s.TargetURI, \"bridge:\")", f))
		case pn == "destination_bridge" && p.Type == "string":
			*br = append(*br, fmt.Sprintf("ids = appendID(ids, %s)", f))
		default:
			sub, ok := models[p.Type]
			if !ok || depth > 2 || !reaches(sub, models, 0) {
				continue
			}
			var sc, sb []string
			walkIDs(f, sub, models, &sc, &sb, depth+1)
			if ptr {
				wrap := func(ss []string) []string {
					if len(ss) == 0 {
						return nil
					}
					return []string{fmt.Sprintf("if %s != nil {\n\t\t%s\n\t}", f, strings.Join(ss, "\n\t\t"))}
				}
				sc, sb = wrap(sc), wrap(sb)
			}
			*ch = append(*ch, sc...)
			*br = append(*br, sb...)
		}
	}
}

func primary(name string) bool { return name == "channel" || name == "bridge" }

// reaches reports whether m holds a Channel or Bridge somewhere.
func reaches(m Model, models map[string]Model, depth int) bool {
	for _, p := range m.Properties {
		if p.Type == "Channel" || p.Type == "Bridge" {
			return true
		}
		if sub, ok := models[p.Type]; ok && depth < 3 && reaches(sub, models, depth+1) {
			return true
		}
	}
	return false
}

const header = "// Code generated by ari/internal/gen from Asterisk 22's ARI description. DO NOT EDIT.\n\npackage ari\n\n"

func kindOf(base string) string {
	if base != "" {
		return "event"
	}
	return "model"
}

// genModelTable lists every generated struct by its description name, for the
// conformance test that compares them with the description.
func genModelTable(models map[string]Model) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("// modelTypes maps each description model to its Go struct.\nvar modelTypes = map[string]any{\n")
	for _, name := range sortedKeys(models) {
		if name == "Event" || name == "Message" {
			continue
		}
		fmt.Fprintf(&b, "\t%q: %s{},\n", name, name)
	}
	b.WriteString("}\n")
	return b.String()
}
