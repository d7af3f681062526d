package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EnvPrefix starts every environment variable Load reads:
// SWITCHBOARD_<SECTION>_<KEY>, e.g. SWITCHBOARD_HTTP_PORT.
const EnvPrefix = "SWITCHBOARD_"

// EnvConfigFile names the configuration file when no -config flag is given.
const EnvConfigFile = EnvPrefix + "CONFIG"

// DefaultFile is read when present and neither -config nor
// SWITCHBOARD_CONFIG names another file.
const DefaultFile = "switchboard.yaml"

// Sources says where Load reads the configuration from, lowest precedence
// first: defaults, the YAML file, the environment, the flags.
type Sources struct {
	// File is the YAML file; "" means the flag, SWITCHBOARD_CONFIG, or
	// DefaultFile when it exists.
	File string
	// Environ is the environment as os.Environ returns it; nil reads none.
	Environ []string
	// Flags holds settings given on the command line; nil reads none.
	Flags *Flags
}

// Load builds the configuration from defaults, file, environment and flags,
// fills derived defaults (the SQLite file under DataDir) and validates the
// result. It writes nothing; Prepare does that. Every error wraps ErrInvalid
// and names the setting or file at fault.
func Load(src Sources) (Config, error) {
	cfg := Default()
	env := envMap(src.Environ)
	path, required := src.File, src.File != ""
	if !required && src.Flags != nil && src.Flags.ConfigFile != "" {
		path, required = src.Flags.ConfigFile, true
	}
	if !required && env[EnvConfigFile] != "" {
		path, required = env[EnvConfigFile], true
	}
	if !required {
		if _, err := os.Stat(DefaultFile); err == nil {
			path = DefaultFile
		}
	}
	if path != "" {
		if err := loadFile(path, &cfg); err != nil {
			return Config{}, err
		}
	}
	for _, s := range settings() {
		if v, ok := env[s.env]; ok {
			if err := s.set(&cfg, v); err != nil {
				return Config{}, invalid(s.key, "%s=%q: %v", s.env, v, err)
			}
		}
	}
	if src.Flags != nil {
		if err := src.Flags.apply(&cfg); err != nil {
			return Config{}, err
		}
	}
	cfg.fillDerived()
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// fillDerived sets defaults that depend on other settings.
func (c *Config) fillDerived() {
	if c.Database.Driver == DriverSQLite && c.Database.DSN == "" {
		c.Database.DSN = filepath.Join(c.DataDir, DefaultSQLiteFile)
	}
}

// loadFile decodes the YAML file at path over cfg, refusing unknown keys.
func loadFile(path string, cfg *Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return &SettingError{Key: path, Problem: fmt.Sprintf("cannot read configuration file: %v", errors.Unwrap(err))}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return &SettingError{Key: path, Problem: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(root.Content) == 0 {
		return nil // empty or only comments
	}
	if err := checkNode(path, root.Content[0], ""); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return &SettingError{Key: path, Problem: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	return nil
}

// checkNode walks the YAML tree against the known settings so that an
// unknown key or a badly typed value is reported by its dotted name.
func checkNode(path string, n *yaml.Node, prefix string) error {
	if n.Kind != yaml.MappingNode {
		name := prefix
		if name == "" {
			name = path
		}
		return &SettingError{Key: name, Problem: fmt.Sprintf("line %d: expected a section of settings", n.Line)}
	}
	known := settingsByKey()
	sections := sectionKeys()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if prefix != "" {
			key = prefix + "." + k.Value
		}
		if sections[key] {
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				continue
			}
			if err := checkNode(path, v, key); err != nil {
				return err
			}
			continue
		}
		s, ok := known[key]
		if !ok {
			return &SettingError{Key: key, Problem: fmt.Sprintf("unknown setting (%s line %d)", path, k.Line)}
		}
		if err := s.checkYAML(v); err != nil {
			return &SettingError{Key: key, Problem: fmt.Sprintf("%v (%s line %d)", err, path, v.Line)}
		}
	}
	return nil
}

func envMap(environ []string) map[string]string {
	m := make(map[string]string)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, EnvPrefix) {
			m[k] = v
		}
	}
	return m
}
