package main

import (
	"fmt"
	"strings"
)

// singular names the resource in parameter struct names.
var singular = map[string]string{
	"applications": "Application", "asterisk": "Asterisk", "bridges": "Bridge",
	"channels": "Channel", "deviceStates": "DeviceState", "endpoints": "Endpoint",
	"events": "Event", "mailboxes": "Mailbox", "playbacks": "Playback",
	"recordings": "Recording", "sounds": "Sound",
}

// methodOverrides gives some nicknames a clearer Go name.
var methodOverrides = map[string]string{
	"getChannelVar": "GetVariable", "setChannelVar": "SetVariable",
	"getChannelVars": "GetVariables", "setChannelVars": "SetVariables",
	"getBridgeVar": "GetVariable", "setBridgeVar": "SetVariable",
	"getBridgeVars": "GetVariables", "setBridgeVars": "SetVariables",
	"snoopChannel": "Snoop", "snoopChannelWithId": "SnoopWithID",
	"rtpstatistics": "RTPStatistics", "getGlobalVar": "GetGlobalVariable",
	"setGlobalVar": "SetGlobalVariable", "startMoh": "StartMOH", "stopMoh": "StopMOH",
}

// paramTypeOverrides fixes the Go type of free-form body parameters.
var paramTypeOverrides = map[string]string{
	"applications.filter": "*EventFilter",
	"asterisk.fields":     "[]ConfigTuple",
}

// skipOps are not REST calls (the event WebSocket has its own code).
var skipOps = map[string]bool{"events.eventWebsocket": true}

func methodName(nick string) string {
	if o, ok := methodOverrides[nick]; ok {
		return o
	}
	return goName(nick)
}

func paramGoType(res string, p Param) string {
	if o, ok := paramTypeOverrides[res+"."+p.Name]; ok {
		return o
	}
	if p.ParamType == "body" {
		return "map[string]any"
	}
	var t string
	switch p.DataType {
	case "string":
		t = "string"
	case "int":
		t = "int"
	case "long":
		t = "int64"
	case "boolean":
		t = "bool"
	default:
		panic(fmt.Sprintf("param type %q of %s", p.DataType, p.Name))
	}
	if p.AllowMultiple {
		return "[]" + t
	}
	return t
}

func responseType(rc string) (goT string, kind string) {
	switch {
	case rc == "void":
		return "", "void"
	case rc == "binary":
		return "[]byte", "binary"
	case strings.HasPrefix(rc, "List["):
		return "[]" + strings.TrimSuffix(strings.TrimPrefix(rc, "List["), "]"), "list"
	}
	return "*" + rc, "model"
}

func genREST(specs []*Spec, models map[string]Model) map[string]string {
	out := map[string]string{}
	var tables strings.Builder
	tables.WriteString(strings.Replace(header, "package ari", "package ari", 1))
	tables.WriteString("import \"context\"\n\n")
	tables.WriteString("// allOps lists every generated call with a function that invokes it with all\n// parameters filled, for the conformance tests.\nvar allOps = []opCase{\n")
	for _, s := range specs {
		if len(s.APIs) == 0 || singular[s.file] == "" {
			continue
		}
		src, table := genResource(s)
		out["rest_"+strings.ToLower(s.file)+"_gen.go"] = src
		tables.WriteString(table)
	}
	tables.WriteString("}\n")
	out["ops_gen_test.go"] = tables.String()
	return out
}

func genResource(s *Spec) (string, string) {
	res := s.file
	handle := strings.ToUpper(res[:1]) + res[1:]
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("import (\n\t\"context\"\n\t\"net/http\"\n\t\"net/url\"\n)\n\n")
	fmt.Fprintf(&b, "// %s groups the ARI calls under /%s.\n", handle, res)
	fmt.Fprintf(&b, "type %s struct{ c *Client }\n\n", handle)
	fmt.Fprintf(&b, "// %s returns the calls under /%s.\n", handle, res)
	fmt.Fprintf(&b, "func (c *Client) %s() %s { return %s{c: c} }\n\n", handle, handle, handle)
	type op struct {
		path string
		o    Operation
	}
	var ops []op
	for _, a := range s.APIs {
		for _, o := range a.Operations {
			if skipOps[res+"."+o.Nickname] {
				continue
			}
			ops = append(ops, op{a.Path, o})
		}
	}
	var table strings.Builder
	for _, x := range ops {
		writeOp(&b, res, handle, x.path, x.o)
		table.WriteString(opEntry(res, handle, x.path, x.o))
	}
	return b.String(), table.String()
}

