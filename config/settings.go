package config

import (
	"encoding"
	"errors"
	"flag"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// setting is one leaf of Config, addressed by its dotted YAML key.
type setting struct {
	key   string // "http.port"
	env   string // "SWITCHBOARD_HTTP_PORT"
	index []int  // field index path in Config
	typ   reflect.Type
}

var (
	settingsOnce sync.Once
	allSettings  []setting
	allSections  map[string]bool
)

// settings lists every leaf setting of Config in declaration order.
func settings() []setting {
	settingsOnce.Do(func() {
		allSections = make(map[string]bool)
		walk(reflect.TypeFor[Config](), "", nil)
	})
	return allSettings
}

func settingsByKey() map[string]setting {
	m := make(map[string]setting)
	for _, s := range settings() {
		m[s.key] = s
	}
	return m
}

func sectionKeys() map[string]bool {
	settings()
	return allSections
}

var (
	rangeType    = reflect.TypeFor[Range]()
	durationType = reflect.TypeFor[time.Duration]()
)

func walk(t reflect.Type, prefix string, index []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		idx := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct && f.Type != rangeType {
			allSections[key] = true
			walk(f.Type, key, idx)
			continue
		}
		allSettings = append(allSettings, setting{
			key:   key,
			env:   EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_")),
			index: idx,
			typ:   f.Type,
		})
	}
}

// set parses the string form of the setting (environment variable or
// flag) into cfg.
func (s setting) set(cfg *Config, raw string) error {
	v := reflect.ValueOf(cfg).Elem().FieldByIndex(s.index)
	return parseInto(v, raw)
}

func parseInto(v reflect.Value, raw string) error {
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(raw))
	}
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not a duration like 15s", raw)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(raw)
	case v.Kind() == reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not a whole number", raw)
		}
		v.SetInt(int64(n))
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		var items []string
		for item := range strings.SplitSeq(raw, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported setting type %s", v.Type())
	}
	return nil
}

// format writes the setting's value in cfg the way flags and environment
// variables spell it.
func (s setting) format(cfg *Config) string {
	v := reflect.ValueOf(cfg).Elem().FieldByIndex(s.index)
	if m, ok := v.Interface().(encoding.TextMarshaler); ok {
		b, _ := m.MarshalText()
		return string(b)
	}
	if v.Kind() == reflect.Slice {
		items := make([]string, v.Len())
		for i := range items {
			items[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return strings.Join(items, ",")
	}
	if v.IsZero() {
		return ""
	}
	return fmt.Sprint(v.Interface())
}

// checkYAML decodes a YAML value into a scratch value of the setting's
// type, reporting a readable error when it does not fit.
func (s setting) checkYAML(n *yaml.Node) error {
	p := reflect.New(s.typ)
	err := n.Decode(p.Interface())
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%q does not fit (want %s)", n.Value, describe(s.typ))
	}
	return err
}

func describe(t reflect.Type) string {
	switch {
	case t == rangeType:
		return "a range like 100-899"
	case t == durationType:
		return "a duration like 15s"
	case t.Kind() == reflect.Int:
		return "a whole number"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Slice:
		return "a list"
	default:
		return "text"
	}
}

// Flags are configuration settings given on the command line, one flag per
// setting named by its dotted key (-http.port 9443), plus -config FILE.
type Flags struct {
	// ConfigFile is the -config flag: the YAML file to read.
	ConfigFile string
	values     map[string]string
	order      []string
}

// RegisterFlags adds -config and one flag per setting to fs. Values are
// parsed and checked by Load, after the file and the environment.
func RegisterFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{values: make(map[string]string)}
	fs.StringVar(&f.ConfigFile, "config", "", "YAML configuration `file` (default $"+EnvConfigFile+" or ./"+DefaultFile+" when present)")
	def := Default()
	for _, s := range settings() {
		usage := "sets " + s.key + " (env " + s.env
		if d := s.format(&def); d != "" {
			usage += "; default " + d
		}
		fs.Func(s.key, usage+")", func(v string) error {
			if _, seen := f.values[s.key]; !seen {
				f.order = append(f.order, s.key)
			}
			f.values[s.key] = v
			return nil
		})
	}
	return f
}

func (f *Flags) apply(cfg *Config) error {
	known := settingsByKey()
	for _, key := range f.order {
		raw := f.values[key]
		if err := known[key].set(cfg, raw); err != nil {
			return invalid(key, "-%s %q: %v", key, raw, err)
		}
	}
	return nil
}
