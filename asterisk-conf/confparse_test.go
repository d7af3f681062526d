package asteriskconf

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// A small parser for Asterisk's configuration syntax, strict enough to catch
// what Asterisk's own parser would reject or misread: sections
// `[name](options)`, `key = value` / `key => value`, `;` comments (with `\;`
// escapes), `#include`, and templates referenced before use.

type confKV struct {
	Key, Op, Value string
	Line           int
}

type confSection struct {
	Name       string
	IsTemplate bool
	Inherits   []string
	Lines      []confKV
	Line       int
}

type confFile struct {
	Sections []*confSection
	Includes []string
}

var (
	sectionRe = regexp.MustCompile(`^\[([^\[\]]+)\](?:\(([^()]*)\))?$`)
	keyRe     = regexp.MustCompile(`^([A-Za-z0-9_./-]+)\s*(=>|=)\s*(.*)$`)
)

// stripComment removes a `;` comment that is not escaped as `\;`.
func stripComment(line string) (string, error) {
	for i := 0; i < len(line); i++ {
		if line[i] != ';' || (i > 0 && line[i-1] == '\\') {
			continue
		}
		if strings.HasPrefix(line[i:], ";--") {
			return "", fmt.Errorf("block comments are not used in our files")
		}
		return line[:i], nil
	}
	return line, nil
}

func parseConf(data []byte) (*confFile, error) {
	f := &confFile{}
	known := map[string]bool{}
	var cur *confSection
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		raw, err := stripComment(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "#include") || strings.HasPrefix(line, "#tryinclude"):
			f.Includes = append(f.Includes, strings.TrimSpace(strings.SplitN(line, " ", 2)[1]))
		case strings.HasPrefix(line, "["):
			m := sectionRe.FindStringSubmatch(line)
			if m == nil {
				return nil, fmt.Errorf("line %d: bad section header %q", n, line)
			}
			cur = &confSection{Name: m[1], Line: n}
			if m[2] != "" {
				for _, opt := range strings.Split(m[2], ",") {
					opt = strings.TrimSpace(opt)
					switch {
					case opt == "!":
						cur.IsTemplate = true
					case opt == "+":
					case known[opt]:
						cur.Inherits = append(cur.Inherits, opt)
					default:
						return nil, fmt.Errorf("line %d: section %q inherits unknown template %q", n, m[1], opt)
					}
				}
			}
			known[cur.Name] = true
			f.Sections = append(f.Sections, cur)
		default:
			m := keyRe.FindStringSubmatch(line)
			if m == nil {
				return nil, fmt.Errorf("line %d: neither section nor key = value: %q", n, line)
			}
			if cur == nil {
				return nil, fmt.Errorf("line %d: %q outside any section", n, line)
			}
			cur.Lines = append(cur.Lines, confKV{Key: m[1], Op: m[2], Value: strings.TrimSpace(m[3]), Line: n})
		}
	}
	return f, sc.Err()
}

// sections returns every section with that name (PJSIP reuses names across types).
func (f *confFile) sections(name string) []*confSection {
	var out []*confSection
	for _, s := range f.Sections {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// section returns the only section with that name, failing the test otherwise.
func (f *confFile) section(t *testing.T, name string) *confSection {
	t.Helper()
	s := f.sections(name)
	if len(s) != 1 {
		t.Fatalf("want exactly one [%s], found %d", name, len(s))
	}
	return s[0]
}

// values returns every value of key in the section, inherited ones first.
func (f *confFile) values(s *confSection, key string) []string {
	var out []string
	for _, tmpl := range s.Inherits {
		for _, ts := range f.sections(tmpl) {
			if ts.IsTemplate {
				out = append(out, f.values(ts, key)...)
			}
		}
	}
	for _, kv := range s.Lines {
		if kv.Key == key {
			out = append(out, kv.Value)
		}
	}
	return out
}

// value returns the last value of key (what Asterisk uses for single options).
func (f *confFile) value(s *confSection, key string) string {
	v := f.values(s, key)
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func TestParserRejectsWhatAsteriskWouldMisread(t *testing.T) {
	for name, text := range map[string]string{
		"key outside section": "a = b\n",
		"unknown template":    "[x](missing)\na = b\n",
		"bare word":           "[x]\nhello\n",
		"broken header":       "[x\n",
	} {
		if _, err := parseConf([]byte(text)); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
	f, err := parseConf([]byte("[t](!)\na = 1 ; note\n[s](t)\nb => 2\\;3\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := f.section(t, "s")
	if got := f.value(s, "a"); got != "1" {
		t.Errorf("inherited a = %q, want 1", got)
	}
	if got := f.value(s, "b"); got != `2\;3` {
		t.Errorf("escaped semicolon: b = %q", got)
	}
}
