package ari

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorStatusesMatchTheirSentinels(t *testing.T) {
	cases := []struct {
		status int
		msg    string
		want   error
		not    []error
	}{
		{404, "Channel not found", ErrNotFound, []error{ErrConflict, ErrServer}},
		{409, "Bridge with id 'b1' already exists", ErrConflict, []error{ErrNotFound}},
		{400, "bad", ErrInvalid, nil},
		{422, "Event source not found", ErrInvalid, nil},
		{403, "Could not create or update object", ErrForbidden, nil},
		{401, "", ErrUnauthorized, nil},
		{500, "Allocation failed", ErrUnavailable, nil},
		{500, "Internal Server Error", ErrServer, []error{ErrUnavailable}},
	}
	for _, c := range cases {
		var err error = &Error{Status: c.status, Message: c.msg, Method: "POST", Path: "/x"}
		wrapped := fmt.Errorf("call: %w", err)
		if !errors.Is(wrapped, c.want) {
			t.Errorf("%d %q does not match %v", c.status, c.msg, c.want)
		}
		for _, n := range c.not {
			if errors.Is(wrapped, n) {
				t.Errorf("%d %q wrongly matches %v", c.status, c.msg, n)
			}
		}
		var e *Error
		if !errors.As(wrapped, &e) || e.Status != c.status {
			t.Errorf("errors.As lost the status of %d", c.status)
		}
	}
}

func TestErrorMessageReadsBothAsteriskErrorShapes(t *testing.T) {
	if m := errorMessage([]byte(`{"message":"Channel not found"}`), "404"); m != "Channel not found" {
		t.Errorf("message shape: %q", m)
	}
	if m := errorMessage([]byte(`{"error":"Allocation failed"}`), "500"); m != "Allocation failed" {
		t.Errorf("error shape: %q", m)
	}
	if m := errorMessage(nil, "503 Service Unavailable"); m != "503 Service Unavailable" {
		t.Errorf("empty body: %q", m)
	}
}
