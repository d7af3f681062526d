package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Spec is the part of one Swagger 1.2 resource file the generator reads.
type Spec struct {
	ResourcePath string           `json:"resourcePath"`
	APIs         []API            `json:"apis"`
	Models       map[string]Model `json:"models"`
	file         string
}

// API is one path with its operations.
type API struct {
	Path       string      `json:"path"`
	Operations []Operation `json:"operations"`
}

// Operation is one HTTP method on a path.
type Operation struct {
	HTTPMethod    string  `json:"httpMethod"`
	Summary       string  `json:"summary"`
	Nickname      string  `json:"nickname"`
	ResponseClass string  `json:"responseClass"`
	Upgrade       string  `json:"upgrade"`
	Parameters    []Param `json:"parameters"`
}

// Param is one operation parameter.
type Param struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	ParamType     string `json:"paramType"`
	Required      bool   `json:"required"`
	AllowMultiple bool   `json:"allowMultiple"`
	DataType      string `json:"dataType"`
	// AllowableValues restricts the parameter, e.g. a LIST of values.
	AllowableValues *struct {
		ValueType string   `json:"valueType"`
		Values    []string `json:"values"`
	} `json:"allowableValues"`
}

// Model is one model definition.
type Model struct {
	ID          string              `json:"id"`
	Description string              `json:"description"`
	Properties  map[string]Property `json:"properties"`
	SubTypes    []string            `json:"subTypes"`
}

// Property is one model property.
type Property struct {
	Type        string `json:"type"`
	Required    *bool  `json:"required"`
	Description string `json:"description"`
}

func loadSpecs(dir string) ([]*Spec, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []*Spec
	for _, f := range files {
		if filepath.Base(f) == "resources.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s := &Spec{file: strings.TrimSuffix(filepath.Base(f), ".json")}
		if err := json.Unmarshal(b, s); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "uri": "URI", "url": "URL", "dtmf": "DTMF", "json": "JSON",
	"rtp": "RTP", "sip": "SIP", "tcp": "TCP", "udp": "UDP", "ms": "Ms", "usec": "Usec", "moh": "MOH", "api": "API",
}

var fieldOverrides = map[string]string{
	"tenantid": "TenantID", "accountcode": "AccountCode", "creationtime": "CreationTime",
	"channelvars": "ChannelVars", "bridgevars": "BridgeVars", "eventname": "EventName",
	"userevent": "UserEvent", "musicclass": "MusicClass", "caller_rdnis": "CallerRDNIS",
	"setid": "SetID", "absorbDTMF": "AbsorbDTMF", "sendDTMF": "SendDTMF",
	"offsetms": "OffsetMs", "skipms": "SkipMs", "mohClass": "MOHClass",
}

// goName turns snake_case or camelCase into an exported Go identifier.
func goName(s string) string {
	if o, ok := fieldOverrides[s]; ok {
		return o
	}
	var parts []string
	cur := ""
	for i, r := range s {
		switch {
		case r == '_' || r == '-':
			if cur != "" {
				parts = append(parts, cur)
			}
			cur = ""
		case r >= 'A' && r <= 'Z' && i > 0 && cur != "" && !(s[i-1] >= 'A' && s[i-1] <= 'Z'):
			parts = append(parts, cur)
			cur = string(r)
		default:
			cur += string(r)
		}
	}
	if cur != "" {
		parts = append(parts, cur)
	}
	var b strings.Builder
	for _, p := range parts {
		if in, ok := initialisms[strings.ToLower(p)]; ok {
			b.WriteString(in)
			continue
		}
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}

// comment wraps a description as a Go comment with the given prefix.
func comment(indent, text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return ""
	}
	var b strings.Builder
	line := indent + "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 90 && line != indent+"//" {
			b.WriteString(line + "\n")
			line = indent + "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String()
}
