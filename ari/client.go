package ari

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxConns keeps the connection pool well under Asterisk's http.conf
// sessionlimit (default 100), past which Asterisk closes connections.
const DefaultMaxConns = 50

// IdleConnTimeout is how long the client keeps an idle connection to
// Asterisk: under Asterisk's keep-alive of 15 s (asterisk-conf's http.conf).
const IdleConnTimeout = 10 * time.Second

// Options configure a Client.
type Options struct {
	// BaseURL is ARI's root, e.g. "http://127.0.0.1:8088/ari".
	BaseURL string
	// Username and Password are the ari.conf user.
	Username, Password string
	// Application is the Stasis application, "switchboard" by default.
	Application string
	// HTTPClient, when set, is used as is (MaxConns is then ignored).
	HTTPClient *http.Client
	// MaxConns bounds the connections to Asterisk; DefaultMaxConns if 0.
	MaxConns int
	// Logger receives debug lines for failed calls; slog.Default() if nil.
	Logger *slog.Logger
}

// Client calls ARI's REST interface. It is safe for concurrent use.
type Client struct {
	base string
	user string
	pass string
	app  string
	auth string // the Authorization header, "" without credentials
	http *http.Client
	log  *slog.Logger
}

// New builds a Client; it does not contact Asterisk.
func New(o Options) *Client {
	if o.Application == "" {
		o.Application = "switchboard"
	}
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	hc := o.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxConnsPerHost = o.MaxConns
		tr.MaxIdleConnsPerHost = o.MaxConns
		tr.MaxIdleConns = o.MaxConns
		// Asterisk closes a keep-alive connection idle for 15 s (http.conf
		// session_keep_alive = 15000, asterisk-conf): a POST sent on one as
		// it closes fails with EOF and is not retried. The pool drops idle
		// connections first.
		tr.IdleConnTimeout = IdleConnTimeout
		hc = &http.Client{Transport: tr}
	}
	c := &Client{
		base: strings.TrimRight(o.BaseURL, "/"),
		user: o.Username,
		pass: o.Password,
		app:  o.Application,
		http: hc,
		log:  o.Logger,
	}
	if c.user != "" || c.pass != "" {
		c.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(c.user+":"+c.pass))
	}
	return c
}

// Close releases idle connections to Asterisk.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Application names the client's Stasis application.
func (c *Client) Application() string { return c.app }

// do performs one call. out may be nil, a *[]byte (raw body) or a pointer to
// decode the JSON answer into.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body any, out any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("ari: %s %s: encode body: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("ari: %s %s: %w", method, path, err)
	}
	if c.auth != "" {
		req.Header["Authorization"] = []string{c.auth}
	}
	if body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("ari: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := readBody(resp)
	if err != nil {
		return fmt.Errorf("ari: %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &Error{Status: resp.StatusCode, Method: method, Path: path, Message: errorMessage(data, resp.Status)}
		c.log.DebugContext(ctx, "ari call failed", "method", method, "path", path, "status", e.Status, "message", e.Message)
		return e
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = data
		return nil
	default:
		if len(data) == 0 {
			return nil
		}
		if err := unmarshal(data, out); err != nil {
			return fmt.Errorf("ari: %s %s: decode answer: %w", method, path, err)
		}
		return nil
	}
}

// readBody reads an answer in one allocation of its announced length
// (io.ReadAll grows from 512 bytes, copying, for every answer).
func readBody(resp *http.Response) ([]byte, error) {
	n := resp.ContentLength
	if n < 0 || n > 1<<20 {
		return io.ReadAll(resp.Body)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, data); err != nil {
		return nil, err
	}
	return data, nil
}

// errorMessage pulls Asterisk's text out of an error body: {"message": …}
// from the REST layer, {"error": …} from a few handlers.
func errorMessage(data []byte, status string) string {
	var m struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(data, &m) == nil {
		if m.Message != "" {
			return m.Message
		}
		if m.Error != "" {
			return m.Error
		}
	}
	if s := strings.TrimSpace(string(data)); s != "" && len(s) < 200 {
		return s
	}
	return status
}

func setString(q url.Values, name, v string, required bool) {
	if v != "" || required {
		q.Set(name, v)
	}
}

// setStrings sends a multi-valued parameter the way Asterisk reads it: one
// comma-separated value.
func setStrings(q url.Values, name string, v []string, required bool) {
	if len(v) > 0 || required {
		q.Set(name, strings.Join(v, ","))
	}
}

func setInt(q url.Values, name string, v int, required bool) {
	if v != 0 || required {
		q.Set(name, strconv.Itoa(v))
	}
}

func setInt64(q url.Values, name string, v int64, required bool) {
	if v != 0 || required {
		q.Set(name, strconv.FormatInt(v, 10))
	}
}

func setBool(q url.Values, name string, v, required bool) {
	if v || required {
		q.Set(name, strconv.FormatBool(v))
	}
}

// bodyField wraps a container parameter as {"name": v}, or nothing when v
// is empty.
func bodyField[T any](name string, v T) any {
	if isEmpty(v) {
		return nil
	}
	return map[string]any{name: v}
}

// bodyObject sends v itself as the body, or nothing when v is nil.
func bodyObject[T any](v *T) any {
	if v == nil {
		return nil
	}
	return v
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return len(x) == 0
	case []ConfigTuple:
		return x == nil
	}
	return v == nil
}
