package ari

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// recorded is one request the test server saw.
type recorded struct {
	method, path string
	query        url.Values
	body         []byte
	contentType  string
	user, pass   string
}

// recorder is an httptest server that keeps every request and answers with
// the body set by the returned answer function.
func recorder(t *testing.T) (c *Client, got func() []recorded, answer func(string)) {
	t.Helper()
	var mu sync.Mutex
	var reqs []recorded
	next := "{}"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		u, p, _ := r.BasicAuth()
		mu.Lock()
		reqs = append(reqs, recorded{r.Method, strings.TrimPrefix(r.URL.EscapedPath(), "/ari"), r.URL.Query(), b, r.Header.Get("Content-Type"), u, p})
		body := next
		mu.Unlock()
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c = New(Options{BaseURL: srv.URL + "/ari", Username: "u", Password: "p"})
	got = func() []recorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]recorded(nil), reqs...)
	}
	answer = func(body string) {
		mu.Lock()
		next = body
		mu.Unlock()
	}
	return c, got, answer
}

func TestEveryRESTCallUsesAMethodPathAndParametersOfTheDescription(t *testing.T) {
	spec := loadSpec(t)
	type specOp struct {
		path  string
		query map[string]bool
		body  map[string]string // name -> dataType
		multi map[string]bool
		list  bool
	}
	ops := map[string]specOp{}
	for res, s := range spec {
		for _, a := range s.APIs {
			for _, o := range a.Operations {
				so := specOp{path: a.Path, query: map[string]bool{}, body: map[string]string{}, multi: map[string]bool{},
					list: strings.HasPrefix(o.ResponseClass, "List[")}
				for _, p := range o.Parameters {
					switch p.ParamType {
					case "query":
						so.query[p.Name] = true
						so.multi[p.Name] = p.AllowMultiple
					case "body":
						so.body[p.Name] = p.DataType
					}
				}
				ops[res+"."+o.Nickname+"."+o.HTTPMethod] = so
			}
		}
	}
	c, got, answer := recorder(t)
	ctx := context.Background()
	covered := map[string]bool{}
	for _, op := range allOps {
		key := op.resource + "." + op.nickname + "." + op.method
		so, ok := ops[key]
		if !ok {
			t.Errorf("%s: not in the description", key)
			continue
		}
		covered[key] = true
		answer("{}")
		if so.list {
			answer("[]")
		}
		before := len(got())
		if err := op.call(ctx, c); err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		reqs := got()[before:]
		if len(reqs) != 1 {
			t.Errorf("%s: %d requests", key, len(reqs))
			continue
		}
		r := reqs[0]
		wantPath := so.path
		for strings.Contains(wantPath, "{") {
			i, j := strings.Index(wantPath, "{"), strings.Index(wantPath, "}")
			wantPath = wantPath[:i] + "x-" + wantPath[i+1:j] + wantPath[j+1:]
		}
		if r.method != op.method || r.path != wantPath {
			t.Errorf("%s: sent %s %s, description says %s %s", key, r.method, r.path, op.method, wantPath)
		}
		if r.user != "u" || r.pass != "p" {
			t.Errorf("%s: no basic auth", key)
		}
		for name := range r.query {
			if !so.query[name] {
				t.Errorf("%s: query parameter %q is not in the description", key, name)
			}
		}
		for name := range so.query {
			if _, ok := r.query[name]; !ok {
				t.Errorf("%s: query parameter %q was set but not sent", key, name)
			}
			if so.multi[name] && r.query.Get(name) != "a-"+name+",b-"+name {
				t.Errorf("%s: multi-valued %q sent as %q", key, name, r.query[name])
			}
		}
		checkBody(t, key, r, so.body)
	}
	for key := range ops {
		if !covered[key] && key != "events.eventWebsocket.GET" {
			t.Errorf("%s: the description has it, the client does not", key)
		}
	}
}

// checkBody verifies the JSON body against the description's body parameters:
// a "containers" parameter is a key of the body, an "object" one is the body.
func checkBody(t *testing.T, key string, r recorded, params map[string]string) {
	t.Helper()
	if len(params) == 0 {
		if len(r.body) != 0 {
			t.Errorf("%s: body %s without a body parameter", key, r.body)
		}
		return
	}
	if r.contentType != "application/json" {
		t.Errorf("%s: body content type %q", key, r.contentType)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Errorf("%s: body %q: %v", key, r.body, err)
		return
	}
	for name, dt := range params {
		if dt == "object" {
			if len(body) == 0 {
				t.Errorf("%s: object body %q empty", key, name)
			}
			continue
		}
		if _, ok := body[name]; !ok {
			t.Errorf("%s: body lacks %q: %s", key, name, r.body)
		}
	}
	for name := range body {
		if _, ok := params[name]; !ok && params[firstKey(params)] != "object" {
			t.Errorf("%s: body key %q is not a body parameter", key, name)
		}
	}
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}

func TestEventWebSocketURLUsesTheDescriptionParameters(t *testing.T) {
	spec := loadSpec(t)
	params := map[string]bool{}
	for _, a := range spec["events"].APIs {
		if a.Path != "/events" {
			continue
		}
		for _, o := range a.Operations {
			for _, p := range o.Parameters {
				params[p.Name] = true
			}
		}
	}
	raw, err := eventsURL("http://127.0.0.1:8088/ari", "switchboard")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	if u.Path != "/ari/events" {
		t.Fatalf("path %s", u.Path)
	}
	for name := range u.Query() {
		if !params[name] {
			t.Errorf("query parameter %q is not in the description", name)
		}
	}
	if u.Query().Get("app") != "switchboard" || u.Query().Get("subscribeAll") != "false" {
		t.Errorf("query %s", u.RawQuery)
	}
}
