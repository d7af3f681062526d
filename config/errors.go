package config

import (
	"errors"
	"fmt"
)

// ErrInvalid is the sentinel every configuration problem wraps; test with
// errors.Is. The message itself names the setting.
var ErrInvalid = errors.New("invalid configuration")

// SettingError is one invalid setting. Its message reads
// "config: http.port: 70000 is not a port (1-65535)".
type SettingError struct {
	// Key is the setting's dotted YAML path, e.g. "http.port".
	Key string
	// Problem says what is wrong with the value.
	Problem string
}

// Error implements error.
func (e *SettingError) Error() string { return "config: " + e.Key + ": " + e.Problem }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *SettingError) Unwrap() error { return ErrInvalid }

func invalid(key, format string, args ...any) error {
	return &SettingError{Key: key, Problem: fmt.Sprintf(format, args...)}
}
