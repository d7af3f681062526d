package asteriskconf

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"
)

// ErrRender wraps failures to execute a template or write a file.
var ErrRender = errors.New("asteriskconf: render failed")

// FileMode and DirMode are the permissions of what Render writes: the files
// hold the ARI, AMI and trunk secrets.
const (
	FileMode fs.FileMode = 0o600
	DirMode  fs.FileMode = 0o700
)

//go:embed templates/*.conf.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("asterisk").
	Option("missingkey=error").
	Funcs(template.FuncMap{
		"ms":   func(d time.Duration) int64 { return d.Milliseconds() },
		"join": strings.Join,
		"dict": dict,
	}).
	ParseFS(templateFS, "templates/*.conf.tmpl"))

// Files lists the configuration files Render writes, sorted.
func Files() []string {
	var names []string
	for _, t := range templates.Templates() {
		if n, ok := strings.CutSuffix(t.Name(), ".tmpl"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// countryView is one tone set as the indications template sees it.
type countryView struct {
	Code string
	toneSet
}

// view is what every template is executed with.
type view struct {
	P         Params
	Modules   []Module
	Countries []countryView
	Fax       bool
}

// RenderFiles returns every configuration file's content, by file name,
// after validating p.
func RenderFiles(p Params) (map[string][]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	v := view{P: p, Modules: p.Modules(), Fax: p.Fax}
	for _, c := range countries() {
		v.Countries = append(v.Countries, countryView{Code: c, toneSet: countryTones[c]})
	}
	out := make(map[string][]byte)
	for _, name := range Files() {
		var buf bytes.Buffer
		if err := templates.ExecuteTemplate(&buf, name+".tmpl", v); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrRender, name, err)
		}
		out[name] = buf.Bytes()
	}
	return out, nil
}

// Render validates p and writes every configuration file into dir (created
// with DirMode if needed), each with FileMode, replacing older copies.
func Render(p Params, dir string) error {
	files, err := RenderFiles(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return fmt.Errorf("%w: %w", ErrRender, err)
	}
	if err := os.Chmod(dir, DirMode); err != nil {
		return fmt.Errorf("%w: %w", ErrRender, err)
	}
	for _, name := range Files() {
		if err := writeFile(filepath.Join(dir, path.Base(name)), files[name]); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes through a temporary file so that Asterisk never reads a
// half-written file on reload, and so the final file never had wider rights.
func writeFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRender, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(FileMode); err != nil {
		tmp.Close()
		return fmt.Errorf("%w: %w", ErrRender, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("%w: %s: %w", ErrRender, name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrRender, name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("%w: %w", ErrRender, err)
	}
	return nil
}

// dict builds a map from alternating keys and values, for sub-templates.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("%w: dict needs key/value pairs", ErrRender)
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("%w: dict key %v is not a string", ErrRender, kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