func writeOp(b *strings.Builder, res, handle, path string, o Operation) {
	name := methodName(o.Nickname)
	var pathParams, rest []Param
	for _, p := range o.Parameters {
		if p.ParamType == "path" {
			pathParams = append(pathParams, p)
		} else {
			rest = append(rest, p)
		}
	}
	paramsType := singular[res] + name + "Params"
	if len(rest) > 0 {
		fmt.Fprintf(b, "// %s holds the parameters of %s.%s. Zero values of optional\n// parameters are not sent.\n", paramsType, handle, name)
		fmt.Fprintf(b, "type %s struct {\n", paramsType)
		for _, p := range rest {
			d := p.Description
			if p.Required {
				d = "(required) " + d
			}
			if p.ParamType == "body" {
				d += " Sent in the JSON body."
			}
			b.WriteString(comment("\t", goName(p.Name)+" is "+p.ParamType+" parameter "+p.Name+": "+d))
			fmt.Fprintf(b, "\t%s %s\n", goName(p.Name), paramGoType(res, p))
		}
		b.WriteString("}\n\n")
	}
	rt, kind := responseType(o.ResponseClass)
	args := []string{"ctx context.Context"}
	for _, p := range pathParams {
		args = append(args, lowerFirst(goName(p.Name))+" string")
	}
	if len(rest) > 0 {
		args = append(args, "p "+paramsType)
	}
	ret := "error"
	if rt != "" {
		ret = "(" + rt + ", error)"
	}
	b.WriteString(comment("", fmt.Sprintf("%s calls %s %s: %s", name, o.HTTPMethod, path, o.Summary)))
	fmt.Fprintf(b, "func (r %s) %s(%s) %s {\n", handle, name, strings.Join(args, ", "), ret)
	// path
	pathExpr := fmt.Sprintf("%q", path)
	for _, p := range pathParams {
		pathExpr = strings.Replace(pathExpr, "{"+p.Name+"}", "\" + url.PathEscape("+lowerFirst(goName(p.Name))+") + \"", 1)
	}
	pathExpr = strings.TrimSuffix(strings.ReplaceAll(pathExpr, " + \"\"", ""), "")
	fmt.Fprintf(b, "\tpath := %s\n", pathExpr)
	hasQuery := false
	var body string
	for _, p := range rest {
		if p.ParamType == "query" {
			hasQuery = true
		}
	}
	if hasQuery {
		b.WriteString("\tq := url.Values{}\n")
	} else {
		b.WriteString("\tvar q url.Values\n")
	}
	for _, p := range rest {
		f := "p." + goName(p.Name)
		switch p.ParamType {
		case "query":
			t := paramGoType(res, p)
			fn := map[string]string{"string": "setString", "[]string": "setStrings", "int": "setInt", "int64": "setInt64", "bool": "setBool"}[t]
			fmt.Fprintf(b, "\t%s(q, %q, %s, %v)\n", fn, p.Name, f, p.Required)
		case "body":
			if p.DataType == "object" {
				body = fmt.Sprintf("bodyObject(%s)", f)
			} else {
				body = fmt.Sprintf("bodyField(%q, %s)", p.Name, f)
			}
		}
	}
	if body == "" {
		body = "nil"
	}
	method := "http.Method" + strings.ToUpper(o.HTTPMethod[:1]) + strings.ToLower(o.HTTPMethod[1:])
	switch kind {
	case "void":
		fmt.Fprintf(b, "\treturn r.c.do(ctx, %s, path, q, %s, nil)\n", method, body)
	case "binary":
		fmt.Fprintf(b, "\tvar out []byte\n\terr := r.c.do(ctx, %s, path, q, %s, &out)\n\treturn out, err\n", method, body)
	case "list":
		fmt.Fprintf(b, "\tvar out %s\n\tif err := r.c.do(ctx, %s, path, q, %s, &out); err != nil {\n\t\treturn nil, err\n\t}\n\treturn out, nil\n", rt, method, body)
	default:
		fmt.Fprintf(b, "\tout := new(%s)\n\tif err := r.c.do(ctx, %s, path, q, %s, out); err != nil {\n\t\treturn nil, err\n\t}\n\treturn out, nil\n", rt[1:], method, body)
	}
	b.WriteString("}\n\n")
}

// opEntry is one conformance-table entry: the call with every parameter set.
func opEntry(res, handle, path string, o Operation) string {
	name := methodName(o.Nickname)
	var args []string
	hasRest := false
	for _, p := range o.Parameters {
		if p.ParamType == "path" {
			args = append(args, fmt.Sprintf("%q", "x-"+p.Name))
		} else {
			hasRest = true
		}
	}
	call := "ctx"
	if len(args) > 0 {
		call += ", " + strings.Join(args, ", ")
	}
	if hasRest {
		var fields []string
		for _, p := range o.Parameters {
			if p.ParamType != "path" {
				fields = append(fields, goName(p.Name)+": "+sampleValue(res, p))
			}
		}
		call += ", " + singular[res] + name + "Params{" + strings.Join(fields, ", ") + "}"
	}
	_, kind := responseType(o.ResponseClass)
	invoke := fmt.Sprintf("c.%s().%s(%s)", handle, name, call)
	if kind == "void" {
		invoke = "return " + invoke
	} else {
		invoke = "_, err := " + invoke + "\n\t\treturn err"
	}
	return fmt.Sprintf("\t{resource: %q, nickname: %q, method: %q, path: %q, call: func(ctx context.Context, c *Client) error {\n\t\t%s\n\t}},\n",
		res, o.Nickname, o.HTTPMethod, path, invoke)
}

func sampleValue(res string, p Param) string {
	switch t := paramGoType(res, p); t {
	case "string":
		return fmt.Sprintf("%q", "v-"+p.Name)
	case "[]string":
		return fmt.Sprintf("[]string{%q, %q}", "a-"+p.Name, "b-"+p.Name)
	case "int", "int64":
		return "7"
	case "bool":
		return "true"
	case "map[string]any":
		return `map[string]any{"K": "v"}`
	case "*EventFilter":
		return `&EventFilter{Disallowed: []EventFilterRule{{Type: "ChannelVarset"}}}`
	case "[]ConfigTuple":
		return `[]ConfigTuple{{Attribute: "a", Value: "b"}}`
	default:
		panic("no sample for " + t)
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// Keep initialisms readable: ID -> id.
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i > 1 && i < len(s) {
		i--
	}
	return strings.ToLower(s[:i]) + s[i:]
}
